package dev.kiln.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A {@link ProgramInterpreter} given a way to make sub-programs runnable (a jitted program passes
 * {@link Backend#compile}) makes each loop body once, not once per step, and gets the same bits as
 * the plain interpreter, which runs every sub-program equation by equation.
 */
class ProgramInterpreterSubprogramsTest {
    @Test
    void aScanBodyIsMadeOnceAndGivesTheInterpretersBits() {
        Function<List<Array>, List<Array>> f = a -> {
            Lax.ScanResult<Array, Array> r = Lax.scan(
                    (Array h, Array x) -> {
                        Array next = Np.tanh(h.multiply(1.5f).add(x));
                        return new Lax.Step<>(next, next.multiply(2f));
                    },
                    a.get(0),
                    a.get(1));
            return List.of(r.carry(), r.ys());
        };
        float[] h0 = {0.25f, -1f, 3f};
        float[] xs = new float[7 * 3];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) Math.sin(i * 0.7);
        }
        Program program = Kiln.withBackend(
                "reference", () -> Kiln.makeProgram(f).apply(List.of(Np.array(h0, 3), Np.array(xs, 7, 3))));
        Backend ref = Kiln.backend("reference");
        List<Buffer> args = new ArrayList<>();
        assertEquals(0, program.constants().size(), "the traced program has no constants");
        args.add(HostBuffer.wrap(program.inputs().get(0).spec(), h0.clone()));
        args.add(HostBuffer.wrap(program.inputs().get(1).spec(), xs.clone()));
        AtomicInteger made = new AtomicInteger();
        List<Buffer> compiled = new ProgramInterpreter(ref, program, p -> {
                    made.incrementAndGet();
                    return ref.compile(p);
                })
                .run(args);
        List<Buffer> interpreted = new ProgramInterpreter(ref, program).run(args);
        assertEquals(1, made.get(), "the scan's body is made runnable once for its 7 steps");
        for (int o = 0; o < 2; o++) {
            assertArrayEquals(
                    ((HostBuffer) interpreted.get(o)).floats(), ((HostBuffer) compiled.get(o)).floats(), "result " + o);
        }
    }
}
