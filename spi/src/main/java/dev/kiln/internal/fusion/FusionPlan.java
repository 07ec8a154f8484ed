package dev.kiln.internal.fusion;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.Executable;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelGroup;
import dev.kiln.spi.Lowering;
import dev.kiln.spi.OutputArrays;
import dev.kiln.spi.ProgramInterpreter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A program cut into steps, in an order that respects their dependencies: fused kernels, and
 * single equations run through {@code execute} (or, for control flow, the program interpreter).
 */
public final class FusionPlan {
    /** One thing the plan runs. */
    public sealed interface Step {}

    /** A fused kernel, with the program variables its inputs read and its outputs define. */
    public record KernelStep(FusedKernel kernel, List<Var> inputs, List<Var> outputs) implements Step {
        public KernelStep {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    /** One equation run on its own. */
    public record EqnStep(Eqn eqn) implements Step {}

    /**
     * Consecutive kernels over the same rows, compiled together ({@link KernelGroup}): the
     * variables the group's inputs read, the variables its results define (every member's
     * outputs, member by member), and the members as kernel steps.
     */
    public record GroupStep(KernelGroup group, List<Var> inputs, List<Var> outputs, List<KernelStep> members)
            implements Step {
        public GroupStep {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            members = List.copyOf(members);
        }
    }

    private final Program program;
    private final List<Step> steps;

    FusionPlan(Program program, List<Step> steps) {
        this.program = program;
        this.steps = List.copyOf(steps);
    }

    /** The program the plan runs, after common subexpressions are merged and dead code dropped. */
    public Program program() {
        return program;
    }

    public List<Step> steps() {
        return steps;
    }

    /** The fused kernels, in running order. */
    public List<FusedKernel> kernels() {
        return steps.stream()
                .flatMap(s -> switch (s) {
                    case KernelStep k -> java.util.stream.Stream.of(k.kernel());
                    case GroupStep g -> g.group().kernels().stream();
                    case EqnStep e -> java.util.stream.Stream.<FusedKernel>empty();
                })
                .toList();
    }

    /** The plan compiled for a backend: each kernel through {@code backend.compileKernel} (cached by structure). */
    public Executable executable(Backend backend) {
        List<Object> compiled = new ArrayList<>(steps.size());
        for (Step s : steps) {
            compiled.add(
                    switch (s) {
                        case KernelStep k -> KernelCache.compile(backend, k.kernel());
                        case GroupStep g -> KernelCache.compile(backend, g.group());
                        case EqnStep e ->
                            e.eqn().primitive().kind() == dev.kiln.ir.Primitive.Kind.CONTROL
                                    // loop bodies and branches compiled as whole programs (fused kernels), once
                                    ? new ProgramInterpreter(backend, alone(e.eqn()), backend::compile)
                                    : null;
                    });
        }
        // collectives hand buffers to other devices' threads, which read them after this step
        if (!OutputArrays.Pool.enabled() || hasCollectives(program)) {
            return arguments -> run(backend, compiled, arguments, null);
        }
        List<List<Var>> dying = dying();
        OutputArrays.Pool pool = new OutputArrays.Pool();
        return arguments -> pool.run(() -> run(backend, compiled, arguments, new Lives(dying)));
    }

    /**
     * Per step, the variables no later step reads and the program does not return: after the step
     * their arrays may be reused ({@link OutputArrays}), unless another live variable shares them.
     */
    private List<List<Var>> dying() {
        Map<Var, Integer> last = new IdentityHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            for (Var v : defines(steps.get(i))) {
                last.put(v, i);
            }
            for (Var v : reads(steps.get(i))) {
                last.put(v, i);
            }
        }
        for (Atom a : program.outputs()) {
            if (a instanceof Var v) {
                last.remove(v);
            }
        }
        for (Var v : program.inputs()) {
            last.remove(v);
        }
        for (Var v : program.constants()) {
            last.remove(v);
        }
        List<List<Var>> dying = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            dying.add(new ArrayList<>());
        }
        last.forEach((v, i) -> dying.get(i).add(v));
        return dying;
    }

    /** Whether {@code p} or a sub-program of its control flow holds a collective or a pmap. */
    private static boolean hasCollectives(Program p) {
        for (Eqn e : p.eqns()) {
            if (e.primitive().kind() == dev.kiln.ir.Primitive.Kind.COLLECTIVE) {
                return true;
            }
            boolean inside =
                    switch (e.params()) {
                        case dev.kiln.ir.Params.Cond c -> c.branches().stream().anyMatch(FusionPlan::hasCollectives);
                        case dev.kiln.ir.Params.While w -> hasCollectives(w.cond()) || hasCollectives(w.body());
                        case dev.kiln.ir.Params.Scan sc -> hasCollectives(sc.body());
                        // a pmap step hands its operands to device threads, as collectives do
                        case dev.kiln.ir.Params.Pmap pm -> true;
                        default -> false;
                    };
            if (inside) {
                return true;
            }
        }
        return false;
    }

    private static List<Var> defines(Step s) {
        return switch (s) {
            case KernelStep k -> k.outputs();
            case GroupStep g -> g.outputs();
            case EqnStep e -> e.eqn().outputs();
        };
    }

    private static List<Var> reads(Step s) {
        return switch (s) {
            case KernelStep k -> k.inputs();
            case GroupStep g -> g.inputs();
            case EqnStep e -> {
                List<Var> vs = new ArrayList<>();
                for (Atom a : e.eqn().inputs()) {
                    if (a instanceof Var v) {
                        vs.add(v);
                    }
                }
                yield vs;
            }
        };
    }

    /**
     * One run's bookkeeping for reuse: which arrays this run's steps made (and so may give back), and
     * how many live variables hold each (views share an array). An argument's or constant's array is
     * never counted, so never given back.
     */
    private static final class Lives {
        final List<List<Var>> dying;
        final OutputArrays.Run run = OutputArrays.current();
        /** Arrays seen in this run: the arguments', and every step's outputs'. */
        final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        /** Arrays this run's steps made, with the number of live variables holding each. */
        final Map<Object, int[]> holders = new IdentityHashMap<>();

        Lives(List<List<Var>> dying) {
            this.dying = dying;
        }

        void argument(Buffer b) {
            if (b instanceof HostBuffer h) {
                seen.add(h.data());
            }
        }

        void defined(Buffer b) {
            if (!(b instanceof HostBuffer h)) {
                return;
            }
            Object data = h.data();
            int[] n = holders.get(data);
            if (n != null) {
                n[0]++;
            } else if (seen.add(data) && run.owns(data)) {
                holders.put(data, new int[] {1});
            }
        }

        void stepDone(int step, Map<Var, Buffer> env) {
            for (Var v : dying.get(step)) {
                if (!(env.remove(v) instanceof HostBuffer h)) {
                    continue;
                }
                Object data = h.data();
                int[] n = holders.get(data);
                if (n != null && --n[0] == 0) {
                    holders.remove(data);
                    seen.remove(data);
                    run.giveBack(data);
                }
            }
        }
    }

    private List<Buffer> run(Backend backend, List<Object> compiled, List<Buffer> arguments, Lives lives) {
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
        if (lives != null) {
            arguments.forEach(lives::argument);
        }
        for (int i = 0; i < steps.size(); i++) {
            switch (steps.get(i)) {
                case KernelStep k -> runKernel((CompiledKernel) compiled.get(i), k.inputs(), k.outputs(), env);
                case GroupStep g -> runKernel((CompiledKernel) compiled.get(i), g.inputs(), g.outputs(), env);
                case EqnStep s -> {
                    Eqn e = s.eqn();
                    if (compiled.get(i) instanceof ProgramInterpreter control) {
                        List<Buffer> in = new ArrayList<>();
                        for (Var v : alone(e).inputs()) {
                            in.add(env.get(v));
                        }
                        List<Buffer> out = control.run(in);
                        for (int j = 0; j < out.size(); j++) {
                            env.put(e.outputs().get(j), out.get(j));
                        }
                    } else {
                        List<Buffer> in = new ArrayList<>(e.inputs().size());
                        for (Atom a : e.inputs()) {
                            in.add(read(backend, env, a));
                        }
                        Var out = e.outputs().get(0);
                        env.put(out, Lowering.execute(backend, e.primitive(), e.params(), out.spec(), in));
                    }
                }
            }
            if (lives != null) {
                for (Var v : defines(steps.get(i))) {
                    Buffer b = env.get(v);
                    if (b != null) {
                        lives.defined(b);
                    }
                }
                lives.stepDone(i, env);
            }
        }
        List<Buffer> outs = new ArrayList<>(program.outputs().size());
        for (Atom a : program.outputs()) {
            outs.add(read(backend, env, a));
        }
        return outs;
    }

    private static void runKernel(CompiledKernel c, List<Var> inputs, List<Var> outputs, Map<Var, Buffer> env) {
        List<Buffer> in = new ArrayList<>(inputs.size());
        for (Var v : inputs) {
            in.add(env.get(v));
        }
        List<Buffer> out = c.run(in);
        for (int j = 0; j < out.size(); j++) {
            env.put(outputs.get(j), out.get(j));
        }
    }

    private static Buffer read(Backend backend, Map<Var, Buffer> env, Atom a) {
        if (a instanceof dev.kiln.ir.Literal l) {
            return backend.fromHost(l.value());
        }
        Buffer b = env.get((Var) a);
        if (b == null) {
            throw new IllegalStateException("fusion plan: " + a + " is read before it is computed");
        }
        return b;
    }

    /** A one-equation program over the distinct variables the equation reads. */
    private static Program alone(Eqn e) {
        LinkedHashSet<Var> ins = new LinkedHashSet<>();
        for (Atom a : e.inputs()) {
            if (a instanceof Var v) {
                ins.add(v);
            }
        }
        return new Program(List.of(), new ArrayList<>(ins), List.of(e), new ArrayList<>(e.outputs()));
    }

    /**
     * The plan as text: the program, then each step; a kernel with its inputs (variable, spec and
     * index map), its nodes and its outputs.
     */
    public String explain() {
        Map<Var, String> names = Names.of(program);
        long kernels = kernels().size();
        long others = steps.stream().filter(s -> s instanceof EqnStep).count();
        long groups = steps.stream().filter(s -> s instanceof GroupStep).count();
        StringBuilder b = new StringBuilder();
        b.append(program).append('\n');
        b.append(kernels).append(kernels == 1 ? " kernel" : " kernels");
        if (groups > 0) {
            b.append(" (").append(groups).append(groups == 1 ? " row group)" : " row groups)");
        }
        b.append(", ").append(others).append(others == 1 ? " other step\n" : " other steps\n");
        int n = 0;
        for (Step s : steps) {
            switch (s) {
                case KernelStep k -> explain(b, ++n, k, names);
                case GroupStep g -> {
                    b.append("-- ")
                            .append(g.members().size())
                            .append(" kernels over rows ")
                            .append(java.util.Arrays.toString(g.group().rowShape()))
                            .append(", run together a block of rows at a time where the backend can --\n");
                    for (KernelStep k : g.members()) {
                        explain(b, ++n, k, names);
                    }
                    b.append("-- end of the row group --\n");
                }
                case EqnStep e -> {
                    b.append(++n).append(". step ");
                    List<Var> outs = e.eqn().outputs();
                    for (int i = 0; i < outs.size(); i++) {
                        b.append(i > 0 ? " " : "").append(names.get(outs.get(i)));
                    }
                    b.append(" = ").append(e.eqn().primitive().printName());
                    String params = e.eqn().params().text();
                    if (!params.isEmpty()) {
                        b.append('[').append(params).append(']');
                    }
                    for (Atom a : e.eqn().inputs()) {
                        b.append(' ').append(a instanceof Var v ? names.get(v) : a.toString());
                    }
                    b.append('\n');
                }
            }
        }
        return b.toString();
    }

    private static void explain(StringBuilder b, int n, KernelStep k, Map<Var, String> names) {
        b.append(n).append(". ").append(k.kernel().toString().stripTrailing()).append('\n');
        for (int i = 0; i < k.inputs().size(); i++) {
            b.append("    in")
                    .append(i)
                    .append(" = ")
                    .append(names.get(k.inputs().get(i)))
                    .append('\n');
        }
        for (int i = 0; i < k.outputs().size(); i++) {
            b.append("    out")
                    .append(i)
                    .append(" -> ")
                    .append(names.get(k.outputs().get(i)))
                    .append('\n');
        }
    }

    @Override
    public String toString() {
        return explain();
    }

    /** The names {@link Program#toString} gives variables: in order of definition, a, b, …, z, ba, …. */
    private static final class Names {
        static Map<Var, String> of(Program p) {
            Map<Var, String> names = new IdentityHashMap<>();
            List<Var> order = new ArrayList<>(p.constants());
            order.addAll(p.inputs());
            for (Eqn e : p.eqns()) {
                order.addAll(e.outputs());
            }
            for (Var v : order) {
                names.putIfAbsent(v, letters(names.size()));
            }
            return names;
        }

        private static String letters(int n) {
            StringBuilder s = new StringBuilder();
            do {
                s.insert(0, (char) ('a' + n % 26));
                n = n / 26 - 1;
            } while (n >= 0);
            return s.toString();
        }
    }
}
