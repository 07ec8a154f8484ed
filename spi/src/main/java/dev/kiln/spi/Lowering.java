package dev.kiln.spi;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import java.util.List;
import java.util.Set;

/**
 * The public entry points from a backend into Kiln's compiler: decomposition of the primitives a
 * backend does not claim (see {@link Backend#implementsNatively}) and the fusion planner.
 *
 * <ul>
 *   <li>{@link #compile} is {@link Backend#compile}'s default: decompose, plan fused kernels,
 *       compile each with {@link Backend#compileKernel}.
 *   <li>{@link #decompose} is for backends that compile whole programs themselves (a PJRT backend
 *       hands the result to XLA): the same program with every unclaimed primitive replaced by core
 *       primitives.
 *   <li>{@link #execute} applies one primitive on a backend, natively where it is claimed and through
 *       its decomposition otherwise; Kiln's interpreters call it instead of {@link Backend#execute}.
 * </ul>
 *
 * <p>The compiler lives in Kiln's internal packages, which depend on this package; to keep this
 * exported package free of dependencies on them, the implementation registers itself here when it
 * is loaded (the pattern of the JDK's shared secrets), and this class loads it by name on first use.
 */
public final class Lowering {
    private static final String IMPLEMENTATION = "dev.kiln.internal.lower.LoweringImpl";
    private static volatile Implementation installed;

    private Lowering() {}

    /** What Kiln's internal compiler provides; not for backends to implement. */
    public interface Implementation {
        Executable compile(Backend backend, Program program);

        Program decompose(Backend backend, Program program);

        Buffer execute(Backend backend, Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs);

        Set<Primitive> decomposedOnThisThread();

        List<Buffer> runPmap(Backend backend, Params.Pmap params, List<Buffer> inputs);
    }

    /** Called once, by Kiln's compiler as it is loaded. */
    public static void install(Implementation implementation) {
        synchronized (Lowering.class) {
            if (installed != null) {
                throw new IllegalStateException("Kiln's compiler is already installed");
            }
            installed = implementation;
        }
    }

    private static Implementation implementation() {
        Implementation i = installed;
        if (i == null) {
            try {
                Class.forName(IMPLEMENTATION, true, Lowering.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("Kiln's compiler (" + IMPLEMENTATION + ") is missing from kiln-spi", e);
            }
            i = installed;
        }
        return i;
    }

    /**
     * {@link Backend#compile}'s default: decomposes the primitives {@code backend} does not claim,
     * plans fused kernels and compiles each with {@link Backend#compileKernel}.
     */
    public static Executable compile(Backend backend, Program program) {
        return implementation().compile(backend, program);
    }

    /**
     * {@code program} with every equation whose primitive {@code backend} does not claim replaced by
     * that primitive's decomposition into core primitives (the same program when there is none).
     * Sub-programs of control flow are left as they are; they run through {@link #execute}.
     */
    public static Program decompose(Backend backend, Program program) {
        return implementation().decompose(backend, program);
    }

    /**
     * Applies {@code primitive} on {@code backend}: {@link Backend#execute} where the backend claims
     * it for these operands, its decomposition otherwise.
     *
     * @throws UnsupportedPrimitiveException when the backend lacks a core primitive the computation
     *     needs
     */
    public static Buffer execute(
            Backend backend, Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs) {
        int k = claimOperand(primitive, inputs.size());
        DType claim = k < 0 ? out.dtype() : inputs.get(k).spec().dtype();
        if (backend.implementsNatively(primitive, claim)) {
            return backend.execute(primitive, params, out, inputs);
        }
        return implementation().execute(backend, primitive, params, out, inputs);
    }

    /**
     * The dtype a claim is made for ({@link Backend#implementsNatively}): the first operand's, the
     * value operands' for {@code select}, the output's for primitives without operands.
     */
    public static DType claimDType(Primitive primitive, ArraySpec out, List<ArraySpec> operands) {
        int k = claimOperand(primitive, operands.size());
        return k < 0 ? out.dtype() : operands.get(k).dtype();
    }

    private static int claimOperand(Primitive primitive, int operands) {
        return operands == 0 ? -1 : primitive == Primitive.SELECT ? 1 : 0;
    }

    /**
     * Runs a {@link Primitive#PMAP} equation of a program that {@code backend} runs: its operands are
     * split over the equation's devices, its body runs on each of them at once (compiled once), and
     * the outputs come back as buffers of {@code backend}. Kiln's interpreters call it for that
     * primitive, so a backend's {@code compile} need not know it.
     */
    public static List<Buffer> runPmap(Backend backend, Params.Pmap params, List<Buffer> inputs) {
        return implementation().runPmap(backend, params, inputs);
    }

    /**
     * The primitives decomposed on this thread since it started (or since the set was last read and
     * cleared through {@link #takeDecomposedOnThisThread}); the conformance suite uses it to mark
     * results that came from decompositions.
     */
    public static Set<Primitive> takeDecomposedOnThisThread() {
        return implementation().decomposedOnThisThread();
    }
}
