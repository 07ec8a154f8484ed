package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln.pjrt.dump-dir}: each compiled module is written where it says, or a clear error. */
class PjrtDumpTest {
    @Test
    void writesTheModuleTextUnderItsNumber(@TempDir Path dir) throws Exception {
        String text = "module @kiln {}\n";
        Path file = PjrtBackend.dumpTo(dir.resolve("nested"), 7, text);
        assertEquals(dir.resolve("nested").resolve("module-7.mlir"), file);
        assertEquals(text, Files.readString(file));
    }

    @Test
    void anUnwritableFolderNamesTheSettingAndTheFix(@TempDir Path dir) throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        UncheckedIOException e =
                assertThrows(UncheckedIOException.class, () -> PjrtBackend.dumpTo(notAFolder, 0, "module {}"));
        assertTrue(e.getMessage().startsWith("pjrt: cannot write the StableHLO module"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dkiln.pjrt.dump-dir"), e.getMessage());
        assertTrue(e.getMessage().contains("unset the setting"), e.getMessage());
    }
}
