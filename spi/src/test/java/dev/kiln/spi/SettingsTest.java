package dev.kiln.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the {@code kiln.*} settings in one place: every setting declared in the main sources of any
 * module ({@code Setting.of("kiln.…", default, meaning)}) has a row with the same default in the
 * README's {@code ## Settings} table and every row there is declared; and no main source reads a
 * system property by itself except {@link Settings}, other than the JVM's own ({@code java.home}
 * and such) or the benchmark tool's ({@code bench.*}).
 */
class SettingsTest {
    /** {@code Setting.of("name", "default" | null, …} or {@code new Setting(…}, across lines. */
    private static final Pattern DECLARATION =
            Pattern.compile("(?:Setting\\.of|new\\s+Setting)\\(\\s*\"([^\"]+)\"\\s*,\\s*(null|\"([^\"]*)\")");

    /** A property read by the JDK's own methods; group 1 is the argument's first token. */
    private static final Pattern READ =
            Pattern.compile("(?:System\\.getProperty|System\\.getProperties|Boolean\\.getBoolean|Integer\\.getInteger"
                    + "|Long\\.getLong|System\\.getenv)\\s*\\(\\s*(\"[^\"]*\"|[^,)\\s]*)");

    @Test
    void everyDeclaredSettingIsInTheReadmeTableAndNothingElseIs() {
        Map<String, String> declared = declaredSettings();
        Map<String, String> table = readmeTable();
        assertTrue(
                declared.keySet()
                        .containsAll(Settings.core().stream().map(Setting::name).toList()),
                "the source scan missed Kiln's own settings: " + declared.keySet());
        List<String> problems = new ArrayList<>();
        declared.forEach((name, dflt) -> {
            if (!table.containsKey(name)) {
                problems.add(name + " is declared but has no row in README.md's ## Settings table");
            } else if (!table.get(name).equals(dflt == null ? "unset" : "`" + dflt + "`")) {
                problems.add(name + " defaults to " + (dflt == null ? "unset (null)" : "`" + dflt + "`")
                        + " but README.md says " + table.get(name));
            }
        });
        table.keySet().stream()
                .filter(n -> !declared.containsKey(n))
                .forEach(n -> problems.add(n + " is in README.md's settings table but declared nowhere"));
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    @Test
    void onlySettingsReadsKilnProperties() {
        List<String> offenders = new ArrayList<>();
        for (Path file : mainSources()) {
            if (file.endsWith(Path.of("dev", "kiln", "spi", "Settings.java"))) {
                continue;
            }
            String text = read(file);
            Matcher m = READ.matcher(text);
            while (m.find()) {
                String arg = m.group(1);
                boolean foreign = arg.startsWith("\"") && !arg.startsWith("\"kiln.") && !arg.startsWith("\"KILN");
                if (!foreign) {
                    int line = (int) text.substring(0, m.start()).lines().count();
                    offenders.add(root().relativize(file) + ":" + line + ": "
                            + m.group().strip());
                }
            }
        }
        if (!offenders.isEmpty()) {
            fail("read kiln.* settings through a declared dev.kiln.spi.Setting (value(), or the options a backend"
                    + " is opened with), not directly; a property named by a variable counts too:\n  "
                    + String.join("\n  ", offenders));
        }
    }

    @Test
    void valuesComeFromOptionsElseTheDefault() {
        Setting flag = Setting.of("kiln.test.flag", "true", "a flag");
        Setting count = Setting.of("kiln.test.count", null, "a count");
        assertTrue(flag.booleanIn(Map.of()));
        assertFalse(flag.booleanIn(Map.of("kiln.test.flag", " FALSE ")));
        assertTrue(flag.booleanIn(Map.of("kiln.test.flag", "maybe")));
        assertEquals(7, count.intIn(Map.of(), 7));
        assertEquals(3, count.intIn(Map.of("kiln.test.count", "3 "), 7));
        assertEquals(7, count.intIn(Map.of("kiln.test.count", "three"), 7));
        assertThrows(IllegalArgumentException.class, () -> Setting.of("cpu.threads", null, "no kiln. prefix"));
        assertThrows(IllegalArgumentException.class, () -> Setting.of("kiln.Threads", null, "upper case"));
    }

    @Test
    void optionsHoldKilnsSettingsTheProvidersAndItsOtherProperties() {
        System.setProperty("kiln.settings-test.extra", " on ");
        try {
            Setting declared = Setting.of("kiln.settings-test.size", "4", "a size");
            Map<String, String> options = Settings.optionsFor("settings-test", List.of(declared));
            assertEquals("*", options.get("kiln.backend"));
            assertEquals("4", options.get("kiln.settings-test.size"));
            assertEquals("on", options.get("kiln.settings-test.extra"));
        } finally {
            System.clearProperty("kiln.settings-test.extra");
        }
    }

    // kiln.backend is not set by the test JVM; kiln.checks is (the build's test flags)
    @Test
    void processValuesAreTheSystemProperties() {
        assertEquals(Boolean.getBoolean("kiln.checks"), Settings.CHECKS.booleanValue());
        assertTrue(Settings.all().containsAll(Settings.core()));
    }

    private static Map<String, String> declaredSettings() {
        Map<String, String> declared = new LinkedHashMap<>();
        for (Path file : mainSources()) {
            Matcher m = DECLARATION.matcher(read(file));
            while (m.find()) {
                if (declared.containsKey(m.group(1)) && !Objects.equals(declared.get(m.group(1)), m.group(3))) {
                    fail(m.group(1) + " is declared twice, with different defaults");
                }
                declared.put(m.group(1), m.group(3));
            }
        }
        return declared;
    }

    /** Setting name to the default column, from the rows of README.md's {@code ## Settings} table. */
    private static Map<String, String> readmeTable() {
        String readme = read(root().resolve("README.md"));
        int start = readme.indexOf("\n## Settings\n");
        assertTrue(start >= 0, "README.md has no ## Settings section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = end < 0 ? readme.substring(start) : readme.substring(start, end);
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : section.lines().toList()) {
            if (line.startsWith("| `kiln.")) {
                String[] cells = line.split("\\|");
                rows.put(cells[1].strip().replace("`", ""), cells[2].strip());
            }
        }
        return rows;
    }

    /** Every Java source file under a module's src/main/java in the repository. */
    private static List<Path> mainSources() {
        try (Stream<Path> modules = Files.list(root())) {
            List<Path> files = new ArrayList<>();
            for (Path module : modules.toList()) {
                Path main = module.resolve("src/main/java");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> walk = Files.walk(main)) {
                        walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
                    }
                }
            }
            assertTrue(files.size() > 100, "found only " + files.size() + " main sources under " + root());
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: the first directory up from here with README.md and spi/. */
    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.exists(p.resolve("README.md")) && Files.isDirectory(p.resolve("spi")))) {
            p = p.getParent();
        }
        assertTrue(
                p != null,
                "cannot find the repository root above " + Path.of("").toAbsolutePath());
        return p;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
