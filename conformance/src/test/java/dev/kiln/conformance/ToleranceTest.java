package dev.kiln.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.DType;
import dev.kiln.ir.Primitive;
import org.junit.jupiter.api.Test;

/** The tolerance policy's derived rules: what a new primitive gets without a row of its own. */
class ToleranceTest {
    @Test
    void aTranscendentalPrimitiveWithoutARowGetsTheTranscendentalDefault() {
        assertEquals(Primitive.Cost.TRANSCENDENTAL, Primitive.EXP10.cost());
        Tolerance.Rule rule = Tolerance.elementwise("exp10", DType.FLOAT32);
        assertEquals(4, rule.ulps());
        assertTrue(rule.accepts(DType.FLOAT32, 100f, Math.nextUp(Math.nextUp(100f)), 0));
        assertFalse(rule.accepts(DType.FLOAT32, 100f, 100f + 8 * Math.ulp(100f), 0));
    }

    @Test
    void exactAndIntegerResultsStayExact() {
        assertTrue(Tolerance.elementwise("floor", DType.FLOAT32).isExact());
        assertTrue(Tolerance.elementwise("sign", DType.FLOAT64).isExact());
        assertTrue(Tolerance.elementwise("exp10", DType.INT32).isExact());
        assertTrue(Tolerance.elementwise("noSuchFunction", DType.FLOAT32).isExact());
    }

    @Test
    void listedRulesWinOverTheDefault() {
        assertEquals(8, Tolerance.elementwise("power", DType.FLOAT64).ulps());
        assertEquals(2, Tolerance.elementwise("cbrt", DType.FLOAT32).ulps());
        assertTrue(Tolerance.elementwise("sin", DType.FLOAT32).absolute() > 0);
    }
}
