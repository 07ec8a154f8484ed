package dev.kiln.internal.rules;

import dev.kiln.Lax;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;

/** {@code dot_general}: bilinear, so its tangent is the sum of the products with one tangent each. */
final class ContractionDefinitions {
    private ContractionDefinitions() {}

    static void define(Definitions.Table d) {
        d.define(Primitive.DOT_GENERAL)
                .naryJvp((p, params, x, t) -> Tangents.add(
                        t.get(0) == null ? null : Lax.bind(p, params, t.get(0), x.get(1)),
                        t.get(1) == null ? null : Lax.bind(p, params, x.get(0), t.get(1))))
                .transpose((params, ct, x, linear, specs) -> {
                    TransposeRules.requireOneLinear(Primitive.DOT_GENERAL, linear);
                    return DotGeneralTranspose.transpose((Params.DotGeneral) params, ct, x, linear, specs);
                });
    }
}
