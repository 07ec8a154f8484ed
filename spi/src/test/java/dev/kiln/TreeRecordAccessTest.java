package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The hint when Kiln cannot take a record apart leads with the fix that works, naming the package. */
class TreeRecordAccessTest {
    @Test
    void inANamedModuleTheHintIsToOpenThePackageToKiln() {
        // any class of a named module will do: the hint depends on the module and package only
        String hint = Tree.recordAccessHint(java.util.concurrent.TimeUnit.class);
        assertTrue(
                hint.startsWith(
                        "add 'opens java.util.concurrent to dev.kiln;' to the module-info.java of module java.base"),
                hint);
        assertTrue(hint.contains("public is not enough"), hint);
    }

    @Test
    void onTheClassPathTheHintIsAPublicRecordAndNamesThePackageForModules() {
        record Local(Array a) {}
        String hint = Tree.recordAccessHint(Local.class);
        assertTrue(hint.startsWith("make the record public"), hint);
        assertTrue(hint.contains("'opens dev.kiln to dev.kiln;'"), hint);
    }
}
