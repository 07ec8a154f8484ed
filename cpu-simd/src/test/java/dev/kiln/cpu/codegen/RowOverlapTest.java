package dev.kiln.cpu.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Program;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A row group that allocates its large outputs while other threads run its earlier kernels ahead
 * ({@link RowGroupKernel#overlapMode}) gives the same bits as one that allocates first, however many
 * rows ran ahead: none (the helpers start late), all of them (the allocation is slow), or some (a
 * helper on a thread of its own, stopped when the allocation is done, the boundary then falling
 * inside the later chunks). Row lengths around the vector width, odd lengths, one row (no group
 * then), many rows, float32 and float64, and inputs with NaN and infinities (a row of -inf, whose
 * softmax is NaN).
 */
class RowOverlapTest {
    /** How the test's {@link Workers#alongside} orders the caller's work and one helper's. */
    enum Order {
        CALLER_FIRST,
        HELPER_FIRST,
        HELPER_THREAD
    }

    /** Two "threads": ranges in uneven chunks on the calling thread, {@code alongside} as {@code order} says. */
    static Workers workers(Order order, long sleepMicros) {
        return new Workers() {
            @Override
            public int threads() {
                return 2;
            }

            @Override
            public void forRange(int n, int grain, int align, Range body) {
                int cut = Math.min(n, Math.max(1, n / 3 / align * align));
                body.run(0, cut);
                if (cut < n) {
                    body.run(cut, n);
                }
            }

            @Override
            public void alongside(Runnable onCaller, Runnable helper) {
                switch (order) {
                    case CALLER_FIRST -> onCaller.run();
                    case HELPER_FIRST -> {
                        helper.run();
                        onCaller.run();
                    }
                    case HELPER_THREAD -> {
                        Thread t = Thread.ofPlatform().start(helper);
                        try {
                            Thread.sleep(java.time.Duration.ofNanos(sleepMicros * 1000));
                            onCaller.run();
                            t.join();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
        };
    }

    static Stream<Arguments> cases() {
        List<ArraySpec> specs = List.of(
                Cases.f32(1, 129),
                Cases.f32(4, 3),
                Cases.f32(5, 7),
                Cases.f32(37, 16),
                Cases.f32(37, 129),
                Cases.f32(1000, 1025),
                Cases.f64(37, 129),
                Cases.f64(300, 7));
        return RowGroupTest.blockCases().flatMap(c -> specs.stream().map(s -> Arguments.of(c, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void overlappedAllocationGivesTheSameBits(RowGroupTest.Chain c, ArraySpec spec) {
        List<HostBuffer> in = Cases.inputs(List.of(spec), 11);
        specials(in.get(0), spec);
        Program p = Kiln.withBackend("reference", () -> Kiln.makeProgram(c.f()).apply(Cases.arrays(in)));
        List<KernelGroup> groups = Cases.groups(p);
        if (groups.size() != 1) {
            return; // one row: no group to run
        }
        KernelGroup g = groups.get(0);
        List<Buffer> args = groupInputs(g, in.get(0));
        List<HostBuffer> want = runGroup(g, workers(Order.CALLER_FIRST, 0), -1, 0, args);
        int index = 0;
        for (Order order : Order.values()) {
            for (long blockBytes : new long[] {0, 1}) {
                for (long sleep : order == Order.HELPER_THREAD ? new long[] {0, 20, 300} : new long[] {0}) {
                    List<HostBuffer> got = runGroup(g, workers(order, sleep), 1, blockBytes, args);
                    same(c + " " + spec + " " + order + " block setting " + blockBytes + " sleep " + sleep, want, got);
                    index++;
                }
            }
        }
        // the backend's own threads, the overlap forced at any size, and jitted end to end
        RowGroupKernel.overlapMode = 1;
        try {
            List<HostBuffer> jitted =
                    Kiln.withBackend("cpu-simd", () -> Kiln.jit(c.f()).apply(Cases.arrays(in)).stream()
                            .map(Array::toHost)
                            .toList());
            RowGroupKernel.overlapMode = -1;
            List<HostBuffer> plain = Kiln.withBackend("cpu-simd", () -> Kiln.jit(c.f()).apply(Cases.arrays(in)).stream()
                    .map(Array::toHost)
                    .toList());
            same(c + " " + spec + " jitted", plain, jitted);
        } finally {
            RowGroupKernel.overlapMode = RowGroupKernel.DEFAULT_OVERLAP;
        }
        assertEquals(10, index);
    }

    /** NaN, infinities and, when there are rows enough, a row of -inf and a row of +inf. */
    static void specials(HostBuffer h, ArraySpec spec) {
        int rows = spec.shape()[0];
        int width = spec.shape()[1];
        double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < values.length && rows > 3; i++) {
            set(h, (i + 1) * width + (width - 1) / (i + 1), values[i]);
        }
        if (rows > 5) {
            for (int j = 0; j < width; j++) {
                set(h, 4 * width + j, Double.NEGATIVE_INFINITY);
                set(h, 5 * width + j, Double.POSITIVE_INFINITY);
            }
        }
    }

    private static void set(HostBuffer h, int i, double v) {
        if (h.data() instanceof float[] f) {
            f[i] = (float) v;
        } else {
            h.doubles()[i] = v;
        }
    }

    /** The group's inputs: {@code x} wherever the group reads an input of its shape, else scalars from the program. */
    static List<Buffer> groupInputs(KernelGroup g, HostBuffer x) {
        Buffer[] args = new Buffer[g.inputs()];
        for (int k = 0; k < g.kernels().size(); k++) {
            List<KernelGroup.Source> w = g.wiring().get(k);
            for (int j = 0; j < w.size(); j++) {
                if (w.get(j) instanceof KernelGroup.Source.Input input) {
                    ArraySpec s = g.kernels().get(k).inputs().get(j).spec();
                    assertEquals(x.spec(), s, "a row group reading only x");
                    args[input.index()] = x;
                }
            }
        }
        return List.of(args);
    }

    private static List<HostBuffer> runGroup(KernelGroup g, Workers w, int mode, long blockBytes, List<Buffer> args) {
        RowGroupKernel.overlapMode = mode;
        return runGroup(g, w, blockBytes, args);
    }

    /** The group compiled for {@code w} and run once, blocks or steps as {@code blockBytes} says (0: its choice). */
    static List<HostBuffer> runGroup(KernelGroup g, Workers w, long blockBytes, List<Buffer> args) {
        RowGroupKernel.blockBytesOverride = blockBytes;
        try {
            KernelCompiler compiler = new KernelCompiler(GeneratedKernelTest.CPU, w);
            Function<FusedKernel, CompiledKernel> compile = GeneratedKernelTest.CPU::compileKernel;
            CompiledKernel k = compiler.compileGroup(g, compile);
            List<HostBuffer> out = new ArrayList<>();
            for (Buffer b : k.run(args)) {
                out.add((HostBuffer) b);
            }
            return out;
        } finally {
            RowGroupKernel.overlapMode = RowGroupKernel.DEFAULT_OVERLAP;
            RowGroupKernel.blockBytesOverride = 0;
        }
    }

    static void same(String what, List<HostBuffer> want, List<HostBuffer> got) {
        assertEquals(want.size(), got.size(), what);
        for (int o = 0; o < want.size(); o++) {
            Object a = want.get(o).data();
            Object b = got.get(o).data();
            int n = java.lang.reflect.Array.getLength(a);
            for (int i = 0; i < n; i++) {
                long x = a instanceof float[] f
                        ? Float.floatToRawIntBits(f[i])
                        : Double.doubleToRawLongBits(((double[]) a)[i]);
                long y = b instanceof float[] f
                        ? Float.floatToRawIntBits(f[i])
                        : Double.doubleToRawLongBits(((double[]) b)[i]);
                if (x != y) {
                    assertEquals(x, y, what + ": output " + o + " element " + i);
                }
            }
        }
    }
}
