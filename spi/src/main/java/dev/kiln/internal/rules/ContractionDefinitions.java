package dev.kiln.internal.rules;

import dev.kiln.Lax;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;

/**
 * {@code dot_general}: bilinear, so its tangent is the sum of the products with one tangent each;
 * {@code conv_general_dilated}: bilinear as well, its tangent terms written with its decomposition
 * ({@link ConvolutionRules}).
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
        // bilinear too: each tangent term is the decomposition applied to one tangent, so the
        // primal is not computed a second time (as the decomposition's own JVP would) and every
        // piece of the tangent transposes (slices to pads, the product to products)
        d.define(Primitive.CONV_GENERAL_DILATED)
                .naryJvp((p, params, x, t) -> Tangents.add(
                        t.get(0) == null ? null : ConvolutionRules.decompose((Params.Conv) params, t.get(0), x.get(1)),
                        t.get(1) == null ? null : ConvolutionRules.decompose((Params.Conv) params, x.get(0), t.get(1))))
                .shape(ConvolutionRules::shape)
                .batch(ConvolutionRules::batch)
                .decompose((params, out, in) -> ConvolutionRules.decompose((Params.Conv) params, in[0], in[1]));
    }
}
