package dev.kiln.cpu;

import static dev.kiln.cpu.DeviceRunsProbe.count;
import static dev.kiln.cpu.DeviceRunsProbe.lastThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.DeviceException;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.PmapOptions;
import dev.kiln.VmapOptions;
import dev.kiln.conformance.Tolerance;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.spi.Device;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code pmap} under {@code jit}, {@code grad}, {@code jvp}, {@code vjp}, {@code linearize} and
 * {@code vmap} stays a {@code pmap}: its values and derivatives equal those of the same function
 * written with {@code vmap} over the axis name, on 1, 2 and 3 of cpu-simd's devices (the test JVM has
 * {@code -Dkiln.cpu.devices=4}), and Kiln's record of where pmap bodies ran ({@code
 * internal.parallel.DeviceRuns}) shows every device ran its body, on its own thread.
 */
class PmapTransformsTest {

    private static final int[] DEVICE_COUNTS = {1, 2, 3};

    private static <T> T onCpu(Supplier<T> work) {
        return Kiln.withBackend("cpu-simd", work);
    }

    private static List<Device> devices(int d) {
        List<Device> all = Kiln.devices("cpu-simd");
        assertTrue(all.size() >= 3, "the test JVM needs -Dkiln.cpu.devices>=3, has " + all);
        return all.subList(0, d);
    }

    private static long[] runs(List<Device> ds) {
        long[] out = new long[ds.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = count(ds.get(i));
        }
        return out;
    }

    /** Every device ran {@code bodies} more pmap bodies since {@code before}, the last ones on distinct threads. */
    private static void ranOnEveryDevice(List<Device> ds, long[] before, int bodies, String what) {
        Set<String> threads = new HashSet<>();
        for (int i = 0; i < ds.size(); i++) {
            assertEquals(
                    before[i] + bodies,
                    count(ds.get(i)),
                    what + ": pmap bodies run on " + ds.get(i) + " (expected " + bodies + " more)");
            threads.add(lastThread(ds.get(i)));
        }
        assertEquals(ds.size(), threads.size(), what + ": each device ran on its own thread, got " + threads);
    }

    private static void close(String what, Array want, Array got) {
        assertEquals(want.spec(), got.spec(), what + ": spec");
        double[] w = want.astype(DType.FLOAT64).toDoubleArray();
        double[] g = got.astype(DType.FLOAT64).toDoubleArray();
        Tolerance.Rule rule = Tolerance.twoWays(Tolerance.derivative(want.dtype()));
        double[] scale = Tolerance.maxMagnitude(w);
        for (int i = 0; i < w.length; i++) {
            if (!rule.accepts(want.dtype(), w[i], g[i], scale[i])) {
                fail(what + ": element " + i + " is " + g[i] + ", expected " + w[i] + " (" + rule + ")");
            }
        }
    }

    private static Array input(long seed, int... shape) {
        java.util.Random r = new java.util.Random(seed);
        double[] v = new double[dev.kiln.Shape.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() * 1.6 - 0.8;
        }
        return Np.array(v, shape);
    }

    private static boolean hasPmap(Program p) {
        for (Eqn e : p.eqns()) {
            if (e.primitive() == Primitive.PMAP) {
                return true;
            }
        }
        return false;
    }

    /** Per-member bodies with a collective each, all float64 [4] -> [4] except where said. */
    private static final List<Function<Array, Array>> BODIES = List.of(
            x -> Np.multiply(Lax.psum(Np.sin(x), "i"), x),
            x -> Np.subtract(Np.exp(x), Lax.pmean(Np.multiply(x, x), "i")),
            x -> Np.multiply(Lax.pmax(Np.add(x, Lax.axisIndex("i").astype(DType.FLOAT64)), "i"), Np.cos(x)),
            x -> Np.sum(Np.tanh(Lax.allGather(Np.multiply(x, x), "i", 0, true)).reshape(-1, 4), 0),
            x -> {
                int d = Lax.axisSize("i");
                int[][] shift = new int[d][];
                for (int j = 0; j < d; j++) {
                    shift[j] = new int[] {j, (j + 1) % d};
                }
                return Np.multiply(Lax.ppermute(Np.exp(x), "i", shift), x);
            },
            x -> {
                int d = Lax.axisSize("i");
                List<Array> parts = new ArrayList<>();
                for (int k = 0; k < d; k++) {
                    parts.add(Np.multiply(Np.sin(x), k + 1));
                }
                return Lax.psumScatter(Np.concatenate(parts, 0), "i", 0, true);
            },
            x -> {
                int d = Lax.axisSize("i");
                Array y = Lax.allToAll(Np.broadcastTo(Np.sin(x), d, 1, 4), "i", 0, 0);
                return Np.sum(Np.multiply(y, y), 0).reshape(4);
            });

    @Test
    void jitOfPmapRunsOnEveryDevice() {
        onCpu(() -> {
            for (int d : DEVICE_COUNTS) {
                List<Device> ds = devices(d);
                for (int b = 0; b < BODIES.size(); b++) {
                    Function<Array, Array> f = BODIES.get(b);
                    Array x = input(10L * d + b, d, 4);
                    Function<Array, Array> jp =
                            Kiln.jit(Kiln.pmap(f, PmapOptions.axisName("i").devices(ds)));
                    assertTrue(
                            hasPmap(Kiln.makeProgram(jp).apply(x)),
                            "jit(pmap f) keeps a pmap equation: "
                                    + Kiln.makeProgram(jp).apply(x));
                    long[] before = runs(ds);
                    Array got = jp.apply(x);
                    ranOnEveryDevice(ds, before, 1, "jit(pmap body " + b + ") over " + d);
                    close(
                            "jit(pmap body " + b + ") over " + d,
                            Kiln.vmap(f, "i").apply(x),
                            got);
                }
            }
            return null;
        });
    }

    @Test
    void gradOfPmapEqualsGradOfVmap() {
        onCpu(() -> {
            for (int d : DEVICE_COUNTS) {
                List<Device> ds = devices(d);
                for (int b = 0; b < BODIES.size(); b++) {
                    Function<Array, Array> f = BODIES.get(b);
                    Array w = input(100L + b, d, 4);
                    Function<Array, Array> mapped =
                            Kiln.pmap(f, PmapOptions.axisName("i").devices(ds));
                    Function<Array, Array> lossP = x -> Np.sum(Np.multiply(mapped.apply(x), w));
                    Function<Array, Array> lossV =
                            x -> Np.sum(Np.multiply(Kiln.vmap(f, "i").apply(x), w));
                    Array x = input(20L * d + b, d, 4);
                    String what = "grad(pmap body " + b + ") over " + d;
                    Array want = Kiln.grad(lossV).apply(x);
                    long[] before = runs(ds);
                    close(what, want, Kiln.grad(lossP).apply(x));
                    // one primal pmap and one transposed pmap, each on every device
                    ranOnEveryDevice(ds, before, 2, what);
                    before = runs(ds);
                    close("jit(" + what + ")", want, Kiln.jit(Kiln.grad(lossP)).apply(x));
                    // compiled, the primal pmap's outputs are not needed (the transposed body recomputes
                    // what it reads), so it is dropped as dead code: only the transposed pmap runs
                    ranOnEveryDevice(ds, before, 1, "jit(" + what + ")");
                }
            }
            return null;
        });
    }

    @Test
    void forwardModeAndVjpOfPmap() {
        onCpu(() -> {
            for (int d : DEVICE_COUNTS) {
                List<Device> ds = devices(d);
                Function<Array, Array> f = BODIES.get(0);
                Function<Array, Array> p =
                        Kiln.pmap(f, PmapOptions.axisName("i").devices(ds));
                Function<Array, Array> v = Kiln.vmap(f, "i");
                Array x = input(31L + d, d, 4);
                Array t = input(41L + d, d, 4);
                long[] before = runs(ds);
                Kiln.Jvp<Array> jp = Kiln.jvp(p, x, t);
                ranOnEveryDevice(ds, before, 2, "jvp(pmap f) over " + d);
                Kiln.Jvp<Array> jv = Kiln.jvp(v, x, t);
                close("jvp(pmap f) primal over " + d, jv.out(), jp.out());
                close("jvp(pmap f) tangent over " + d, jv.tangent(), jp.tangent());
                Kiln.Vjp<Array, Array> vp = Kiln.vjp(p, x);
                Kiln.Vjp<Array, Array> vv = Kiln.vjp(v, x);
                close(
                        "vjp(pmap f) over " + d,
                        vv.pullback().apply(t),
                        vp.pullback().apply(t));
                Kiln.Linearized<Array, Array> lp = Kiln.linearize(p, x);
                close("linearize(pmap f) over " + d, jv.tangent(), lp.linear().apply(t));
                // second order: the derivative of the transposed pmap is again a pmap
                Function<Array, Array> g2p = y ->
                        Np.sum(Np.sin(Kiln.grad((Array z) -> Np.sum(p.apply(z))).apply(y)));
                Function<Array, Array> g2v = y ->
                        Np.sum(Np.sin(Kiln.grad((Array z) -> Np.sum(v.apply(z))).apply(y)));
                close(
                        "grad(grad(pmap f)) over " + d,
                        Kiln.grad(g2v).apply(x),
                        Kiln.grad(g2p).apply(x));
            }
            return null;
        });
    }

    /** An unmapped argument (every device gets it whole) and an unmapped output (device 0's). */
    @Test
    void unmappedArgumentsAndOutputs() {
        onCpu(() -> {
            for (int d : DEVICE_COUNTS) {
                List<Device> ds = devices(d);
                BiFunction<Array, Array, Array> f =
                        (w, x) -> Lax.pmean(Np.sum(Np.square(Np.tanh(Np.matmul(x, w)))), "i");
                BiFunction<Array, Array, Array> p = Kiln.pmap(
                        f,
                        PmapOptions.axisName("i").inAxes(null, 0).outAxes(null).devices(ds));
                Function<Object[], Array> vf = Kiln.vmap(
                        (Object[] a) -> f.apply((Array) a[0], (Array) a[1]),
                        new VmapOptions("i", null, new Integer[] {null, 0}, 0));
                BiFunction<Array, Array, Array> v = (w, x) -> Np.take(vf.apply(new Object[] {w, x}), Np.scalar(0), 0);
                Array w = input(5L + d, 4, 3);
                Array x = input(6L + d, d, 2, 4);
                close("pmap with an unmapped output over " + d, v.apply(w, x), p.apply(w, x));
                Function<Array, Array> lossP = q -> p.apply(q, x);
                Function<Array, Array> lossV = q -> v.apply(q, x);
                long[] before = runs(ds);
                Array g = Kiln.jit(Kiln.grad(lossP)).apply(w);
                ranOnEveryDevice(ds, before, 1, "jit(grad) through an unmapped argument over " + d);
                close(
                        "grad through an unmapped argument over " + d,
                        Kiln.grad(lossV).apply(w),
                        g);
                BiFunction<Array, Array, Object> both = Kiln.grad((Array q, Array y) -> p.apply(q, y), 0, 1);
                BiFunction<Array, Array, Object> bothV = Kiln.grad((Array q, Array y) -> v.apply(q, y), 0, 1);
                Object[] gp = (Object[]) both.apply(w, x);
                Object[] gv = (Object[]) bothV.apply(w, x);
                close("grad wrt both, weights, over " + d, (Array) gv[0], (Array) gp[0]);
                close("grad wrt both, data, over " + d, (Array) gv[1], (Array) gp[1]);
            }
            return null;
        });
    }

    /**
     * Other axes in and out, a list argument, and a value the function closes over (it becomes an
     * operand every device gets whole, so its gradient is the devices' total).
     */
    @Test
    void axesPytreesAndClosures() {
        onCpu(() -> {
            for (int d : DEVICE_COUNTS) {
                List<Device> ds = devices(d);
                Function<List<Array>, Array> f =
                        xs -> Np.add(Np.multiply(Lax.psum(Np.sin(xs.get(0)), "i"), xs.get(1)), Np.cos(xs.get(1)));
                Function<List<Array>, Array> p = Kiln.pmap(
                        f, PmapOptions.axisName("i").inAxes(1).outAxes(1).devices(ds));
                Function<List<Array>, Array> v = Kiln.vmap(f, new VmapOptions("i", 1, null, 1));
                List<Array> xs = List.of(input(71L + d, 3, d), input(81L + d, 3, d));
                close(
                        "jit(pmap) with in and out axis 1 over " + d,
                        v.apply(xs),
                        Kiln.jit(p).apply(xs));
                Array w = input(91L + d, 3, d);
                Function<List<Array>, List<Array>> gp =
                        Kiln.grad((List<Array> a) -> Np.sum(Np.multiply(p.apply(a), w)));
                Function<List<Array>, List<Array>> gv =
                        Kiln.grad((List<Array> a) -> Np.sum(Np.multiply(v.apply(a), w)));
                List<Array> want = gv.apply(xs);
                long[] before = runs(ds);
                List<Array> got = gp.apply(xs);
                ranOnEveryDevice(ds, before, 2, "grad(pmap) of a list with axis 1 over " + d);
                close("grad(pmap) of a list, leaf 0, over " + d, want.get(0), got.get(0));
                close("grad(pmap) of a list, leaf 1, over " + d, want.get(1), got.get(1));
                Array x = input(101L + d, d, 4);
                Function<Array, Array> closedP = c -> Np.sum(Kiln.pmap(
                                (Array a) -> Np.multiply(Lax.pmean(Np.multiply(a, c), "i"), Np.sin(c)),
                                PmapOptions.axisName("i").devices(ds))
                        .apply(x));
                Function<Array, Array> closedV = c ->
                        Np.sum(Kiln.vmap((Array a) -> Np.multiply(Lax.pmean(Np.multiply(a, c), "i"), Np.sin(c)), "i")
                                .apply(x));
                Array c = input(111L + d, 4);
                before = runs(ds);
                Array gc = Kiln.grad(closedP).apply(c);
                ranOnEveryDevice(ds, before, 2, "grad through a value pmap's function closes over, over " + d);
                close(
                        "grad through a closed-over value over " + d,
                        Kiln.grad(closedV).apply(c),
                        gc);
            }
            return null;
        });
    }

    @Test
    void pmapOfGradAndVmapOfPmap() {
        onCpu(() -> {
            for (int d : DEVICE_COUNTS) {
                List<Device> ds = devices(d);
                Function<Array, Array> loss = x -> Np.sum(Np.multiply(Lax.psum(Np.sin(x), "i"), x));
                Array x = input(51L + d, d, 4);
                close(
                        "pmap(grad f) over " + d,
                        Kiln.vmap(Kiln.grad(loss), "i").apply(x),
                        Kiln.pmap(Kiln.grad(loss), PmapOptions.axisName("i").devices(ds))
                                .apply(x));
                Function<Array, Array> f = BODIES.get(1);
                Array xs = input(61L + d, 2, d, 4);
                long[] before = runs(ds);
                Array got = Kiln.vmap(Kiln.pmap(f, PmapOptions.axisName("i").devices(ds)))
                        .apply(xs);
                ranOnEveryDevice(ds, before, 1, "vmap(pmap f) over " + d);
                close("vmap(pmap f) over " + d, Kiln.vmap(Kiln.vmap(f, "i")).apply(xs), got);
                // a collective over the vmap's own name inside the pmap body
                Function<Array, Array> g = y -> Np.add(Lax.psum(y, "b"), Lax.psum(y, "i"));
                Array got2 = Kiln.vmap(Kiln.pmap(g, PmapOptions.axisName("i").devices(ds)), "b")
                        .apply(xs);
                close(
                        "vmap(pmap f, 'b') over " + d,
                        Kiln.vmap(Kiln.vmap(g, "i"), "b").apply(xs),
                        got2);
            }
            return null;
        });
    }

    @Test
    void errorsUnderJitNameThePmapAndTheFix() {
        onCpu(() -> {
            List<Device> one = devices(1);
            Function<Array, Array> f = x -> Lax.psum(x, "i");
            // fewer devices chosen than slices (more are fine: as JAX, the first ones are used)
            DeviceException e = assertThrows(DeviceException.class, () -> Kiln.jit(
                            Kiln.pmap(f, PmapOptions.axisName("i").devices(one)))
                    .apply(input(1, 2, 2)));
            assertTrue(
                    e.getMessage().startsWith("pmap:")
                            && e.getMessage().contains("only 1 device is chosen")
                            && e.getMessage().contains("choose more devices"),
                    e.getMessage());
            int n = Kiln.devices("cpu-simd").size() + 1;
            DeviceException g = assertThrows(DeviceException.class, () -> Kiln.grad(
                            (Array x) -> Np.sum(Kiln.pmap(f, "i").apply(x)))
                    .apply(input(2, n, 2)));
            assertTrue(g.getMessage().contains("kiln.cpu.devices=" + n), g.getMessage());
            return null;
        });
    }
}
