package org.diffusionij.host.ij1;

import ij.gui.GenericDialog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffusionij.host.CommandInputs;
import org.scijava.module.ModuleItem;

/**
 * ImageJ 1's dialog for a command run from the menu: one field per macro key, labelled with the key itself,
 * so that ImageJ's Recorder writes exactly the {@code key=value} line that macros and the launcher parse.
 * A choice's description (its {@code @Parameter} description, what Fiji shows as a tooltip) is shown under it,
 * so the meaning of each choice is visible. True/false keys are a true/false choice rather than a checkbox: a checkbox records a bare flag when ticked
 * and nothing when not, which Fiji would read differently; a choice records {@code key=true} or
 * {@code key=false} for both.
 */
final class InputDialog {

	private InputDialog() {}

	/** Shows the dialog; returns the values as macro text by key, or null when the user cancelled. */
	static Map<String, String> show(String title, List<ModuleItem<?>> keys, Map<String, Object> defaults) {
		GenericDialog gd = new GenericDialog(title);
		for (ModuleItem<?> key : keys) {
			Object value = defaults.get(key.getName());
			String text = value == null ? "" : value.toString();
			switch (kind(key)) {
				case CHOICE:
					String[] items = CommandInputs.choices(key).stream().map(Object::toString).toArray(String[]::new);
					gd.addChoice(key.getName(), items, text);
					if (key.getDescription() != null && !key.getDescription().isEmpty()) gd.addMessage(key.getDescription());
					break;
				case BOOLEAN:
					gd.addChoice(key.getName(), new String[] { "true", "false" }, text.isEmpty() ? "false" : text);
					break;
				case WHOLE:
					gd.addNumericField(key.getName(), value == null ? 0 : ((Number) value).doubleValue(), 0);
					break;
				case NUMBER:
					gd.addStringField(key.getName(), text, 10);
					break;
				default:
					gd.addStringField(key.getName(), text, 30);
			}
		}
		gd.showDialog();
		if (gd.wasCanceled()) return null;
		Map<String, String> values = new LinkedHashMap<>();
		for (ModuleItem<?> key : keys) {
			Kind kind = kind(key);
			String text;
			if (kind == Kind.CHOICE || kind == Kind.BOOLEAN) text = gd.getNextChoice();
			else if (kind == Kind.WHOLE) text = Long.toString(Math.round(gd.getNextNumber()));
			else text = gd.getNextString();
			values.put(key.getName(), text);
		}
		return values;
	}

	private enum Kind {
		CHOICE, BOOLEAN, WHOLE, NUMBER, TEXT
	}

	private static Kind kind(ModuleItem<?> key) {
		String type = CommandInputs.typeName(key);
		if (!CommandInputs.choices(key).isEmpty()) return Kind.CHOICE;
		if (type.equals("true/false")) return Kind.BOOLEAN;
		if (type.equals("whole number")) return Kind.WHOLE;
		if (type.equals("number")) return Kind.NUMBER;
		return Kind.TEXT;
	}
}
