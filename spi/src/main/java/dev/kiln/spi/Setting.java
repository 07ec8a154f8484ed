package dev.kiln.spi;

import java.util.Map;
import java.util.Objects;

/**
 * One {@code kiln.*} setting: the system property that sets it, its default and what it means.
 * Each setting is declared once, as a constant: Kiln's own in {@link Settings}, a backend's by its
 * {@link BackendProvider#settings()} (named {@code kiln.<backend>.*}, cpu-simd's {@code kiln.cpu.*}). The README's
 * {@code ## Settings} table lists every one, and a test keeps the two in step.
 *
 * <p>A backend reads its settings from the options map {@link BackendProvider#open} receives, with
 * {@link #in}, {@link #booleanIn} or {@link #intIn}; everyone else reads the process's value with
 * {@link #value()} and friends, which {@link Settings} reads from the system properties once.
 *
 * @param name the system property, {@code kiln.} and lower-case words separated by dots
 * @param defaultValue the value when the property is not set; {@code null} when the default is
 *     computed (then {@code meaning} says how)
 * @param meaning one line saying what the setting changes
 */
public record Setting(String name, String defaultValue, String meaning) {
    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(meaning, "meaning");
        if (!name.matches("kiln(\\.[a-z0-9][a-z0-9-]*)+")) {
            throw new IllegalArgumentException("a setting's name is kiln.<words>, lower case: " + name);
        }
        if (meaning.isBlank()) {
            throw new IllegalArgumentException("setting " + name + " needs a meaning");
        }
    }

    /** Declares a setting; the same as the constructor, for constants. */
    public static Setting of(String name, String defaultValue, String meaning) {
        return new Setting(name, defaultValue, meaning);
    }

    /** The value in {@code options} (stripped), else the default (which may be null). */
    public String in(Map<String, String> options) {
        String v = options.get(name);
        return v == null ? defaultValue : v.strip();
    }

    /**
     * The value in {@code options} as a boolean: {@code true} or {@code false} in any case; anything
     * else, or nothing, gives the default.
     */
    public boolean booleanIn(Map<String, String> options) {
        return parseBoolean(in(options), Boolean.parseBoolean(defaultValue));
    }

    /** The value in {@code options} as an int; a missing or unparsable value gives {@code fallback}. */
    public int intIn(Map<String, String> options, int fallback) {
        return parseInt(in(options), fallback);
    }

    /** The process's value: the system property, read once by {@link Settings}, else the default. */
    public String value() {
        return Settings.value(this);
    }

    /** {@link #value()} as a boolean, read as {@link #booleanIn} reads it. */
    public boolean booleanValue() {
        return parseBoolean(value(), Boolean.parseBoolean(defaultValue));
    }

    /** {@link #value()} as an int; a missing or unparsable value gives {@code fallback}. */
    public int intValue(int fallback) {
        return parseInt(value(), fallback);
    }

    /** {@link #value()} as a long; a missing or unparsable value gives {@code fallback}. */
    public long longValue(long fallback) {
        String v = value();
        if (v != null) {
            try {
                return Long.parseLong(v.strip());
            } catch (NumberFormatException e) {
                // fall through to the fallback, as Long.getLong does
            }
        }
        return fallback;
    }

    private static boolean parseBoolean(String v, boolean otherwise) {
        if (v != null) {
            String s = v.strip();
            if (s.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.equalsIgnoreCase("false")) {
                return false;
            }
        }
        return otherwise;
    }

    private static int parseInt(String v, int fallback) {
        if (v != null) {
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                // fall through to the fallback, as Integer.getInteger does
            }
        }
        return fallback;
    }
}
