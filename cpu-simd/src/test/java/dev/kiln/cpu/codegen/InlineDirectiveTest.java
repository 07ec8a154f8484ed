package dev.kiln.cpu.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class InlineDirectiveTest {
    private static String printDirectives() throws Exception {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "compilerDirectivesPrint",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()}));
    }

    @Test
    void theJitIsAskedToInlineFixedLanesIntoKilnCode() throws Exception {
        InlineDirective.install();
        String directives = printDirectives();
        assertTrue(
                directives.contains("dev/kiln/cpu/codegen/FixedLanes"),
                "HotSpot's directive stack should name FixedLanes after install(), got:\n" + directives);
    }
}
