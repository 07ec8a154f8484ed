package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import java.util.ArrayList;
import java.util.List;

/** The rules of {@code custom_linear}, the tangent part of a {@code customVjp} function. */
final class CustomLinear {
    private CustomLinear() {}

    static KilnException forwardModeUnsupported() {
        return new KilnException(
                "forward-mode differentiation (jvp, jacfwd, linearize) of a customVjp function is not"
                        + " defined: only its backward rule is known; use Kiln.customJvp for forward mode, or reverse mode (grad, vjp)");
    }

    /** Cotangents of the tangent operands from the user's backward function; residuals get none. */
    static List<Array> transpose(Params.LinearCall<?> call, List<Array> cts, List<Array> values, boolean[] linear) {
        @SuppressWarnings("unchecked") // only CustomDerivatives makes LinearCalls, always of Arrays
        Params.LinearCall<Array> l = (Params.LinearCall<Array>) call;
        for (int i = 0; i < l.residuals(); i++) {
            if (linear[i]) {
                throw new KilnException("customVjp: a residual depends on the tangents; this is a bug in Kiln");
            }
        }
        List<Array> outCts = new ArrayList<>();
        for (int i = 0; i < cts.size(); i++) {
            ArraySpec s = l.outSpecs().get(i);
            outCts.add(cts.get(i) != null ? cts.get(i) : Np.zeros(s.dtype(), s.shape()));
        }
        List<Array> inCts = l.transpose().apply(values.subList(0, l.residuals()), outCts);
        List<Array> result = new ArrayList<>();
        for (int i = 0; i < l.residuals(); i++) {
            result.add(null);
        }
        result.addAll(inCts);
        return result;
    }
}
