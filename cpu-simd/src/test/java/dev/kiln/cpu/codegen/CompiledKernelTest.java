package dev.kiln.cpu.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.Np;
import dev.kiln.cpu.codegen.Cases.Case;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.KernelInterpreter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What the differential test does not show: results once C2 has compiled the generated loops
 * (before that the Vector API runs its Java fallbacks), work split into chunks, class reuse, and
 * the fallback for kernels the generator does not handle.
 */
class CompiledKernelTest {
    /** Above the parallel thresholds (2^18 points, 2^14 for transcendental work). */
    private static final int LARGE = (1 << 19) + 77;

    /**
     * Splits every range into about seven chunks on the grid it is given and runs them one after
     * the other, so the chunking and partial-result paths run whatever the machine's core count.
     */
    private static final Workers CHUNKS = new Workers() {
        @Override
        public int threads() {
            return 4;
        }

        @Override
        public void forRange(int n, int grain, int align, Range body) {
            if (n / Math.max(grain, 1) < 2) {
                body.run(0, n);
                return;
            }
            int size = Math.max(align, (n / 7 + align - 1) / align * align);
            for (int lo = 0; lo < n; lo += size) {
                body.run(lo, Math.min(n, lo + size));
            }
        }
    };

    private static Case named(int n, String name) {
        return Cases.all(n).stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /**
     * Each kernel runs for a while on small inputs (so its generated methods get hot and C2, which
     * compiles in the background, replaces the interpreted and C1 code), and its result is compared
     * with the interpreter's every few hundred calls, so every tier's code is checked.
     */
    @Test
    void resultsHoldWhileC2CompilesTheLoops() throws UnsupportedKernelException {
        KernelCompiler compiler = new KernelCompiler(GeneratedKernelTest.CPU, Workers.CALLER);
        String[] names = {
            "sum(x + y*z)",
            "tanh(x + y*z) * 0.5 + x",
            "softmax rows f32",
            "layer norm f64",
            "sum over the leading axis, wide",
            "sqrt(sum(x*x, 0)) narrow",
            "transposed operand",
            "mixed precision",
            "where and comparisons",
            "rounding f32",
            "bool operand",
            "int32 data read as floats",
            "strided slice",
            "sum over the outer and inner axes"
        };
        for (String name : names) {
            Case c = named(33, name);
            for (FusedKernel k : Cases.kernels(c)) {
                CompiledKernel compiled = compiler.compile(k);
                List<HostBuffer> hosts = Cases.inputs(
                        k.inputs().stream().map(FusedKernel.Input::spec).toList(), 9);
                List<Buffer> in = new ArrayList<>(hosts);
                List<Buffer> expected = new KernelInterpreter(GeneratedKernelTest.REF, k).run(new ArrayList<>(hosts));
                long terms = GeneratedKernelTest.terms(k);
                long end = System.nanoTime() + 400_000_000L;
                for (int call = 0; call < 20_000 || System.nanoTime() < end; call++) {
                    List<Buffer> out = compiled.run(in);
                    if (call % 500 == 0) {
                        for (int o = 0; o < out.size(); o++) {
                            GeneratedKernelTest.close(
                                    c + " call " + call + " output " + o + " of\n" + k,
                                    GeneratedKernelTest.REF.toHost(expected.get(o)),
                                    (HostBuffer) out.get(o),
                                    terms);
                        }
                    }
                }
            }
        }
    }

    /**
     * Chunked runs against the interpreter. (Not bit for bit against unchunked runs: a vector tail
     * moves with each chunk boundary, and before C2 compiles a loop the Vector API computes
     * transcendental functions and lane reductions in Java, rounding differently in the last bit.)
     */
    @Test
    void largeKernelsAreRightInChunks() throws UnsupportedKernelException {
        KernelCompiler chunked = new KernelCompiler(GeneratedKernelTest.CPU, CHUNKS);
        List<Case> cases = List.of(
                named(LARGE, "sum(x + y*z)"),
                named(LARGE, "tanh(x + y*z) * 0.5 + x"),
                named(LARGE / 3, "softmax rows f32"),
                named(LARGE / 64, "sum over the leading axis, wide"),
                named(LARGE / 4, "mixed precision"),
                named(LARGE / 4, "where and comparisons"));
        for (Case c : cases) {
            for (FusedKernel k : Cases.kernels(c)) {
                GeneratedKernelTest.check(c.toString(), k, chunked.compile(k), 3);
            }
        }
    }

    /**
     * A reduction to fewer values than threads is split into blocks of {@link GeneratedKernel#BLOCK}
     * points, each thread's chunk of blocks one call of the generated {@code reduceRow}: the bits
     * must be those of the one-thread path (the generated {@code rows}, which folds the same blocks
     * in the same order) and of one call per block, at the split threshold, one point over it,
     * with a partial last block and a vector tail, for sums, maxima and minima of one value, with
     * and without a NaN; and within the interpreter's tolerance.
     */
    @Test
    void blocksOfAReductionToOneValueGiveTheOneThreadBits() throws UnsupportedKernelException {
        KernelCompiler one = new KernelCompiler(GeneratedKernelTest.CPU, Workers.CALLER);
        KernelCompiler chunked = new KernelCompiler(GeneratedKernelTest.CPU, CHUNKS);
        for (int n : new int[] {1 << 19, (1 << 19) + 1, LARGE, (1 << 19) + 5 * GeneratedKernel.BLOCK + 15}) {
            Case c = new Case(
                    "sum, max and min of one value",
                    List.of(Cases.f32(n), Cases.f32(n), Cases.f32(n)),
                    a -> List.of(
                            Np.sum(a.get(0).add(a.get(1).multiply(a.get(2)))),
                            Np.max(a.get(0).multiply(a.get(1))),
                            Np.min(a.get(2).subtract(a.get(0)))),
                    true);
            for (FusedKernel k : Cases.kernels(c)) {
                CompiledKernel alone = one.compile(k);
                CompiledKernel split = chunked.compile(k);
                GeneratedKernelTest.check(c + " in chunks", k, split, 5);
                for (boolean nan : new boolean[] {false, true}) {
                    List<HostBuffer> hosts = Cases.inputs(
                            k.inputs().stream().map(FusedKernel.Input::spec).toList(), 6);
                    if (nan) {
                        // in every input, so every output (whatever order the planner gave them) has one
                        for (HostBuffer h : hosts) {
                            h.floats()[n - 3] = Float.NaN;
                        }
                    }
                    List<Buffer> want = alone.run(new ArrayList<>(hosts));
                    List<Buffer> got = split.run(new ArrayList<>(hosts));
                    GeneratedKernel.callPerBlock = true;
                    List<Buffer> perBlock;
                    try {
                        perBlock = split.run(new ArrayList<>(hosts));
                    } finally {
                        GeneratedKernel.callPerBlock = false;
                    }
                    for (int o = 0; o < want.size(); o++) {
                        String what = c + " output " + o + (nan ? " with a NaN" : "");
                        float[] w = ((HostBuffer) want.get(o)).floats();
                        assertArrayEquals(w, ((HostBuffer) got.get(o)).floats(), what);
                        assertArrayEquals(w, ((HostBuffer) perBlock.get(o)).floats(), what + ", a call per block");
                        if (nan) {
                            assertTrue(Float.isNaN(w[0]), what + ": " + w[0] + " of " + k);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theBackendsOwnThreadsGiveRightSums() {
        Case c = named(LARGE, "sum(x + y*z)");
        FusedKernel k = Cases.kernels(c).get(0);
        CompiledKernel parallel = GeneratedKernelTest.CPU.compileKernel(k);
        assertInstanceOf(GeneratedKernel.class, parallel);
        GeneratedKernelTest.check(c + " on the backend's threads", k, parallel, 4);
    }

    @Test
    void kernelsThatDifferInSizesStridesOrConstantsShareOneClass() throws UnsupportedKernelException {
        KernelCompiler compiler = new KernelCompiler(GeneratedKernelTest.CPU, Workers.CALLER);
        List<KernelCompiler.Generated> classes = new ArrayList<>();
        for (int n : new int[] {1000, 2000, 3001}) {
            for (double scale : new double[] {0.5, 0.75}) {
                Function<List<Array>, List<Array>> f =
                        a -> List.of(Np.tanh(a.get(0).multiply(scale)).add(a.get(1)));
                FusedKernel k = Cases.kernels(new Case("scaled tanh", List.of(Cases.f32(n), Cases.f32(n)), f, true))
                        .get(0);
                GeneratedKernel g = (GeneratedKernel) compiler.compile(k);
                classes.add(g.generated());
                GeneratedKernelTest.check("scaled tanh n=" + n + " scale " + scale, k, g, 1);
            }
        }
        for (KernelCompiler.Generated g : classes) {
            assertSame(classes.get(0), g, "one class for every size and constant");
        }
        CompileStats.Snapshot before = CompileStats.snapshot();
        FusedKernel another = Cases.kernels(new Case(
                        "scaled tanh",
                        List.of(Cases.f32(77), Cases.f32(77)),
                        a -> List.of(Np.tanh(a.get(0).multiply(3.0)).add(a.get(1))),
                        true))
                .get(0);
        compiler.compile(another);
        CompileStats.Snapshot after = CompileStats.snapshot();
        assertEquals(before.generated(), after.generated(), "no class generated for a known structure");
        assertEquals(before.hits() + 1, after.hits());
    }

    @Test
    void aNewStructureRecordsItsCompileTime() throws UnsupportedKernelException {
        KernelCompiler compiler = new KernelCompiler(GeneratedKernelTest.CPU, Workers.CALLER);
        CompileStats.Snapshot before = CompileStats.snapshot();
        // a structure nothing else in this JVM makes: a chain of 32 cheap ops (fused into one
        // kernel) spelling out the bits of the clock
        long bits = System.nanoTime() ^ 0x9E3779B97F4A7C15L;
        FusedKernel k = Cases.kernels(new Case(
                        "new",
                        List.of(Cases.f64(3, 1, 7), Cases.f64(1, 5, 1)),
                        a -> {
                            Array x = a.get(0);
                            for (int i = 0; i < 32; i++) {
                                x = switch ((int) (bits >>> 2 * i) & 3) {
                                    case 0 -> x.add(a.get(1));
                                    case 1 -> x.multiply(a.get(1));
                                    case 2 -> Np.maximum(x, a.get(1));
                                    default -> x.subtract(a.get(1));
                                };
                            }
                            return List.of(x);
                        },
                        true))
                .get(0);
        compiler.compile(k);
        CompileStats.Snapshot after = CompileStats.snapshot();
        assertEquals(before.generated() + 1, after.generated());
        assertTrue(after.totalNanos() > before.totalNanos() && after.lastNanos() > 0, after.toString());
    }

    @Test
    void unsupportedKernelsRunOpByOp() {
        KernelCompiler compiler = new KernelCompiler(GeneratedKernelTest.CPU, Workers.CALLER);
        ArraySpec i32 = ArraySpec.of(DType.INT32, 6, 5);
        Case ints = new Case(
                "int32 arithmetic",
                List.of(i32, i32),
                a -> List.of(a.get(0).multiply(3).add(a.get(1))),
                false);
        FusedKernel k = Cases.kernels(ints).get(0);
        UnsupportedKernelException e = assertThrows(UnsupportedKernelException.class, () -> compiler.compile(k));
        assertTrue(e.getMessage().contains("int32"), e.getMessage());
        long fallbacks = CompileStats.snapshot().fallbacks();
        CompiledKernel c = compiler.compileOr(k, x -> new KernelInterpreter(GeneratedKernelTest.REF, x));
        assertInstanceOf(KernelInterpreter.class, c);
        assertEquals(fallbacks + 1, CompileStats.snapshot().fallbacks());
    }

    @Test
    void aLoopTooLargeForC2IsLeftToTheInterpreter() {
        KernelCompiler compiler = new KernelCompiler(GeneratedKernelTest.CPU, Workers.CALLER);
        Case chain = new Case(
                "600 dependent ops",
                List.of(Cases.f32(40)),
                a -> {
                    Array x = a.get(0);
                    for (int i = 0; i < 300; i++) {
                        x = Np.sin(x).add(a.get(0));
                    }
                    return List.of(x);
                },
                false);
        List<FusedKernel> ks = Cases.kernels(chain);
        assertEquals(1, ks.size(), "the planner fuses the whole chain");
        UnsupportedKernelException e =
                assertThrows(UnsupportedKernelException.class, () -> compiler.compile(ks.get(0)));
        assertTrue(e.getMessage().contains("bytecode"), e.getMessage());
    }

    /**
     * The generated methods create no objects and no arrays: every intermediate value lives in a
     * local variable (Vector API values, which C2 keeps in registers once it compiles the loop).
     */
    @Test
    void generatedLoopsAllocateNothing() throws UnsupportedKernelException {
        for (Case c : Cases.all(129)) {
            for (FusedKernel k : Cases.kernels(c)) {
                if (k.root() instanceof FusedKernel.Root.Matmul) {
                    continue;
                }
                java.lang.classfile.ClassModel cm =
                        java.lang.classfile.ClassFile.of().parse(KernelCompiler.classBytes(k));
                for (java.lang.classfile.MethodModel m : cm.methods()) {
                    m.code()
                            .ifPresent(code -> code.forEach(e -> {
                                boolean allocates = e instanceof java.lang.classfile.instruction.NewObjectInstruction
                                        || e instanceof java.lang.classfile.instruction.NewPrimitiveArrayInstruction
                                        || e instanceof java.lang.classfile.instruction.NewReferenceArrayInstruction
                                        || e instanceof java.lang.classfile.instruction.NewMultiArrayInstruction;
                                assertTrue(!allocates, c + ": " + m.methodName() + " allocates (" + e + ")");
                            }));
                }
            }
        }
    }

    @Test
    void theBackendCompilesFusedKernels() {
        assertTrue(GeneratedKernelTest.CPU.capabilities().contains(Capability.FUSION));
        FusedKernel k = Cases.kernels(named(31, "softmax rows f32")).get(0);
        assertInstanceOf(GeneratedKernel.class, GeneratedKernelTest.CPU.compileKernel(k));
        FusedKernel mm = Cases.kernels(named(31, "tanh(x @ w + b)")).get(0);
        assertInstanceOf(MatmulKernel.class, GeneratedKernelTest.CPU.compileKernel(mm));
    }

    /**
     * A weight gradient's product arrives transposed ({@code (x.T @ d).T}); the kernel computes it
     * as {@code d.T @ x} so product and epilogue walk memory in order, and the epilogue runs block
     * by block in the matmul.
     */
    @Test
    void transposedProductsAreComputedInTheOutputsOrder() {
        List<FusedKernel> ks = Cases.kernels(named(129, "w - (x.T @ d).T * 0.01 over several matmul blocks"));
        assertEquals(1, ks.size(), "one kernel: " + ks);
        FusedKernel k = ks.get(0);
        String compiled = GeneratedKernelTest.CPU.compileKernel(k).toString();
        assertTrue(compiled.startsWith("matmul computed as b.T @ a.T, epilogue in blocks"), compiled);
        FusedKernel plain = Cases.kernels(named(129, "tanh(x @ w + b) over several matmul blocks"))
                .get(0);
        String natural = GeneratedKernelTest.CPU.compileKernel(plain).toString();
        assertTrue(natural.startsWith("matmul, epilogue in blocks"), natural);
        // a 7-row product wanted as [9, 7]: swapped, its rows would be 7 wide, narrower than now
        FusedKernel narrow = Cases.kernels(named(7, "transposed product, scaled and shifted"))
                .get(0);
        String kept = GeneratedKernelTest.CPU.compileKernel(narrow).toString();
        assertTrue(kept.startsWith("matmul, epilogue in blocks"), kept);
        FusedKernel wide = Cases.kernels(named(129, "transposed product, scaled and shifted"))
                .get(0);
        String swapped = GeneratedKernelTest.CPU.compileKernel(wide).toString();
        assertTrue(swapped.startsWith("matmul computed as b.T @ a.T"), swapped);
    }
}
