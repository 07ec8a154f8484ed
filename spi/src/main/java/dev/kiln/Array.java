package dev.kiln;

import dev.kiln.internal.trace.ArrayInternals;
import dev.kiln.internal.trace.Tracer;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.HostBuffer;
import java.util.List;
import java.util.Objects;

/**
 * An immutable n-dimensional array on a backend. Operations never change an array; they return new
 * ones. The buffer is released when the array becomes unreachable, so arrays need no {@code
 * close()}.
 *
 * <p>Instance methods mirror the {@link Np} functions so code can chain: {@code
 * x.add(y).exp().sum(1)}.
 */
public final class Array {
    static {
        ArrayInternals.install(new ArrayInternals() {
            @Override
            public Array wrap(Tracer tracer) {
                return new Array(tracer);
            }

            @Override
            public Array wrap(Backend backend, Buffer buffer) {
                return new Array(backend, buffer);
            }

            @Override
            public Tracer tracer(Array a) {
                return a.tracer;
            }

            @Override
            public Array constant(HostBuffer host) {
                return Dispatch.fromHost(host);
            }
        });
    }

    private final ArraySpec spec;
    private final Buffer buffer;
    private final Backend backend;
    /** Non-null while a transformation traces this array: then it has no buffer. */
    private final Tracer tracer;

    Array(Backend backend, Buffer buffer) {
        this.backend = backend;
        this.buffer = buffer;
        this.spec = buffer.spec();
        this.tracer = null;
        this.shards = null;
    }

    /** A narrow-dtype array: {@code buffer} holds its values in {@code logical}'s storage dtype. */
    Array(Backend backend, Buffer buffer, ArraySpec logical) {
        this.backend = backend;
        this.buffer = buffer;
        this.spec = logical;
        this.tracer = null;
        this.shards = null;
        if (!buffer.spec().equals(Narrow.storage(logical))) {
            throw new IllegalStateException("a buffer of " + buffer.spec() + " cannot hold " + logical);
        }
    }

    private Array(Tracer tracer) {
        this.backend = null;
        this.buffer = null;
        this.spec = tracer.spec();
        this.tracer = tracer;
        this.shards = null;
    }

    /** A {@code pmap} result: one slice of axis 0 per device, gathered into one buffer only when asked. */
    Array(List<Array> shards, ArraySpec spec) {
        this.backend = shards.get(0).backend;
        this.buffer = null;
        this.spec = spec;
        this.tracer = null;
        this.shards = List.copyOf(shards);
    }

    /** For a sharded array, its slices along axis 0 in device order; else null. */
    private final List<Array> shards;
    /** A sharded array's data gathered onto its first device, once it is needed. */
    private Buffer gathered;

    /**
     * Whether this array is spread over several devices (a {@link Kiln#pmap} result): one buffer per
     * device, each holding one slice of axis 0.
     */
    public boolean isSharded() {
        return shards != null;
    }

    /**
     * The per-device pieces: for a sharded array its slices along axis 0 in device order (each on
     * its device), else a list of this array alone.
     */
    public List<Array> shards() {
        if (tracer != null) {
            throw concretization("shards()");
        }
        return shards != null ? shards : List.of(this);
    }

    /** The device holding this array's data (a sharded array's first device). */
    public dev.kiln.spi.Device device() {
        if (tracer != null) {
            throw concretization("device()");
        }
        return backend.device();
    }

    /** The shards stacked into one buffer on the first shard's device, once: at host level, so it never gets staged. */
    private synchronized Buffer gather() {
        if (gathered == null) {
            HostBuffer out = HostBuffer.allocate(spec);
            int n = spec.size() / Math.max(1, shards.size());
            for (int i = 0; i < shards.size(); i++) {
                System.arraycopy(shards.get(i).toHost().data(), 0, out.data(), i * n, n);
            }
            gathered = backend.fromHost(Narrow.toStorage(out));
        }
        return gathered;
    }

    /** Whether this array is a stand-in for a value being traced by {@code jit}, {@code grad} or {@code vmap}. */
    public boolean isTraced() {
        return tracer != null;
    }

    Tracer tracer() {
        return tracer;
    }

    private ConcretizationException concretization(String what) {
        return new ConcretizationException(what, spec, tracer.trace().transformation());
    }

    /** The dtype and shape together. */
    public ArraySpec spec() {
        return spec;
    }

    /** The shape, outermost dimension first (a copy). */
    public int[] shape() {
        return spec.shape();
    }

    /** The length of one dimension; negative axes count from the end. */
    public int shape(int axis) {
        return spec.dim(Shape.axis("shape", axis, spec.rank()));
    }

    public DType dtype() {
        return spec.dtype();
    }

    public int ndim() {
        return spec.rank();
    }

    public int size() {
        return spec.size();
    }

    /** The backend holding this array's data. */
    public Backend backend() {
        if (tracer != null) {
            throw concretization("backend()");
        }
        return backend;
    }

    /** The backend's buffer; for backend and tooling code. */
    public Buffer buffer() {
        if (tracer != null) {
            throw concretization("buffer()");
        }
        return shards != null ? gather() : buffer;
    }

    /**
     * Waits until this array's value has been computed and returns it, as JAX's {@code
     * block_until_ready}: backends that enqueue work asynchronously (opencl) return from operations
     * before the device has finished them, so time a computation up to this call. Returns at once
     * on synchronous backends.
     */
    public Array blockUntilReady() {
        if (tracer != null) {
            throw concretization("blockUntilReady()");
        }
        buffer.blockUntilReady();
        return this;
    }

    /** The data on the host, in row-major order, in this array's own dtype. */
    public HostBuffer toHost() {
        if (tracer != null) {
            throw concretization("reading its values");
        }
        return Narrow.logicalView(backend.toHost(buffer()), spec);
    }

    /** The elements in row-major order, converted to float as {@code astype(float32)} would. */
    public float[] toFloatArray() {
        HostBuffer h = toHost();
        if (spec.dtype() == DType.FLOAT32) {
            return h.floats().clone();
        }
        float[] out = new float[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = spec.dtype() == DType.INT64 ? (float) h.getLong(i) : (float) h.getDouble(i);
        }
        return out;
    }

    /** The elements in row-major order, converted to double. */
    public double[] toDoubleArray() {
        HostBuffer h = toHost();
        if (spec.dtype() == DType.FLOAT64) {
            return h.doubles().clone();
        }
        double[] out = new double[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = spec.dtype() == DType.INT64 ? (double) h.getLong(i) : h.getDouble(i);
        }
        return out;
    }

    /**
     * The elements in row-major order, converted to int as {@code astype(int32)} would (floats are
     * truncated toward zero and saturate; NaN becomes 0).
     */
    public int[] toIntArray() {
        HostBuffer h = toHost();
        if (spec.dtype() == DType.INT32 || spec.dtype() == DType.UINT32) {
            return h.ints().clone();
        }
        int[] out = new int[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (spec.dtype()) {
                case FLOAT32, FLOAT64 -> (int) h.getDouble(i);
                default -> (int) h.getLong(i);
            };
        }
        return out;
    }

    /** The elements in row-major order, converted to long. */
    public long[] toLongArray() {
        HostBuffer h = toHost();
        if (spec.dtype() == DType.INT64) {
            return h.longs().clone();
        }
        long[] out = new long[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = spec.dtype().isFloating() ? (long) h.getDouble(i) : h.getLong(i);
        }
        return out;
    }

    /** The elements in row-major order as booleans (non-zero is true). */
    public boolean[] toBooleanArray() {
        HostBuffer h = toHost();
        if (spec.dtype() == DType.BOOL) {
            return h.bools().clone();
        }
        boolean[] out = new boolean[spec.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = h.getDouble(i) != 0;
        }
        return out;
    }

    /** The single element of a size-1 array, as a double. */
    public double item() {
        requireOneElement();
        return toHost().getDouble(0);
    }

    /** The single element of a size-1 array, as a float. */
    public float floatItem() {
        return (float) item();
    }

    /** The single element of a size-1 integer or bool array, as a long (exact for int64). */
    public long longItem() {
        requireOneElement();
        return toHost().getLong(0);
    }

    /** The single element of a size-1 array, as an int. */
    public int intItem() {
        return (int) longItem();
    }

    /** The single element of a size-1 array, as a boolean (non-zero is true). */
    public boolean booleanItem() {
        return item() != 0;
    }

    private void requireOneElement() {
        if (spec.size() != 1) {
            throw new ShapeException("item() needs an array with exactly one element, but this one has shape "
                    + Shape.toString(spec.shape()) + "; index or reduce it first, e.g. x.sum().item()");
        }
    }

    /** Prints like JAX: {@code Array([[1., 2.], [3., 4.]], dtype=float32)}. */
    @Override
    public String toString() {
        if (tracer != null) {
            return "Traced<" + spec + ">(" + tracer.trace().transformation() + ")";
        }
        return NumpyFormat.repr(this);
    }

    // ---------------------------------------------------------------- chainable Np functions

    /** {@link Np#add(Object, Object) Np.add}{@code (this, other)}. */
    public Array add(Object other) {
        return Np.add(this, other);
    }

    /** {@link Np#subtract(Object, Object) Np.subtract}{@code (this, other)}. */
    public Array subtract(Object other) {
        return Np.subtract(this, other);
    }

    /** {@link Np#multiply(Object, Object) Np.multiply}{@code (this, other)}. */
    public Array multiply(Object other) {
        return Np.multiply(this, other);
    }

    /** {@link Np#divide(Object, Object) Np.divide}{@code (this, other)}. */
    public Array divide(Object other) {
        return Np.divide(this, other);
    }

    /** {@link Np#floorDivide(Object, Object) Np.floorDivide}{@code (this, other)}. */
    public Array floorDivide(Object other) {
        return Np.floorDivide(this, other);
    }

    /** {@link Np#mod(Object, Object) Np.mod}{@code (this, other)}. */
    public Array mod(Object other) {
        return Np.mod(this, other);
    }

    /** {@link Np#power(Object, Object) Np.power}{@code (this, other)}. */
    public Array power(Object other) {
        return Np.power(this, other);
    }

    /** {@link Np#maximum(Object, Object) Np.maximum}{@code (this, other)}. */
    public Array maximum(Object other) {
        return Np.maximum(this, other);
    }

    /** {@link Np#minimum(Object, Object) Np.minimum}{@code (this, other)}. */
    public Array minimum(Object other) {
        return Np.minimum(this, other);
    }

    /** {@link Np#equal(Object, Object) Np.equal}{@code (this, other)}. */
    public Array equal(Object other) {
        return Np.equal(this, other);
    }

    /** {@link Np#notEqual(Object, Object) Np.notEqual}{@code (this, other)}. */
    public Array notEqual(Object other) {
        return Np.notEqual(this, other);
    }

    /** {@link Np#less(Object, Object) Np.less}{@code (this, other)}. */
    public Array less(Object other) {
        return Np.less(this, other);
    }

    /** {@link Np#lessEqual(Object, Object) Np.lessEqual}{@code (this, other)}. */
    public Array lessEqual(Object other) {
        return Np.lessEqual(this, other);
    }

    /** {@link Np#greater(Object, Object) Np.greater}{@code (this, other)}. */
    public Array greater(Object other) {
        return Np.greater(this, other);
    }

    /** {@link Np#greaterEqual(Object, Object) Np.greaterEqual}{@code (this, other)}. */
    public Array greaterEqual(Object other) {
        return Np.greaterEqual(this, other);
    }

    /** {@link Np#logicalAnd(Object, Object) Np.logicalAnd}{@code (this, other)}. */
    public Array logicalAnd(Object other) {
        return Np.logicalAnd(this, other);
    }

    /** {@link Np#logicalOr(Object, Object) Np.logicalOr}{@code (this, other)}. */
    public Array logicalOr(Object other) {
        return Np.logicalOr(this, other);
    }

    /** {@link Np#logicalXor(Object, Object) Np.logicalXor}{@code (this, other)}. */
    public Array logicalXor(Object other) {
        return Np.logicalXor(this, other);
    }

    /** {@link Np#bitwiseAnd(Object, Object) Np.bitwiseAnd}{@code (this, other)}. */
    public Array bitwiseAnd(Object other) {
        return Np.bitwiseAnd(this, other);
    }

    /** {@link Np#bitwiseOr(Object, Object) Np.bitwiseOr}{@code (this, other)}. */
    public Array bitwiseOr(Object other) {
        return Np.bitwiseOr(this, other);
    }

    /** {@link Np#bitwiseXor(Object, Object) Np.bitwiseXor}{@code (this, other)}. */
    public Array bitwiseXor(Object other) {
        return Np.bitwiseXor(this, other);
    }

    /** {@link Np#arctan2(Object, Object) Np.arctan2}{@code (this, other)}. */
    public Array arctan2(Object other) {
        return Np.arctan2(this, other);
    }

    /** {@link Np#negative(Array) Np.negative}{@code (this)}. */
    public Array negative() {
        return Np.negative(this);
    }

    /** {@link Np#abs(Array) Np.abs}{@code (this)}. */
    public Array abs() {
        return Np.abs(this);
    }

    /** {@link Np#sign(Array) Np.sign}{@code (this)}. */
    public Array sign() {
        return Np.sign(this);
    }

    /** {@link Np#exp(Array) Np.exp}{@code (this)}. */
    public Array exp() {
        return Np.exp(this);
    }

    /** {@link Np#exp2(Array) Np.exp2}{@code (this)}. */
    public Array exp2() {
        return Np.exp2(this);
    }

    /** {@link Np#log(Array) Np.log}{@code (this)}. */
    public Array log() {
        return Np.log(this);
    }

    /** {@link Np#log2(Array) Np.log2}{@code (this)}. */
    public Array log2() {
        return Np.log2(this);
    }

    /** {@link Np#log10(Array) Np.log10}{@code (this)}. */
    public Array log10() {
        return Np.log10(this);
    }

    /** {@link Np#log1p(Array) Np.log1p}{@code (this)}. */
    public Array log1p() {
        return Np.log1p(this);
    }

    /** {@link Np#expm1(Array) Np.expm1}{@code (this)}. */
    public Array expm1() {
        return Np.expm1(this);
    }

    /** {@link Np#sqrt(Array) Np.sqrt}{@code (this)}. */
    public Array sqrt() {
        return Np.sqrt(this);
    }

    /** {@link Np#rsqrt(Array) Np.rsqrt}{@code (this)}. */
    public Array rsqrt() {
        return Np.rsqrt(this);
    }

    /** {@link Np#cbrt(Array) Np.cbrt}{@code (this)}. */
    public Array cbrt() {
        return Np.cbrt(this);
    }

    /** {@link Np#square(Array) Np.square}{@code (this)}. */
    public Array square() {
        return Np.square(this);
    }

    /** {@link Np#reciprocal(Array) Np.reciprocal}{@code (this)}. */
    public Array reciprocal() {
        return Np.reciprocal(this);
    }

    /** {@link Np#sin(Array) Np.sin}{@code (this)}. */
    public Array sin() {
        return Np.sin(this);
    }

    /** {@link Np#cos(Array) Np.cos}{@code (this)}. */
    public Array cos() {
        return Np.cos(this);
    }

    /** {@link Np#tan(Array) Np.tan}{@code (this)}. */
    public Array tan() {
        return Np.tan(this);
    }

    /** {@link Np#arcsin(Array) Np.arcsin}{@code (this)}. */
    public Array arcsin() {
        return Np.arcsin(this);
    }

    /** {@link Np#arccos(Array) Np.arccos}{@code (this)}. */
    public Array arccos() {
        return Np.arccos(this);
    }

    /** {@link Np#arctan(Array) Np.arctan}{@code (this)}. */
    public Array arctan() {
        return Np.arctan(this);
    }

    /** {@link Np#sinh(Array) Np.sinh}{@code (this)}. */
    public Array sinh() {
        return Np.sinh(this);
    }

    /** {@link Np#cosh(Array) Np.cosh}{@code (this)}. */
    public Array cosh() {
        return Np.cosh(this);
    }

    /** {@link Np#tanh(Array) Np.tanh}{@code (this)}. */
    public Array tanh() {
        return Np.tanh(this);
    }

    /** {@link Np#sigmoid(Array) Np.sigmoid}{@code (this)}. */
    public Array sigmoid() {
        return Np.sigmoid(this);
    }

    /** {@link Np#erf(Array) Np.erf}{@code (this)}. */
    public Array erf() {
        return Np.erf(this);
    }

    /** {@link Np#floor(Array) Np.floor}{@code (this)}. */
    public Array floor() {
        return Np.floor(this);
    }

    /** {@link Np#ceil(Array) Np.ceil}{@code (this)}. */
    public Array ceil() {
        return Np.ceil(this);
    }

    /** {@link Np#round(Array) Np.round}{@code (this)}. */
    public Array round() {
        return Np.round(this);
    }

    /** {@link Np#isnan(Array) Np.isnan}{@code (this)}. */
    public Array isnan() {
        return Np.isnan(this);
    }

    /** {@link Np#isinf(Array) Np.isinf}{@code (this)}. */
    public Array isinf() {
        return Np.isinf(this);
    }

    /** {@link Np#isfinite(Array) Np.isfinite}{@code (this)}. */
    public Array isfinite() {
        return Np.isfinite(this);
    }

    /** {@link Np#logicalNot(Array) Np.logicalNot}{@code (this)}. */
    public Array logicalNot() {
        return Np.logicalNot(this);
    }

    /** {@link Np#bitwiseNot(Array) Np.bitwiseNot}{@code (this)}. */
    public Array bitwiseNot() {
        return Np.bitwiseNot(this);
    }

    /** {@link Np#nanToNum(Array) Np.nanToNum}{@code (this)}. */
    public Array nanToNum() {
        return Np.nanToNum(this);
    }

    /** {@link Np#ravel(Array) Np.ravel}{@code (this)}. */
    public Array ravel() {
        return Np.ravel(this);
    }

    /** {@link Np#squeeze(Array) Np.squeeze}{@code (this)}. */
    public Array squeeze() {
        return Np.squeeze(this);
    }

    /** {@link Np#flip(Array) Np.flip}{@code (this)}. */
    public Array flip() {
        return Np.flip(this);
    }

    /** {@link Np#round(Array, int) Np.round}{@code (this, decimals)}. */
    public Array round(int decimals) {
        return Np.round(this, decimals);
    }

    /** {@link Np#clip(Array, Object, Object) Np.clip}{@code (this, min, max)}; {@code null} means no bound. */
    public Array clip(Object min, Object max) {
        return Np.clip(this, min, max);
    }

    /** {@link Np#sum(Array) Np.sum} over all axes. */
    public Array sum() {
        return Np.sum(this);
    }

    /** {@link Np#sum(Array, int) Np.sum} along one axis. */
    public Array sum(int axis) {
        return Np.sum(this, axis);
    }

    /** {@link Np#sum(Array, int[], boolean) Np.sum} over {@code axes}. */
    public Array sum(int[] axes, boolean keepdims) {
        return Np.sum(this, axes, keepdims);
    }

    /** {@link Np#prod(Array) Np.prod} over all axes. */
    public Array prod() {
        return Np.prod(this);
    }

    /** {@link Np#prod(Array, int) Np.prod} along one axis. */
    public Array prod(int axis) {
        return Np.prod(this, axis);
    }

    /** {@link Np#prod(Array, int[], boolean) Np.prod} over {@code axes}. */
    public Array prod(int[] axes, boolean keepdims) {
        return Np.prod(this, axes, keepdims);
    }

    /** {@link Np#max(Array) Np.max} over all axes. */
    public Array max() {
        return Np.max(this);
    }

    /** {@link Np#max(Array, int) Np.max} along one axis. */
    public Array max(int axis) {
        return Np.max(this, axis);
    }

    /** {@link Np#max(Array, int[], boolean) Np.max} over {@code axes}. */
    public Array max(int[] axes, boolean keepdims) {
        return Np.max(this, axes, keepdims);
    }

    /** {@link Np#min(Array) Np.min} over all axes. */
    public Array min() {
        return Np.min(this);
    }

    /** {@link Np#min(Array, int) Np.min} along one axis. */
    public Array min(int axis) {
        return Np.min(this, axis);
    }

    /** {@link Np#min(Array, int[], boolean) Np.min} over {@code axes}. */
    public Array min(int[] axes, boolean keepdims) {
        return Np.min(this, axes, keepdims);
    }

    /** {@link Np#mean(Array) Np.mean} over all axes. */
    public Array mean() {
        return Np.mean(this);
    }

    /** {@link Np#mean(Array, int) Np.mean} along one axis. */
    public Array mean(int axis) {
        return Np.mean(this, axis);
    }

    /** {@link Np#mean(Array, int[], boolean) Np.mean} over {@code axes}. */
    public Array mean(int[] axes, boolean keepdims) {
        return Np.mean(this, axes, keepdims);
    }

    /** {@link Np#all(Array) Np.all} over all axes. */
    public Array all() {
        return Np.all(this);
    }

    /** {@link Np#all(Array, int) Np.all} along one axis. */
    public Array all(int axis) {
        return Np.all(this, axis);
    }

    /** {@link Np#all(Array, int[], boolean) Np.all} over {@code axes}. */
    public Array all(int[] axes, boolean keepdims) {
        return Np.all(this, axes, keepdims);
    }

    /** {@link Np#any(Array) Np.any} over all axes. */
    public Array any() {
        return Np.any(this);
    }

    /** {@link Np#any(Array, int) Np.any} along one axis. */
    public Array any(int axis) {
        return Np.any(this, axis);
    }

    /** {@link Np#any(Array, int[], boolean) Np.any} over {@code axes}. */
    public Array any(int[] axes, boolean keepdims) {
        return Np.any(this, axes, keepdims);
    }

    /** {@link Np#var(Array) Np.var} over all axes. */
    public Array var() {
        return Np.var(this);
    }

    /** {@link Np#var(Array, int) Np.var} along one axis. */
    public Array var(int axis) {
        return Np.var(this, axis);
    }

    /** {@link Np#var(Array, int[], boolean) Np.var} over {@code axes}. */
    public Array var(int[] axes, boolean keepdims) {
        return Np.var(this, axes, keepdims);
    }

    /** {@link Np#std(Array) Np.std} over all axes. */
    public Array std() {
        return Np.std(this);
    }

    /** {@link Np#std(Array, int) Np.std} along one axis. */
    public Array std(int axis) {
        return Np.std(this, axis);
    }

    /** {@link Np#std(Array, int[], boolean) Np.std} over {@code axes}. */
    public Array std(int[] axes, boolean keepdims) {
        return Np.std(this, axes, keepdims);
    }

    /** {@link Np#logSumExp(Array) Np.logSumExp} over all axes. */
    public Array logSumExp() {
        return Np.logSumExp(this);
    }

    /** {@link Np#logSumExp(Array, int) Np.logSumExp} along one axis. */
    public Array logSumExp(int axis) {
        return Np.logSumExp(this, axis);
    }

    /** {@link Np#logSumExp(Array, int[], boolean) Np.logSumExp} over {@code axes}. */
    public Array logSumExp(int[] axes, boolean keepdims) {
        return Np.logSumExp(this, axes, keepdims);
    }

    /** {@link Np#var(Array, int[], boolean, int) Np.var} with {@code ddof}. */
    public Array var(int[] axes, boolean keepdims, int ddof) {
        return Np.var(this, axes, keepdims, ddof);
    }

    /** {@link Np#std(Array, int[], boolean, int) Np.std} with {@code ddof}. */
    public Array std(int[] axes, boolean keepdims, int ddof) {
        return Np.std(this, axes, keepdims, ddof);
    }

    /** {@link Np#argmax(Array) Np.argmax} of the flattened array (int32). */
    public Array argmax() {
        return Np.argmax(this);
    }

    /** {@link Np#argmax(Array, int) Np.argmax} along one axis (int32). */
    public Array argmax(int axis) {
        return Np.argmax(this, axis);
    }

    /** {@link Np#argmax(Array, int, boolean) Np.argmax} along one axis (int32). */
    public Array argmax(int axis, boolean keepdims) {
        return Np.argmax(this, axis, keepdims);
    }

    /** {@link Np#argmin(Array) Np.argmin} of the flattened array (int32). */
    public Array argmin() {
        return Np.argmin(this);
    }

    /** {@link Np#argmin(Array, int) Np.argmin} along one axis (int32). */
    public Array argmin(int axis) {
        return Np.argmin(this, axis);
    }

    /** {@link Np#argmin(Array, int, boolean) Np.argmin} along one axis (int32). */
    public Array argmin(int axis, boolean keepdims) {
        return Np.argmin(this, axis, keepdims);
    }

    /** {@link Np#cumsum(Array) Np.cumsum} of the flattened array. */
    public Array cumsum() {
        return Np.cumsum(this);
    }

    /** {@link Np#cumsum(Array, int) Np.cumsum} along one axis. */
    public Array cumsum(int axis) {
        return Np.cumsum(this, axis);
    }

    /** {@link Np#cumprod(Array) Np.cumprod} of the flattened array. */
    public Array cumprod() {
        return Np.cumprod(this);
    }

    /** {@link Np#cumprod(Array, int) Np.cumprod} along one axis. */
    public Array cumprod(int axis) {
        return Np.cumprod(this, axis);
    }

    /** {@link Np#cummax(Array) Np.cummax} of the flattened array. */
    public Array cummax() {
        return Np.cummax(this);
    }

    /** {@link Np#cummax(Array, int) Np.cummax} along one axis. */
    public Array cummax(int axis) {
        return Np.cummax(this, axis);
    }

    /** {@link Np#cummin(Array) Np.cummin} of the flattened array. */
    public Array cummin() {
        return Np.cummin(this);
    }

    /** {@link Np#cummin(Array, int) Np.cummin} along one axis. */
    public Array cummin(int axis) {
        return Np.cummin(this, axis);
    }

    /** {@link Np#reshape(Array, int...) Np.reshape}: a new shape, one {@code -1} inferred. */
    public Array reshape(int... shape) {
        Objects.requireNonNull(shape, "shape");
        return Np.reshape(this, shape);
    }

    /** {@link Np#transpose(Array) Np.transpose}: the axes reversed. */
    public Array transpose() {
        return Np.transpose(this);
    }

    /** {@link Np#transpose(Array, int...) Np.transpose}: the axes permuted. */
    public Array transpose(int... axes) {
        Objects.requireNonNull(axes, "axes");
        return Np.transpose(this, axes);
    }

    /** The axes reversed, like NumPy's {@code x.T}. */
    public Array T() {
        return Np.transpose(this);
    }

    /** {@link Np#swapaxes(Array, int, int) Np.swapaxes}. */
    public Array swapaxes(int a, int b) {
        return Np.swapaxes(this, a, b);
    }

    /** {@link Np#moveaxis(Array, int, int) Np.moveaxis}. */
    public Array moveaxis(int source, int destination) {
        return Np.moveaxis(this, source, destination);
    }

    /** {@link Np#squeeze(Array, int...) Np.squeeze} of the named axes. */
    public Array squeeze(int... axes) {
        Objects.requireNonNull(axes, "axes");
        return Np.squeeze(this, axes);
    }

    /** {@link Np#flip(Array, int...) Np.flip} of the named axes. */
    public Array flip(int... axes) {
        Objects.requireNonNull(axes, "axes");
        return Np.flip(this, axes);
    }

    /** {@link Np#expandDims(Array, int) Np.expandDims}. */
    public Array expandDims(int axis) {
        return Np.expandDims(this, axis);
    }

    /** {@link Np#broadcastTo(Array, int...) Np.broadcastTo}. */
    public Array broadcastTo(int... shape) {
        Objects.requireNonNull(shape, "shape");
        return Np.broadcastTo(this, shape);
    }

    /** {@link Np#matmul(Array, Array) Np.matmul}{@code (this, other)}. */
    public Array matmul(Array other) {
        Objects.requireNonNull(other, "other");
        return Np.matmul(this, other);
    }

    /** {@link Np#dot(Array, Array) Np.dot}{@code (this, other)}. */
    public Array dot(Array other) {
        Objects.requireNonNull(other, "other");
        return Np.dot(this, other);
    }

    /** {@link Np#astype(Array, DType) Np.astype}: this array converted to {@code dtype}. */
    public Array astype(DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        return Np.astype(this, dtype);
    }

    /**
     * The functional updates at an index, JAX's {@code x.at[idx]}: {@code x.at(Index.of(i)).add(v)}
     * or {@code x.at(Index.at(0), Index.all()).set(0)}; see {@link IndexUpdate}.
     */
    public IndexUpdate at(Index... idx) {
        NullChecks.elements(idx, "idx");
        return new IndexUpdate(this, idx.clone());
    }

    /** {@code x.at[indices]}: {@link #at(Index...)} with one integer-array (or mask) index. */
    public IndexUpdate at(Array indices) {
        Objects.requireNonNull(indices, "indices");
        return at(Index.of(indices));
    }

    /** {@code x.at[i]}: {@link #at(Index...)} with one integer index. */
    public IndexUpdate at(int i) {
        return at(Index.at(i));
    }

    /**
     * Indexing, {@code x[idx...]}: basic (integers, slices, new axes, ellipsis) and advanced
     * (integer arrays, masks); see {@link Np#index(Array, Index...)}.
     */
    public Array get(Index... idx) {
        NullChecks.elements(idx, "idx");
        return Np.index(this, idx);
    }

    /**
     * Basic indexing with NumPy syntax, e.g. {@code x.get("1:5:2, ..., -1, None")}; see {@link
     * Np#index(Array, String)}.
     */
    public Array get(String idx) {
        Objects.requireNonNull(idx, "idx");
        return Np.index(this, idx);
    }

    /** {@link Np#take(Array, Array, int) Np.take} along one axis (out-of-range indices read the fill value, as JAX). */
    public Array take(Array indices, int axis) {
        Objects.requireNonNull(indices, "indices");
        return Np.take(this, indices, axis);
    }

    /** {@link Np#take(Array, Array) Np.take} from the flattened array (out-of-range indices read the fill value, as JAX). */
    public Array take(Array indices) {
        Objects.requireNonNull(indices, "indices");
        return Np.take(this, indices);
    }

    /**
     * {@link Np#argmax(Array, int, boolean) Np.argmax} for callers that pass axes as an array, like
     * the other reductions; {@code axes} must name exactly one axis.
     *
     * @throws AxisException when {@code axes} does not hold exactly one axis
     */
    public Array argmax(int[] axes, boolean keepdims) {
        return Np.argmax(this, singleAxis("argmax", axes), keepdims);
    }

    /**
     * {@link Np#argmin(Array, int, boolean) Np.argmin} for callers that pass axes as an array;
     * {@code axes} must name exactly one axis.
     *
     * @throws AxisException when {@code axes} does not hold exactly one axis
     */
    public Array argmin(int[] axes, boolean keepdims) {
        return Np.argmin(this, singleAxis("argmin", axes), keepdims);
    }

    private static int singleAxis(String fn, int[] axes) {
        if (axes == null || axes.length != 1) {
            throw new AxisException(fn + ": reduces over exactly one axis, got "
                    + (axes == null ? "all axes" : java.util.Arrays.toString(axes))
                    + "; use " + fn + "() for the flattened array or ravel() first");
        }
        return axes[0];
    }
}
