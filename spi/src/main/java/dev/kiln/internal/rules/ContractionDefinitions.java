package dev.kiln.internal.rules;

import dev.kiln.Lax;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;

/**
 * {@code dot_general}: bilinear, so its tangent is the sum of the products with one tangent each;
 * {@code conv_general_dilated}: defined by its decomposition ({@link ConvolutionRules}).
 */
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
        // its derivative is the JVP of the decomposition, whose pieces all transpose
        d.define(Primitive.CONV_GENERAL_DILATED)
                .shape(ConvolutionRules::shape)
                .batch(ConvolutionRules::batch)
                .decompose((params, out, in) -> ConvolutionRules.decompose((Params.Conv) params, in[0], in[1]));
    }
}
