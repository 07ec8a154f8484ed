package dev.kiln.internal.rules;

import static dev.kiln.internal.rules.Emit.abs;
import static dev.kiln.internal.rules.Emit.add;
import static dev.kiln.internal.rules.Emit.and;
import static dev.kiln.internal.rules.Emit.convert;
import static dev.kiln.internal.rules.Emit.div;
import static dev.kiln.internal.rules.Emit.eq;
import static dev.kiln.internal.rules.Emit.floor;
import static dev.kiln.internal.rules.Emit.full;
import static dev.kiln.internal.rules.Emit.gt;
import static dev.kiln.internal.rules.Emit.le;
import static dev.kiln.internal.rules.Emit.lt;
import static dev.kiln.internal.rules.Emit.max;
import static dev.kiln.internal.rules.Emit.mul;
import static dev.kiln.internal.rules.Emit.ne;
import static dev.kiln.internal.rules.Emit.neg;
import static dev.kiln.internal.rules.Emit.op;
import static dev.kiln.internal.rules.Emit.or;
import static dev.kiln.internal.rules.Emit.select;
import static dev.kiln.internal.rules.Emit.sub;
import static dev.kiln.internal.rules.Emit.widen;
import static dev.kiln.internal.rules.Emit.xor;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.ir.Primitive;

/**
 * {@code nextafter} in core primitives, with no bit casts: the step from {@code |x|} to its
 * neighbour is a power of two, {@code 2^(e - p + 1)} for {@code |x|} in {@code [2^e, 2^(e+1))} with
 * {@code p} the precision (24 or 53 bits) and {@code e} clamped below at the smallest normal
 * exponent (subnormals share that spacing), halved going down from an exact power of two above the
 * smallest normal. {@code e} is {@code floor(log2|x|)}, corrected by one either way against exact
 * powers of two, so an inexact {@code log} cannot move it. Adding the step to {@code x} is then
 * exact. Zeros, infinities, equal operands and NaN are selected apart. This needs IEEE subnormals
 * (a backend that flushes them to zero, as XLA:CPU does, lowers the primitive natively instead).
 */
final class NextAfter {
    private NextAfter() {}

    static Array decompose(Array x, Array y) {
        DType t = x.dtype();
        boolean f32 = t == DType.FLOAT32;
        int precision = f32 ? 24 : 53;
        int minExponent = f32 ? -126 : -1022;
        double largest = f32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        double smallest = f32 ? Float.MIN_VALUE : Double.MIN_VALUE;
        Array w = widen(x);
        Array v = widen(y);
        Array a = abs(w);
        Array two = full(w, 2);
        Array e = floor(div(op(Primitive.LOG, a), full(w, Math.log(2))));
        e = select(gt(op(Primitive.POW, two, e), a), sub(e, full(w, 1)), e);
        e = select(le(op(Primitive.POW, two, add(e, full(w, 1))), a), add(e, full(w, 1)), e);
        e = max(e, full(w, minExponent));
        Array spacing = op(Primitive.POW, two, sub(e, full(w, precision - 1)));
        Array up = lt(w, v);
        Array positive = gt(w, full(w, 0));
        // the magnitude shrinks when moving toward zero: up from a negative, down from a positive
        Array shrinks = xor(up, positive);
        Array powerOfTwo = and(eq(a, op(Primitive.POW, two, e)), gt(e, full(w, minExponent)));
        Array step = select(and(shrinks, powerOfTwo), mul(spacing, full(w, 0.5)), spacing);
        Array r = add(w, select(up, step, neg(step)));
        // stepping from the smallest subnormal to zero keeps x's sign (x + -x would give +0)
        r = select(eq(r, full(w, 0)), mul(w, full(w, 0)), r);
        // from a zero: the smallest subnormal toward y
        Array tiny = full(w, smallest);
        r = select(eq(a, full(w, 0)), select(up, tiny, neg(tiny)), r);
        // from an infinity (toward a finite y or NaN, handled below): the largest finite value
        Array big = full(w, largest);
        r = select(eq(a, full(w, Double.POSITIVE_INFINITY)), select(positive, big, neg(big)), r);
        r = select(eq(w, v), v, r);
        r = select(or(ne(w, w), ne(v, v)), add(w, v), r);
        return convert(r, t);
    }
}
