package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The binding's offsets and sizes against the header: {@code pjrt_layout.c}, compiled in the
 * build against the {@code pjrt_c_api.h} of the tensorflow_cpu wheel, prints them; every constant
 * in {@link PjrtLayout} must match its line, and every line must have a constant.
 */
class PjrtLayoutTest {
    static Path nativeDir() {
        return Path.of(System.getProperty("kiln.pjrt.native", "target/native"));
    }

    @Test
    void constantsMatchTheHeader() throws IOException {
        Path printed = nativeDir().resolve("pjrt-layout.txt");
        assertTrue(Files.isRegularFile(printed), "the build prints " + printed + " with pjrt_layout.c" + unavailable());
        Map<String, Long> header = new LinkedHashMap<>();
        String version = null;
        for (String line : Files.readAllLines(printed)) {
            if (line.startsWith("version ")) {
                version = line.substring("version ".length());
                continue;
            }
            int space = line.lastIndexOf(' ');
            header.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
        }
        assertEquals(PjrtLayout.MAJOR + "." + PjrtLayout.MINOR, version, "header API version");
        Map<String, Long> java = PjrtLayout.byHeaderName();
        assertEquals(header.keySet(), java.keySet(), "the printer and the binding list the same facts");
        for (var e : header.entrySet()) {
            assertEquals(e.getValue(), java.get(e.getKey()), e.getKey());
        }
        assertTrue(java.size() > 150, "layout facts compared: " + java.size());
    }

    static String unavailable() {
        try {
            Path reason = nativeDir().resolve("UNAVAILABLE");
            return Files.isRegularFile(reason)
                    ? " (build: " + Files.readString(reason).strip() + ")"
                    : "";
        } catch (IOException e) {
            return "";
        }
    }
}
