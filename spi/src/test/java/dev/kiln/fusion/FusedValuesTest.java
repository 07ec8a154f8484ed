package dev.kiln.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.fusion.Patterns.Pattern;
import dev.kiln.internal.fusion.FusionPlanner;
import dev.kiln.ir.Program;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.ProgramInterpreter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fused results equal unfused ones: each pattern runs eagerly on the reference backend, jitted on
 * it (kernels through {@link dev.kiln.spi.KernelInterpreter}), jitted on {@link PointwiseBackend}
 * (kernels evaluated element by element from their description), and through the plain {@link
 * ProgramInterpreter}. Every path applies the same rounded primitives in the same order, so the
 * results must be identical to the bit; any difference is a planner or kernel bug.
 */
class FusedValuesTest {
    static Stream<Pattern> patterns() {
        return Patterns.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void fusedEqualsUnfusedToTheBit(Pattern p) {
        for (long seed = 1; seed <= 2; seed++) {
            List<HostBuffer> in = Patterns.inputs(p, seed);
            List<HostBuffer> eager = Kiln.withBackend("reference", () -> host(p.f().apply(Patterns.arrays(in))));
            Function<List<Array>, List<Array>> jitted = Kiln.jit(p.f());
            List<HostBuffer> fused = Kiln.withBackend("reference", () -> host(jitted.apply(Patterns.arrays(in))));
            same(p + ": jit on the reference backend vs eager", eager, fused);

            PointwiseBackend pointwise = new PointwiseBackend();
            Function<List<Array>, List<Array>> jitted2 = Kiln.jit(p.f());
            List<HostBuffer> byElement = Kiln.withBackend(pointwise, () -> host(jitted2.apply(Patterns.arrays(in))));
            same(p + ": kernels evaluated element by element vs eager", eager, byElement);
            Program traced = Kiln.withBackend("reference", () -> program(p, in));
            int kernels = new java.util.HashSet<>(FusionPlanner.plan(traced).kernels()).size();
            // loop bodies and branches are compiled too, once each (a cond only the branch it takes)
            java.util.Set<Object> all = new java.util.HashSet<>();
            withSubprograms(traced, q -> all.addAll(FusionPlanner.plan(q).kernels()));
            int compiled = pointwise.kernelsCompiled.get();
            if (compiled < kernels || compiled > all.size()) {
                fail(p + ": every distinct kernel goes through compileKernel once: " + compiled
                        + " compiled, the program has " + kernels + " and " + all.size()
                        + " with its loop bodies and branches");
            }

            Program program = Kiln.withBackend("reference", () -> program(p, in));
            if (program.constants().isEmpty()) {
                Backend ref = Kiln.backend("reference");
                List<Buffer> args = new ArrayList<>(in);
                List<HostBuffer> interpreted = new ProgramInterpreter(ref, program)
                        .run(args).stream().map(b -> (HostBuffer) b).toList();
                same(p + ": program interpreter vs eager", eager, interpreted);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void jitReusesItsCompiledPlan(Pattern p) {
        Function<List<Array>, List<Array>> jitted = Kiln.jit(p.f());
        List<HostBuffer> in = Patterns.inputs(p, 3);
        Kiln.withBackend("reference", () -> {
            List<HostBuffer> first = host(jitted.apply(Patterns.arrays(in)));
            List<HostBuffer> second = host(jitted.apply(Patterns.arrays(in)));
            same(p + ": a cached call", first, second);
            return null;
        });
    }

    /** {@code program} and, recursively, the sub-programs of its control flow. */
    private static void withSubprograms(Program program, java.util.function.Consumer<Program> visit) {
        visit.accept(program);
        for (dev.kiln.ir.Eqn e : program.eqns()) {
            switch (e.params()) {
                case dev.kiln.ir.Params.Cond c -> c.branches().forEach(b -> withSubprograms(b, visit));
                case dev.kiln.ir.Params.While w -> {
                    withSubprograms(w.cond(), visit);
                    withSubprograms(w.body(), visit);
                }
                case dev.kiln.ir.Params.Scan sc -> withSubprograms(sc.body(), visit);
                default -> {}
            }
        }
    }

    private static Program program(Pattern p, List<HostBuffer> in) {
        return Kiln.makeProgram(p.f()).apply(Patterns.arrays(in));
    }

    private static List<HostBuffer> host(List<Array> xs) {
        return xs.stream().map(Array::toHost).toList();
    }

    static void same(String what, List<HostBuffer> want, List<HostBuffer> got) {
        assertEquals(want.size(), got.size(), what + ": number of results");
        for (int i = 0; i < want.size(); i++) {
            HostBuffer w = want.get(i);
            HostBuffer g = got.get(i);
            assertEquals(w.spec(), g.spec(), what + ": result " + i);
            if (!bitsEqual(w, g)) {
                fail(what + ": result " + i + " differs\n want " + text(w) + "\n got  " + text(g));
            }
        }
    }

    private static boolean bitsEqual(HostBuffer a, HostBuffer b) {
        int n = a.spec().size();
        for (int i = 0; i < n; i++) {
            boolean ok =
                    switch (a.spec().dtype()) {
                        case FLOAT32 -> Float.floatToIntBits(a.floats()[i]) == Float.floatToIntBits(b.floats()[i]);
                        case FLOAT64 ->
                            Double.doubleToLongBits(a.doubles()[i]) == Double.doubleToLongBits(b.doubles()[i]);
                        default -> a.getLong(i) == b.getLong(i);
                    };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String text(HostBuffer h) {
        return switch (h.spec().dtype()) {
            case FLOAT32 -> Arrays.toString(h.floats());
            case FLOAT64 -> Arrays.toString(h.doubles());
            case INT32, UINT32 -> Arrays.toString(h.ints());
            case INT64 -> Arrays.toString(h.longs());
            case BOOL -> Arrays.toString(h.bools());
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }
}
