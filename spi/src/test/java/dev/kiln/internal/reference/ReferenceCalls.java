package dev.kiln.internal.reference;

import dev.kiln.DType;
import dev.kiln.internal.rules.ShapeRules;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds small buffers and runs one primitive on the reference backend, with the output spec from the shape rules. */
final class ReferenceCalls {
    private ReferenceCalls() {}

    private static final ReferenceBackend BACKEND = new ReferenceBackend();

    static HostBuffer run(Primitive p, Params params, HostBuffer... inputs) {
        List<ArraySpec> specs = new ArrayList<>();
        for (HostBuffer b : inputs) {
            specs.add(b.spec());
        }
        ArraySpec out = ShapeRules.outSpec(p, params, specs);
        Buffer result = BACKEND.execute(p, params, out, List.<Buffer>of(inputs));
        HostBuffer host = (HostBuffer) result;
        if (!host.spec().equals(out)) {
            throw new AssertionError(p + " returned " + host.spec() + ", expected " + out);
        }
        return host;
    }

    static HostBuffer run(Primitive p, HostBuffer... inputs) {
        return run(p, Params.NONE, inputs);
    }

    static HostBuffer f32(float... v) {
        return HostBuffer.wrap(ArraySpec.of(DType.FLOAT32, v.length), v);
    }

    static HostBuffer f64(double... v) {
        return HostBuffer.wrap(ArraySpec.of(DType.FLOAT64, v.length), v);
    }

    static HostBuffer i32(int... v) {
        return HostBuffer.wrap(ArraySpec.of(DType.INT32, v.length), v);
    }

    /** uint32 values given as longs in [0, 2^32), stored as their low 32 bits. */
    static HostBuffer u32(long... v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = (int) v[i];
        }
        return HostBuffer.wrap(ArraySpec.of(DType.UINT32, v.length), bits);
    }

    static HostBuffer i64(long... v) {
        return HostBuffer.wrap(ArraySpec.of(DType.INT64, v.length), v);
    }

    static HostBuffer bools(boolean... v) {
        return HostBuffer.wrap(ArraySpec.of(DType.BOOL, v.length), v);
    }

    /** A 0-d buffer holding {@code b}'s single element. */
    static HostBuffer scalar(HostBuffer b) {
        return b.reshape();
    }

    /** uint32 elements read as unsigned. */
    static long[] unsigned(HostBuffer b) {
        return Arrays.stream(b.ints()).mapToLong(Integer::toUnsignedLong).toArray();
    }

    /** Elements 0, 1, 2, … of {@code dtype} in {@code shape}. */
    static HostBuffer counting(DType dtype, int... shape) {
        HostBuffer b = HostBuffer.allocate(ArraySpec.of(dtype, shape));
        int n = b.spec().size();
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case FLOAT32 -> b.floats()[i] = i;
                case FLOAT64 -> b.doubles()[i] = i;
                case INT32, UINT32 -> b.ints()[i] = i;
                case INT64 -> b.longs()[i] = i;
                case BOOL -> b.bools()[i] = i % 2 == 1;
            }
        }
        return b;
    }
}
