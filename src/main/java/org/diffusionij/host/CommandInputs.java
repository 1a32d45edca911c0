package org.diffusionij.host;

import ij.ImagePlus;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.scijava.Context;
import org.scijava.ItemVisibility;
import org.scijava.module.ModuleInfo;
import org.scijava.module.ModuleItem;
import org.scijava.service.Service;

/**
 * The macro keys of a command: its {@code @Parameter} inputs that a user sets (not services, not the image),
 * and the conversion of their macro text to the field's type. The launcher, the ImageJ 1 entries and the
 * listing all go through here, so one macro line means the same everywhere.
 */
public final class CommandInputs {

	private CommandInputs() {}

	/** The inputs a macro line sets, in declaration order. */
	public static List<ModuleItem<?>> keys(ModuleInfo info) {
		List<ModuleItem<?>> keys = new ArrayList<>();
		for (ModuleItem<?> item : info.inputs()) {
			Class<?> type = item.getType();
			if (Service.class.isAssignableFrom(type) || Context.class.isAssignableFrom(type)) continue;
			if (ImagePlus.class.isAssignableFrom(type)) continue;
			if (item.getVisibility() == ItemVisibility.MESSAGE) continue;
			keys.add(item);
		}
		return keys;
	}

	/** The command's ImagePlus input, or null when it takes no image. */
	public static ModuleItem<?> imageInput(ModuleInfo info) {
		for (ModuleItem<?> item : info.inputs()) {
			if (ImagePlus.class.isAssignableFrom(item.getType())) return item;
		}
		return null;
	}

	/** The command's ImagePlus output, or null when it returns no image. */
	public static ModuleItem<?> imageOutput(ModuleInfo info) {
		for (ModuleItem<?> item : info.outputs()) {
			if (ImagePlus.class.isAssignableFrom(item.getType())) return item;
		}
		return null;
	}

	/** The allowed values of a key with {@code @Parameter(choices = ...)}, else an empty list. */
	public static List<?> choices(ModuleItem<?> item) {
		List<?> choices = item.getChoices();
		return choices == null ? Collections.emptyList() : choices;
	}

	/** A short name of the key's type for listings: number, whole number, true/false, text, file or a choice. */
	public static String typeName(ModuleItem<?> item) {
		Class<?> t = box(item.getType());
		if (!choices(item).isEmpty()) return "one of " + choices(item);
		if (t == Integer.class || t == Long.class || t == Short.class || t == Byte.class) return "whole number";
		if (t == Double.class || t == Float.class) return "number";
		if (t == Boolean.class) return "true/false";
		if (t == File.class) return "file";
		return "text";
	}

	/**
	 * Converts the macro text of a key to the input's type.
	 *
	 * @throws IllegalArgumentException naming the key and what was expected
	 */
	public static Object convert(ModuleItem<?> item, String text) {
		Class<?> t = box(item.getType());
		String key = item.getName();
		String s = text.trim();
		try {
			if (!choices(item).isEmpty() && !choices(item).contains(text)) {
				throw new IllegalArgumentException(key + "=" + text + " is not one of " + choices(item));
			}
			if (t == String.class) return text;
			if (t == File.class) return new File(text);
			if (t == Integer.class) return Integer.valueOf(wholeNumber(s));
			if (t == Long.class) return Long.valueOf(wholeNumber(s));
			if (t == Short.class) return Short.valueOf(wholeNumber(s));
			if (t == Byte.class) return Byte.valueOf(wholeNumber(s));
			if (t == Double.class) return Double.valueOf(s);
			if (t == Float.class) return Float.valueOf(s);
			if (t == Boolean.class) return Boolean.valueOf(bool(key, s));
		}
		catch (NumberFormatException e) {
			throw new IllegalArgumentException(key + "=" + text + " is not a " + typeName(item));
		}
		throw new IllegalArgumentException("The key '" + key + "' has a type (" + t.getSimpleName() +
			") that macro options cannot set.");
	}

	/** Accepts "50" and, as ImageJ's dialogs record whole numbers typed with decimals, "50.0". */
	private static String wholeNumber(String s) {
		return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
	}

	private static boolean bool(String key, String s) {
		String v = s.toLowerCase(Locale.ROOT);
		if (v.equals("true")) return true;
		if (v.equals("false")) return false;
		throw new IllegalArgumentException(key + "=" + s + " is not true or false");
	}

	private static Class<?> box(Class<?> t) {
		if (t == int.class) return Integer.class;
		if (t == long.class) return Long.class;
		if (t == short.class) return Short.class;
		if (t == byte.class) return Byte.class;
		if (t == double.class) return Double.class;
		if (t == float.class) return Float.class;
		if (t == boolean.class) return Boolean.class;
		return t;
	}
}
