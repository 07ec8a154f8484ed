package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.internal.rules.BatchRules;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.List;

/**
 * Vectorisation ({@code vmap}): each tracer carries a value with one extra batch dimension (or
 * none, for values that do not vary over the batch), and each primitive is replaced by its batching
 * rule, which applies it once to the whole batch.
 */
public final class BatchTrace extends Trace {
    /** The batch dimension of values that do not vary over the batch. */
    public static final int NOT_MAPPED = -1;

    /** A batched value and the position of its batch dimension. */
    public static final class BatchTracer extends Tracer {
        private final Array value;
        private final int batchDim;

        BatchTracer(BatchTrace trace, Array value, int batchDim) {
            super(trace, unbatchedSpec(value, batchDim));
            this.value = value;
            this.batchDim = batchDim;
        }

        private static dev.kiln.ir.ArraySpec unbatchedSpec(Array value, int batchDim) {
            if (batchDim == NOT_MAPPED) {
                return value.spec();
            }
            int[] s = value.shape();
            int[] out = new int[s.length - 1];
            for (int i = 0, k = 0; i < s.length; i++) {
                if (i != batchDim) {
                    out[k++] = s[i];
                }
            }
            return value.spec().withShape(out);
        }

        public Array value() {
            return value;
        }

        public int batchDim() {
            return batchDim;
        }
    }

    private final int axisSize;
    /** The axis name collectives use to reach this trace, or null. */
    private final String axisName;

    public BatchTrace(int level, int axisSize) {
        this(level, axisSize, null);
    }

    public BatchTrace(int level, int axisSize, String axisName) {
        super(level);
        this.axisSize = axisSize;
        this.axisName = axisName;
    }

    /** The name of the batched axis ({@code vmap(f, axisName)}), or null. */
    public String axisName() {
        return axisName;
    }

    @Override
    public String transformation() {
        return "vmap";
    }

    public int axisSize() {
        return axisSize;
    }

    /** A tracer for {@code value} whose batch dimension is {@code batchDim} (or {@link #NOT_MAPPED}). */
    public Array pack(Array value, int batchDim) {
        return ArrayInternals.get().wrap(new BatchTracer(this, value, batchDim));
    }

    @Override
    public Array lift(Array x) {
        return pack(x, NOT_MAPPED);
    }

    /** The batched value of an output and its batch dimension, or {@code (x, NOT_MAPPED)}. */
    public BatchTracer unpack(Array x) {
        if (ArrayInternals.get().tracer(x) instanceof BatchTracer t && t.trace() == this) {
            return t;
        }
        return new BatchTracer(this, x, NOT_MAPPED);
    }

    @Override
    public Array process(Primitive primitive, Params params, List<Array> operands) {
        List<Array> values = new ArrayList<>(operands.size());
        int[] dims = new int[operands.size()];
        boolean any = false;
        for (int i = 0; i < dims.length; i++) {
            BatchTracer t = (BatchTracer) ArrayInternals.get().tracer(operands.get(i));
            values.add(t.value());
            dims[i] = t.batchDim();
            any |= dims[i] != NOT_MAPPED;
        }
        if (primitive.kind() == Primitive.Kind.COLLECTIVE
                && (any || ((Params.Collective) params).axisName().equals(axisName))) {
            BatchRules.Batched out = dev.kiln.internal.rules.CollectiveBatching.batch(
                    primitive, (Params.Collective) params, values, dims, axisSize, axisName);
            return pack(out.value(), out.batchDim());
        }
        if (!any) {
            return pack(dev.kiln.Lax.bind(primitive, params, values.toArray(Array[]::new)), NOT_MAPPED);
        }
        BatchRules.Batched out = BatchRules.batch(primitive, params, values, dims, axisSize);
        return pack(out.value(), out.batchDim());
    }

    @Override
    public List<Array> processAll(Primitive primitive, Params params, List<Array> operands) {
        List<Array> values = new ArrayList<>(operands.size());
        int[] dims = new int[operands.size()];
        for (int i = 0; i < dims.length; i++) {
            BatchTracer t = (BatchTracer) ArrayInternals.get().tracer(operands.get(i));
            values.add(t.value());
            dims[i] = t.batchDim();
        }
        List<Array> out = new ArrayList<>();
        for (Array v : ControlFlowRules.batch(this, primitive, params, values, dims)) {
            out.add(pack(v, 0));
        }
        return out;
    }
}
