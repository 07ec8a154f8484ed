package dev.kiln.cpu;

import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.spi.HostBuffer;
import java.util.List;

/**
 * Shape and data-movement primitives, each expressed as one or more {@link StridedCopy} calls.
 * Reshape is free: buffers are immutable and row-major, so the result shares the operand's array.
 */
final class Movement {
    private Movement() {}

    static HostBuffer reshape(HostBuffer x, ArraySpec out) {
        return x.reshape(out.shape());
    }

    static Object broadcastInDim(HostBuffer x, Params.BroadcastInDim p, ArraySpec out) {
        int[] inShape = x.spec().shape();
        int[] inStrides = Shape.strides(inShape);
        int[] outShape = out.shape();
        int[] dims = p.dims().toArray();
        int[] src = new int[outShape.length];
        for (int i = 0; i < dims.length; i++) {
            src[dims[i]] = inShape[i] == 1 ? 0 : inStrides[i];
        }
        Object y = Convert.allocate(out.dtype(), out.size());
        StridedCopy.copy(x.data(), 0, src, y, 0, Shape.strides(outShape), outShape);
        return y;
    }

    static Object transpose(HostBuffer x, Params.Transpose p, ArraySpec out) {
        int[] perm = p.perm().toArray();
        int[] inStrides = Shape.strides(x.spec().shape());
        int[] src = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            src[i] = inStrides[perm[i]];
        }
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) {
            identity &= perm[i] == i;
        }
        if (identity) {
            return x.data();
        }
        int[] outShape = out.shape();
        Object y = Convert.allocate(out.dtype(), out.size());
        StridedCopy.copy(x.data(), 0, src, y, 0, Shape.strides(outShape), outShape);
        return y;
    }

    static Object slice(HostBuffer x, Params.Slice p, ArraySpec out) {
        int[] start = p.start().toArray();
        int[] step = p.strides().toArray();
        int[] inStrides = Shape.strides(x.spec().shape());
        int off = 0;
        int[] src = new int[start.length];
        for (int d = 0; d < start.length; d++) {
            off += start[d] * inStrides[d];
            src[d] = inStrides[d] * step[d];
        }
        int[] outShape = out.shape();
        Object y = Convert.allocate(out.dtype(), out.size());
        StridedCopy.copy(x.data(), off, src, y, 0, Shape.strides(outShape), outShape);
        return y;
    }

    /**
     * Fills the result with the padding value, then copies the operand elements that land inside it
     * (negative low or high padding crops) to positions {@code lo + i·(interior+1)}.
     */
    static Object pad(HostBuffer x, HostBuffer value, Params.Pad p, ArraySpec out) {
        int[] inShape = x.spec().shape();
        int[] outShape = out.shape();
        int[] lo = p.lo().toArray();
        int[] interior = p.interior().toArray();
        int[] inStrides = Shape.strides(inShape);
        int[] outStrides = Shape.strides(outShape);
        Object y = Convert.allocate(out.dtype(), out.size());
        if (out.size() == 0) {
            return y;
        }
        StridedCopy.fill(y, value.data(), 0);
        int r = inShape.length;
        int srcOff = 0;
        int dstOff = 0;
        int[] count = new int[r];
        int[] dst = new int[r];
        for (int d = 0; d < r; d++) {
            int step = interior[d] + 1;
            // first and one-past-last operand index whose position lo + i·step is in [0, outShape[d])
            int first = lo[d] >= 0 ? 0 : (-lo[d] + step - 1) / step;
            long lastPos = (long) outShape[d] - 1 - lo[d];
            int end = lastPos < 0 ? 0 : (int) Math.min(inShape[d], lastPos / step + 1);
            if (end <= first) {
                return y;
            }
            count[d] = end - first;
            srcOff += first * inStrides[d];
            dstOff += (lo[d] + first * step) * outStrides[d];
            dst[d] = outStrides[d] * step;
        }
        StridedCopy.copy(x.data(), srcOff, inStrides, y, dstOff, dst, count);
        return y;
    }

    static Object concatenate(List<HostBuffer> xs, Params.Axis p, ArraySpec out) {
        int axis = p.axis();
        int[] outStrides = Shape.strides(out.shape());
        Object y = Convert.allocate(out.dtype(), out.size());
        int offset = 0;
        for (HostBuffer x : xs) {
            int[] shape = x.spec().shape();
            StridedCopy.copy(x.data(), 0, Shape.strides(shape), y, offset * outStrides[axis], outStrides, shape);
            offset += shape[axis];
        }
        return y;
    }

    static Object rev(HostBuffer x, Params.Rev p, ArraySpec out) {
        int[] shape = x.spec().shape();
        int[] src = Shape.strides(shape);
        boolean[] reversed = new boolean[shape.length];
        for (int a : p.axes().toArray()) {
            reversed[a] = true;
        }
        int off = 0;
        for (int a = 0; a < shape.length; a++) {
            if (reversed[a]) {
                off += Math.max(0, shape[a] - 1) * src[a];
                src[a] = -src[a];
            }
        }
        Object y = Convert.allocate(out.dtype(), out.size());
        StridedCopy.copy(x.data(), off, src, y, 0, Shape.strides(shape), shape);
        return y;
    }
}
