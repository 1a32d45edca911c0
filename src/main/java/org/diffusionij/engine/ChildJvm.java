package org.diffusionij.engine;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of a child JVM that runs a class of this plugin: the same java, the same jars. In Fiji and
 * ImageJ 1 the plugin's jars are not all on {@code java.class.path} (plugins come through ImageJ's own class
 * loader), so the class path is the JVM's plus every URL of the class loaders that loaded the plugin and the
 * jars of the given anchor classes.
 */
public final class ChildJvm {

	private ChildJvm() {}

	/** The java executable of this JVM. */
	public static String java() {
		return ProcessHandle.current().info().command().orElse(Paths.get(System.getProperty("java.home"), "bin",
			"java").toString());
	}

	/** {@code java [jvmOptions] -cp classPath mainClass [args]}. */
	public static List<String> command(String java, List<String> jvmOptions, String classPath, String mainClass,
		String... args)
	{
		List<String> cmd = new ArrayList<>();
		cmd.add(java);
		cmd.addAll(jvmOptions);
		cmd.add("-cp");
		cmd.add(classPath);
		cmd.add(mainClass);
		cmd.addAll(Arrays.asList(args));
		return cmd;
	}

	/** This JVM's class path plus the plugin's class loaders' URLs and the anchors' jars, without duplicates. */
	public static String classPath(Class<?>... anchors) {
		Set<String> entries = new LinkedHashSet<>();
		for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
			if (!e.isEmpty()) entries.add(e);
		}
		List<Class<?>> all = new ArrayList<>(Arrays.asList(anchors));
		all.add(ChildJvm.class);
		all.add(ai.djl.engine.Engine.class);
		all.add(com.sun.jna.Native.class);
		for (Class<?> c : all) {
			for (ClassLoader l = c.getClassLoader(); l != null; l = l.getParent()) {
				if (l instanceof URLClassLoader) {
					for (URL u : ((URLClassLoader) l).getURLs()) add(entries, u);
				}
			}
			CodeSource source = c.getProtectionDomain().getCodeSource();
			if (source != null) add(entries, source.getLocation());
		}
		return String.join(File.pathSeparator, entries);
	}

	private static void add(Set<String> entries, URL url) {
		if (url == null || !"file".equals(url.getProtocol())) return;
		try {
			entries.add(Paths.get(url.toURI()).toString());
		}
		catch (URISyntaxException | IllegalArgumentException e) {
			// not a local file: the child cannot use it anyway
		}
	}
}
