package dev.kiln.internal.fusion;

import dev.kiln.internal.trace.ProgramVerifier;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Executable;
import dev.kiln.spi.ProgramInterpreter;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kiln's XLA-style fusion planner: cuts a {@link Program} into {@link dev.kiln.spi.FusedKernel}s
 * and single-equation steps (see {@link Partitioner} for the rules), and orders them. Plans are
 * cached per program.
 *
 * <p>What comes out, for the patterns that matter: {@code tanh(x + y*z) * 0.5 + x} is one
 * elementwise kernel; {@code sum(x + y*z)} is one reduction kernel; {@code tanh(x @ w + b)} is one
 * matmul kernel with the bias and tanh as its epilogue; row-wise softmax is three kernels (the
 * max; the exponentials, written once, and their sum in the same pass; the division); layer norm
 * is three (mean; variance with the normalising scale in its epilogue; the normalisation).
 */
public final class FusionPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(FusionPlanner.class);
    /**
     * Plans by program, both held weakly: a plan refers to its program, and whoever runs it (a
     * jitted function's cache) keeps both alive as long as it needs them.
     */
    private static final Map<Program, WeakReference<FusionPlan>> PLANS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private FusionPlanner() {}

    /** The plan of {@code program}, made once per program. */
    public static FusionPlan plan(Program program) {
        WeakReference<FusionPlan> ref = PLANS.get(program);
        FusionPlan p = ref == null ? null : ref.get();
        if (p == null) {
            p = make(program);
            PLANS.put(program, new WeakReference<>(p));
        }
        return p;
    }

    /**
     * {@link Backend#compile}'s default: the plan, with each kernel compiled by the backend. Should
     * planning fail (a bug in Kiln), the program still runs, equation by equation, after one warning;
     * with {@code kiln.checks=true} the failure is thrown instead.
     */
    public static Executable compile(Backend backend, Program program) {
        FusionPlan plan;
        try {
            plan = plan(program);
        } catch (RuntimeException e) {
            if (ProgramVerifier.ENABLED) {
                throw e;
            }
            LOG.warn(
                    "Kiln could not plan fused kernels for a program ({}); running it op by op. Please report this with the program:\n{}",
                    e.toString(),
                    program);
            return new ProgramInterpreter(backend, program);
        }
        return plan.executable(backend);
    }

    private static FusionPlan make(Program original) {
        Program program = Simplify.run(original);
        Partitioner parts = new Partitioner(program);
        parts.run();
        Map<Unit, FusionPlan.Step> stepOf = new HashMap<>();
        Map<Unit, Integer> firstEqn = new HashMap<>();
        Map<Var, Unit> writer = new IdentityHashMap<>();
        Map<Unit, List<Var>> reads = new HashMap<>();
        for (Cluster k : parts.clusters) {
            KernelBuilder.Built b = KernelBuilder.build(parts, k);
            stepOf.put(k, new FusionPlan.KernelStep(b.kernel(), b.inputs(), b.outputs()));
            firstEqn.put(k, k.members.keySet().iterator().next());
            b.outputs().forEach(v -> writer.put(v, k));
            reads.put(k, b.inputs());
        }
        for (Unit.Step s : parts.steps) {
            if (s == null) {
                continue;
            }
            var e = program.eqns().get(s.eqn);
            stepOf.put(s, new FusionPlan.EqnStep(e));
            firstEqn.put(s, s.eqn);
            e.outputs().forEach(v -> writer.put(v, s));
            List<Var> in = new ArrayList<>();
            e.inputs().forEach(a -> {
                if (a instanceof Var v) {
                    in.add(v);
                }
            });
            reads.put(s, in);
        }
        return new FusionPlan(program, RowGroups.form(order(stepOf, firstEqn, writer, reads, program)));
    }

    /** A topological order of the units, earliest program position first among the ready ones. */
    private static List<FusionPlan.Step> order(
            Map<Unit, FusionPlan.Step> stepOf,
            Map<Unit, Integer> firstEqn,
            Map<Var, Unit> writer,
            Map<Unit, List<Var>> reads,
            Program program) {
        List<Unit> units = new ArrayList<>(stepOf.keySet());
        units.sort(Comparator.comparingInt(firstEqn::get));
        Map<Unit, Integer> index = new HashMap<>();
        for (int i = 0; i < units.size(); i++) {
            index.put(units.get(i), i);
        }
        int[] order = EarliestFirst.order(
                units.size(),
                i -> {
                    List<Integer> before = new ArrayList<>();
                    for (Var v : reads.get(units.get(i))) {
                        Unit w = writer.get(v);
                        if (w == null
                                && !program.inputs().contains(v)
                                && !program.constants().contains(v)) {
                            throw new IllegalStateException("fusion planner: nothing writes " + v);
                        }
                        if (w != null) {
                            before.add(index.get(w));
                        }
                    }
                    return before;
                },
                "fusion planner: the kernels depend on each other in a cycle");
        List<FusionPlan.Step> out = new ArrayList<>(order.length);
        for (int i : order) {
            out.add(stepOf.get(units.get(i)));
        }
        return out;
    }
}
