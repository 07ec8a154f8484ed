package dev.kiln.opencl;

import dev.kiln.DType;
import dev.kiln.ir.Primitive;

/**
 * OpenCL C for the core primitives. Every kernel takes its sizes, shapes and strides as arguments
 * (small ones by value, shape tables in an int buffer), so one program serves every shape; a
 * program's source depends only on the primitive and the dtypes, which keeps the number of builds
 * (each costs about 0.1 s on PoCL) small.
 *
 * <p>Semantics follow {@link Primitive}'s javadoc, which is Java's and XLA's: integer arithmetic
 * wraps (done on unsigned values, where C leaves signed overflow undefined), integer division by
 * zero gives -1 and its remainder the dividend, shifts by 32 or more give 0, {@code max} propagates
 * NaN and orders -0 below +0, float to int conversion truncates and saturates with NaN giving 0.
 * With {@code fp64}, float32 division, square root and transcendentals are computed in double and
 * rounded once, as Kiln's reference backend does, so results do not depend on the accuracy of the
 * device's float built-ins; elements that are only moved are copied as bits.
 */
final class Sources {
    private Sources() {}

    /** The C type of a dtype's elements; bool is one byte holding 0 or 1. */
    static String ctype(DType d) {
        return switch (d) {
            case BOOL -> "uchar";
            case INT32 -> "int";
            case INT64 -> "long";
            case UINT32 -> "uint";
            case FLOAT32 -> "float";
            case FLOAT64 -> "double";
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    /** An unsigned type of the same width, for copying elements as bits. */
    static String bits(DType d) {
        return switch (d.byteSize()) {
            case 1 -> "uchar";
            case 4 -> "uint";
            default -> "ulong";
        };
    }

    /** What every program starts with: fp64 where present, and the helper functions. */
    static String header(boolean fp64) {
        StringBuilder b = new StringBuilder();
        if (fp64) {
            b.append("#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n");
        }
        // max of Java and XLA: NaN if either is NaN, and max(-0, +0) = +0
        b.append("inline float kmaxf(float x, float y) { return isnan(x) ? x : isnan(y) ? y"
                + " : x == y ? (signbit(x) ? y : x) : (x > y ? x : y); }\n");
        // and min: NaN if either is NaN, and min(-0, +0) = -0
        b.append("inline float kminf(float x, float y) { return isnan(x) ? x : isnan(y) ? y"
                + " : x == y ? (signbit(x) ? x : y) : (x < y ? x : y); }\n");
        if (fp64) {
            b.append("inline double kmaxd(double x, double y) { return isnan(x) ? x : isnan(y) ? y"
                    + " : x == y ? (signbit(x) ? y : x) : (x > y ? x : y); }\n");
            b.append("inline double kmind(double x, double y) { return isnan(x) ? x : isnan(y) ? y"
                    + " : x == y ? (signbit(x) ? x : y) : (x < y ? x : y); }\n");
        }
        // integer power by repeated squaring, wrapping; a negative exponent gives the truncated reciprocal
        String[][] pows = {{"int", "uint"}, {"long", "ulong"}, {"uint", "uint"}};
        for (String[] tu : pows) {
            String t = tu[0];
            String u = tu[1];
            b.append("inline " + t + " kipow_" + t + "(" + t + " base, " + t + " e) {\n");
            if (!t.equals("uint")) {
                b.append("  if (e < 0) return base == 1 ? 1 : base == -1 ? ((e & 1) == 0 ? 1 : -1) : 0;\n");
            }
            b.append("  " + u + " r = 1, s = (" + u + ") base;\n"
                    + "  for (" + u + " k = (" + u + ") e; k != 0; k >>= 1, s *= s) if (k & 1) r *= s;\n"
                    + "  return (" + t + ") r;\n}\n");
        }
        return b.toString();
    }

    /** The C expression of an elementwise primitive on {@code x} (and {@code y}) of dtype {@code d}. */
    static String expression(Primitive p, DType d, boolean fp64) {
        return switch (d) {
            case FLOAT32, FLOAT64 -> floatExpression(p, d, fp64);
            case INT32, INT64, UINT32 -> intExpression(p, d);
            case BOOL ->
                switch (p) {
                    case AND -> "x & y";
                    case MAX -> "x | y";
                    case XOR -> "x ^ y";
                    case EQ -> "(uchar) (x == y)";
                    case LT -> "(uchar) (!x && y)";
                    default -> null;
                };
            default -> null;
        };
    }

    private static String floatExpression(Primitive p, DType d, boolean fp64) {
        boolean single = d == DType.FLOAT32;
        String t = ctype(d);
        // float32 through double, rounded once, where the device has doubles
        String c = single && fp64 ? "double" : t;
        String cx = c.equals(t) ? "x" : "(" + c + ") x";
        String cy = c.equals(t) ? "y" : "(" + c + ") y";
        String round = c.equals(t) ? "" : "(" + t + ") ";
        return switch (p) {
            case ADD -> "x + y";
            case MUL -> "x * y";
            case DIV -> round + "(" + cx + " / " + cy + ")";
            case REM -> "fmod(x, y)";
            case MAX -> single ? "kmaxf(x, y)" : "kmaxd(x, y)";
            case ATAN2 -> round + "atan2(" + cx + ", " + cy + ")";
            // in the operands' own precision: widening would step by a float64 ulp
            case NEXTAFTER -> "nextafter(x, y)";
            case POW -> round + "pow(" + cx + ", " + cy + ")";
            case EQ -> "(uchar) (x == y)";
            case LT -> "(uchar) (x < y)";
            case FLOOR -> "floor(x)";
            case SQRT -> round + "sqrt(" + cx + ")";
            case EXP -> round + "exp(" + cx + ")";
            case LOG -> round + "log(" + cx + ")";
            case EXPM1 -> round + "expm1(" + cx + ")";
            case LOG1P -> round + "log1p(" + cx + ")";
            case SIN -> round + "sin(" + cx + ")";
            case COS -> round + "cos(" + cx + ")";
            // claimed for float32 only, with the fast paths (OpenClBackend.implementsNatively)
            // the built-in, saturated where the correctly rounded result is ±1 (|x| > 9.01): PoCL's
            // tanh gives 1 - 2^-24 there, one ulp short, which turns gelu(-inf) into -inf, not NaN
            case TANH -> single ? "(fabs(x) > 10.0f ? copysign(1.0f, x) : tanh(x))" : null;
            default -> null;
        };
    }

    /**
     * Appends {@code inline T name(IT x[, IT y]) { return ...; }}, the vector form of one operation
     * node on {@code w} lanes of operands of {@code in} giving {@code t} (the vector type), to
     * {@code fns}; false, and nothing appended, where the operation has no vector form. A convert
     * from float64 to float32 rounds to nearest even.
     */
    static boolean vectorFunction(
            StringBuilder fns,
            String name,
            Primitive op,
            dev.kiln.ir.Params params,
            int arity,
            DType in,
            String t,
            boolean fp64,
            int w) {
        String expr;
        if (op == Primitive.CONVERT) {
            DType to = ((dev.kiln.ir.Params.Convert) params).to();
            expr = to == in ? "x" : "convert_" + t + "(x)";
        } else {
            expr = vectorExpression(op, in, fp64, w);
        }
        if (expr == null) {
            return false;
        }
        String it = ctype(in) + w;
        fns.append("inline ")
                .append(t)
                .append(' ')
                .append(name)
                .append('(')
                .append(it)
                .append(" x")
                .append(arity > 1 ? ", " + it + " y" : "")
                .append(") { return ")
                .append(expr)
                .append("; }\n");
        return true;
    }

    /**
     * The C expression of a float primitive on vectors {@code x} (and {@code y}) of {@code w}
     * elements of {@code d}, with {@link #expression}'s semantics element by element (float32
     * through double where the device has fp64, rounded once; the same built-ins, in their vector
     * forms; NaN-propagating max through component-wise selects), or null where it has none.
     */
    static String vectorExpression(Primitive p, DType d, boolean fp64, int w) {
        if (!d.isFloating()) {
            return null;
        }
        boolean wide = d == DType.FLOAT32 && fp64;
        String cx = wide ? "convert_double" + w + "(x)" : "x";
        String cy = wide ? "convert_double" + w + "(y)" : "y";
        String open = wide ? "convert_float" + w + "(" : "(";
        return switch (p) {
            case ADD -> "x + y";
            case MUL -> "x * y";
            case DIV -> open + cx + " / " + cy + ")";
            // not REM: PoCL 3.1's fmod on double16 returned wrong values (995.66 fmod 549.68 gave 0.436);
            case MAX -> "(isnan(x) ? x : isnan(y) ? y : x == y ? (signbit(x) ? y : x) : (x > y ? x : y))";
            // nor POW and ATAN2: PoCL 3.1's pow on double16 returned wrong values as well (3.98^2.199 gave
            // 0.99), so the two-argument double built-ins stay scalar
            case FLOOR -> "floor(x)";
            case SQRT, EXP, LOG, EXPM1, LOG1P, SIN, COS ->
                open + p.name().toLowerCase(java.util.Locale.ROOT) + "(" + cx + "))";
            case TANH -> d == DType.FLOAT32 ? "(fabs(x) > 10.0f ? copysign((float" + w + ") 1.0f, x) : tanh(x))" : null;
            default -> null;
        };
    }

    /**
     * Integer arithmetic on {@code t} (int, long or uint) through its unsigned twin {@code u}, so
     * that overflow wraps: division by zero gives all ones, {@code MIN / -1} wraps to MIN, shifts
     * by the bit width or more (the amount read as unsigned) give 0.
     */
    private static String intExpression(Primitive p, DType d) {
        String t = ctype(d);
        boolean unsigned = d == DType.UINT32;
        String u = d == DType.INT64 ? "ulong" : "uint";
        String width = d == DType.INT64 ? "64" : "32";
        String wrap = unsigned ? "" : "(" + t + ") ";
        return switch (p) {
            case ADD -> wrap + "((" + u + ") x + (" + u + ") y)";
            case MUL -> wrap + "((" + u + ") x * (" + u + ") y)";
            case DIV ->
                unsigned
                        ? "y == 0 ? 0xFFFFFFFFu : x / y"
                        : "y == 0 ? (" + t + ") -1 : y == -1 ? " + wrap + "((" + u + ") 0 - (" + u + ") x) : x / y";
            case REM -> unsigned ? "y == 0 ? x : x % y" : "y == 0 ? x : y == -1 ? (" + t + ") 0 : x % y";
            case MAX -> "max(x, y)";
            case AND -> "x & y";
            case XOR -> "x ^ y";
            case SHIFT_LEFT ->
                "(" + u + ") y >= " + width + " ? (" + t + ") 0 : " + wrap + "((" + u + ") x << (" + u + ") y)";
            case SHIFT_RIGHT_LOGICAL ->
                "(" + u + ") y >= " + width + " ? (" + t + ") 0 : " + wrap + "((" + u + ") x >> (" + u + ") y)";
            case POW -> "kipow_" + t + "(x, y)";
            case EQ -> "(uchar) (x == y)";
            case LT -> "(uchar) (x < y)";
            default -> null;
        };
    }

    /** The C expression converting {@code x} of dtype {@code from} to {@code to}. */
    static String conversion(DType from, DType to) {
        String t = ctype(to);
        if (to == DType.BOOL) {
            return "(uchar) (x != 0)"; // NaN is true
        }
        if (from == DType.BOOL) {
            return "(" + t + ") x";
        }
        if (from.isFloating() && !to.isFloating()) {
            return "isnan(x) ? (" + t + ") 0 : convert_" + t + "_sat_rtz(x)";
        }
        if (to.isFloating()) {
            return "convert_" + t + "_rte(x)"; // rounds once, also from int64
        }
        // integer to integer keeps the low bits (well defined through unsigned types)
        return switch (to) {
            case INT32 -> "as_int((uint) x)";
            case UINT32 -> "(uint) x";
            default -> from == DType.UINT32 ? "(long) x" : "(long) x";
        };
    }

    /** A kernel applying {@code expr} to {@code x} (and {@code y}) elementwise. */
    static String elementwise(boolean fp64, String expr, String outType, String... inTypes) {
        StringBuilder b = new StringBuilder(header(fp64));
        b.append("__kernel void k(");
        String[] names = {"x", "y"};
        for (int i = 0; i < inTypes.length; i++) {
            b.append("__global const ")
                    .append(inTypes[i])
                    .append(" *in")
                    .append(i)
                    .append(", ");
        }
        b.append("__global ").append(outType).append(" *out, const int n) {\n");
        b.append("  int i = get_global_id(0);\n  if (i >= n) return;\n");
        for (int i = 0; i < inTypes.length; i++) {
            b.append("  ")
                    .append(inTypes[i])
                    .append(' ')
                    .append(names[i])
                    .append(" = in")
                    .append(i)
                    .append("[i];\n");
        }
        b.append("  out[i] = ").append(expr).append(";\n}\n");
        return b.toString();
    }

    static String select(String t) {
        return "__kernel void k(__global const uchar *p, __global const " + t + " *a, __global const " + t + " *b,"
                + " __global " + t + " *out, const int n) {\n"
                + "  int i = get_global_id(0);\n  if (i >= n) return;\n  out[i] = p[i] ? a[i] : b[i];\n}\n";
    }

    /** Element i holds its index along one dimension: (i / stride) % dim. */
    static String iota(DType d, boolean fp64) {
        String t = ctype(d);
        String v = d == DType.BOOL ? "(uchar) (v != 0)" : "(" + t + ") v";
        return (fp64 && d == DType.FLOAT64 ? header(true) : "")
                + "__kernel void k(__global " + t + " *out, const int n, const int stride, const int dim) {\n"
                + "  int i = get_global_id(0);\n  if (i >= n) return;\n  int v = (i / stride) % dim;\n"
                + "  out[i] = " + v + ";\n}\n";
    }

    /**
     * Output element i reads {@code src[base + Σ coef[d] * index[d]]} where index is i's multi-index
     * in the output shape: broadcast, transpose and slice. {@code p = [rank, base, shape..., coef...]}.
     */
    static String affineGather(String t) {
        return "__kernel void k(__global const " + t + " *src, __global " + t + " *out, __global const int *p,"
                + " const int n) {\n"
                + "  int i = get_global_id(0);\n  if (i >= n) return;\n"
                + "  int rank = p[0], off = p[1], rest = i;\n"
                + "  for (int d = rank - 1; d >= 0; d--) {\n"
                + "    int s = p[2 + d];\n    int q = rest % s;\n    rest /= s;\n    off += q * p[2 + rank + d];\n  }\n"
                + "  out[i] = src[off];\n}\n";
    }

    /**
     * {@link #affineGather} with one item per row of the output's last axis (for CPU devices): the
     * item finds the row's start once and copies the row with a constant step ({@code 0} for a
     * broadcast along it, {@code 1} for a contiguous row), a loop the compiler can vectorise, instead
     * of a division and remainder per axis for every element. {@code n} is the number of rows.
     */
    static String affineGatherRows(String t) {
        return "__kernel void k(__global const " + t + " *src, __global " + t + " *out, __global const int *p,"
                + " const int n) {\n"
                + "  int i = get_global_id(0);\n  if (i >= n) return;\n"
                + "  int rank = p[0], off = p[1], rest = i;\n"
                + "  for (int d = rank - 2; d >= 0; d--) {\n"
                + "    int s = p[2 + d];\n    int q = rest % s;\n    rest /= s;\n    off += q * p[2 + rank + d];\n  }\n"
                + "  const int w = p[1 + rank], c = p[1 + 2 * rank];\n"
                + "  __global " + t + " *o = out + (long) i * w;\n  __global const " + t + " *a = src + off;\n"
                + "  if (c == 0) {\n    const " + t + " v = a[0];\n    for (int j = 0; j < w; j++) o[j] = v;\n"
                + "  } else if (c == 1) {\n    for (int j = 0; j < w; j++) o[j] = a[j];\n"
                + "  } else {\n    for (int j = 0; j < w; j++) o[j] = a[(long) j * c];\n  }\n}\n";
    }

    /**
     * Pad with low, high (possibly negative) and interior padding. {@code p = [rank, outShape...,
     * lo..., interior..., inShape..., inStrides...]}; the padding value is element 0 of {@code pv}.
     */
    static String pad(String t) {
        return "__kernel void k(__global const " + t + " *src, __global const " + t + " *pv, __global " + t
                + " *out, __global const int *p, const int n) {\n"
                + "  int i = get_global_id(0);\n  if (i >= n) return;\n"
                + "  int r = p[0], off = 0, rest = i;\n"
                + "  for (int d = r - 1; d >= 0; d--) {\n"
                + "    int s = p[1 + d];\n    int q = rest % s;\n    rest /= s;\n"
                + "    int t = q - p[1 + r + d], step = p[1 + 2 * r + d] + 1;\n"
                + "    if (t < 0 || t % step != 0 || t / step >= p[1 + 3 * r + d]) { out[i] = pv[0]; return; }\n"
                + "    off += t / step * p[1 + 4 * r + d];\n  }\n"
                + "  out[i] = src[off];\n}\n";
    }

    /** {@code out[o, j, r] = a[o, clamp(idx[j], 0, dim - 1), r]}. */
    static String take(String t, String indexType) {
        return "__kernel void k(__global const " + t + " *a, __global const " + indexType + " *idx, __global " + t
                + " *out, const int n, const int nidx, const int dim, const int inner) {\n"
                + "  int i = get_global_id(0);\n  if (i >= n) return;\n"
                + "  int r = i % inner, t = i / inner, j = t % nidx, o = t / nidx;\n"
                + "  long q = (long) idx[j];\n  int row = q < 0 ? 0 : q >= dim ? dim - 1 : (int) q;\n"
                + "  out[i] = a[((long) o * dim + row) * inner + r];\n}\n";
    }

    /**
     * {@link #reduce} where the reduced axes collapse into one stride {@code rs}: the item walks its
     * {@code m} elements with that step, in the same order, instead of a division and remainder per
     * reduced axis for every element.
     */
    static String reduceStrided(Primitive p, DType d, boolean fp64) {
        Fold f = fold(p, d, fp64);
        String t = ctype(d);
        return header(fp64)
                + "__kernel void k(__global const " + t + " *src, __global " + t + " *out, __global const int *p,"
                + " const int n, const int m, const int rs) {\n"
                + "  int o = get_global_id(0);\n  if (o >= n) return;\n"
                + "  int kr = p[0], base = 0, rest = o;\n"
                + "  for (int d = kr - 1; d >= 0; d--) {\n"
                + "    int s = p[2 + d];\n    base += (rest % s) * p[2 + kr + d];\n    rest /= s;\n  }\n"
                + "  __global const " + t + " *x = src + base;\n"
                + "  " + f.acc() + " a = " + f.init() + ";\n"
                + "  for (int j = 0; j < m; j++) {\n"
                + "    " + t + " v = x[(long) j * rs];\n    " + f.step() + "\n  }\n"
                + "  out[o] = (" + t + ") a;\n}\n";
    }

    /**
     * Reduces over some axes: output element o starts at the offset of its kept indices and walks
     * the reduced ones. {@code p = [kept, reduced, keptShape..., keptStrides..., redShape...,
     * redStrides...]}; {@code m} is the number of elements reduced into each output.
     */
    static String reduce(Primitive p, DType d, boolean fp64) {
        Fold f = fold(p, d, fp64);
        String t = ctype(d);
        String acc = f.acc();
        String init = f.init();
        String step = f.step();
        String fin = "(" + t + ") a";
        return header(fp64)
                + "__kernel void k(__global const " + t + " *src, __global " + t + " *out, __global const int *p,"
                + " const int n, const int m) {\n"
                + "  int o = get_global_id(0);\n  if (o >= n) return;\n"
                + "  int kr = p[0], rr = p[1], base = 0, rest = o;\n"
                + "  for (int d = kr - 1; d >= 0; d--) {\n"
                + "    int s = p[2 + d];\n    base += (rest % s) * p[2 + kr + d];\n    rest /= s;\n  }\n"
                + "  __global const int *rs = p + 2 + 2 * kr;\n"
                + "  " + acc + " a = " + init + ";\n"
                + "  for (int j = 0; j < m; j++) {\n"
                + "    int off = base, r = j;\n"
                + "    for (int d = rr - 1; d >= 0; d--) {\n"
                + "      int s = rs[d];\n      off += (r % s) * rs[rr + d];\n      r /= s;\n    }\n"
                + "    " + t + " v = src[off];\n    " + step + "\n  }\n"
                + "  out[o] = " + fin + ";\n}\n";
    }

    /**
     * {@code out[b, i, j] = Σ_k lhs[lb[b] + lf[i] + lk[k]] · rhs[rb[b] + rf[j] + rk[k]]}, the offset
     * tables of the batch, free and contracting indices packed in {@code tab} at the given starts.
     */
    static String dotGeneral(DType d, boolean fp64) {
        String t = ctype(d);
        String acc;
        String step;
        String fin;
        switch (d) {
            case FLOAT32, FLOAT64 -> {
                acc = fp64 ? "double" : "float";
                step = "a += (" + acc + ") x * (" + acc + ") y;";
                fin = "(" + t + ") a";
            }
            case INT32, INT64, UINT32 -> {
                acc = d == DType.INT64 ? "ulong" : "uint";
                step = "a += (" + acc + ") x * (" + acc + ") y;";
                fin = "(" + t + ") a";
            }
            case BOOL -> {
                acc = "uchar";
                step = "a |= x & y;";
                fin = "a";
            }
            default -> throw new IllegalArgumentException(d.toString());
        }
        return header(fp64)
                + "__kernel void k(__global const " + t + " *lhs, __global const " + t + " *rhs, __global " + t
                + " *out, __global const int *tab, const int n, const int ni, const int nj, const int nk,"
                + " const int lb, const int rb, const int lf, const int rf, const int lk, const int rk) {\n"
                + "  int g = get_global_id(0);\n  if (g >= n) return;\n"
                + "  int j = g % nj, i = (g / nj) % ni, b = g / (nj * ni);\n"
                + "  int l0 = tab[lb + b] + tab[lf + i], r0 = tab[rb + b] + tab[rf + j];\n"
                + "  " + acc + " a = 0;\n"
                + "  for (int k = 0; k < nk; k++) {\n"
                + "    " + t + " x = lhs[l0 + tab[lk + k]], y = rhs[r0 + tab[rk + k]];\n    " + step + "\n  }\n"
                + "  out[g] = " + fin + ";\n}\n";
    }

    /**
     * A tiled product for float dtypes: {@code out[b, i, j] = Σ_k lhs[b·lbs + i·lis + k·lks] ·
     * rhs[b·rbs + j·rjs + k·rks]}, where each operand's batch, free and contracting indices each
     * reduce to one stride. A work-group of {@code (tn/rn) × (tm/rm)} items computes a {@code tm ×
     * tn} tile of the output, staging {@code tk}-deep slices of both operands in local memory; each
     * item keeps an {@code rm × rn} block of sums in registers (register blocking), reading {@code rm
     * + rn} values from local memory for {@code rm·rn} multiply-adds. Rows and columns of the block
     * are spread {@code tm/rm} (and {@code tn/rn}) apart, so neighbouring items read neighbouring
     * local words. float32 sums in float, as every GPU BLAS does (the tolerance of products grows
     * with the number of terms); float64 in double.
     */
    static String tiledDot(DType d, boolean fp64, int tm, int tn, int tk, int rm, int rn) {
        String t = ctype(d);
        return tiledKernel(
                d,
                (fp64 ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" : ""),
                "__global const " + t + " *lhs, __global const " + t + " *rhs, __global " + t + " *out,",
                "",
                "if (i < M && j < N) out[((long) b * M + i) * N + j] = acc[r][c];",
                tm,
                tn,
                tk,
                rm,
                rn);
    }

    /**
     * The tiled product of {@link #tiledDot} with its own program prefix, leading parameters, prelude
     * (which must define {@code lhs} and {@code rhs} where the parameters do not) and store statement,
     * which sees the block's sum {@code acc[r][c]} of output row {@code i}, column {@code j} and batch
     * {@code b} (it must check {@code i < M && j < N}). A fused kernel with a matmul root stores
     * through its epilogue this way, applied to the tile in registers.
     */
    static String tiledKernel(
            DType d,
            String prefix,
            String params,
            String prelude,
            String store,
            int tm,
            int tn,
            int tk,
            int rm,
            int rn) {
        String t = ctype(d);
        return prefix
                + "#define TM " + tm + "\n#define TN " + tn + "\n#define TK " + tk + "\n#define RM " + rm
                + "\n#define RN " + rn + "\n#define WX (TN / RN)\n#define WY (TM / RM)\n"
                + "__kernel __attribute__((reqd_work_group_size(WX, WY, 1)))\n"
                + "void k(" + params
                + " const int M, const int N, const int K, const int lbs, const int lis, const int lks,"
                + " const int rbs, const int rjs, const int rks) {\n"
                + prelude
                + "  __local " + t + " As[TK][TM + 1];\n  __local " + t + " Bs[TK][TN + 1];\n"
                + "  const int tx = get_local_id(0), ty = get_local_id(1), lid = ty * WX + tx;\n"
                + "  const int j0 = get_group_id(0) * TN, i0 = get_group_id(1) * TM, b = get_group_id(2);\n"
                + "  lhs += (long) b * lbs;\n  rhs += (long) b * rbs;\n"
                + "  " + t + " acc[RM][RN];\n"
                + "  for (int r = 0; r < RM; r++) for (int c = 0; c < RN; c++) acc[r][c] = 0;\n"
                + "  for (int k0 = 0; k0 < K; k0 += TK) {\n"
                // lhs slice: consecutive items take consecutive k (row-major lhs is read along rows)
                + "    for (int e = lid; e < TK * TM; e += WX * WY) {\n"
                + "      int kk = e % TK, ii = e / TK, i = i0 + ii, k = k0 + kk;\n"
                + "      As[kk][ii] = i < M && k < K ? lhs[(long) i * lis + (long) k * lks] : 0;\n    }\n"
                // rhs slice: consecutive items take consecutive j (row-major rhs is read along rows)
                + "    for (int e = lid; e < TK * TN; e += WX * WY) {\n"
                + "      int jj = e % TN, kk = e / TN, j = j0 + jj, k = k0 + kk;\n"
                + "      Bs[kk][jj] = j < N && k < K ? rhs[(long) j * rjs + (long) k * rks] : 0;\n    }\n"
                + "    barrier(CLK_LOCAL_MEM_FENCE);\n"
                + "    for (int kk = 0; kk < TK; kk++) {\n"
                + "      " + t + " a[RM], w[RN];\n"
                + "      for (int r = 0; r < RM; r++) a[r] = As[kk][ty + r * WY];\n"
                + "      for (int c = 0; c < RN; c++) w[c] = Bs[kk][tx + c * WX];\n"
                + "      for (int r = 0; r < RM; r++) for (int c = 0; c < RN; c++) acc[r][c] += a[r] * w[c];\n"
                + "    }\n"
                + "    barrier(CLK_LOCAL_MEM_FENCE);\n  }\n"
                + "  for (int r = 0; r < RM; r++) for (int c = 0; c < RN; c++) {\n"
                + "    int i = i0 + ty + r * WY, j = j0 + tx + c * WX;\n"
                + "    " + store + "\n  }\n}\n";
    }

    /**
     * A product for CPU devices, with the prefix, parameters, prelude and store statement of {@link
     * #tiledKernel} (the store sees the sum as {@code acc[r][c]}). One work item per work-group and
     * no local memory or barriers: a CPU device runs a work-group on one core, its local memory is
     * ordinary memory, and the item's explicit vector arithmetic is what makes it SIMD (PoCL does
     * not vectorise across items around an inner loop). {@code p = {vw, rm, nv, dm, dn}}:
     *
     * <ul>
     *   <li>{@code dotForm = false} (the operand {@code rhs} is read along its rows, {@code rjs ==
     *       1}): an item computes {@code rm} rows by {@code nv} vectors of {@code vw} columns, each
     *       step over {@code k} loading {@code nv} vectors of {@code rhs} and broadcasting {@code
     *       rm} values of {@code lhs} ({@code rm·nv} vector multiply-adds). Any other strides run
     *       the same kernel with the columns gathered lane by lane.
     *   <li>{@code dotForm = true} (both operands contiguous along {@code k}, as {@code x @ w.T}):
     *       an item computes {@code dm × dn} sums, each a vector of partial sums along {@code k}
     *       added across its lanes at the end, then the tail of {@code K} mod {@code vw} terms.
     * </ul>
     *
     * Rows and columns past the edge read the last row or column (clamped, so every load is in
     * bounds) and are not stored. float32 sums in float, like the tiled kernel.
     */
    static String cpuDotKernel(
            DType d, String prefix, String params, String prelude, String store, boolean dotForm, int[] p) {
        return cpuDotKernel(d, prefix, params, prelude, store, null, dotForm, p);
    }

    /**
     * As above; {@code vectorStore}, where not null (the row form only), stores a whole vector of a
     * row's sums ({@code sv}, row {@code i}, first column {@code jb}) where it lies inside the output,
     * instead of {@code store} element by element.
     */
    static String cpuDotKernel(
            DType d,
            String prefix,
            String params,
            String prelude,
            String store,
            String vectorStore,
            boolean dotForm,
            int[] p) {
        String t = ctype(d);
        int vw = p[0];
        String v = t + vw;
        String sv = store.replace("acc[r][c]", "sv");
        StringBuilder s = new StringBuilder(prefix);
        s.append("#define VW ").append(vw).append('\n');
        s.append("__kernel __attribute__((reqd_work_group_size(1, 1, 1)))\nvoid k(")
                .append(params)
                .append(" const int M, const int N, const int K, const int lbs, const int lis, const int lks,"
                        + " const int rbs, const int rjs, const int rks) {\n")
                .append(prelude);
        s.append("  const int b = get_group_id(2);\n");
        if (!dotForm) {
            int rm = p[1];
            int nv = p[2];
            s.append("#define RM ")
                    .append(rm)
                    .append("\n#define NV ")
                    .append(nv)
                    .append('\n');
            s.append("  const int i0 = get_group_id(0) * RM, j0 = get_group_id(1) * (VW * NV);\n");
            s.append("  const __global ").append(t).append(" *ap[RM];\n");
            s.append("#pragma unroll\n  for (int r = 0; r < RM; r++) ap[r] = lhs + (long) b * lbs"
                    + " + (long) min(i0 + r, M - 1) * lis;\n");
            s.append("  const __global ").append(t).append(" *bp = rhs + (long) b * rbs;\n");
            s.append("  ").append(v).append(" acc[RM][NV];\n");
            s.append("#pragma unroll\n  for (int r = 0; r < RM; r++)\n#pragma unroll\n"
                            + "    for (int c = 0; c < NV; c++) acc[r][c] = (")
                    .append(v)
                    .append(") 0;\n");
            String step = "      const long ko = (long) k * lks;\n"
                    + "#pragma unroll\n      for (int r = 0; r < RM; r++) {\n"
                    + "        const " + v + " a = (" + v + ") ap[r][ko];\n"
                    + "#pragma unroll\n        for (int c = 0; c < NV; c++) acc[r][c] += a * w[c];\n      }\n";
            s.append("  if (rjs == 1 && j0 + VW * NV <= N) {\n    bp += j0;\n");
            s.append("    for (int k = 0; k < K; k++) {\n");
            s.append("      const __global ").append(t).append(" *row = bp + (long) k * rks;\n");
            s.append("      ").append(v).append(" w[NV];\n");
            s.append("#pragma unroll\n      for (int c = 0; c < NV; c++) w[c] = vload")
                    .append(vw)
                    .append("(c, row);\n");
            s.append(step).append("    }\n  } else {\n");
            s.append("    for (int k = 0; k < K; k++) {\n");
            s.append("      const __global ").append(t).append(" *row = bp + (long) k * rks;\n");
            s.append("      ").append(v).append(" w[NV];\n");
            s.append("      for (int c = 0; c < NV; c++) {\n        ").append(t).append(" lanes[VW];\n");
            s.append(
                    "        for (int l = 0; l < VW; l++) lanes[l] = row[(long) min(j0 + c * VW + l, N - 1) * rjs];\n");
            s.append("        w[c] = vload").append(vw).append("(0, lanes);\n      }\n");
            s.append(step).append("    }\n  }\n");
            // the sums leave their registers through an unrolled loop (a loop indexing acc by
            // variables would keep acc in memory, inside the loop over k too), then the stores
            s.append("  ").append(t).append(" res[RM * NV * VW];\n");
            s.append("#pragma unroll\n  for (int r = 0; r < RM; r++)\n#pragma unroll\n"
                            + "    for (int c = 0; c < NV; c++) vstore")
                    .append(vw)
                    .append("(acc[r][c], r * NV + c, res);\n");
            s.append("  for (int r = 0; r < RM; r++) for (int c = 0; c < NV; c++) {\n");
            if (vectorStore != null) {
                s.append("    const int i = i0 + r, jb = j0 + c * VW;\n");
                s.append("    if (i < M && jb + VW <= N) {\n      const ")
                        .append(v)
                        .append(" sv = vload")
                        .append(vw)
                        .append("(r * NV + c, res);\n")
                        .append(vectorStore)
                        .append("      continue;\n    }\n");
            }
            s.append("    for (int l = 0; l < VW; l++) {\n");
            s.append("      const int i = i0 + r, j = j0 + c * VW + l;\n      const ")
                    .append(t)
                    .append(" sv = res[(r * NV + c) * VW + l];\n");
            s.append("      ").append(sv).append("\n    }\n  }\n}\n");
        } else {
            int dm = p[3];
            int dn = p[4];
            s.append("#define DM ")
                    .append(dm)
                    .append("\n#define DN ")
                    .append(dn)
                    .append('\n');
            s.append("  const int i0 = get_group_id(0) * DM, j0 = get_group_id(1) * DN;\n");
            s.append("  const __global ").append(t).append(" *ap[DM], *bq[DN];\n");
            s.append("#pragma unroll\n  for (int r = 0; r < DM; r++) ap[r] = lhs + (long) b * lbs"
                    + " + (long) min(i0 + r, M - 1) * lis;\n");
            s.append("#pragma unroll\n  for (int c = 0; c < DN; c++) bq[c] = rhs + (long) b * rbs"
                    + " + (long) min(j0 + c, N - 1) * rjs;\n");
            s.append("  ").append(v).append(" acc[DM][DN];\n");
            s.append("#pragma unroll\n  for (int r = 0; r < DM; r++)\n#pragma unroll\n"
                            + "    for (int c = 0; c < DN; c++) acc[r][c] = (")
                    .append(v)
                    .append(") 0;\n");
            s.append("  int k = 0;\n  for (; k + VW <= K; k += VW) {\n");
            s.append("    ").append(v).append(" a[DM], w[DN];\n");
            s.append("#pragma unroll\n    for (int r = 0; r < DM; r++) a[r] = vload")
                    .append(vw)
                    .append("(0, ap[r] + k);\n");
            s.append("#pragma unroll\n    for (int c = 0; c < DN; c++) w[c] = vload")
                    .append(vw)
                    .append("(0, bq[c] + k);\n");
            s.append("#pragma unroll\n    for (int r = 0; r < DM; r++)\n#pragma unroll\n"
                    + "      for (int c = 0; c < DN; c++) acc[r][c] += a[r] * w[c];\n  }\n");
            s.append("  ").append(t).append(" res[DM * DN * VW];\n");
            s.append("#pragma unroll\n  for (int r = 0; r < DM; r++)\n#pragma unroll\n"
                            + "    for (int c = 0; c < DN; c++) vstore")
                    .append(vw)
                    .append("(acc[r][c], r * DN + c, res);\n");
            s.append("  for (int r = 0; r < DM; r++) for (int c = 0; c < DN; c++) {\n");
            s.append("    ")
                    .append(t)
                    .append(" sv = 0;\n    for (int l = 0; l < VW; l++) sv += res[(r * DN + c) * VW + l];\n");
            s.append("    for (int kk = k; kk < K; kk++) sv += ap[r][kk] * bq[c][kk];\n");
            s.append("    const int i = i0 + r, j = j0 + c;\n");
            s.append("    ").append(sv).append("\n  }\n}\n");
        }
        return s.toString();
    }

    /** {@link #cpuDotKernel} as a product on its own, storing {@code out[b, i, j]} row-major. */
    static String cpuDot(DType d, boolean fp64, boolean dotForm, int[] p) {
        String t = ctype(d);
        return cpuDotKernel(
                d,
                (fp64 ? "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" : ""),
                "__global const " + t + " *lhs, __global const " + t + " *rhs, __global " + t + " *out,",
                "",
                "if (i < M && j < N) out[((long) b * M + i) * N + j] = acc[r][c];",
                dotForm,
                p);
    }

    /**
     * A reducer on one dtype: the accumulator's C type, its identity, and the combination of an
     * accumulator with a value (or with another accumulator). Floats accumulate in double where the
     * device has fp64 (each output rounded once, as the reference does); integer sums and products
     * on the unsigned type of the same width, so they wrap; max and min propagate NaN and order -0
     * below +0; bool sum, max and or are logical or, bool product, min and and are logical and.
     */
    record Fold(String acc, String init, Primitive reducer, String fn) {
        /** The C expression combining accumulator {@code a} with {@code v} (cast to the accumulator's type). */
        String combine(String a, String v) {
            String cv = "(" + acc + ") " + v;
            return switch (fn) {
                case "+", "*", "&", "|" -> a + " " + fn + " " + cv;
                default -> fn + "(" + a + ", " + cv + ")";
            };
        }

        /** {@code a = combine(a, v);} */
        String step(String a, String v) {
            return a + " = " + combine(a, v) + ";";
        }

        /** The step folding {@code v} into {@code a}. */
        String step() {
            return step("a", "v");
        }
    }

    /** The reductions claimed natively, with {@link #fold}'s semantics. */
    static boolean isReducer(Primitive p, DType d) {
        return switch (p) {
            case REDUCE_SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN -> true;
            case REDUCE_AND, REDUCE_OR -> !d.isFloating();
            default -> false;
        };
    }

    static Fold fold(Primitive p, DType d, boolean fp64) {
        if (!isReducer(p, d)) {
            throw new IllegalArgumentException(p + " on " + d);
        }
        return switch (d) {
            case FLOAT32, FLOAT64 -> {
                String acc = fp64 ? "double" : "float";
                String sfx = fp64 ? "d" : "f";
                yield switch (p) {
                    case REDUCE_SUM -> new Fold(acc, "0", p, "+");
                    case REDUCE_PROD -> new Fold(acc, "1", p, "*");
                    case REDUCE_MAX -> new Fold(acc, "-INFINITY", p, "kmax" + sfx);
                    default -> new Fold(acc, "INFINITY", p, "kmin" + sfx);
                };
            }
            case INT32, INT64, UINT32 -> {
                String u = d == DType.INT64 ? "ulong" : "uint";
                String t = ctype(d);
                yield switch (p) {
                    case REDUCE_SUM -> new Fold(u, "0", p, "+");
                    case REDUCE_PROD -> new Fold(u, "1", p, "*");
                    case REDUCE_MAX ->
                        new Fold(t, d == DType.INT32 ? "INT_MIN" : d == DType.INT64 ? "LONG_MIN" : "0", p, "max");
                    case REDUCE_MIN ->
                        new Fold(
                                t, d == DType.INT32 ? "INT_MAX" : d == DType.INT64 ? "LONG_MAX" : "UINT_MAX", p, "min");
                    case REDUCE_AND -> new Fold(t, "(" + t + ") -1", p, "&");
                    default -> new Fold(t, "0", p, "|");
                };
            }
            case BOOL ->
                switch (p) {
                    case REDUCE_SUM, REDUCE_MAX, REDUCE_OR -> new Fold("uchar", "0", p, "|");
                    default -> new Fold("uchar", "1", p, "&");
                };
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    /**
     * A work-group tree reduction: group {@code g} reduces chunk {@code g % chunks} of output
     * {@code g / chunks}, whose elements are {@code src[base + j·rstride]} for j below {@code m}
     * ({@code base} from the kept indices, as in {@link #reduce}); its items fold a strided share each,
     * then combine their partial results in local memory in log2(group size) steps. With more than
     * one chunk, the partial results (in the accumulator's type) are reduced again by a second launch
     * ({@code partialIn}), which is how long axes with few outputs (a full sum) use the whole device.
     */
    static String reduceGroup(Primitive p, DType d, boolean fp64, boolean partialIn, boolean partialOut) {
        Fold f = fold(p, d, fp64);
        String t = ctype(d);
        String in = partialIn ? f.acc() : t;
        String out = partialOut ? f.acc() : t;
        String combine = f.step("s[lid]", "s[lid + h]");
        return header(fp64)
                + "__kernel void k(__global const " + in + " *src, __global " + out + " *out, __global const int *p,"
                + " const int m, const int chunks, const int rstride, __local " + f.acc() + " *s) {\n"
                + "  const int g = get_group_id(0), lid = get_local_id(0), L = get_local_size(0);\n"
                + "  const int o = g / chunks, c = g % chunks;\n"
                + "  int kr = p[0], base = 0, rest = o;\n"
                + "  for (int d = kr - 1; d >= 0; d--) {\n"
                + "    int sz = p[1 + d];\n    base += (rest % sz) * p[1 + kr + d];\n    rest /= sz;\n  }\n"
                + "  const int per = m / chunks + (m % chunks != 0), lo = c * per, hi = min(m, lo + per);\n"
                + "  " + f.acc() + " a = " + f.init() + ";\n"
                + "  for (int j = lo + lid; j < hi; j += L) {\n"
                + "    " + in + " v = src[base + (long) j * rstride];\n    " + f.step() + "\n  }\n"
                + "  s[lid] = a;\n  barrier(CLK_LOCAL_MEM_FENCE);\n"
                + "  for (int h = L / 2; h > 0; h >>= 1) {\n"
                + "    if (lid < h) { " + combine + " }\n    barrier(CLK_LOCAL_MEM_FENCE);\n  }\n"
                + "  if (lid == 0) out[g] = (" + out + ") s[0];\n}\n";
    }

    /**
     * A work-efficient scan along one axis (CUMSUM, CUMPROD, CUMMAX, CUMMIN), in three kernels of one
     * program: a reduce-then-scan over chunks. The array is {@code lines = outer · inner} lines of
     * {@code dim} elements ({@code inner} apart), each cut into {@code chunks} chunks of {@code chunk}
     * elements, taken from the end where {@code reverse}. {@code k1}: one item per chunk folds it
     * into {@code sums}; {@code k2}: one item per line turns its chunks' totals into exclusive
     * prefixes, in order; {@code k3}: one item per chunk scans it again from its prefix, writing
     * every output. Two reads and one write of the data, O(n) work. Floats run in double where the
     * device has fp64, rounding each output once, as the reference does; integer sums and products
     * wrap (unsigned); max and min propagate NaN and order -0 below +0.
     */
    static String scan(Primitive p, DType d, boolean fp64) {
        String t = ctype(d);
        String acc;
        String comb;
        switch (d) {
            case FLOAT32, FLOAT64 -> {
                acc = fp64 ? "double" : "float";
                String sfx = fp64 ? "d" : "f";
                comb = switch (p) {
                    case CUMSUM -> "a + v";
                    case CUMPROD -> "a * v";
                    case CUMMAX -> "kmax" + sfx + "(a, v)";
                    case CUMMIN -> "kmin" + sfx + "(a, v)";
                    default -> throw new IllegalArgumentException(p.toString());
                };
            }
            case INT32, INT64, UINT32 -> {
                boolean arith = p == Primitive.CUMSUM || p == Primitive.CUMPROD;
                acc = arith ? (d == DType.INT64 ? "ulong" : "uint") : t;
                comb = switch (p) {
                    case CUMSUM -> "a + v";
                    case CUMPROD -> "a * v";
                    case CUMMAX -> "max(a, v)";
                    case CUMMIN -> "min(a, v)";
                    default -> throw new IllegalArgumentException(p.toString());
                };
            }
            default -> throw new IllegalArgumentException(d.toString());
        }
        String args = "const int lines, const int dim, const int inner, const int chunk, const int chunks,"
                + " const int reverse";
        String at = "  const int L = g / chunks, c = g % chunks, lo = c * chunk, hi = min(dim, lo + chunk);\n"
                + "  const long base = (long) (L / inner) * dim * inner + L % inner;\n"
                + "#define AT(j) (base + (long) (reverse ? dim - 1 - (j) : (j)) * inner)\n";
        String fn = "inline " + acc + " comb(" + acc + " a, " + acc + " v) { return " + comb + "; }\n";
        return header(fp64) + fn
                + "__kernel void k1(__global const " + t + " *x, __global " + acc + " *sums, " + args + ") {\n"
                + "  const int g = get_global_id(0);\n  if (g >= lines * chunks) return;\n" + at
                + "  " + acc + " a = (" + acc + ") x[AT(lo)];\n"
                + "  for (int j = lo + 1; j < hi; j++) a = comb(a, (" + acc + ") x[AT(j)]);\n"
                + "  sums[g] = a;\n}\n"
                + "__kernel void k2(__global " + acc + " *sums, const int lines, const int chunks) {\n"
                + "  const int L = get_global_id(0);\n  if (L >= lines) return;\n"
                + "  __global " + acc + " *s = sums + (long) L * chunks;\n"
                + "  " + acc + " run = s[0];\n"
                + "  for (int c = 1; c < chunks; c++) { " + acc + " v = s[c]; s[c] = run; run = comb(run, v); }\n}\n"
                + "__kernel void k3(__global const " + t + " *x, __global " + t + " *y, __global const " + acc
                + " *sums, " + args + ") {\n"
                + "  const int g = get_global_id(0);\n  if (g >= lines * chunks) return;\n" + at
                + "  " + acc + " a = (" + acc + ") x[AT(lo)];\n"
                + "  if (c > 0) a = comb(sums[g], a);\n"
                + "  y[AT(lo)] = (" + t + ") a;\n"
                + "  for (int j = lo + 1; j < hi; j++) {\n"
                + "    a = comb(a, (" + acc + ") x[AT(j)]);\n    y[AT(j)] = (" + t + ") a;\n  }\n}\n";
    }
}
