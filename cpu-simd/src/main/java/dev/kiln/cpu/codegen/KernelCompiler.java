package dev.kiln.cpu.codegen;

import dev.kiln.spi.Backend;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.KernelGroup;
import dev.kiln.spi.KernelInterpreter;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.constant.ClassDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles {@link FusedKernel}s to Java bytecode for the cpu-simd backend: one hidden class per
 * kernel structure ({@link Template}), written with {@code java.lang.classfile} by {@link
 * KernelEmitter} and defined with {@link MethodHandles.Lookup#defineHiddenClass}, whose loops run
 * the kernel's whole expression on Vector API values. Classes are cached by structure, so a kernel
 * that differs from an earlier one only in sizes, strides or offsets reuses its class.
 *
 * <p>Elementwise and reduction kernels (sum, max, min) on float32, float64 and bool values are
 * generated; int32 values (arrays, iotas, literals) too where they are only compared with each
 * other or converted to a float type or to bool (one-hot labels); a matmul kernel runs the
 * backend's dot_general and its epilogue as a generated elementwise pass over each block of the
 * product as the matmul finishes it ({@link MatmulKernel}). Anything else (int32 arithmetic and
 * other integer work, products and
 * logical reductions, erf and rem, loops too large for C2) is reported as {@link
 * UnsupportedKernelException}, and {@link #compileOr} hands such kernels to the fallback with one
 * log line per kernel. {@code -Dkiln.cpu.codegen=false} turns generation off.
 *
 * <p>{@link CompileStats} records the time each new structure takes to generate and define. The
 * {@code CompileLatency} benchmark measures a newly jitted {@code sum(tanh(x*c + 1))} to its first
 * result, tracing and planning included, at a median of about 2 ms on a 2-core machine. The
 * generated loops then run interpreted, then C1-compiled, and reach full speed once C2 compiles
 * them after some thousands of calls.
 */
public final class KernelCompiler {
    private static final Logger LOG = LoggerFactory.getLogger(KernelCompiler.class);

    /** C2 does not compile methods with more bytecode than this (HotSpot's HugeMethodLimit). */
    static final int HUGE_METHOD = 8000;

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final ClassDesc NAME = ClassDesc.of(KernelCompiler.class.getPackageName(), "GeneratedKernelBody");
    private static final ClassHierarchyResolver RESOLVER = ClassHierarchyResolver.defaultResolver()
            .orElse(ClassHierarchyResolver.ofClassLoading(KernelCompiler.class.getClassLoader()))
            .cached();

    /** Generated classes (or the reason a structure cannot be generated), by structure. */
    private static final Map<Template, Object> CLASSES = new ConcurrentHashMap<>();

    /** A generated class's instance, with the unroll and tile factors its loops were written with. */
    record Generated(KernelBody body, int unroll, int tile, int bytecodeSize) {}

    private final Backend backend;
    private final Workers workers;
    /** Whether code is generated at all ({@code kiln.cpu.codegen}); when not, every kernel falls back. */
    private final boolean enabled;
    /** Kernels whose fallback was logged; bounded, so a program that makes endless new shapes stops logging. */
    private final Set<FusedKernel> reported = ConcurrentHashMap.newKeySet();

    private static final int MAX_REPORTED = 10_000;
    private final AtomicBoolean explained = new AtomicBoolean();

    /** A compiler that generates code. */
    public KernelCompiler(Backend backend, Workers workers) {
        this(backend, workers, true);
    }

    /** A compiler that generates code when {@code enabled}, else reports every kernel unsupported. */
    public KernelCompiler(Backend backend, Workers workers, boolean enabled) {
        this.backend = backend;
        this.workers = workers;
        this.enabled = enabled;
    }

    /**
     * The kernel compiled to generated code, or {@code fallback}'s kernel (after one log line per
     * kernel structure saying why) when it cannot be.
     */
    public CompiledKernel compileOr(FusedKernel kernel, Function<FusedKernel, CompiledKernel> fallback) {
        try {
            return compile(kernel);
        } catch (UnsupportedKernelException e) {
            CompileStats.fallback();
            if (reported.size() < MAX_REPORTED && reported.add(kernel)) {
                if (explained.compareAndSet(false, true)) {
                    LOG.info(
                            "cpu-simd runs some fused kernels op by op because it cannot generate code for them"
                                    + " (first: {}); set logger {} to DEBUG to see each",
                            e.getMessage(),
                            LOG.getName());
                } else {
                    LOG.debug("cpu-simd runs a fused kernel op by op: {}\n{}", e.getMessage(), kernel);
                }
            }
            return fallback.apply(kernel);
        }
    }

    /**
     * A group of kernels over the same rows, run a block of rows at a time when every kernel
     * compiles (with {@code compile}) to generated code that can run a range of rows, else in
     * sequence.
     */
    public CompiledKernel compileGroup(KernelGroup group, Function<FusedKernel, CompiledKernel> compile) {
        return RowGroupKernel.of(group, compile, workers);
    }

    /**
     * Whether row groups allocate their large outputs while the team's other threads run the group's
     * earlier kernels ahead ({@code kiln.cpu.row-overlap}); process-wide, like the thread count.
     */
    public static void overlapRowAllocation(boolean on) {
        RowGroupKernel.overlapMode = on ? 0 : -1;
    }

    /** The kernel compiled to generated code. */
    public CompiledKernel compile(FusedKernel kernel) throws UnsupportedKernelException {
        if (!enabled) {
            throw new UnsupportedKernelException("code generation is off (-Dkiln.cpu.codegen=false)");
        }
        if (kernel.size() == 0) {
            // nothing to loop over: only outputs of identities or empty arrays, which the interpreter makes
            return new KernelInterpreter(backend, kernel);
        }
        if (kernel.root() instanceof FusedKernel.Root.Matmul) {
            return MatmulKernel.of(kernel, backend, this);
        }
        long start = System.nanoTime();
        Template.Plan plan = Template.plan(kernel);
        Generated g = generated(plan.template(), start);
        return new GeneratedKernel(kernel, plan, g, workers);
    }

    private static Generated generated(Template t, long start) throws UnsupportedKernelException {
        Object cached = CLASSES.get(t);
        if (cached == null) {
            Object made;
            try {
                made = generate(t);
                CompileStats.generated(System.nanoTime() - start);
            } catch (UnsupportedKernelException e) {
                made = e;
            } catch (RuntimeException | LinkageError e) {
                // a bug in the generator: say so loudly once, and let the kernel run op by op
                LOG.warn(
                        "cpu-simd failed to generate code for a kernel structure; it runs op by op. Please report"
                                + " this with the structure:\n{}",
                        t,
                        e);
                made = new UnsupportedKernelException("code generation failed: " + e);
            }
            Object raced = CLASSES.putIfAbsent(t, made);
            cached = raced != null ? raced : made;
        } else {
            CompileStats.hit();
        }
        if (cached instanceof UnsupportedKernelException e) {
            throw e;
        }
        return (Generated) cached;
    }

    /** Writes and defines the class, with smaller unroll or tile factors until C2 will compile it. */
    static Generated generate(Template t) throws UnsupportedKernelException {
        int[] factors =
                switch (t.kind()) {
                    case POINTS -> new int[] {1};
                    // a transcendental is dozens of vector operations whose own latency chains keep
                    // the cores busy without unrolling; unrolled copies of it only push the method past
                    // C2's inlining budget (NodeCountInliningCutoff, InlineSmallCode), and every
                    // Vector API call left out of line then boxes its vectors: measured on a 4096×1024
                    // sum(exp(x - m)) over rows, 3.3 ms unrolled four times against 1.1 ms not at all
                    case ROWS, COLUMNS -> heavy(t) ? new int[] {1} : new int[] {4, 2, 1};
                };
        int size = 0;
        for (int f : factors) {
            int unroll = t.kind() == LoopNest.Kind.ROWS ? f : 1;
            int tile = t.kind() == LoopNest.Kind.COLUMNS ? f : 1;
            byte[] bytes = new KernelEmitter(t, unroll, tile).build(NAME, RESOLVER);
            size = largestMethod(bytes);
            if (size <= HUGE_METHOD) {
                return new Generated(define(bytes), unroll, tile, size);
            }
        }
        throw new UnsupportedKernelException("the generated loop has " + size + " bytes of bytecode, more than C2"
                + " compiles (" + HUGE_METHOD + ")");
    }

    /** Whether the structure computes a transcendental function (exp, log, tanh, ...) per point. */
    static boolean heavy(Template t) {
        for (FusedKernel.Node n : t.nodes()) {
            if (n instanceof FusedKernel.Node.Op op && Template.isTranscendental(op.op())) {
                return true;
            }
        }
        return false;
    }

    private static int largestMethod(byte[] bytes) {
        ClassModel cm = ClassFile.of().parse(bytes);
        int max = 0;
        for (MethodModel m : cm.methods()) {
            max = Math.max(
                    max,
                    m.findAttribute(Attributes.code())
                            .map(CodeAttribute::codeLength)
                            .orElse(0));
        }
        return max;
    }

    private static KernelBody define(byte[] bytes) {
        try {
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClass(bytes, true);
            return (KernelBody) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define a generated kernel class", e);
        }
    }

    /** The class bytes for a kernel's structure (as first tried), for tests and for reading with javap. */
    static byte[] classBytes(FusedKernel kernel) throws UnsupportedKernelException {
        Template t = Template.plan(kernel).template();
        return new KernelEmitter(t, 4, 4).build(NAME, RESOLVER);
    }
}
