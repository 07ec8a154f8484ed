package dev.kiln.conformance.families;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;

/**
 * Host-side data movement for oracles: an output built by naming, for each output multi-index, the
 * input element it comes from. Also builds arrays whose buffers are not laid out like their logical
 * shape (the result of a transpose or a strided slice), to feed ops "non-contiguous" inputs.
 */
final class Layout {
    private Layout() {}

    /** Maps an output multi-index to a flat input index, or -1 for "the fill value". */
    @FunctionalInterface
    interface Source {
        int at(int[] outIndex);
    }

    /** An array of {@code outShape} whose elements come from {@code x} as {@code source} says; -1 gives {@code fill}. */
    static HostBuffer gather(HostBuffer x, int[] outShape, Source source, double fill) {
        HostBuffer out = HostBuffer.allocate(ArraySpec.of(x.spec().dtype(), outShape));
        HostBuffer fillValue = Host.of(x.spec().dtype(), new int[] {1}, fill);
        int n = out.spec().size();
        int[] idx = new int[outShape.length];
        for (int i = 0; i < n; i++) {
            int src = source.at(idx);
            if (src < 0) {
                HostOps.copy(fillValue, 0, out, i);
            } else {
                HostOps.copy(x, src, out, i);
            }
            for (int d = outShape.length - 1; d >= 0; d--) {
                if (++idx[d] < outShape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return out;
    }

    /** The flat row-major index of a multi-index. */
    static int flat(int[] shape, int[] idx) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + idx[d];
        }
        return f;
    }

    /**
     * An array on the current backend equal to {@code logical}, made as the transpose of a buffer
     * laid out the other way round (rank 2 and up) or as a stride-2 slice of a buffer twice as long
     * (rank 1). 0-d arrays are returned plainly.
     */
    static Array nonContiguous(HostBuffer logical) {
        int rank = logical.spec().rank();
        if (rank == 0) {
            return Host.array(logical);
        }
        if (rank == 1) {
            int n = logical.spec().dim(0);
            HostBuffer wide = HostBuffer.allocate(logical.spec().withShape(2 * n));
            HostBuffer junk = Host.of(
                    logical.spec().dtype(), new int[] {1}, logical.spec().dtype() == DType.BOOL ? 1 : 77);
            for (int i = 0; i < n; i++) {
                HostOps.copy(logical, i, wide, 2 * i);
                HostOps.copy(junk, 0, wide, 2 * i + 1);
            }
            return Lax.slice(Host.array(wide), new int[] {0}, new int[] {2 * n}, new int[] {2});
        }
        int[] reverse = new int[rank];
        for (int i = 0; i < rank; i++) {
            reverse[i] = rank - 1 - i;
        }
        return Np.transpose(Host.array(HostOps.transpose(logical, reverse)));
    }

    /** Shape printed compactly for case names. */
    static String shape(int[] s) {
        return Shape.toString(s).replace(" ", "");
    }
}
