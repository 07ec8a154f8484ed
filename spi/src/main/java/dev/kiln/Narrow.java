package dev.kiln;

import dev.kiln.internal.trace.ArrayInternals;
import dev.kiln.internal.trace.ProgramRunner;
import dev.kiln.internal.trace.StagingTrace;
import dev.kiln.internal.trace.TraceStack;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The narrow dtypes (int8, uint8, int16, uint16, float16, bfloat16) as logical dtypes over wide
 * storage. Arrays, tracers and programs carry the logical dtype; backend buffers hold the storage
 * dtype ({@link DType#storage()}), and every stored value is exactly a value of the logical dtype.
 * At the backend boundary (an eager primitive in {@link Dispatch}, a jit program before it is
 * compiled) each primitive runs on the storage dtype and, where its result is narrow, is followed by
 * the rounding that makes the stored value the narrow one: round-to-nearest-even to the narrow
 * float's precision and range ({@link Lax#reducePrecision}), or a two's-complement wrap for ints.
 */
final class Narrow {
    private Narrow() {}

    static boolean any(ArraySpec out, List<ArraySpec> in, Params params) {
        if (out.dtype().isNarrow()) {
            return true;
        }
        for (ArraySpec s : in) {
            if (s.dtype().isNarrow()) {
                return true;
            }
        }
        return params instanceof Params.Convert c && c.to().isNarrow()
                || params instanceof Params.Iota i && i.dtype().isNarrow()
                || params instanceof Params.ArgReduce r && r.indexType().isNarrow();
    }

    static ArraySpec storage(ArraySpec s) {
        return s.dtype().isNarrow() ? s.withDType(s.dtype().storage()) : s;
    }

    /** The same array seen with its storage dtype (a concrete array only). */
    static Array storageView(Array a) {
        if (!a.dtype().isNarrow()) {
            return a;
        }
        return new Array(a.backend(), a.buffer());
    }

    /** A storage-typed concrete array (possibly sharded by pmap) seen as {@code logical}. */
    static Array relabel(Array a, DType logical) {
        if (!logical.isNarrow() || a.dtype() == logical) {
            return a;
        }
        if (a.isSharded()) {
            List<Array> shards = new ArrayList<>();
            for (Array s : a.shards()) {
                shards.add(relabel(s, logical));
            }
            return new Array(shards, a.spec().withDType(logical));
        }
        return new Array(a.backend(), a.buffer(), a.spec().withDType(logical));
    }

    /** {@code host}, whose spec may be narrow, as a storage-typed buffer holding the exact narrow values. */
    static HostBuffer toStorage(HostBuffer host) {
        DType d = host.spec().dtype();
        if (!d.isNarrow()) {
            return host;
        }
        ArraySpec s = storage(host.spec());
        int n = s.size();
        if (d.isFloating()) {
            float[] src = host.floats();
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = roundFloat(src[i], d);
            }
            return HostBuffer.wrap(s, out);
        }
        int[] src = host.ints();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = wrapInt(src[i], d);
        }
        return HostBuffer.wrap(s, out);
    }

    /** A storage buffer seen as {@code logical} (no copy). */
    static HostBuffer logicalView(HostBuffer storage, ArraySpec logical) {
        return logical.dtype().isNarrow() ? HostBuffer.wrap(logical, storage.data()) : storage;
    }

    /** finfo(d).eps of float16 or bfloat16. */
    static double eps(DType d) {
        return d == DType.FLOAT16 ? 0x1p-10 : 0x1p-7;
    }

    /** finfo(d).epsneg of float16 or bfloat16. */
    static double epsneg(DType d) {
        return eps(d) / 2;
    }

    /** finfo(d).tiny (smallest normal) of float16 or bfloat16. */
    static double tiny(DType d) {
        return d == DType.FLOAT16 ? 0x1p-14 : Float.MIN_NORMAL;
    }

    /** finfo(d).max of float16 or bfloat16. */
    static double maxFinite(DType d) {
        return d == DType.FLOAT16 ? 65504.0 : Math.scalb(2.0 - 0x1p-7, 127);
    }

    /** The least value of a narrow integer dtype. */
    static double minValue(DType t) {
        return t.kind() == DType.Kind.SIGNED ? -Math.scalb(1.0, t.bits() - 1) : 0;
    }

    /** The greatest value of a narrow integer dtype. */
    static double maxValue(DType t) {
        return t.kind() == DType.Kind.SIGNED ? Math.scalb(1.0, t.bits() - 1) - 1 : Math.scalb(1.0, t.bits()) - 1;
    }

    static int wrapInt(int v, DType d) {
        return switch (d) {
            case INT8 -> (byte) v;
            case UINT8 -> v & 0xFF;
            case INT16 -> (short) v;
            case UINT16 -> v & 0xFFFF;
            default -> v;
        };
    }

    /** {@code v} rounded to nearest even in {@code d} (float16 or bfloat16), with overflow to infinity. */
    static float roundFloat(float v, DType d) {
        if (d == DType.FLOAT16) {
            return Float.float16ToFloat(Float.floatToFloat16(v));
        }
        if (d == DType.BFLOAT16) {
            if (Float.isNaN(v)) {
                return v;
            }
            int b = Float.floatToRawIntBits(v);
            b += 0x7FFF + ((b >>> 16) & 1);
            return Float.intBitsToFloat(b & 0xFFFF0000);
        }
        return v;
    }

    /** The shortest decimal that rounds back to {@code v} in {@code d}. */
    static String shortest(float v, DType d) {
        if (!Float.isFinite(v) || v == 0) {
            return Float.toString(v);
        }
        for (int p = 1; p < 9; p++) {
            // ties to even, as NumPy picks between two equally short candidates (0.65625 is 0.6562)
            java.math.BigDecimal b =
                    new java.math.BigDecimal(v).round(new java.math.MathContext(p, java.math.RoundingMode.HALF_EVEN));
            if (roundFloat(b.floatValue(), d) == v) {
                return b.stripTrailingZeros().toString();
            }
        }
        return Float.toString(v);
    }

    // ------------------------------------------------------------------ device-side rounding

    /** The exponent and mantissa bits of a narrow float. */
    static int[] floatBits(DType d) {
        return d == DType.FLOAT16 ? new int[] {5, 10} : new int[] {8, 7};
    }

    /** {@code x}, a storage-typed array, made exactly a value of narrow {@code d}. */
    static Array round(Array x, DType d) {
        if (!d.isNarrow()) {
            return x;
        }
        if (d.isFloating()) {
            int[] em = floatBits(d);
            return reducePrecision(x, em[0], em[1]);
        }
        return switch (d) {
            case UINT8 -> Lax.bitwiseAnd(x, 0xFF);
            case UINT16 -> Lax.bitwiseAnd(x, 0xFFFF);
            case INT8 -> Lax.shiftRightArithmetic(Lax.shiftLeft(x, 24), 24);
            case INT16 -> Lax.shiftRightArithmetic(Lax.shiftLeft(x, 16), 16);
            default -> x;
        };
    }

    /**
     * Rounds a float32 or float64 array to nearest even at {@code mantissaBits} bits after the point,
     * with the exponent range of {@code exponentBits} bits (gradual underflow, overflow to infinity),
     * from primitives alone: the target's unit in the last place comes from {@code nextafter}, and
     * adding then subtracting a power of two that large rounds at exactly that place.
     */
    static Array reducePrecision(Array x, int exponentBits, int mantissaBits) {
        DType t = x.dtype();
        boolean f64 = t == DType.FLOAT64;
        int storageMantissa = f64 ? 52 : 23;
        int storageMaxExp = f64 ? 1023 : 127;
        if (mantissaBits >= storageMantissa && exponentBits >= (f64 ? 11 : 8)) {
            return x;
        }
        int emax = (1 << (exponentBits - 1)) - 1;
        int emin = 1 - emax;
        int half = storageMaxExp / 2 + 1;
        Array a = Np.abs(x);
        // values of 2^half and up are scaled down first, so the rounding constant stays finite
        Array big = Np.greaterEqual(a, Math.scalb(1.0, half));
        Array s = Np.where(big, Np.multiply(a, Math.scalb(1.0, -half)), a);
        Array ulpStorage = Np.subtract(Np.nextafter(s, Double.POSITIVE_INFINITY), s);
        Array ulp = Np.maximum(
                Np.multiply(ulpStorage, Math.scalb(1.0, storageMantissa - mantissaBits)),
                Math.scalb(1.0, Math.max(emin - mantissaBits, f64 ? -1074 : -149)));
        Array c = Np.multiply(ulp, Math.scalb(1.0, storageMantissa));
        Array r = Np.subtract(Np.add(s, c), c);
        r = Np.where(big, Np.multiply(r, Math.scalb(1.0, half)), r);
        double maxFinite = Math.scalb(2.0 - Math.scalb(1.0, -mantissaBits), emax);
        if (maxFinite < (f64 ? Double.MAX_VALUE : Float.MAX_VALUE)) {
            r = Np.where(Np.greater(r, maxFinite), Double.POSITIVE_INFINITY, r);
        }
        Array signed = Np.where(Np.less(x, 0), Np.negative(r), r);
        // zeros (-0.0 kept), infinities and NaN pass through unchanged
        return Np.where(Np.logicalOr(Np.equal(x, 0), Np.logicalNot(Np.isfinite(x))), x, signed);
    }

    // ------------------------------------------------------------------ one primitive on storage

    /**
     * Applies {@code p} to storage-typed operands whose logical specs are {@code in}, giving the
     * storage-typed result for logical {@code out}, through {@code bind} (eager execution or staging).
     */
    static Array apply(
            Primitive p, Params params, List<ArraySpec> in, ArraySpec out, Array[] args, ProgramRunner.Binder bind) {
        if (p == Primitive.CONVERT) {
            return convert(args[0], in.get(0).dtype(), out.dtype(), bind);
        }
        Params wide = widen(params);
        Array[] a = args;
        if (p == Primitive.SHIFT_RIGHT_LOGICAL && in.get(0).dtype().isNarrow()) {
            a = args.clone();
            a[0] = Lax.bitwiseAnd(a[0], in.get(0).dtype().byteSize() == 1 ? 0xFF : 0xFFFF);
        }
        if (p == Primitive.SHIFT_RIGHT_ARITHMETIC
                && in.get(0).dtype().isNarrow()
                && in.get(0).dtype().kind() == DType.Kind.UNSIGNED) {
            // an arithmetic shift of uint8 or uint16 copies their own top bit
            a = args.clone();
            int k = 32 - in.get(0).dtype().bits();
            a[0] = Lax.shiftRightArithmetic(Lax.shiftLeft(a[0], k), k);
        }
        Array r = bind.bind(p, wide, a);
        if (!out.dtype().isNarrow() || exact(p)) {
            return r;
        }
        return round(r, out.dtype());
    }

    /** Primitives whose results are operand values already, so they need no rounding. */
    private static boolean exact(Primitive p) {
        return switch (p.kind()) {
            case MOVEMENT, INDEXING, SELECT, COMPARE -> true;
            default ->
                p == Primitive.MAX
                        || p == Primitive.MIN
                        || p == Primitive.REDUCE_MAX
                        || p == Primitive.REDUCE_MIN
                        || p == Primitive.CUMMAX
                        || p == Primitive.CUMMIN;
        };
    }

    private static Array convert(Array x, DType from, DType to, ProgramRunner.Binder bind) {
        DType st = to.storage();
        if (to.isNarrow() && to.isFloating()) {
            if (from.isFloating() && from.storage() == DType.FLOAT32) {
                return round(x, to);
            }
            // round once, from the exact wide value: through float64
            Array wide = from == DType.FLOAT64
                    ? x
                    : bind.bind(Primitive.CONVERT, new Params.Convert(DType.FLOAT64), new Array[] {x});
            int[] em = floatBits(to);
            Array r = reducePrecision(wide, em[0], em[1]);
            return bind.bind(Primitive.CONVERT, new Params.Convert(DType.FLOAT32), new Array[] {r});
        }
        if (to.isNarrow() && from.isFloating()) {
            // a float to a narrow int saturates, and NaN gives 0, as in JAX on CPU
            long lo = to.kind() == DType.Kind.SIGNED ? -(1L << (to.bits() - 1)) : 0;
            long hi = to.kind() == DType.Kind.SIGNED ? (1L << (to.bits() - 1)) - 1 : (1L << to.bits()) - 1;
            Array c = Np.where(Np.less(x, (double) lo), (double) lo, x);
            c = Np.where(Np.greater(c, (double) hi), (double) hi, c);
            return bind.bind(Primitive.CONVERT, new Params.Convert(st), new Array[] {c});
        }
        Array r = x.dtype() == st ? x : bind.bind(Primitive.CONVERT, new Params.Convert(st), new Array[] {x});
        return to.isNarrow() ? round(r, to) : r;
    }

    static Params widen(Params params) {
        return switch (params) {
            case Params.Convert c when c.to().isNarrow() -> new Params.Convert(c.to().storage());
            case Params.Iota i
            when i.dtype().isNarrow() -> new Params.Iota(i.dtype().storage(), i.shape(), i.dimension());
            case Params.ArgReduce r
            when r.indexType().isNarrow() ->
                new Params.ArgReduce(r.axis(), r.indexType().storage());
            case Params.Cond c ->
                new Params.Cond(c.branches().stream().map(Narrow::widen).toList());
            case Params.While w -> new Params.While(widen(w.cond()), widen(w.body()), w.condConsts(), w.bodyConsts());
            case Params.Scan s -> new Params.Scan(widen(s.body()), s.consts(), s.carries(), s.length(), s.reverse());
            case Params.Pmap m ->
                new Params.Pmap(
                        widen(m.body()), m.axisName(), m.size(), m.inAxes(), m.outAxes(), m.backend(), m.devices());
            case null, default -> params;
        };
    }

    /**
     * A host callback over storage buffers: its operands arrive in their storage dtypes and are handed
     * to the callback under their narrow dtypes ({@code inSpecs}), and its results, checked against the
     * narrow specs it declared, leave in their storage dtypes.
     */
    private static Params.HostCall<HostBuffer> widenCall(Params.HostCall<?> h, List<ArraySpec> inSpecs) {
        List<ArraySpec> outs = h.outSpecs().stream().map(Narrow::storage).toList();
        java.util.function.Function<List<HostBuffer>, List<HostBuffer>> wide = host -> {
            List<HostBuffer> logical = new ArrayList<>(host.size());
            for (int i = 0; i < host.size(); i++) {
                logical.add(HostBuffer.wrap(inSpecs.get(i), host.get(i).data()));
            }
            List<HostBuffer> results = dev.kiln.spi.ProgramInterpreter.callHost(h, logical);
            List<HostBuffer> stored = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                stored.add(HostBuffer.wrap(outs.get(i), results.get(i).data()));
            }
            return stored;
        };
        return new Params.HostCall<>(wide, outs, h.vmapMethod(), h.name());
    }

    // ------------------------------------------------------------------ programs

    private static boolean narrow(Program p) {
        for (Var v : p.constants()) {
            if (v.spec().dtype().isNarrow()) {
                return true;
            }
        }
        for (Var v : p.inputs()) {
            if (v.spec().dtype().isNarrow()) {
                return true;
            }
        }
        for (Eqn e : p.eqns()) {
            List<ArraySpec> in = e.inputs().stream().map(Atom::spec).toList();
            for (Var o : e.outputs()) {
                if (any(o.spec(), in, e.params())) {
                    return true;
                }
            }
            if (e.params() instanceof Params.HostCall<?> h
                    && (h.outSpecs().stream().anyMatch(o -> o.dtype().isNarrow())
                            || in.stream().anyMatch(o -> o.dtype().isNarrow()))) {
                return true;
            }
            if (e.params() instanceof Params.Cond
                    || e.params() instanceof Params.While
                    || e.params() instanceof Params.Scan
                    || e.params() instanceof Params.Pmap) {
                if (!e.params().equals(widen(e.params()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code p} with every narrow dtype replaced by its storage and the roundings written out. */
    static Program widen(Program p) {
        if (!narrow(p)) {
            return p;
        }
        int nc = p.constants().size();
        StagingTrace staging = TraceStack.push(level -> new StagingTrace(level, "narrow dtypes", true));
        Program raw;
        try {
            Map<Var, Array> env = new IdentityHashMap<>();
            List<Array> ins = new ArrayList<>();
            for (Var v : p.constants()) {
                env.put(v, staging.newInput(storage(v.spec())));
            }
            for (Var v : p.inputs()) {
                env.put(v, staging.newInput(storage(v.spec())));
            }
            for (Eqn e : p.eqns()) {
                Array[] in = new Array[e.inputs().size()];
                List<ArraySpec> specs = new ArrayList<>(in.length);
                for (int i = 0; i < in.length; i++) {
                    Atom a = e.inputs().get(i);
                    specs.add(a.spec());
                    in[i] = read(env, a);
                }
                if (e.params() instanceof Params.HostCall<?> h) {
                    List<Array> outs = Lax.bindAll(e.primitive(), widenCall(h, specs), in);
                    for (int i = 0; i < outs.size(); i++) {
                        env.put(e.outputs().get(i), outs.get(i));
                    }
                } else if (e.primitive().kind() == Primitive.Kind.CONTROL) {
                    List<Array> outs = Lax.bindAll(e.primitive(), widen(e.params()), in);
                    for (int i = 0; i < outs.size(); i++) {
                        env.put(e.outputs().get(i), outs.get(i));
                    }
                } else {
                    env.put(
                            e.outputs().get(0),
                            apply(
                                    e.primitive(),
                                    e.params(),
                                    specs,
                                    e.outputs().get(0).spec(),
                                    in,
                                    Dispatch::bind));
                }
            }
            List<Array> outs = new ArrayList<>();
            for (Atom a : p.outputs()) {
                outs.add(read(env, a));
            }
            raw = staging.build(outs);
        } finally {
            TraceStack.pop(staging);
        }
        if (!staging.constants().isEmpty()) {
            throw new IllegalStateException("widening a program captured an array constant (a bug in Kiln)");
        }
        List<Var> all = raw.inputs();
        return new Program(all.subList(0, nc), all.subList(nc, all.size()), raw.eqns(), raw.outputs());
    }

    private static Array read(Map<Var, Array> env, Atom a) {
        if (a instanceof Literal l) {
            return ArrayInternals.get().constant(toStorage(l.value()));
        }
        return env.get((Var) a);
    }
}
