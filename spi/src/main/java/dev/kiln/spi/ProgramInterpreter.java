package dev.kiln.spi;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default {@link Backend#compile}: runs a program's equations one by one through {@link
 * Backend#execute}, so any backend can run whole programs before it has a compiler.
 */
public final class ProgramInterpreter implements Executable {
    private final Backend backend;
    private final Program program;
    /** How sub-programs of control flow (branches, loop conditions and bodies) are made runnable; null: interpreted. */
    private final java.util.function.Function<Program, Executable> subprograms;
    /** Sub-programs made runnable so far (a loop body is compiled once, not once per run of the loop). */
    private final Map<Program, Executable> made = java.util.Collections.synchronizedMap(new IdentityHashMap<>());

    public ProgramInterpreter(Backend backend, Program program) {
        this(backend, program, null);
    }

    /**
     * Runs {@code program} equation by equation, and the sub-programs of its control flow (a {@code
     * scan} or {@code while} body, a {@code cond} branch) as {@code subprograms} makes them, once
     * each: a jitted program passes {@link Backend#compile}, so a loop body runs as its fused
     * kernels every step instead of one dispatch per primitive per step.
     */
    public ProgramInterpreter(
            Backend backend, Program program, java.util.function.Function<Program, Executable> subprograms) {
        this.backend = backend;
        this.program = program;
        this.subprograms = subprograms;
    }

    /** A sub-program of control flow, ready to run. */
    private Executable sub(Program p) {
        if (subprograms == null) {
            return new ProgramInterpreter(backend, p);
        }
        return made.computeIfAbsent(p, subprograms);
    }

    @Override
    public List<Buffer> run(List<Buffer> arguments) {
        int nc = program.constants().size();
        if (arguments.size() != nc + program.inputs().size()) {
            throw new IllegalArgumentException(
                    "program takes " + (nc + program.inputs().size()) + " buffers, got " + arguments.size());
        }
        Map<Var, Buffer> env = new IdentityHashMap<>();
        for (int i = 0; i < nc; i++) {
            env.put(program.constants().get(i), arguments.get(i));
        }
        for (int i = 0; i < program.inputs().size(); i++) {
            env.put(program.inputs().get(i), arguments.get(nc + i));
        }
        for (Eqn e : program.eqns()) {
            List<Buffer> in = new ArrayList<>(e.inputs().size());
            for (Atom a : e.inputs()) {
                in.add(read(env, a));
            }
            if (e.primitive().kind() == dev.kiln.ir.Primitive.Kind.CONTROL) {
                List<Buffer> outs = control(e.params(), in);
                for (int i = 0; i < outs.size(); i++) {
                    env.put(e.outputs().get(i), outs.get(i));
                }
                continue;
            }
            Var out = e.outputs().get(0);
            env.put(out, Lowering.execute(backend, e.primitive(), e.params(), out.spec(), in));
        }
        List<Buffer> outs = new ArrayList<>(program.outputs().size());
        for (Atom a : program.outputs()) {
            outs.add(read(env, a));
        }
        return outs;
    }

    private Buffer read(Map<Var, Buffer> env, Atom a) {
        if (a instanceof Literal l) {
            return backend.fromHost(l.value());
        }
        return env.get((Var) a);
    }

    private List<Buffer> control(dev.kiln.ir.Params params, List<Buffer> in) {
        return switch (params) {
            case dev.kiln.ir.Params.Cond c -> {
                long i = backend.toHost(in.get(0)).getLong(0);
                int branch = (int) Math.max(0, Math.min(c.branches().size() - 1, i));
                yield sub(c.branches().get(branch)).run(in.subList(1, in.size()));
            }
            case dev.kiln.ir.Params.While w -> {
                int k = w.condConsts() + w.bodyConsts();
                List<Buffer> condConsts = in.subList(0, w.condConsts());
                List<Buffer> bodyConsts = in.subList(w.condConsts(), k);
                List<Buffer> carry = List.copyOf(in.subList(k, in.size()));
                List<Buffer> initial = carry;
                Executable cond = sub(w.cond());
                Executable body = sub(w.body());
                while (backend.toHost(cond.run(concat(condConsts, carry)).get(0))
                        .bools()[0]) {
                    List<Buffer> next = body.run(concat(bodyConsts, carry));
                    if (carry != initial) {
                        reuse(carry, List.of(next, in));
                    }
                    carry = next;
                }
                yield carry;
            }
            case dev.kiln.ir.Params.Scan s -> scan(s, in);
            case dev.kiln.ir.Params.LinearCall<?> l ->
                throw new UnsupportedPrimitiveException(
                        backend.name(),
                        dev.kiln.ir.Primitive.CUSTOM_LINEAR,
                        "the tangent part of a customVjp function only runs transposed");
            case dev.kiln.ir.Params.Pmap m -> Lowering.runPmap(backend, m, in);
            case dev.kiln.ir.Params.HostCall<?> h -> hostCall(h, in);
            default -> throw new IllegalArgumentException("not a control-flow primitive: " + params);
        };
    }

    /** Copies the operands to the host, calls the callback there, and copies its results back. */
    private List<Buffer> hostCall(dev.kiln.ir.Params.HostCall<?> h, List<Buffer> in) {
        List<HostBuffer> args = new ArrayList<>(in.size());
        for (Buffer b : in) {
            args.add(backend.toHost(b));
        }
        List<HostBuffer> results = callHost(h, args);
        List<Buffer> out = new ArrayList<>(results.size());
        for (HostBuffer r : results) {
            out.add(backend.fromHost(r));
        }
        return out;
    }

    /**
     * Calls a {@link dev.kiln.ir.Params.HostCall}'s callback on host values and checks that it returned
     * what the call declared: as many results, each of its declared dtype and shape.
     *
     * @throws dev.kiln.KilnException naming the callback when the results differ from the declaration
     */
    public static List<HostBuffer> callHost(dev.kiln.ir.Params.HostCall<?> call, List<HostBuffer> args) {
        @SuppressWarnings("unchecked") // the frontend makes HostCalls over HostBuffers only
        dev.kiln.ir.Params.HostCall<HostBuffer> h = (dev.kiln.ir.Params.HostCall<HostBuffer>) call;
        List<HostBuffer> results = h.callback().apply(List.copyOf(args));
        List<dev.kiln.ir.ArraySpec> want = h.outSpecs();
        if (results == null || results.size() != want.size()) {
            throw new dev.kiln.KilnException("pureCallback: callback '" + h.name() + "' returned "
                    + (results == null ? "null" : results.size() + " arrays") + " where " + want.size()
                    + " were declared (" + want + "); return one array per declared result");
        }
        for (int i = 0; i < want.size(); i++) {
            HostBuffer r = results.get(i);
            if (r == null || !r.spec().equals(want.get(i))) {
                throw new dev.kiln.KilnException("pureCallback: callback '" + h.name() + "' returned "
                        + (r == null ? "null" : r.spec()) + " as result " + i + " where " + want.get(i)
                        + " was declared; return arrays of the declared dtypes and shapes (convert with astype)");
            }
        }
        return results;
    }

    private List<Buffer> scan(dev.kiln.ir.Params.Scan s, List<Buffer> in) {
        List<Buffer> consts = in.subList(0, s.consts());
        List<Buffer> carry = List.copyOf(in.subList(s.consts(), s.consts() + s.carries()));
        List<Buffer> xs = in.subList(s.consts() + s.carries(), in.size());
        List<dev.kiln.ir.ArraySpec> bodyOut = s.body().outputSpecs();
        int ny = bodyOut.size() - s.carries();
        List<List<Buffer>> ys = new ArrayList<>();
        for (int k = 0; k < ny; k++) {
            ys.add(new ArrayList<>());
        }
        Executable body = sub(s.body());
        for (int step = 0; step < s.length(); step++) {
            int i = s.reverse() ? s.length() - 1 - step : step;
            Buffer index =
                    backend.fromHost(HostBuffer.wrap(dev.kiln.ir.ArraySpec.of(dev.kiln.DType.INT32), new int[] {i}));
            List<Buffer> args = new ArrayList<>(consts);
            args.addAll(carry);
            List<Buffer> slices = new ArrayList<>(xs.size());
            for (Buffer x : xs) {
                int[] shape = x.spec().shape();
                dev.kiln.ir.ArraySpec slice = x.spec().withShape(java.util.Arrays.copyOfRange(shape, 1, shape.length));
                Buffer row = hostSlice(x, slice, i);
                slices.add(
                        row != null
                                ? row
                                : Lowering.execute(
                                        backend,
                                        dev.kiln.ir.Primitive.TAKE,
                                        new dev.kiln.ir.Params.Axis(0),
                                        slice,
                                        List.of(x, index)));
            }
            args.addAll(slices);
            List<Buffer> out = body.run(args);
            List<Buffer> last = carry;
            carry = out.subList(0, s.carries());
            for (int k = 0; k < ny; k++) {
                ys.get(k).add(out.get(s.carries() + k));
            }
            List<List<Buffer>> live = new ArrayList<>(ys);
            live.add(out);
            live.add(in);
            if (step > 0) {
                reuse(last, live);
            }
            reuse(slices, live);
        }
        List<Buffer> result = new ArrayList<>(carry);
        for (int k = 0; k < ny; k++) {
            dev.kiln.ir.ArraySpec y = bodyOut.get(s.carries() + k);
            int[] one = new int[y.rank() + 1];
            one[0] = 1;
            System.arraycopy(y.shape(), 0, one, 1, y.rank());
            int[] all = one.clone();
            all[0] = s.length();
            List<Buffer> slices = ys.get(k);
            if (s.reverse()) {
                java.util.Collections.reverse(slices);
            }
            if (slices.isEmpty()) {
                result.add(backend.fromHost(HostBuffer.allocate(y.withShape(all))));
                continue;
            }
            List<Buffer> rows = new ArrayList<>(slices.size());
            for (Buffer b : slices) {
                rows.add(Lowering.execute(
                        backend,
                        dev.kiln.ir.Primitive.RESHAPE,
                        new dev.kiln.ir.Params.Reshape(one),
                        y.withShape(one),
                        List.of(b)));
            }
            result.add(Lowering.execute(
                    backend,
                    dev.kiln.ir.Primitive.CONCATENATE,
                    new dev.kiln.ir.Params.Axis(0),
                    y.withShape(all),
                    rows));
        }
        List<Buffer> stacked = new ArrayList<>();
        ys.forEach(stacked::addAll);
        reuse(stacked, List.of(result, in));
        return result;
    }

    /**
     * Row {@code i} of {@code x} along its leading axis copied into an array of the running compiled
     * program ({@link OutputArrays}), which the loop gives back after the step; null (take it with the
     * backend's {@code take}) outside a compiled program or where {@code x} is not a host array.
     */
    private Buffer hostSlice(Buffer x, dev.kiln.ir.ArraySpec slice, int i) {
        if (OutputArrays.current() == null || !(x instanceof HostBuffer h)) {
            return null;
        }
        HostBuffer row = OutputArrays.allocate(slice);
        int n = slice.size();
        System.arraycopy(h.data(), i * n, row.data(), 0, n);
        return backend.fromHost(row);
    }

    /**
     * Gives the running compiled program ({@link OutputArrays}) the arrays of a loop's previous carry,
     * which the loop no longer reads, except those that a buffer of {@code live} shares (the new carry,
     * the outputs kept for stacking, the loop's operands). Arrays the run did not hand out are left
     * alone. Outside a compiled program nothing is reused.
     */
    private static void reuse(List<Buffer> dead, List<List<Buffer>> live) {
        OutputArrays.Run run = OutputArrays.current();
        if (run == null) {
            return;
        }
        java.util.Set<Object> kept = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (List<Buffer> l : live) {
            for (Buffer b : l) {
                if (b instanceof HostBuffer h) {
                    kept.add(h.data());
                }
            }
        }
        for (Buffer b : dead) {
            if (b instanceof HostBuffer h && run.owns(h.data()) && !kept.contains(h.data())) {
                run.giveBack(h.data());
                kept.add(h.data());
            }
        }
    }

    private static List<Buffer> concat(List<Buffer> a, List<Buffer> b) {
        List<Buffer> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
