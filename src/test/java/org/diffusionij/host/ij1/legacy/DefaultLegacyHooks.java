package org.diffusionij.host.ij1.legacy;

/** Stand-in for imagej-legacy's {@code net.imagej.legacy.DefaultLegacyHooks}, the value of {@code ij.IJ._hooks}. */
public final class DefaultLegacyHooks {}
