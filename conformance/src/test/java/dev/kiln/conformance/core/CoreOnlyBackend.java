package dev.kiln.conformance.core;

import dev.kiln.DType;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The smallest complete Kiln backend, and the example for backend authors: it implements exactly
 * the core primitives ({@link Primitive#core()}) for float32, float64, int32 and bool, as plain
 * scalar loops over {@link HostBuffer}s. It does not override {@link #implementsNatively}, so Kiln
 * runs every other primitive through its decomposition into these; the conformance suite on this
 * backend is the proof that the decompositions are complete and correct.
 *
 * <p>Floats are computed in double and rounded once to float32; integers wrap like Java's {@code
 * int}. The corner cases follow {@link Primitive}'s javadoc (XLA's semantics). Anything else throws
 * {@link UnsupportedPrimitiveException}.
 */
final class CoreOnlyBackend implements Backend {
    private static final Set<DType> DTYPES = EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.BOOL);

    @Override
    public String name() {
        return CoreOnlyProvider.NAME;
    }

    @Override
    public List<Device> devices() {
        return List.of(new Device(name(), "cpu", 0, "scalar loops over the core primitives"));
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.noneOf(Capability.class);
    }

    @Override
    public Set<DType> dtypes() {
        return DTYPES;
    }

    /** Host memory is this backend's memory: buffers are HostBuffers, shared as they are immutable. */
    @Override
    public Buffer fromHost(HostBuffer host) {
        return host;
    }

    @Override
    public HostBuffer toHost(Buffer buffer) {
        return (HostBuffer) buffer;
    }

    @Override
    public Buffer execute(Primitive p, Params params, ArraySpec out, List<Buffer> inputs) {
        if (!p.isCore()) {
            throw unsupported(p, "not a core primitive; Kiln decomposes it unless a backend claims it");
        }
        List<HostBuffer> in = new ArrayList<>(inputs.size());
        for (Buffer b : inputs) {
            HostBuffer h = toHost(b);
            requireDType(p, h.spec().dtype());
            in.add(h);
        }
        requireDType(p, out.dtype());
        return switch (p) {
            case ADD, MUL, DIV, REM, MAX, AND, XOR, SHIFT_LEFT, SHIFT_RIGHT_LOGICAL, ATAN2, POW ->
                binary(p, out, in.get(0), in.get(1));
            case EQ, LT -> compare(p, out, in.get(0), in.get(1));
            case FLOOR, SQRT, EXP, LOG, EXPM1, LOG1P, SIN, COS -> unary(p, out, in.get(0));
            case SELECT -> select(out, in.get(0), in.get(1), in.get(2));
            case CONVERT -> convert(out, in.get(0));
            case IOTA -> iota((Params.Iota) params, out);
            case REDUCE_SUM, REDUCE_MAX ->
                reduce(p, ((Params.Reduce) params).axes().toArray(), out, in.get(0));
            case RESHAPE -> in.get(0).reshape(out.shape());
            case BROADCAST_IN_DIM, TRANSPOSE, SLICE, PAD -> movement(p, params, out, in);
            case TAKE -> take(((Params.Axis) params).axis(), out, in.get(0), in.get(1));
            case DOT_GENERAL -> dot((Params.DotGeneral) params, out, in.get(0), in.get(1));
            default -> throw unsupported(p, "not a core primitive");
        };
    }

    private void requireDType(Primitive p, DType d) {
        if (!DTYPES.contains(d)) {
            throw unsupported(p, d + " is not among this backend's dtypes " + DTYPES);
        }
    }

    private UnsupportedPrimitiveException unsupported(Primitive p, String reason) {
        return new UnsupportedPrimitiveException(name(), p, reason);
    }

    // ------------------------------------------------------------------ elementwise

    private HostBuffer binary(Primitive p, ArraySpec out, HostBuffer a, HostBuffer b) {
        int n = out.size();
        switch (a.spec().dtype()) {
            case FLOAT32, FLOAT64 -> {
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    double x = real(a, i);
                    double y = real(b, i);
                    r[i] = switch (p) {
                        case ADD -> x + y;
                        case MUL -> x * y;
                        case DIV -> x / y;
                        case REM -> x % y; // C's fmod: exact, with the dividend's sign
                        case MAX -> Math.max(x, y); // propagates NaN; max(-0, +0) = +0
                        case ATAN2 -> StrictMath.atan2(x, y);
                        case POW -> pow(x, y);
                        default -> throw unsupported(p, "float operands");
                    };
                }
                return reals(out, r);
            }
            case INT32 -> {
                int[] x = a.ints();
                int[] y = b.ints();
                int[] r = new int[n];
                for (int i = 0; i < n; i++) {
                    r[i] = switch (p) {
                        case ADD -> x[i] + y[i]; // int arithmetic wraps, as XLA's does
                        case MUL -> x[i] * y[i];
                        case DIV -> y[i] == 0 ? -1 : x[i] / y[i]; // MIN / -1 wraps to MIN in Java
                        case REM -> y[i] == 0 ? x[i] : x[i] % y[i];
                        case MAX -> Math.max(x[i], y[i]);
                        case AND -> x[i] & y[i];
                        case XOR -> x[i] ^ y[i];
                        // the amount is read as unsigned; shifting by 32 or more gives 0
                        case SHIFT_LEFT -> Integer.compareUnsigned(y[i], 32) >= 0 ? 0 : x[i] << y[i];
                        case SHIFT_RIGHT_LOGICAL -> Integer.compareUnsigned(y[i], 32) >= 0 ? 0 : x[i] >>> y[i];
                        case POW -> intPow(x[i], y[i]);
                        default -> throw unsupported(p, "int32 operands");
                    };
                }
                return HostBuffer.wrap(out, r);
            }
            case BOOL -> {
                boolean[] x = a.bools();
                boolean[] y = b.bools();
                boolean[] r = new boolean[n];
                for (int i = 0; i < n; i++) {
                    r[i] = switch (p) {
                        case AND -> x[i] & y[i];
                        case MAX -> x[i] | y[i];
                        case XOR -> x[i] ^ y[i];
                        default -> throw unsupported(p, "bool operands");
                    };
                }
                return HostBuffer.wrap(out, r);
            }
            default -> throw unsupported(p, a.spec().dtype() + " operands");
        }
    }

    /** C99 pow: {@code pow(1, y)} and {@code pow(-1, ±inf)} are 1, where Java gives NaN. */
    private static double pow(double x, double y) {
        if (x == 1 || (x == -1 && Double.isInfinite(y))) {
            return 1;
        }
        return StrictMath.pow(x, y);
    }

    /** Repeated squaring, wrapping; a negative exponent gives the truncated reciprocal. */
    private static int intPow(int base, int exp) {
        if (exp < 0) {
            return base == 1 ? 1 : base == -1 ? ((exp & 1) == 0 ? 1 : -1) : 0;
        }
        int result = 1;
        for (int square = base, e = exp; e != 0; e >>>= 1, square *= square) {
            if ((e & 1) != 0) {
                result *= square;
            }
        }
        return result;
    }

    private HostBuffer compare(Primitive p, ArraySpec out, HostBuffer a, HostBuffer b) {
        boolean lt = p == Primitive.LT;
        boolean[] r = new boolean[out.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = switch (a.spec().dtype()) {
                case FLOAT32, FLOAT64 -> lt ? real(a, i) < real(b, i) : real(a, i) == real(b, i); // NaN: false
                case INT32 -> lt ? a.ints()[i] < b.ints()[i] : a.ints()[i] == b.ints()[i];
                case BOOL -> lt ? !a.bools()[i] && b.bools()[i] : a.bools()[i] == b.bools()[i];
                default -> throw unsupported(p, a.spec().dtype() + " operands");
            };
        }
        return HostBuffer.wrap(out, r);
    }

    private HostBuffer unary(Primitive p, ArraySpec out, HostBuffer a) {
        if (!out.dtype().isFloating()) {
            if (p == Primitive.FLOOR) {
                return a; // integers are their own floor
            }
            throw unsupported(p, out.dtype() + " operands; Kiln converts integers to float first");
        }
        double[] r = new double[out.size()];
        for (int i = 0; i < r.length; i++) {
            double x = real(a, i);
            // StrictMath gives the same bits on every JVM, like the reference backend
            r[i] = switch (p) {
                case FLOOR -> Math.floor(x);
                case SQRT -> StrictMath.sqrt(x);
                case EXP -> StrictMath.exp(x);
                case LOG -> StrictMath.log(x);
                case EXPM1 -> StrictMath.expm1(x);
                case LOG1P -> StrictMath.log1p(x);
                case SIN -> StrictMath.sin(x);
                case COS -> StrictMath.cos(x);
                default -> throw unsupported(p, "float operands");
            };
        }
        return reals(out, r);
    }

    private static HostBuffer select(ArraySpec out, HostBuffer pred, HostBuffer onTrue, HostBuffer onFalse) {
        boolean[] which = pred.bools();
        int[] map = new int[out.size()];
        for (int i = 0; i < map.length; i++) {
            map[i] = which[i] ? i : -1;
        }
        return gather(onTrue, map, out, onFalse, true);
    }

    /**
     * Float to int32 truncates and saturates, NaN giving 0 (Java's cast does exactly that); anything
     * to bool is {@code x != 0} (NaN is true); bool is 0 or 1; int32 to float32 rounds once.
     */
    private static HostBuffer convert(ArraySpec out, HostBuffer a) {
        DType from = a.spec().dtype();
        if (from == out.dtype()) {
            return a;
        }
        int n = out.size();
        HostBuffer r = HostBuffer.allocate(out);
        for (int i = 0; i < n; i++) {
            switch (from) {
                case FLOAT32, FLOAT64 -> {
                    double x = real(a, i);
                    switch (out.dtype()) {
                        case FLOAT32 -> r.floats()[i] = (float) x;
                        case FLOAT64 -> r.doubles()[i] = x;
                        case INT32 -> r.ints()[i] = (int) x;
                        default -> r.bools()[i] = x != 0;
                    }
                }
                case INT32 -> {
                    int x = a.ints()[i];
                    switch (out.dtype()) {
                        case FLOAT32 -> r.floats()[i] = (float) x;
                        case FLOAT64 -> r.doubles()[i] = x;
                        default -> r.bools()[i] = x != 0;
                    }
                }
                default -> {
                    boolean x = a.bools()[i];
                    switch (out.dtype()) {
                        case FLOAT32 -> r.floats()[i] = x ? 1 : 0;
                        case FLOAT64 -> r.doubles()[i] = x ? 1 : 0;
                        default -> r.ints()[i] = x ? 1 : 0;
                    }
                }
            }
        }
        return r;
    }

    private static HostBuffer iota(Params.Iota params, ArraySpec out) {
        int[] shape = out.shape();
        int[] index = new int[shape.length];
        HostBuffer r = HostBuffer.allocate(out);
        for (int i = 0; i < out.size(); i++, next(index, shape)) {
            int v = index[params.dimension()];
            switch (out.dtype()) {
                case FLOAT32 -> r.floats()[i] = v;
                case FLOAT64 -> r.doubles()[i] = v;
                case INT32 -> r.ints()[i] = v;
                default -> r.bools()[i] = v != 0;
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ reductions

    /** Floats accumulate in double and round once; a bool sum is an OR, as is a bool max. */
    private static HostBuffer reduce(Primitive p, int[] axes, ArraySpec out, HostBuffer a) {
        boolean sum = p == Primitive.REDUCE_SUM;
        int[] shape = a.spec().shape();
        // the output offset each input element reduces into: the strides of the kept axes
        boolean[] reduced = new boolean[shape.length];
        for (int axis : axes) {
            reduced[axis] = true;
        }
        int[] coef = new int[shape.length];
        for (int d = shape.length - 1, stride = 1; d >= 0; d--) {
            if (!reduced[d]) {
                coef[d] = stride;
                stride *= shape[d];
            }
        }
        int[] index = new int[shape.length];
        int n = a.spec().size();
        switch (a.spec().dtype()) {
            case FLOAT32, FLOAT64 -> {
                double[] acc = new double[out.size()];
                java.util.Arrays.fill(acc, sum ? 0 : Double.NEGATIVE_INFINITY);
                for (int i = 0; i < n; i++, next(index, shape)) {
                    int o = dot(index, coef);
                    acc[o] = sum ? acc[o] + real(a, i) : Math.max(acc[o], real(a, i));
                }
                return reals(out, acc);
            }
            case INT32 -> {
                int[] acc = new int[out.size()];
                java.util.Arrays.fill(acc, sum ? 0 : Integer.MIN_VALUE);
                for (int i = 0; i < n; i++, next(index, shape)) {
                    int o = dot(index, coef);
                    acc[o] = sum ? acc[o] + a.ints()[i] : Math.max(acc[o], a.ints()[i]);
                }
                return HostBuffer.wrap(out, acc);
            }
            default -> {
                boolean[] acc = new boolean[out.size()];
                for (int i = 0; i < n; i++, next(index, shape)) {
                    acc[dot(index, coef)] |= a.bools()[i];
                }
                return HostBuffer.wrap(out, acc);
            }
        }
    }

    // ------------------------------------------------------------------ movement and gathers

    /**
     * For each output element, the operand offset it copies (or -1 for PAD's padding value).
     * Broadcast, transpose and slice read at an affine function {@code base + Σ coef[d] * index[d]}
     * of the output index.
     */
    private static HostBuffer movement(Primitive p, Params params, ArraySpec out, List<HostBuffer> in) {
        HostBuffer a = in.get(0);
        int[] shape = a.spec().shape();
        int[] strides = Shape.strides(shape);
        int[] outShape = out.shape();
        int[] coef = new int[outShape.length];
        int base = 0;
        switch (params) {
            case Params.BroadcastInDim b -> {
                int[] dims = b.dims().toArray();
                for (int d = 0; d < shape.length; d++) {
                    coef[dims[d]] = shape[d] == 1 ? 0 : strides[d]; // a length-1 dimension repeats
                }
            }
            case Params.Transpose t -> {
                int[] perm = t.perm().toArray();
                for (int d = 0; d < perm.length; d++) {
                    coef[d] = strides[perm[d]];
                }
            }
            case Params.Slice s -> {
                int[] start = s.start().toArray();
                int[] step = s.strides().toArray();
                for (int d = 0; d < shape.length; d++) {
                    base += start[d] * strides[d];
                    coef[d] = step[d] * strides[d];
                }
            }
            default -> {}
        }
        boolean pad = p == Primitive.PAD;
        int[] lo = pad ? ((Params.Pad) params).lo().toArray() : null;
        int[] interior = pad ? ((Params.Pad) params).interior().toArray() : null;
        int[] index = new int[outShape.length];
        int[] map = new int[out.size()];
        for (int i = 0; i < map.length; i++, next(index, outShape)) {
            map[i] = pad ? padSource(lo, interior, shape, strides, index) : base + dot(index, coef);
        }
        return gather(a, map, out, pad ? in.get(1) : null, false);
    }

    /**
     * Along each dimension, output position {@code q} holds operand element {@code (q - lo) /
     * (interior + 1)} when that divides exactly and lands inside the operand; negative {@code lo} or
     * {@code hi} crop, which needs no case of its own.
     */
    private static int padSource(int[] lo, int[] interior, int[] shape, int[] strides, int[] index) {
        int offset = 0;
        for (int d = 0; d < shape.length; d++) {
            int t = index[d] - lo[d];
            int step = interior[d] + 1;
            if (t < 0 || t % step != 0 || t / step >= shape[d]) {
                return -1;
            }
            offset += t / step * strides[d];
        }
        return offset;
    }

    /** {@code out[..i.., j.., ..k..] = a[..i.., clamp(indices[j..]), ..k..]}. */
    private static HostBuffer take(int axis, ArraySpec out, HostBuffer a, HostBuffer indices) {
        int[] shape = a.spec().shape();
        int dim = shape[axis];
        int inner = Shape.size(java.util.Arrays.copyOfRange(shape, axis + 1, shape.length));
        int outer = Shape.size(java.util.Arrays.copyOfRange(shape, 0, axis));
        int[] idx = indices.ints();
        int[] map = new int[out.size()];
        int i = 0;
        for (int o = 0; o < outer; o++) {
            for (int q : idx) {
                int row = Math.max(0, Math.min(q, dim - 1)); // indices are clamped into range
                for (int r = 0; r < inner; r++) {
                    map[i++] = (o * dim + row) * inner + r;
                }
            }
        }
        return gather(a, map, out, null, false);
    }

    /**
     * A buffer of {@code out} whose element {@code i} is {@code src[map[i]]}; where {@code map[i]} is
     * -1, element {@code i} of {@code fill} if {@code fillElementwise}, else its element 0. Elements
     * are copied, never computed on, so NaN payloads and -0 survive.
     */
    private static HostBuffer gather(
            HostBuffer src, int[] map, ArraySpec out, HostBuffer fill, boolean fillElementwise) {
        HostBuffer r = HostBuffer.allocate(out);
        for (int i = 0; i < map.length; i++) {
            HostBuffer from = map[i] >= 0 ? src : fill;
            int at = map[i] >= 0 ? map[i] : fillElementwise ? i : 0;
            if (from == null) {
                continue; // no fill: stays zero (never happens for the primitives above)
            }
            switch (out.dtype()) {
                case FLOAT32 -> r.floats()[i] = from.floats()[at];
                case FLOAT64 -> r.doubles()[i] = from.doubles()[at];
                case INT32 -> r.ints()[i] = from.ints()[at];
                default -> r.bools()[i] = from.bools()[at];
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ dot_general

    /**
     * {@code out[b, i, j] = Σ_k lhs[b, i, k] · rhs[b, j, k]}, where b, i, j and k run over the batch,
     * free and contracting dimensions, each given as the table of operand offsets of its indices.
     * Floats accumulate in double and round once; int32 wraps; bool is the OR of ANDs.
     */
    private static HostBuffer dot(Params.DotGeneral params, ArraySpec out, HostBuffer lhs, HostBuffer rhs) {
        int[] ls = lhs.spec().shape();
        int[] rs = rhs.spec().shape();
        int[] lb = offsets(ls, params.lhsBatch().toArray());
        int[] rb = offsets(rs, params.rhsBatch().toArray());
        int[] lf = offsets(
                ls,
                free(
                        ls.length,
                        params.lhsBatch().toArray(),
                        params.lhsContract().toArray()));
        int[] rf = offsets(
                rs,
                free(
                        rs.length,
                        params.rhsBatch().toArray(),
                        params.rhsContract().toArray()));
        int[] lk = offsets(ls, params.lhsContract().toArray());
        int[] rk = offsets(rs, params.rhsContract().toArray());
        HostBuffer r = HostBuffer.allocate(out);
        int o = 0;
        for (int b = 0; b < lb.length; b++) {
            for (int i : lf) {
                for (int j : rf) {
                    int l0 = lb[b] + i;
                    int r0 = rb[b] + j;
                    switch (out.dtype()) {
                        case FLOAT32, FLOAT64 -> {
                            double acc = 0;
                            for (int k = 0; k < lk.length; k++) {
                                acc += real(lhs, l0 + lk[k]) * real(rhs, r0 + rk[k]);
                            }
                            if (out.dtype() == DType.FLOAT32) {
                                r.floats()[o] = (float) acc;
                            } else {
                                r.doubles()[o] = acc;
                            }
                        }
                        case INT32 -> {
                            int acc = 0;
                            for (int k = 0; k < lk.length; k++) {
                                acc += lhs.ints()[l0 + lk[k]] * rhs.ints()[r0 + rk[k]];
                            }
                            r.ints()[o] = acc;
                        }
                        default -> {
                            boolean acc = false;
                            for (int k = 0; k < lk.length && !acc; k++) {
                                acc = lhs.bools()[l0 + lk[k]] && rhs.bools()[r0 + rk[k]];
                            }
                            r.bools()[o] = acc;
                        }
                    }
                    o++;
                }
            }
        }
        return r;
    }

    /** The dimensions that are neither batch nor contracting, in order. */
    private static int[] free(int rank, int[] batch, int[] contract) {
        boolean[] used = new boolean[rank];
        for (int d : batch) {
            used[d] = true;
        }
        for (int d : contract) {
            used[d] = true;
        }
        return java.util.stream.IntStream.range(0, rank).filter(d -> !used[d]).toArray();
    }

    /** The operand offset of every index of the listed dimensions, in row-major order of the list. */
    private static int[] offsets(int[] shape, int[] dims) {
        int[] strides = Shape.strides(shape);
        int[] sub = new int[dims.length];
        int[] coef = new int[dims.length];
        for (int d = 0; d < dims.length; d++) {
            sub[d] = shape[dims[d]];
            coef[d] = strides[dims[d]];
        }
        int[] index = new int[dims.length];
        int[] result = new int[Shape.size(sub)];
        for (int i = 0; i < result.length; i++, next(index, sub)) {
            result[i] = dot(index, coef);
        }
        return result;
    }

    // ------------------------------------------------------------------ helpers

    /** Element {@code i} of a float32 or float64 buffer, exactly, as a double. */
    private static double real(HostBuffer b, int i) {
        return b.spec().dtype() == DType.FLOAT32 ? b.floats()[i] : b.doubles()[i];
    }

    /** A float buffer of {@code out} holding {@code v}, rounded once to float32 if {@code out} is float32. */
    private static HostBuffer reals(ArraySpec out, double[] v) {
        if (out.dtype() == DType.FLOAT64) {
            return HostBuffer.wrap(out, v);
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return HostBuffer.wrap(out, f);
    }

    /** Advances a row-major multi-index over {@code shape} by one element. */
    private static void next(int[] index, int[] shape) {
        for (int d = index.length - 1; d >= 0; d--) {
            if (++index[d] < shape[d]) {
                return;
            }
            index[d] = 0;
        }
    }

    private static int dot(int[] index, int[] coef) {
        int s = 0;
        for (int d = 0; d < index.length; d++) {
            s += index[d] * coef[d];
        }
        return s;
    }
}
