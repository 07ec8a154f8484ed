package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.Np;
import dev.kiln.ir.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Forward and reverse mode on flat lists of arrays. Reverse mode is JAX's: linearise (JVP with the
 * tangent computation staged into a linear program), then transpose that program. Both run
 * through the trace stack, so they nest: the program of a gradient can itself be differentiated,
 * staged or batched.
 */
public final class Autodiff {
    private Autodiff() {}

    /** Primal and tangent outputs of a forward-mode evaluation. */
    public record JvpResult(List<Array> primals, List<Array> tangents) {}

    /** Whether inputs of this dtype are differentiated (floats only; others get zero gradients). */
    public static boolean differentiable(Array x) {
        return x.dtype().isFloating();
    }

    /** {@code f}'s outputs at {@code primals} and their directional derivatives along {@code tangents}. */
    public static JvpResult jvp(Function<List<Array>, List<Array>> f, List<Array> primals, List<Array> tangents) {
        JvpTrace t = TraceStack.push(level -> new JvpTrace(level, "jvp"));
        List<Array> outs;
        try {
            List<Array> in = new ArrayList<>(primals.size());
            for (int i = 0; i < primals.size(); i++) {
                Array tan = differentiable(primals.get(i)) ? tangents.get(i) : null;
                in.add(t.pack(primals.get(i), tan));
            }
            outs = f.apply(in);
        } finally {
            TraceStack.pop(t);
        }
        List<Array> ps = new ArrayList<>(outs.size());
        List<Array> ts = new ArrayList<>(outs.size());
        for (Array o : outs) {
            Array p = t.primalOf(o);
            Array tan = t.tangentOf(o);
            ps.add(p);
            ts.add(tan != null ? tan : Np.zerosLike(p));
        }
        return new JvpResult(ps, ts);
    }

    /**
     * The result of linearising: the primal outputs, and a linear program (with its constants) from
     * the input tangents to the output tangents.
     */
    public record Linearized(List<Array> primals, Program linear, List<Array> constants, List<Array> inputs) {
        /** The output tangents for the given input tangents (forward mode through the linear program). */
        public List<Array> apply(List<Array> tangents) {
            return ProgramRunner.run(linear, constants, tangents);
        }

        /** The input cotangents for the given output cotangents (reverse mode). */
        public List<Array> transpose(List<Array> cotangents) {
            return Transposer.transpose(linear, constants, cotangents);
        }
    }

    /** Linearises {@code f} at {@code primals}. */
    public static Linearized linearize(Function<List<Array>, List<Array>> f, List<Array> primals) {
        StagingTrace staging = TraceStack.push(level -> new StagingTrace(level, "grad", false));
        List<Array> primalOuts = new ArrayList<>();
        List<Array> tangentOuts = new ArrayList<>();
        try {
            List<Array> tangentIns = new ArrayList<>(primals.size());
            for (Array p : primals) {
                tangentIns.add(staging.newInput(p.spec()));
            }
            JvpTrace jvp = TraceStack.push(level -> new JvpTrace(level, "grad"));
            List<Array> outs;
            try {
                List<Array> in = new ArrayList<>(primals.size());
                for (int i = 0; i < primals.size(); i++) {
                    in.add(jvp.pack(primals.get(i), differentiable(primals.get(i)) ? tangentIns.get(i) : null));
                }
                outs = f.apply(in);
            } finally {
                TraceStack.pop(jvp);
            }
            for (Array o : outs) {
                Array p = jvp.primalOf(o);
                Array tan = jvp.tangentOf(o);
                primalOuts.add(p);
                tangentOuts.add(tan != null ? tan : Np.zerosLike(p));
            }
        } finally {
            TraceStack.pop(staging);
        }
        Program linear = ProgramVerifier.checked(staging.build(tangentOuts), "linearize");
        return new Linearized(primalOuts, linear, staging.constants(), primals);
    }
}
