package dev.kiln.internal.reference;

import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.spi.HostBuffer;
import java.util.List;

/**
 * Shape and data movement. Broadcast, transpose, slice and reverse read the operand at an affine
 * function of the output index ({@link Elements#affineMap}); pad and concatenate have their own
 * maps. Elements are copied bit for bit.
 */
final class Movement {
    private Movement() {}

    /** Operand dimension {@code i} feeds output dimension {@code dims[i]}; a length-1 dimension is repeated. */
    static HostBuffer broadcastInDim(Params.BroadcastInDim params, ArraySpec out, HostBuffer x) {
        int[] s = x.spec().shape();
        int[] strides = Shape.strides(s);
        int[] dims = params.dims().toArray();
        int[] coef = new int[out.rank()];
        for (int i = 0; i < s.length; i++) {
            coef[dims[i]] = s[i] == 1 ? 0 : strides[i];
        }
        return Elements.gather(x, Elements.affineMap(out.shape(), 0, coef), out, null);
    }

    /** The same data with a new shape: no copy, as buffers are immutable. */
    static HostBuffer reshape(ArraySpec out, HostBuffer x) {
        return x.reshape(out.shape());
    }

    /** Output dimension {@code i} is operand dimension {@code perm[i]}. */
    static HostBuffer transpose(Params.Transpose params, ArraySpec out, HostBuffer x) {
        int[] strides = Shape.strides(x.spec().shape());
        int[] perm = params.perm().toArray();
        int[] coef = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            coef[i] = strides[perm[i]];
        }
        return Elements.gather(x, Elements.affineMap(out.shape(), 0, coef), out, null);
    }

    static HostBuffer slice(Params.Slice params, ArraySpec out, HostBuffer x) {
        int[] strides = Shape.strides(x.spec().shape());
        int[] start = params.start().toArray();
        int[] step = params.strides().toArray();
        int base = 0;
        int[] coef = new int[strides.length];
        for (int i = 0; i < strides.length; i++) {
            base += start[i] * strides[i];
            coef[i] = step[i] * strides[i];
        }
        return Elements.gather(x, Elements.affineMap(out.shape(), base, coef), out, null);
    }

    static HostBuffer rev(Params.Rev params, ArraySpec out, HostBuffer x) {
        int[] s = x.spec().shape();
        int[] coef = Shape.strides(s);
        int base = 0;
        for (int a : params.axes().toArray()) {
            if (s[a] > 0) {
                base += (s[a] - 1) * coef[a];
            }
            coef[a] = -coef[a];
        }
        return Elements.gather(x, Elements.affineMap(out.shape(), base, coef), out, null);
    }

    /**
     * Output position {@code p} along a dimension holds operand element {@code (p - lo) / (interior + 1)}
     * when {@code p - lo} is a non-negative multiple of {@code interior + 1} below the operand's
     * extent, and the padding value otherwise. Negative {@code lo}/{@code hi} crop, which this
     * handles without a special case: the cropped operand positions are never reached.
     */
    static HostBuffer pad(Params.Pad params, ArraySpec out, HostBuffer x, HostBuffer value) {
        int[] s = x.spec().shape();
        int[] strides = Shape.strides(s);
        int[] lo = params.lo().toArray();
        int[] interior = params.interior().toArray();
        int rank = s.length;
        // per dimension, the operand offset of each output position, or -1 for padding
        int[][] along = new int[rank][];
        for (int d = 0; d < rank; d++) {
            along[d] = new int[out.dim(d)];
            for (int p = 0; p < along[d].length; p++) {
                int t = p - lo[d];
                int step = interior[d] + 1;
                boolean hit = t >= 0 && t % step == 0 && t / step < s[d];
                along[d][p] = hit ? (t / step) * strides[d] : -1;
            }
        }
        int[] map = new int[out.size()];
        int[] index = new int[rank];
        for (int i = 0; i < map.length; i++) {
            int offset = 0;
            for (int d = 0; d < rank && offset >= 0; d++) {
                int a = along[d][index[d]];
                offset = a < 0 ? -1 : offset + a;
            }
            map[i] = offset;
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < out.dim(d)) {
                    break;
                }
                index[d] = 0;
            }
        }
        return Elements.gather(x, map, out, value);
    }

    /** Row-major order makes each operand a run of contiguous blocks, one per outer index. */
    static HostBuffer concatenate(Params.Axis params, ArraySpec out, List<HostBuffer> xs) {
        int axis = params.axis();
        int[] s = out.shape();
        int outer = Shape.size(java.util.Arrays.copyOfRange(s, 0, axis));
        int inner = Shape.size(java.util.Arrays.copyOfRange(s, axis + 1, s.length));
        HostBuffer result = HostBuffer.allocate(out);
        int rowLength = s[axis] * inner;
        int at = 0;
        for (HostBuffer x : xs) {
            int block = x.spec().dim(axis) * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(x.data(), o * block, result.data(), o * rowLength + at, block);
            }
            at += block;
        }
        return result;
    }
}
