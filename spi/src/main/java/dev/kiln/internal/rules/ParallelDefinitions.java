package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ShapeException;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.List;

/**
 * The collectives over a named mapped axis, one block each: the shape rule (the axis size is in the
 * params, fixed when the collective was bound), the derivative and the transpose. Their batching rules
 * need the batching trace's own axis name, so they are in {@link CollectiveBatching}. Transposes follow
 * JAX: psum's cotangent is summed over the axis again, all_gather and psum_scatter transpose into each
 * other, ppermute into the inverse permutation, all_to_all into the all_to_all that swaps its axes back.
 */
final class ParallelDefinitions {
    private ParallelDefinitions() {}

    static void define(Definitions.Table t) {
        t.define(Primitive.PSUM)
                .shape(ParallelDefinitions::same)
                .naryJvp(ParallelDefinitions::linear)
                .transpose((p, ct, x, linear, specs) -> List.of(Lax.bind(Primitive.PSUM, p, ct)));
        t.define(Primitive.PMAX).shape(ParallelDefinitions::same).jvp(ParallelDefinitions::extremumJvp);
        t.define(Primitive.PMIN).shape(ParallelDefinitions::same).jvp(ParallelDefinitions::extremumJvp);
        t.define(Primitive.ALL_GATHER)
                .shape(ParallelDefinitions::allGather)
                .naryJvp(ParallelDefinitions::linear)
                .transpose((p, ct, x, linear, specs) -> List.of(Lax.bind(Primitive.PSUM_SCATTER, p, ct)));
        t.define(Primitive.PSUM_SCATTER)
                .shape(ParallelDefinitions::psumScatter)
                .naryJvp(ParallelDefinitions::linear)
                .transpose((p, ct, x, linear, specs) -> List.of(Lax.bind(Primitive.ALL_GATHER, p, ct)));
        t.define(Primitive.PPERMUTE)
                .shape(ParallelDefinitions::same)
                .naryJvp(ParallelDefinitions::linear)
                .transpose((p, ct, x, linear, specs) -> List.of(Lax.bind(Primitive.PPERMUTE, inverse(p), ct)));
        t.define(Primitive.ALL_TO_ALL)
                .shape(ParallelDefinitions::allToAll)
                .naryJvp(ParallelDefinitions::linear)
                .transpose((p, ct, x, linear, specs) -> {
                    Params.Collective c = (Params.Collective) p;
                    return List.of(Lax.bind(
                            Primitive.ALL_TO_ALL,
                            new Params.Collective(c.axisName(), c.axisSize(), c.axis2(), c.axis(), false, c.perm()),
                            ct));
                });
        t.define(Primitive.AXIS_INDEX)
                .shape((p, params, in) -> new ArraySpec(DType.INT32, new int[0]))
                .zeroDerivative();
    }

    /** The primitive applied to the tangent: every collective but pmax and pmin is linear. */
    private static Array linear(Primitive p, Params params, List<Array> x, List<Array> t) {
        return t.get(0) == null ? null : Lax.bind(p, params, t.get(0));
    }

    /** pmax/pmin: the tangent of the members holding the extremum, averaged over ties. */
    private static Array extremumJvp(Params params, Array x, Array out, Array t) {
        if (t == null) {
            return null;
        }
        Array hit = Np.equal(x, out).astype(x.dtype());
        Array num = Lax.bind(Primitive.PSUM, params, Np.multiply(t, hit));
        Array den = Lax.bind(Primitive.PSUM, params, hit);
        return Np.divide(num, den);
    }

    private static Params.Collective inverse(Params p) {
        Params.Collective c = (Params.Collective) p;
        int[] pairs = c.perm().toArray();
        int[] inv = new int[pairs.length];
        for (int i = 0; i < pairs.length; i += 2) {
            inv[i] = pairs[i + 1];
            inv[i + 1] = pairs[i];
        }
        return new Params.Collective(c.axisName(), c.axisSize(), c.axis(), c.axis2(), c.tiled(), Ints.of(inv));
    }

    private static ArraySpec same(Primitive p, Params params, List<ArraySpec> in) {
        return in.get(0);
    }

    private static ArraySpec allGather(Primitive p, Params params, List<ArraySpec> in) {
        Params.Collective c = (Params.Collective) params;
        int[] s = in.get(0).shape();
        if (c.tiled()) {
            check(p, c.axis() >= 0 && c.axis() < s.length, "axis " + c.axis() + " out of range for " + in.get(0));
            s[c.axis()] *= c.axisSize();
            return in.get(0).withShape(s);
        }
        check(p, c.axis() >= 0 && c.axis() <= s.length, "axis " + c.axis() + " out of range for " + in.get(0));
        int[] out = new int[s.length + 1];
        for (int i = 0, k = 0; i < out.length; i++) {
            out[i] = i == c.axis() ? c.axisSize() : s[k++];
        }
        return in.get(0).withShape(out);
    }

    private static ArraySpec psumScatter(Primitive p, Params params, List<ArraySpec> in) {
        Params.Collective c = (Params.Collective) params;
        int[] s = in.get(0).shape();
        check(p, c.axis() >= 0 && c.axis() < s.length, "axis " + c.axis() + " out of range for " + in.get(0));
        if (c.tiled()) {
            check(
                    p,
                    s[c.axis()] % c.axisSize() == 0,
                    "axis " + c.axis() + " of " + in.get(0) + " is not a multiple of the axis size " + c.axisSize());
            s[c.axis()] /= c.axisSize();
            return in.get(0).withShape(s);
        }
        check(
                p,
                s[c.axis()] == c.axisSize(),
                "axis " + c.axis() + " of " + in.get(0) + " must have the axis size " + c.axisSize());
        int[] out = new int[s.length - 1];
        for (int i = 0, k = 0; i < s.length; i++) {
            if (i != c.axis()) {
                out[k++] = s[i];
            }
        }
        return in.get(0).withShape(out);
    }

    private static ArraySpec allToAll(Primitive p, Params params, List<ArraySpec> in) {
        Params.Collective c = (Params.Collective) params;
        int[] s = in.get(0).shape();
        check(
                p,
                c.axis() >= 0 && c.axis() < s.length && c.axis2() >= 0 && c.axis2() < s.length,
                "axes " + c.axis() + ", " + c.axis2() + " out of range for " + in.get(0));
        check(
                p,
                s[c.axis()] == c.axisSize(),
                "split axis " + c.axis() + " of " + in.get(0) + " must have the axis size " + c.axisSize());
        int[] rest = new int[s.length - 1];
        for (int i = 0, k = 0; i < s.length; i++) {
            if (i != c.axis()) {
                rest[k++] = s[i];
            }
        }
        int[] out = new int[s.length];
        for (int i = 0, k = 0; i < out.length; i++) {
            out[i] = i == c.axis2() ? c.axisSize() : rest[k++];
        }
        return in.get(0).withShape(out);
    }

    private static void check(Primitive p, boolean ok, String what) {
        if (!ok) {
            throw new ShapeException(p.printName() + ": " + what);
        }
    }
}
