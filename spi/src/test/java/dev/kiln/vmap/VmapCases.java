package dev.kiln.vmap;

import static dev.kiln.vmap.Samples.bools;
import static dev.kiln.vmap.Samples.floats;
import static dev.kiln.vmap.Samples.ints;
import static dev.kiln.vmap.Samples.positive;
import static dev.kiln.vmap.Samples.uniform;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.Primitive;
import dev.kiln.vmap.Samples.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Functions of one or two arrays, written with {@code Np} and {@code Lax}, that between them bind
 * every primitive ({@code VmapTest} checks that they do).
 */
final class VmapCases {
    private VmapCases() {}

    record Case(String name, List<Gen> args, Function<Array[], Array> f) {
        int arity() {
            return args.size();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Case c1(String name, Gen x, Function<Array, Array> f) {
        return new Case(name, List.of(x), a -> f.apply(a[0]));
    }

    static Case c2(String name, Gen a, Gen b, BiFunction<Array, Array, Array> f) {
        return new Case(name, List.of(a, b), x -> f.apply(x[0], x[1]));
    }

    /** The 0-d element {@code i} of a 1-d array (a traced start index when the array is traced). */
    static Array at(Array s, int i) {
        return Np.index(s, Integer.toString(i));
    }

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        Gen x23 = floats(2, 3);
        // elementwise, one operand
        c.add(c1("negative", x23, Np::negative));
        c.add(c1("abs", x23, Np::abs));
        c.add(c1("sign", x23, Np::sign));
        c.add(c1("exp", x23, Np::exp));
        c.add(c1("exp2", x23, Np::exp2));
        // every float unary primitive bound directly, so one added later is covered without a row here
        for (Primitive p : Primitive.values()) {
            if (p.kind() == Primitive.Kind.UNARY && p != Primitive.NOT) {
                c.add(c1(p.printName() + " (bound)", positive(2, 3), a -> Lax.bind(p, a)));
            }
        }
        c.add(c1("log", positive(2, 3), Np::log));
        c.add(c1("log1p", positive(2, 3), Np::log1p));
        c.add(c1("expm1", x23, Np::expm1));
        c.add(c1("sqrt", positive(2, 3), Np::sqrt));
        c.add(c1("rsqrt", positive(2, 3), Np::rsqrt));
        c.add(c1("cbrt", x23, Np::cbrt));
        c.add(c1("sin", x23, Np::sin));
        c.add(c1("cos", x23, Np::cos));
        c.add(c1("tan", x23, Np::tan));
        c.add(c1("arcsin", uniform(-0.9, 0.9, 2, 3), Np::arcsin));
        c.add(c1("arccos", uniform(-0.9, 0.9, 2, 3), Np::arccos));
        c.add(c1("arctan", x23, Np::arctan));
        c.add(c1("sinh", x23, Np::sinh));
        c.add(c1("cosh", x23, Np::cosh));
        c.add(c1("tanh", x23, Np::tanh));
        c.add(c1("sigmoid", x23, Np::sigmoid));
        c.add(c1("erf", x23, Np::erf));
        c.add(c1("floor", x23, Np::floor));
        c.add(c1("ceil", x23, Np::ceil));
        c.add(c1("round", x23, Np::round));
        c.add(c1("bitwiseNot", ints(-9, 9, 2, 3), Np::bitwiseNot));
        c.add(c1("logicalNot", bools(4), Np::logicalNot));
        c.add(c1("isfinite", x23, x -> Np.isfinite(Np.log(x))));
        c.add(c1("astype int32", x23, x -> Np.astype(x, DType.INT32)));
        c.add(c1("multiply by weak scalar", x23, x -> Np.multiply(x, 2.5)));
        c.add(c1("0-d exp", floats(), Np::exp));
        // elementwise, two operands
        c.add(c2("add", x23, x23, Np::add));
        c.add(c2("add broadcasting", floats(3), x23, Np::add));
        c.add(c2("subtract", x23, x23, Np::subtract));
        c.add(c2("multiply", x23, x23, Np::multiply));
        c.add(c2("divide", x23, x23, Np::divide));
        c.add(c2("mod", x23, x23, Np::mod));
        c.add(c2("mod int", ints(-20, 20, 2, 3), ints(-4, 4, 2, 3), Np::mod));
        c.add(c2("power", positive(2, 3), x23, Np::power));
        c.add(c2("maximum", x23, x23, Np::maximum));
        c.add(c2("minimum", x23, x23, Np::minimum));
        c.add(c2("arctan2", x23, x23, Np::arctan2));
        c.add(c2("nextafter", x23, x23, Np::nextafter));
        c.add(c2("bitwiseAnd", ints(-99, 99, 2, 3), ints(-99, 99, 2, 3), Np::bitwiseAnd));
        c.add(c2("bitwiseOr", ints(-99, 99, 2, 3), ints(-99, 99, 2, 3), Np::bitwiseOr));
        c.add(c2("bitwiseXor", ints(-99, 99, 2, 3), ints(-99, 99, 2, 3), Np::bitwiseXor));
        c.add(c2("leftShift", ints(-99, 99, 2, 3), ints(0, 33, 2, 3), Np::leftShift));
        c.add(c2("rightShift", ints(-99, 99, 2, 3), ints(0, 33, 2, 3), Np::rightShift));
        c.add(c2(
                "rightShift uint32",
                ints(DType.UINT32, -99, 99, 2, 3),
                ints(DType.UINT32, 0, 33, 2, 3),
                Np::rightShift));
        c.add(c2("equal", ints(0, 2, 2, 3), ints(0, 2, 2, 3), Np::equal));
        c.add(c2("notEqual", ints(0, 2, 2, 3), ints(0, 2, 2, 3), Np::notEqual));
        c.add(c2("less", x23, x23, Np::less));
        c.add(c2("lessEqual", ints(0, 2, 2, 3), ints(0, 2, 2, 3), Np::lessEqual));
        c.add(c2("greater", x23, x23, Np::greater));
        c.add(c2("greaterEqual", ints(0, 2, 2, 3), ints(0, 2, 2, 3), Np::greaterEqual));
        c.add(c2("where", x23, x23, (a, b) -> Np.where(Np.greater(a, 0), a, b)));
        c.add(c2("clip", x23, floats(3), (a, b) -> Np.clip(a, b, 1.0)));
        // reductions and scans
        Gen x234 = floats(2, 3, 4);
        c.add(c1("sum axis 1", x234, x -> Np.sum(x, 1)));
        c.add(c1("sum all", x234, Np::sum));
        c.add(c1("prod axis 0", x234, x -> Np.prod(x, 0)));
        c.add(c1("max axis 2", x234, x -> Np.max(x, 2)));
        c.add(c1("min axes 0,2", x234, x -> Np.min(x, new int[] {0, 2}, false)));
        c.add(c1("mean keepdims", x234, x -> Np.mean(x, new int[] {0, 2}, true)));
        c.add(c1("var axis -1", x234, x -> Np.var(x, -1)));
        c.add(c1("logSumExp", x234, x -> Np.logSumExp(x, 1)));
        c.add(c1("all axis 0", bools(3, 4), x -> Np.all(x, 0)));
        c.add(c1("any axis 1", bools(3, 4), x -> Np.any(x, 1)));
        c.add(c1("argmax axis 1", ints(0, 3, 2, 5, 3), x -> Np.argmax(x, 1)));
        c.add(c1("argmin", x234, Np::argmin));
        c.add(c1("argmin axis 0", x234, x -> Np.argmin(x, 0)));
        c.add(c1("cumsum axis 1", x234, x -> Np.cumsum(x, 1)));
        c.add(c1("cumprod axis 0", x234, x -> Np.cumprod(x, 0)));
        c.add(c1("cummax axis 2", x234, x -> Np.cummax(x, 2)));
        c.add(c1("cummin", x234, Np::cummin));
        // data movement
        c.add(c1("broadcastTo", floats(3, 1), x -> Np.broadcastTo(x, 2, 3, 4)));
        c.add(c1("reshape", floats(2, 3, 2), x -> Np.reshape(x, 3, -1)));
        c.add(c1("ravel", floats(2, 3), Np::ravel));
        c.add(c1("transpose", x234, Np::transpose));
        c.add(c1("moveaxis", x234, x -> Np.moveaxis(x, 0, 2)));
        c.add(c1("squeeze expandDims", floats(2, 1, 3), x -> Np.expandDims(Np.squeeze(x, 1), -1)));
        c.add(c1("index slices", floats(4, 5), x -> Np.index(x, "1:4, ::-2")));
        c.add(c1("index element", floats(4, 5), x -> Np.index(x, "2, -1")));
        c.add(c1("pad constant", floats(2, 3), x -> Np.pad(x, new int[][] {{1, 2}, {0, 1}}, 1.5)));
        c.add(c2(
                "pad with a traced value",
                floats(2, 3),
                floats(),
                (x, v) -> Lax.pad(x, v, new int[] {1, -1}, new int[] {2, 1}, new int[] {1, 0})));
        c.add(c2("concatenate", floats(2, 3), floats(2, 2), (a, b) -> Np.concatenate(new Array[] {a, b}, 1)));
        c.add(c2("stack", floats(2, 3), floats(2, 3), (a, b) -> Np.stack(new Array[] {a, b}, 1)));
        c.add(c1("flip", x234, x -> Np.flip(x, 0, 2)));
        c.add(c1("tile", floats(2, 3), x -> Np.tile(x, 2, 1)));
        c.add(c1("repeat", floats(2, 3), x -> Np.repeat(x, 2, 1)));
        // gathers
        c.add(c2("take axis 1", floats(4, 5), ints(-5, 6, 2, 3), (x, i) -> Np.take(x, i, 1)));
        c.add(c2("take flat", floats(4, 5), ints(-20, 19, 3), Np::take));
        c.add(c2("take scalar index", floats(4, 5), ints(0, 3), (x, i) -> Np.take(x, i, 0)));
        c.add(c2("takeAlongAxis", floats(3, 4), ints(-4, 3, 3, 2), (x, i) -> Np.takeAlongAxis(x, i, 1)));
        c.add(c1("oneHot", ints(-1, 5, 4), i -> Np.oneHot(i, 5, DType.FLOAT64)));
        // scatters: repeated and out-of-range indices
        c.add(c2("at[] add", floats(5, 3), ints(-6, 7, 4), (x, i) -> x.at(dev.kiln.Index.of(i))
                .add(2.5)));
        c.add(c2("at[] max", floats(5, 3), ints(-6, 7, 4), (x, i) -> x.at(dev.kiln.Index.of(i))
                .max(0.25)));
        c.add(c2("segmentSum", floats(4, 3), ints(-1, 4, 4), (x, i) -> dev.kiln.Ops.segmentSum(x, i, 3)));
        c.add(c1(
                "dynamicSlice static starts",
                floats(5, 6),
                x -> Np.dynamicSlice(x, new int[] {-2, 1}, new int[] {2, 3})));
        c.add(c2(
                "dynamicSlice traced starts",
                floats(5, 6),
                ints(-7, 7, 2),
                (x, s) -> Lax.dynamicSlice(x, new Array[] {at(s, 0), at(s, 1)}, 2, 4)));
        c.add(c2(
                "dynamicUpdateSlice",
                floats(5, 6),
                floats(2, 3),
                (x, u) -> Lax.dynamicUpdateSlice(x, u, Np.scalar(4), Np.scalar(-2))));
        c.add(c2(
                "dynamicUpdateSlice traced starts",
                floats(5, 6),
                ints(-7, 7, 2),
                (x, s) -> Lax.dynamicUpdateSlice(x, Np.full(DType.FLOAT64, 9, 2, 3), at(s, 0), at(s, 1))));
        // creation: IOTA has no operands, so it is a constant shared by the batch
        c.add(c1("add arange", floats(2, 3), x -> Np.add(x, Np.arange(3))));
        // contractions
        c.add(c2("matmul", floats(2, 3), floats(3, 4), Np::matmul));
        c.add(c2("matmul batched", floats(2, 2, 3), floats(2, 3, 4), Np::matmul));
        c.add(c2("matmul vector", floats(3), floats(3, 4), Np::matmul));
        c.add(c2("dot vectors", floats(3), floats(3), Np::dot));
        c.add(c2("outer", floats(2), floats(3), Np::outer));
        c.add(c2(
                "conv",
                floats(2, 3, 5, 4),
                floats(4, 3, 2, 2),
                (x, w) -> Lax.convGeneralDilated(x, w, new int[] {1, 2}, "SAME")));
        c.add(c2("einsum", floats(2, 3), floats(4, 3), (a, b) -> Np.einsum("ij,kj->ki", a, b)));
        return c;
    }
}
