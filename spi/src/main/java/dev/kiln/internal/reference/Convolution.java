package dev.kiln.internal.reference;

import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.spi.HostBuffer;

/**
 * CONV_GENERAL_DILATED by its definition, independent of the decomposition the other backends run:
 * for every output point, the sum over input features (of its group) and kernel taps of kernel times
 * the input at the tap's position in the dilated, padded input, skipping positions that fall in
 * padding or between dilated input elements. Floats accumulate in double and round once; integers
 * accumulate in long and wrap; bools are the OR of ANDs.
 */
final class Convolution {
    private Convolution() {}

    static HostBuffer apply(Params.Conv c, ArraySpec out, HostBuffer lhs, HostBuffer rhs) {
        int n = c.spatialRank();
        int[] ls = lhs.spec().shape();
        int[] rs = rhs.spec().shape();
        int[] os = out.shape();
        int[] lStride = Shape.strides(ls);
        int[] rStride = Shape.strides(rs);
        int[] oStride = Shape.strides(os);
        int[] lo = c.lhsLayout().toArray();
        int[] ro = c.rhsLayout().toArray();
        int[] oo = c.outLayout().toArray();
        int outBatch = os[oo[0]];
        int outFeatures = os[oo[1]];
        int inFeatures = rs[ro[1]];
        int fgc = c.featureGroups();
        int bgc = c.batchGroups();
        int groups = Math.max(fgc, bgc);
        int perGroup = outFeatures / groups;
        int[] outSpatial = new int[n];
        int[] kSpatial = new int[n];
        int[] inSpatial = new int[n];
        for (int i = 0; i < n; i++) {
            outSpatial[i] = os[oo[2 + i]];
            kSpatial[i] = rs[ro[2 + i]];
            inSpatial[i] = ls[lo[2 + i]];
        }
        int taps = 1;
        for (int k : kSpatial) {
            taps *= k;
        }
        int points = 1;
        for (int s : outSpatial) {
            points *= s;
        }
        boolean floating = out.dtype().isFloating();
        double[] lf = floating ? Widened.doubles(lhs) : null;
        double[] rf = floating ? Widened.doubles(rhs) : null;
        long[] li = floating ? null : Widened.longs(lhs);
        long[] ri = floating ? null : Widened.longs(rhs);
        double[] resultF = floating ? new double[out.size()] : null;
        long[] resultI = floating ? null : new long[out.size()];
        int[] pos = new int[n];
        int[] tap = new int[n];
        for (int b = 0; b < outBatch; b++) {
            for (int o = 0; o < outFeatures; o++) {
                int g = o / perGroup;
                int inBatch = bgc > 1 ? g * outBatch + b : b;
                int featureBase = fgc > 1 ? g * inFeatures : 0;
                for (int p = 0; p < points; p++) {
                    unravel(p, outSpatial, pos);
                    int outOffset = b * oStride[oo[0]] + o * oStride[oo[1]];
                    for (int i = 0; i < n; i++) {
                        outOffset += pos[i] * oStride[oo[2 + i]];
                    }
                    double accF = 0;
                    long accI = 0;
                    for (int t = 0; t < taps; t++) {
                        unravel(t, kSpatial, tap);
                        int lOffset = inBatch * lStride[lo[0]];
                        int rOffset = o * rStride[ro[0]];
                        boolean inside = true;
                        for (int i = 0; i < n && inside; i++) {
                            // the position in the dilated, padded input, then in the input itself
                            int at = pos[i] * c.strides().get(i)
                                    + tap[i] * c.rhsDilation().get(i)
                                    - c.padLo().get(i);
                            int dil = c.lhsDilation().get(i);
                            if (at < 0 || at % dil != 0 || at / dil >= inSpatial[i]) {
                                inside = false;
                            } else {
                                lOffset += (at / dil) * lStride[lo[2 + i]];
                                rOffset += tap[i] * rStride[ro[2 + i]];
                            }
                        }
                        if (!inside) {
                            continue;
                        }
                        for (int f = 0; f < inFeatures; f++) {
                            int l = lOffset + (featureBase + f) * lStride[lo[1]];
                            int r = rOffset + f * rStride[ro[1]];
                            if (floating) {
                                accF += lf[l] * rf[r];
                            } else {
                                accI += li[l] * ri[r];
                            }
                        }
                    }
                    if (floating) {
                        resultF[outOffset] = accF;
                    } else {
                        resultI[outOffset] = accI;
                    }
                }
            }
        }
        return floating ? Widened.ofDoubles(out, resultF) : Widened.ofLongs(out, resultI);
    }

    private static void unravel(int index, int[] shape, int[] into) {
        for (int i = shape.length - 1; i >= 0; i--) {
            into[i] = index % shape[i];
            index /= shape[i];
        }
    }
}
