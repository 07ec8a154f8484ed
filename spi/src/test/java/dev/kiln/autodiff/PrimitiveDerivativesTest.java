package dev.kiln.autodiff;

import dev.kiln.Kiln;
import dev.kiln.autodiff.DerivativeChecks.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every differentiable primitive, by every mode and order (see {@link Check}), at a few random
 * points, against central finite differences in float64 on the reference backend.
 */
class PrimitiveDerivativesTest {
    private static final int POINTS = 2;

    @TestFactory
    List<DynamicNode> derivativesMatchFiniteDifferences() {
        List<DynamicNode> perPrimitive = new ArrayList<>();
        for (PrimitiveCases.Case c : PrimitiveCases.all()) {
            List<DynamicNode> tests = new ArrayList<>();
            for (Check check : Check.values()) {
                for (int point = 0; point < POINTS; point++) {
                    long seed = 1000L * c.name().hashCode() + 17L * point;
                    tests.add(DynamicTest.dynamicTest(
                            check + " #" + point,
                            () -> Kiln.withBackend("reference", () -> {
                                DerivativeChecks.run(check, c.make().apply(new Random(seed)), seed + 1);
                                return null;
                            })));
                }
            }
            perPrimitive.add(DynamicContainer.dynamicContainer(c.name(), tests));
        }
        return perPrimitive;
    }
}
