package dev.kiln.internal.parallel;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.Communicator.ReduceOp;
import dev.kiln.spi.HostBuffer;
import java.util.List;

/** The element arithmetic of collectives on host buffers: combining, stacking and cutting blocks. */
public final class HostCollectives {
    private HostCollectives() {}

    /** The elementwise combination of equal-spec buffers' ranges {@code [off, off + n)}, as a new buffer of {@code spec}. */
    public static HostBuffer reduce(List<HostBuffer> parts, int off, int n, ArraySpec spec, ReduceOp op) {
        HostBuffer out = HostBuffer.allocate(spec);
        Object o = out.data();
        System.arraycopy(parts.get(0).data(), off, o, 0, n);
        for (int k = 1; k < parts.size(); k++) {
            combine(o, parts.get(k).data(), off, n, spec.dtype(), op);
        }
        return out;
    }

    /** {@code acc[i] = op(acc[i], x[off + i])} for i below n. */
    public static void combine(Object acc, Object x, int off, int n, DType dtype, ReduceOp op) {
        switch (acc) {
            case float[] a -> {
                float[] b = (float[]) x;
                for (int i = 0; i < n; i++) {
                    a[i] = switch (op) {
                        case SUM -> a[i] + b[off + i];
                        case MAX -> Math.max(a[i], b[off + i]);
                        case MIN -> Math.min(a[i], b[off + i]);
                    };
                }
            }
            case double[] a -> {
                double[] b = (double[]) x;
                for (int i = 0; i < n; i++) {
                    a[i] = switch (op) {
                        case SUM -> a[i] + b[off + i];
                        case MAX -> Math.max(a[i], b[off + i]);
                        case MIN -> Math.min(a[i], b[off + i]);
                    };
                }
            }
            case int[] a -> {
                int[] b = (int[]) x;
                boolean unsigned = dtype == DType.UINT32;
                for (int i = 0; i < n; i++) {
                    int c = unsigned ? Integer.compareUnsigned(a[i], b[off + i]) : Integer.compare(a[i], b[off + i]);
                    a[i] = switch (op) {
                        case SUM -> a[i] + b[off + i];
                        case MAX -> c >= 0 ? a[i] : b[off + i];
                        case MIN -> c <= 0 ? a[i] : b[off + i];
                    };
                }
            }
            case long[] a -> {
                long[] b = (long[]) x;
                for (int i = 0; i < n; i++) {
                    a[i] = switch (op) {
                        case SUM -> a[i] + b[off + i];
                        case MAX -> Math.max(a[i], b[off + i]);
                        case MIN -> Math.min(a[i], b[off + i]);
                    };
                }
            }
            case boolean[] a -> {
                boolean[] b = (boolean[]) x;
                for (int i = 0; i < n; i++) {
                    a[i] = op == ReduceOp.MIN ? a[i] && b[off + i] : a[i] || b[off + i];
                }
            }
            default -> throw new IllegalArgumentException("no host storage " + acc.getClass());
        }
    }

    /** The buffers stacked on a new leading axis. */
    public static HostBuffer stack(List<HostBuffer> parts) {
        ArraySpec one = parts.get(0).spec();
        int[] shape = new int[one.rank() + 1];
        shape[0] = parts.size();
        System.arraycopy(one.shape(), 0, shape, 1, one.rank());
        HostBuffer out = HostBuffer.allocate(one.withShape(shape));
        int n = one.size();
        for (int k = 0; k < parts.size(); k++) {
            System.arraycopy(parts.get(k).data(), 0, out.data(), k * n, n);
        }
        return out;
    }

    /** The spec of one leading-axis block of {@code spec}. */
    public static ArraySpec block(ArraySpec spec) {
        int[] s = spec.shape();
        int[] b = new int[s.length - 1];
        System.arraycopy(s, 1, b, 0, b.length);
        return spec.withShape(b);
    }

    /** A copy of block {@code j} of the leading axis. */
    public static HostBuffer blockOf(HostBuffer in, int j) {
        ArraySpec b = block(in.spec());
        HostBuffer out = HostBuffer.allocate(b);
        System.arraycopy(in.data(), j * b.size(), out.data(), 0, b.size());
        return out;
    }

    /** A copy of a buffer. */
    public static HostBuffer copy(HostBuffer in) {
        HostBuffer out = HostBuffer.allocate(in.spec());
        System.arraycopy(in.data(), 0, out.data(), 0, in.spec().size());
        return out;
    }
}
