package dev.kiln;

import dev.kiln.ir.Ints;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The frontend of {@link Lax#convGeneralDilated} and its short forms, as {@code
 * jax.lax.conv_general_dilated}: the checks with typed errors, JAX's string paddings and layout
 * strings, {@code convTranspose}'s padding rules; each call binds the {@code conv_general_dilated}
 * primitive, whose decomposition (patches of strided windows times the kernel in one {@code
 * dot_general}) and batching rule are in {@code internal.rules.ConvolutionRules}. Its derivative
 * is the JVP of that decomposition: the transpose of a slice is a pad, of the stacking a slice, so
 * the input's gradient is the kernel-tap sum JAX writes as a convolution of the cotangent with the
 * flipped kernel.
 */
final class Convolution {
    private Convolution() {}

    /**
     * Where each logical dimension sits: {@code lhs} = (batch, feature, spatial…) positions in the
     * input, {@code rhs} = (out feature, in feature, spatial…) in the kernel, {@code out} = (batch,
     * feature, spatial…) in the result, as {@code jax.lax.ConvDimensionNumbers}.
     */
    record Dims(int[] lhs, int[] rhs, int[] out) {}

    /** The identity layout (NCH…, OIH…, NCH…), JAX's default for {@code conv_general_dilated}. */
    static Dims identity(int rank) {
        int[] p = new int[rank];
        Arrays.setAll(p, i -> i);
        return new Dims(p, p.clone(), p.clone());
    }

    /** Parses layout strings such as ("NHWC", "HWIO", "NHWC") as JAX does; null is the identity. */
    static Dims parse(String fn, int rank, String[] specs) {
        if (specs == null) {
            return identity(rank);
        }
        if (specs.length != 3) {
            throw new ShapeException(fn + ": dimensionNumbers needs three layout strings (input, kernel, output), got "
                    + specs.length + "; pass for example {\"NHWC\", \"HWIO\", \"NHWC\"}");
        }
        String[][] pairs = {{"N", "C"}, {"O", "I"}, {"N", "C"}};
        String[] what = {"input", "kernel", "output"};
        Set<Character> spatial = null;
        for (int i = 0; i < 3; i++) {
            String s = java.util.Objects.requireNonNull(specs[i], "dimensionNumbers");
            Set<Character> seen = new HashSet<>();
            for (char c : s.toCharArray()) {
                if (!seen.add(c)) {
                    throw new ShapeException(fn + ": the " + what[i] + " layout \"" + s + "\" repeats '" + c
                            + "'; name each dimension once");
                }
            }
            if (s.length() != rank) {
                throw new ShapeException(fn + ": the " + what[i] + " layout \"" + s + "\" has " + s.length()
                        + " letters for operands of rank " + rank + "; give one letter per dimension");
            }
            for (String c : pairs[i]) {
                if (s.indexOf(c.charAt(0)) < 0) {
                    throw new ShapeException(
                            fn + ": the " + what[i] + " layout \"" + s + "\" lacks '" + c + "'; it needs '"
                                    + pairs[i][0] + "' and '" + pairs[i][1] + "' once each, the other letters spatial");
                }
            }
            seen.remove(pairs[i][0].charAt(0));
            seen.remove(pairs[i][1].charAt(0));
            if (spatial == null) {
                spatial = seen;
            } else if (!spatial.equals(seen)) {
                throw new ShapeException(fn + ": the layouts " + Arrays.toString(specs)
                        + " name different spatial dimensions; use the same spatial letters in all three");
            }
        }
        String rhsSpec = specs[1];
        int[][] perms = new int[3][];
        for (int i = 0; i < 3; i++) {
            String s = specs[i];
            int[] p = new int[rank];
            p[0] = s.indexOf(pairs[i][0]);
            p[1] = s.indexOf(pairs[i][1]);
            int k = 2;
            // spatial dimensions in the kernel layout's order, as JAX's conv_general_permutations
            for (char c : rhsSpec.toCharArray()) {
                if (c != 'O' && c != 'I') {
                    p[k++] = s.indexOf(c);
                }
            }
            perms[i] = p;
        }
        return new Dims(perms[0], perms[1], perms[2]);
    }

    /** Positive entries, one per spatial dimension; null means all ones. */
    static int[] positive(String fn, String what, int[] v, int n) {
        if (v == null) {
            int[] ones = new int[n];
            Arrays.fill(ones, 1);
            return ones;
        }
        if (v.length != n) {
            throw new ShapeException(fn + ": " + what + " has " + v.length + " entries for " + n
                    + " spatial dimensions; give one per spatial dimension");
        }
        for (int e : v) {
            if (e < 1) {
                throw new ShapeException(fn + ": " + what + " " + Arrays.toString(v)
                        + " has an entry below 1; strides and dilations must be positive");
            }
        }
        return v;
    }

    /** {@code jax.lax.padtype_to_pads}: "VALID", "SAME" (extra at the end) or "SAME_LOWER". */
    static int[][] pads(String fn, String padding, int[] in, int[] window, int[] strides) {
        java.util.Objects.requireNonNull(padding, "padding");
        int n = in.length;
        int[][] out = new int[n][2];
        switch (padding.toUpperCase(java.util.Locale.ROOT)) {
            case "VALID" -> {}
            case "SAME", "SAME_LOWER" -> {
                boolean lower = padding.equalsIgnoreCase("SAME_LOWER");
                for (int i = 0; i < n; i++) {
                    int o = Math.ceilDiv(in[i], strides[i]);
                    int total = Math.max(0, (o - 1) * strides[i] + window[i] - in[i]);
                    int small = total / 2;
                    out[i][0] = lower ? total - small : small;
                    out[i][1] = lower ? small : total - small;
                }
            }
            default ->
                throw new ShapeException(fn + ": padding \"" + padding
                        + "\" is not one of \"VALID\", \"SAME\", \"SAME_LOWER\"; pass one of those or (lo, hi) pairs");
        }
        return out;
    }

    static int[][] checkPairs(String fn, int[][] padding, int n) {
        java.util.Objects.requireNonNull(padding, "padding");
        if (padding.length != n) {
            throw new ShapeException(fn + ": padding has " + padding.length + " (lo, hi) pairs for " + n
                    + " spatial dimensions; give one pair per spatial dimension");
        }
        for (int[] p : padding) {
            if (p == null || p.length != 2) {
                throw new ShapeException(fn + ": each padding entry must be a (lo, hi) pair, got "
                        + (p == null ? "null" : Arrays.toString(p)));
            }
        }
        return padding;
    }

    static int dilated(int size, int dilation) {
        return size == 0 ? 0 : (size - 1) * dilation + 1;
    }

    /** The spatial sizes of an operand in the order the dimension numbers give. */
    static int[] spatial(int[] shape, int[] perm) {
        int[] s = new int[perm.length - 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[perm[i + 2]];
        }
        return s;
    }

    /** Checks ranks and resolves string padding against the kernel's dilated window (JAX's rule). */
    static Array general(
            String fn,
            Array lhs,
            Array rhs,
            int[] strides,
            String padding,
            int[] lhsDilation,
            int[] rhsDilation,
            String[] dimensionNumbers,
            int featureGroupCount,
            int batchGroupCount,
            DType preferred) {
        java.util.Objects.requireNonNull(padding, "padding");
        Dims dn = parse(fn, checkRanks(fn, lhs, rhs), dimensionNumbers);
        int n = lhs.ndim() - 2;
        int[] ld = positive(fn, "lhsDilation", lhsDilation, n);
        for (int d : ld) {
            if (d != 1) {
                throw new ShapeException(fn + ": string padding \"" + padding + "\" with lhsDilation "
                        + Arrays.toString(ld) + " is not defined; give explicit (lo, hi) pairs or use convTranspose");
            }
        }
        int[] st = positive(fn, "windowStrides", strides, n);
        int[] rd = positive(fn, "rhsDilation", rhsDilation, n);
        int[] k = spatial(rhs.shape(), dn.rhs());
        int[] window = new int[n];
        for (int i = 0; i < n; i++) {
            window[i] = dilated(k[i], rd[i]);
        }
        int[][] pads = pads(fn, padding, spatial(lhs.shape(), dn.lhs()), window, st);
        return general(fn, lhs, rhs, st, pads, ld, rd, dn, featureGroupCount, batchGroupCount, preferred);
    }

    static int checkRanks(String fn, Array lhs, Array rhs) {
        java.util.Objects.requireNonNull(lhs, "lhs");
        java.util.Objects.requireNonNull(rhs, "rhs");
        if (lhs.ndim() != rhs.ndim() || lhs.ndim() < 2) {
            throw new ShapeException(fn + ": input of shape " + Shape.toString(lhs.shape()) + " and kernel of shape "
                    + Shape.toString(rhs.shape())
                    + " need one rank of at least 2 (batch, feature, then spatial dimensions); reshape them to match");
        }
        return lhs.ndim();
    }

    static Array general(
            String fn,
            Array lhs,
            Array rhs,
            int[] strides,
            int[][] padding,
            int[] lhsDilation,
            int[] rhsDilation,
            Dims dn,
            int fgc,
            int bgc,
            DType preferred) {
        int rank = checkRanks(fn, lhs, rhs);
        int n = rank - 2;
        int[] st = positive(fn, "windowStrides", strides, n);
        int[] ld = positive(fn, "lhsDilation", lhsDilation, n);
        int[] rd = positive(fn, "rhsDilation", rhsDilation, n);
        int[][] pad = checkPairs(fn, padding, n);
        if (fgc < 1 || bgc < 1 || (fgc > 1 && bgc > 1)) {
            throw new ShapeException(fn + ": featureGroupCount " + fgc + " and batchGroupCount " + bgc
                    + " must be positive and at most one of them above 1");
        }
        if (preferred != null) {
            lhs = Lax.convert(lhs, preferred);
            rhs = Lax.convert(rhs, preferred);
        } else if (lhs.dtype() != rhs.dtype()) {
            throw new DTypeException(fn + ": input has dtype " + lhs.dtype() + " but the kernel has " + rhs.dtype()
                    + "; convert one (astype) or pass preferredElementType");
        }
        int[] ls = lhs.shape();
        int[] rs = rhs.shape();
        int batch = ls[dn.lhs()[0]];
        int features = ls[dn.lhs()[1]];
        int outFeatures = rs[dn.rhs()[0]];
        int inFeatures = rs[dn.rhs()[1]];
        if (features != inFeatures * fgc) {
            throw new ShapeException(fn + ": the input has " + features + " features but the kernel of shape "
                    + Shape.toString(rs) + " takes " + inFeatures
                    + (fgc > 1 ? " per group times " + fgc + " groups" : "")
                    + "; the input's feature dimension must equal the kernel's in-feature dimension times"
                    + " featureGroupCount");
        }
        if (outFeatures % fgc != 0 || outFeatures % bgc != 0) {
            throw new ShapeException(fn + ": the kernel's " + outFeatures + " output features do not divide into "
                    + Math.max(fgc, bgc) + " groups; make the out-feature dimension a multiple of the group count");
        }
        if (batch % bgc != 0) {
            throw new ShapeException(fn + ": the input's batch of " + batch + " does not divide into " + bgc
                    + " batch groups; make the batch a multiple of batchGroupCount");
        }
        int[] in = spatial(ls, dn.lhs());
        int[] k = spatial(rs, dn.rhs());
        int[] padded = new int[n];
        for (int i = 0; i < n; i++) {
            padded[i] = dilated(in[i], ld[i]) + pad[i][0] + pad[i][1];
            int window = dilated(k[i], rd[i]);
            if (padded[i] < window || window == 0) {
                throw new ShapeException(fn + ": spatial dimension " + i + " of the input is " + padded[i]
                        + " after padding and dilation but the dilated kernel window is " + window
                        + "; pad the input more or use a smaller kernel or dilation");
            }
        }

        int[] lo = new int[n];
        int[] hi = new int[n];
        for (int i = 0; i < n; i++) {
            lo[i] = pad[i][0];
            hi[i] = pad[i][1];
        }
        Params.Conv params = new Params.Conv(
                Ints.of(st),
                Ints.of(lo),
                Ints.of(hi),
                Ints.of(ld),
                Ints.of(rd),
                Ints.of(dn.lhs()),
                Ints.of(dn.rhs()),
                Ints.of(dn.out()),
                fgc,
                bgc);
        return Lax.bind(Primitive.CONV_GENERAL_DILATED, params, lhs, rhs);
    }

    /** {@code jax.lax.conv_transpose}: a fractionally strided convolution (input dilation = strides). */
    static Array transpose(
            String fn,
            Array lhs,
            Array rhs,
            int[] strides,
            String paddingName,
            int[][] paddingPairs,
            int[] rhsDilation,
            String[] dimensionNumbers,
            boolean transposeKernel,
            boolean consistentPadding,
            DType preferred) {
        int rank = checkRanks(fn, lhs, rhs);
        int n = rank - 2;
        String[] specs = dimensionNumbers;
        if (specs == null) {
            String sp = "HWD".substring(0, Math.min(n, 3));
            if (n > 3) {
                throw new ShapeException(
                        fn + ": no default layout for " + n + " spatial dimensions; pass dimensionNumbers");
            }
            specs = new String[] {"N" + sp + "C", sp + "IO", "N" + sp + "C"};
        }
        Dims dn = parse(fn, rank, specs);
        int[] st = positive(fn, "strides", strides, n);
        int[] rd = positive(fn, "rhsDilation", rhsDilation, n);
        int[] k = spatial(rhs.shape(), dn.rhs());
        int[][] pads;
        if (paddingName != null) {
            String p = paddingName.toUpperCase(java.util.Locale.ROOT);
            if (!p.equals("SAME") && !p.equals("VALID")) {
                throw new ShapeException(fn + ": padding \"" + paddingName
                        + "\" is not \"SAME\" or \"VALID\"; pass one of those or (lo, hi) pairs");
            }
            pads = new int[n][];
            for (int i = 0; i < n; i++) {
                pads[i] = transposePadding(dilated(k[i], rd[i]), st[i], p, null);
            }
        } else if (consistentPadding) {
            checkPairs(fn, paddingPairs, n);
            pads = new int[n][];
            for (int i = 0; i < n; i++) {
                pads[i] = transposePadding(dilated(k[i], rd[i]), st[i], null, paddingPairs[i]);
            }
        } else {
            pads = checkPairs(fn, paddingPairs, n);
        }
        Array kernel = rhs;
        if (transposeKernel) {
            int[] spatialAxes = Arrays.copyOfRange(dn.rhs(), 2, rank);
            kernel = Lax.rev(kernel, sortedCopy(spatialAxes));
            int[] swap = new int[rank];
            Arrays.setAll(swap, i -> i);
            swap[dn.rhs()[0]] = dn.rhs()[1];
            swap[dn.rhs()[1]] = dn.rhs()[0];
            kernel = Lax.transpose(kernel, swap);
        }
        int[] ones = new int[n];
        Arrays.fill(ones, 1);
        return general(fn, lhs, kernel, ones, pads, st, rd, dn, 1, 1, preferred);
    }

    private static int[] sortedCopy(int[] a) {
        int[] s = a.clone();
        Arrays.sort(s);
        return s;
    }

    /** JAX's {@code _conv_transpose_padding} for one dimension. */
    static int[] transposePadding(int k, int s, String mode, int[] pair) {
        int len;
        int a;
        if ("SAME".equals(mode)) {
            len = k + s - 2;
            a = s > k - 1 ? k - 1 : (len + 1) / 2;
        } else if ("VALID".equals(mode)) {
            len = k + s - 2 + Math.max(k - s, 0);
            a = k - 1;
        } else {
            a = k - pair[0] - 1;
            len = a + k - pair[1] - 1;
        }
        return new int[] {a, len - a};
    }
}
