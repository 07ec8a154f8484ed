package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.internal.rules.JvpRules;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.List;

/**
 * Forward-mode differentiation: each tracer carries a primal value and its tangent, and each
 * primitive is replaced by its JVP rule. A {@code null} tangent is a symbolic zero, so inputs that
 * are not differentiated cost nothing.
 */
public final class JvpTrace extends Trace {
    /** A primal value and its tangent ({@code null} for zero). */
    public static final class JvpTracer extends Tracer {
        private final Array primal;
        private final Array tangent;

        JvpTracer(JvpTrace trace, Array primal, Array tangent) {
            super(trace, primal.spec());
            this.primal = primal;
            this.tangent = tangent;
        }

        public Array primal() {
            return primal;
        }

        /** The tangent, or {@code null} when it is zero. */
        public Array tangent() {
            return tangent;
        }
    }

    private final String transformation;

    public JvpTrace(int level, String transformation) {
        super(level);
        this.transformation = transformation;
    }

    @Override
    public String transformation() {
        return transformation;
    }

    /** A tracer for {@code primal} with tangent {@code tangent} ({@code null} for zero). */
    public Array pack(Array primal, Array tangent) {
        return ArrayInternals.get().wrap(new JvpTracer(this, primal, tangent));
    }

    @Override
    public Array lift(Array x) {
        return pack(x, null);
    }

    /** The primal part of an output: its primal if it is this trace's tracer, else itself. */
    public Array primalOf(Array x) {
        return ArrayInternals.get().tracer(x) instanceof JvpTracer t && t.trace() == this ? t.primal() : x;
    }

    /** The tangent part of an output, or {@code null} when it does not depend on this trace's inputs. */
    public Array tangentOf(Array x) {
        return ArrayInternals.get().tracer(x) instanceof JvpTracer t && t.trace() == this ? t.tangent() : null;
    }

    @Override
    public Array process(Primitive primitive, Params params, List<Array> operands) {
        List<Array> primals = new ArrayList<>(operands.size());
        List<Array> tangents = new ArrayList<>(operands.size());
        boolean anyTangent = false;
        for (Array a : operands) {
            JvpTracer t = (JvpTracer) ArrayInternals.get().tracer(a);
            primals.add(t.primal());
            tangents.add(t.tangent());
            anyTangent |= t.tangent() != null;
        }
        if (!anyTangent) {
            return pack(dev.kiln.Lax.bind(primitive, params, primals.toArray(Array[]::new)), null);
        }
        Array[] out = JvpRules.jvp(primitive, params, primals, tangents);
        return pack(out[0], out[1]);
    }

    @Override
    public List<Array> processAll(Primitive primitive, Params params, List<Array> operands) {
        List<Array> primals = new ArrayList<>(operands.size());
        List<Array> tangents = new ArrayList<>(operands.size());
        boolean anyTangent = false;
        for (Array a : operands) {
            JvpTracer t = (JvpTracer) ArrayInternals.get().tracer(a);
            primals.add(t.primal());
            tangents.add(t.tangent());
            anyTangent |= t.tangent() != null;
        }
        List<Array> out = new ArrayList<>();
        if (!anyTangent) {
            for (Array p : dev.kiln.Lax.bindAll(primitive, params, primals.toArray(Array[]::new))) {
                out.add(pack(p, null));
            }
            return out;
        }
        for (Array[] pt : ControlFlowRules.jvp(primitive, params, primals, tangents)) {
            out.add(pack(pt[0], pt[1]));
        }
        return out;
    }
}
