package dev.kiln;

import dev.kiln.internal.trace.ControlFlow;
import dev.kiln.internal.trace.TraceStack;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The implementation of {@link Lax}'s control flow: eager Java loops, or the primitives when traced. */
final class Loops {
    private Loops() {}

    /** Whether arrays are concrete here and no transformation is active, so plain Java control flow is exact. */
    static boolean eager(List<Array> leaves) {
        if (TraceStack.depth() > 0) {
            return false;
        }
        for (Array a : leaves) {
            if (a.isTraced()) {
                return false;
            }
        }
        return true;
    }

    static <T, R> R switchCase(String fn, Array index, List<Function<T, R>> branches, T operand) {
        if (branches.isEmpty()) {
            throw new TreeException(fn + ": needs at least one branch");
        }
        if (index.ndim() != 0) {
            throw new ShapeException(fn + ": the predicate/index must be a 0-d array, got shape "
                    + Shape.toString(index.shape()) + "; reduce it (e.g. with Np.all or Np.any) first");
        }
        Array idx = index.dtype() == DType.INT32 ? index : Np.astype(index, DType.INT32);
        Tree.Flat in = Tree.flatten(operand);
        List<ArraySpec> specs = in.leaves().stream().map(Array::spec).toList();
        if (!idx.isTraced()) {
            int i = (int) Math.max(0, Math.min(branches.size() - 1, idx.longItem()));
            R result = branches.get(i).apply(operand);
            if (branches.size() > 1) {
                checkOtherBranches(fn, branches, i, in, specs, Tree.flatten(result));
            }
            return result;
        }
        List<ControlFlow.Closed> traced = new ArrayList<>();
        Tree.Def outDef = null;
        for (int b = 0; b < branches.size(); b++) {
            Tree.Def[] def = new Tree.Def[1];
            traced.add(traceBranch(fn, branches.get(b), in, specs, def));
            if (outDef != null) {
                checkSameStructure(fn, outDef, def[0]);
            }
            outDef = def[0];
        }
        ControlFlow.Branches merged = ControlFlow.merge(traced);
        List<Program> programs = merged.programs();
        List<Array> constValues = merged.constants();
        List<ArraySpec> out0 = programs.get(0).outputSpecs();
        for (Program p : programs) {
            checkSameSpecs(fn, out0, p.outputSpecs());
        }
        List<Array> args = new ArrayList<>();
        args.add(idx);
        args.addAll(constValues);
        args.addAll(in.leaves());
        List<Array> out = Lax.bindAll(Primitive.COND, new Params.Cond(programs), args.toArray(Array[]::new));
        return Tree.unflatten(outDef, out);
    }

    private static <T, R> ControlFlow.Closed traceBranch(
            String fn, Function<T, R> branch, Tree.Flat in, List<ArraySpec> specs, Tree.Def[] def) {
        return ControlFlow.trace(
                leaves -> {
                    Tree.Flat out = Tree.flatten(branch.apply(Tree.unflatten(in.def(), leaves)));
                    def[0] = out.def();
                    return out.leaves();
                },
                specs,
                fn);
    }

    /**
     * An eager cond runs one branch; the others are traced (not run) so that they are held to the
     * same agreement of structure, shapes and dtypes as a traced cond, with the same errors.
     */
    private static <T, R> void checkOtherBranches(
            String fn,
            List<Function<T, R>> branches,
            int taken,
            Tree.Flat in,
            List<ArraySpec> specs,
            Tree.Flat result) {
        List<ArraySpec> resultSpecs = result.leaves().stream().map(Array::spec).toList();
        for (int b = 0; b < branches.size(); b++) {
            if (b == taken) {
                continue;
            }
            Tree.Def[] def = new Tree.Def[1];
            ControlFlow.Closed other = traceBranch(fn, branches.get(b), in, specs, def);
            Tree.Def first = b < taken ? def[0] : result.def();
            Tree.Def second = b < taken ? result.def() : def[0];
            checkSameStructure(fn, first, second);
            List<ArraySpec> otherSpecs = other.program().outputSpecs();
            checkSameSpecs(fn, b < taken ? otherSpecs : resultSpecs, b < taken ? resultSpecs : otherSpecs);
        }
    }

    private static void checkSameStructure(String fn, Tree.Def a, Tree.Def b) {
        if (!a.equals(b)) {
            throw new TreeException(fn + ": branches return different structures: " + a + " and " + b
                    + "; every branch must return the same tree of arrays");
        }
    }

    private static void checkSameSpecs(String fn, List<ArraySpec> a, List<ArraySpec> b) {
        if (!a.equals(b)) {
            throw new ShapeException(fn + ": branches return arrays of different types: " + a + " and " + b
                    + "; every branch must return the same shapes and dtypes");
        }
    }

    static <T> T whileLoop(Function<T, Array> cond, Function<T, T> body, T init) {
        Tree.Flat in = Tree.flatten(init);
        if (eager(in.leaves())) {
            T carry = init;
            while (checkPredicate(cond.apply(carry)).booleanItem()) {
                carry = body.apply(carry);
                // the same check as the traced loop's: a carry that changes type would loop forever
                Tree.Flat out = Tree.flatten(carry);
                checkCarry(
                        "whileLoop",
                        in,
                        out.def(),
                        out.leaves().stream().map(Array::spec).toList());
            }
            return carry;
        }
        List<ArraySpec> specs = in.leaves().stream().map(Array::spec).toList();
        ControlFlow.Closed c = ControlFlow.trace(
                leaves -> List.of(checkPredicate(cond.apply(Tree.unflatten(in.def(), leaves)))), specs, "whileLoop");
        Tree.Def[] bodyDef = new Tree.Def[1];
        ControlFlow.Closed b = ControlFlow.trace(
                leaves -> {
                    Tree.Flat out = Tree.flatten(body.apply(Tree.unflatten(in.def(), leaves)));
                    bodyDef[0] = out.def();
                    return out.leaves();
                },
                specs,
                "whileLoop");
        checkCarry("whileLoop", in, bodyDef[0], b.program().outputSpecs());
        List<Array> args = new ArrayList<>(c.constants());
        args.addAll(b.constants());
        args.addAll(in.leaves());
        List<Array> out = Lax.bindAll(
                Primitive.WHILE,
                new Params.While(
                        c.program(),
                        b.program(),
                        c.constants().size(),
                        b.constants().size()),
                args.toArray(Array[]::new));
        return Tree.unflatten(in.def(), out);
    }

    private static Array checkPredicate(Object result) {
        if (!(result instanceof Array p)) {
            throw new TreeException("whileLoop: the condition must return a 0-d bool array, got "
                    + Transforms.describe(result) + "; compare and reduce (e.g. Np.less(i, n) or Np.any(...))");
        }
        if (p.ndim() != 0 || p.dtype() != DType.BOOL) {
            throw new ShapeException("whileLoop: the condition must return a 0-d bool array, got " + p.spec()
                    + "; compare and reduce (e.g. Np.less(i, n) or Np.any(...))");
        }
        return p;
    }

    private static void checkCarry(String fn, Tree.Flat in, Tree.Def outDef, List<ArraySpec> outSpecs) {
        List<ArraySpec> inSpecs = in.leaves().stream().map(Array::spec).toList();
        if (!in.def().equals(outDef) || !inSpecs.equals(outSpecs)) {
            throw new ShapeException(
                    fn + ": the body must return a carry of the same structure, shapes and dtypes as it"
                            + " takes; it takes " + in.def() + " " + inSpecs + " and returns " + outDef + " " + outSpecs
                            + " (cast with astype, or broadcast, so they match)");
        }
    }

    static <C, X, Y> Lax.ScanResult<C, Y> scan(
            BiFunction<C, X, Lax.Step<C, Y>> f, C init, X xs, int length, boolean reverse) {
        Tree.Flat carry = Tree.flatten(init);
        Tree.Flat xsFlat = Tree.flatten(xs);
        int n = length;
        for (Array x : xsFlat.leaves()) {
            if (x.ndim() == 0) {
                throw new ShapeException("scan: scanned inputs need a leading axis, got a 0-d array");
            }
            if (n >= 0 && x.shape()[0] != n) {
                throw new ShapeException("scan: scanned inputs have leading axes of different lengths (" + n + " and "
                        + x.shape()[0] + "); they must all have the scan's length");
            }
            n = x.shape()[0];
        }
        if (n < 0) {
            throw new ShapeException("scan: pass a length when there are no scanned inputs");
        }
        int len = n;
        List<ArraySpec> specs = new ArrayList<>();
        carry.leaves().forEach(a -> specs.add(a.spec()));
        xsFlat.leaves().forEach(a -> specs.add(a.spec().withShape(dropFirst(a.shape()))));
        int nc = carry.leaves().size();
        Tree.Def[] outDefs = new Tree.Def[2];
        ControlFlow.Closed body = ControlFlow.trace(
                leaves -> {
                    C c = Tree.unflatten(carry.def(), leaves.subList(0, nc));
                    X x = Tree.unflatten(xsFlat.def(), leaves.subList(nc, leaves.size()));
                    Object result = f.apply(c, x);
                    if (!(result instanceof Lax.Step<?, ?> step)) {
                        throw new TreeException("scan: the body must return a Lax.Step(carry, y), got "
                                + Transforms.describe(result) + "; return Lax.Step.of(newCarry, y)");
                    }
                    Tree.Flat cOut = Tree.flatten(step.carry());
                    Tree.Flat yOut = Tree.flatten(step.y());
                    outDefs[0] = cOut.def();
                    outDefs[1] = yOut.def();
                    List<Array> outs = new ArrayList<>(cOut.leaves());
                    outs.addAll(yOut.leaves());
                    return outs;
                },
                specs,
                "scan");
        List<ArraySpec> outSpecs = body.program().outputSpecs();
        checkCarry("scan", carry, outDefs[0], outSpecs.subList(0, Math.min(nc, outSpecs.size())));
        List<Array> args = new ArrayList<>(body.constants());
        args.addAll(carry.leaves());
        args.addAll(xsFlat.leaves());
        List<Array> out = Lax.bindAll(
                Primitive.SCAN,
                new Params.Scan(body.program(), body.constants().size(), nc, len, reverse),
                args.toArray(Array[]::new));
        return new Lax.ScanResult<>(
                Tree.unflatten(carry.def(), out.subList(0, nc)),
                Tree.unflatten(outDefs[1], out.subList(nc, out.size())));
    }

    private static int[] dropFirst(int[] s) {
        return java.util.Arrays.copyOfRange(s, 1, s.length);
    }
}
