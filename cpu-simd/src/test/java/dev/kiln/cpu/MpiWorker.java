package dev.kiln.cpu;

import dev.kiln.Array;
import dev.kiln.DType;
import dev.kiln.DeviceException;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.PmapOptions;
import java.util.List;
import java.util.function.Function;

/**
 * One process of the multi-process tests ({@link MpiJobTest} starts it under {@code mpirun}): joins the
 * job, checks the global device list, and runs every collective with pmap across the processes,
 * comparing each result with the same function under vmap (computed in this process alone). Prints
 * one line per check; exits non-zero on the first failure.
 */
public final class MpiWorker {
    private MpiWorker() {}

    public static void main(String[] args) {
        String scenario = System.getProperty("mpiworker.scenario", "collectives");
        switch (scenario) {
            case "uninitialized" -> {
                try {
                    Kiln.pmap((Array a) -> Lax.psum(a, "i"), "i").apply(Np.ones(1, 2));
                    say("FAIL pmap ran without initialize");
                    System.exit(1);
                } catch (DeviceException e) {
                    say("OK refused: " + e.getMessage());
                }
            }
            case "die" -> {
                Kiln.distributed().initialize();
                if (Kiln.processIndex() == 1) {
                    throw new IllegalStateException("process 1 fails on purpose");
                }
                // process 0 waits in a collective that process 1 never joins
                int n = Kiln.devices(Kiln.defaultBackend().name()).size();
                Kiln.pmap((Array a) -> Lax.psum(a, "i"), "i").apply(Np.ones(n, 3));
                say("FAIL process 0 finished a collective without process 1");
            }
            default -> collectives();
        }
    }

    private static void collectives() {
        Kiln.distributed().initialize();
        int rank = Kiln.processIndex();
        int size = Kiln.processCount();
        check(rank == Integer.parseInt(System.getenv("OMPI_COMM_WORLD_RANK")), "processIndex " + rank);
        check(size == Integer.parseInt(System.getenv("OMPI_COMM_WORLD_SIZE")), "processCount " + size);
        int local = Kiln.defaultBackend().devices().size();
        List<dev.kiln.spi.Device> all = Kiln.devices(Kiln.defaultBackend().name());
        check(all.size() == size * local, "devices " + all);
        for (int i = 0; i < all.size(); i++) {
            check(
                    all.get(i).process() == i / local,
                    "device " + i + " is process " + all.get(i).process() + "'s");
        }
        int n = all.size();
        Array x = Np.arange(n * 2 * n)
                .astype(DType.FLOAT32)
                .reshape(n, 2 * n)
                .multiply(0.5f)
                .subtract(3f);
        compare("psum", x, a -> Lax.psum(a, "i"));
        compare("pmean", x, a -> Lax.pmean(a, "i"));
        compare("pmax", x, a -> Lax.pmax(a, "i"));
        compare("pmin", x, a -> Lax.pmin(a, "i"));
        compare("allGather", x, a -> Lax.allGather(a, "i"));
        compare("allGather tiled", x, a -> Lax.allGather(a, "i", 0, true));
        compare("psumScatter tiled", x, a -> Lax.psumScatter(a, "i", 0, true));
        compare("psumScatter", x, a -> Lax.psumScatter(a.reshape(n, 2), "i", 0, false));
        compare("ppermute", x, a -> Lax.ppermute(a, "i", shift(n)));
        // a partial permutation: the first and last devices swap, the others receive zeros
        compare("ppermute partial", x, a -> Lax.ppermute(a, "i", new int[][] {{0, n - 1}, {n - 1, 0}}));
        compare("ppermute within processes", x, a -> Lax.ppermute(a, "i", pairs(n)));
        compare("allToAll", x, a -> Lax.allToAll(a.reshape(n, 2), "i", 0, 1));
        compare("axisIndex", x, a -> a.multiply(0).add(Lax.axisIndex("i").astype(DType.FLOAT32)));
        compare("int32 psum", x.astype(DType.INT32), a -> Lax.psum(a, "i"));
        compare("float64 pmax", x.astype(DType.FLOAT64), a -> Lax.pmax(a, "i"));
        compare("grad through psum", x, Kiln.grad((Array a) -> Np.sum(Np.sin(Lax.psum(a.multiply(a), "i")))));
        // under jit and grad, pmap stays a pmap over every process's devices
        Function<Array, Array> body = a -> Np.multiply(Lax.psum(Np.sin(a), "i"), a);
        check(
                close(
                        Kiln.vmap(body, "i").apply(x),
                        Kiln.jit(Kiln.pmap(body, "i")).apply(x)),
                "jit(pmap f) across processes");
        Function<Array, Array> lossP = a -> Np.sum(Kiln.pmap(body, "i").apply(a));
        Function<Array, Array> lossV = a -> Np.sum(Kiln.vmap(body, "i").apply(a));
        check(close(Kiln.grad(lossV).apply(x), Kiln.grad(lossP).apply(x)), "grad(pmap f) across processes");
        // large enough for MPI to work on the arrays where they lie in the heap (Mpi.HEAP_PATH_BYTES)
        Array big =
                Np.arange(n * 524_289).astype(DType.FLOAT32).reshape(n, 524_289).multiply(0.25f);
        compare("psum large", big, a -> Lax.psum(a, "i"));
        compare("float64 pmax large", big.astype(DType.FLOAT64), a -> Lax.pmax(a, "i"));
        compare("int32 psum large", big.astype(DType.INT32), a -> Lax.psum(a, "i"));
        Array placed = Kiln.pmap((Array a) -> a, "i").apply(big);
        Array summed = Kiln.pmap((Array a) -> Lax.psum(a, "i"), "i").apply(placed);
        check(close(Kiln.vmap((Array a) -> Lax.psum(a, "i"), "i").apply(big), summed), "psum large of shards");
        check(close(big, placed), "psum large left the shards it summed alone");
        // donated shards: with one device per process MPI reduces each shard where it lies
        Array donatedArg = Kiln.pmap((Array a) -> a, "i").apply(big);
        Array donatedSum = Kiln.pmap(
                        (Array a) -> Lax.psum(a, "i"), PmapOptions.axisName("i").donate())
                .apply(donatedArg);
        if (local == 1) {
            check(
                    donatedSum.shards().get(rank).buffer()
                            == donatedArg.shards().get(rank).buffer(),
                    "a donated shard is reduced in place and becomes the result");
        }
        check(
                close(Kiln.vmap((Array a) -> Lax.psum(a, "i"), "i").apply(big), donatedSum),
                "psum large of donated shards");
        Array twice = Kiln.pmap(
                        (Array a, Array b) -> Lax.psum(a, "i").add(b),
                        PmapOptions.axisName("i").donate())
                .apply(placed, placed);
        check(
                close(Kiln.vmap((Array a) -> Lax.psum(a, "i").add(a), "i").apply(big), twice),
                "donated shard passed twice");
        // a sharded result feeds the next pmap
        Array y = Kiln.pmap((Array a) -> a.multiply(2), "i").apply(x);
        Array z = Kiln.pmap((Array a) -> Lax.psum(a, "i"), "i").apply(y);
        Array want = Kiln.vmap((Array a) -> Lax.psum(a.multiply(2), "i"), "i").apply(x);
        check(close(want, z), "pmap of a sharded pmap result");
        Kiln.distributed().barrier();
        say("DONE process " + rank + " of " + size);
    }

    /** Neighbours 2k and 2k+1 swap: with two devices per process every pair stays inside one. */
    private static int[][] pairs(int n) {
        int[][] p = new int[n - n % 2][];
        for (int j = 0; j + 1 < n; j += 2) {
            p[j] = new int[] {j, j + 1};
            p[j + 1] = new int[] {j + 1, j};
        }
        return p;
    }

    private static int[][] shift(int n) {
        int[][] p = new int[n][];
        for (int j = 0; j < n; j++) {
            p[j] = new int[] {j, (j + 1) % n};
        }
        return p;
    }

    private static void compare(String what, Array x, Function<Array, Array> f) {
        Array got = Kiln.pmap(f, PmapOptions.axisName("i")).apply(x);
        Array want = Kiln.vmap(f, "i").apply(x);
        check(close(want, got), what + ": pmap across processes " + got + " vs vmap " + want);
    }

    private static boolean close(Array a, Array b) {
        if (!java.util.Arrays.equals(a.shape(), b.shape()) || a.dtype() != b.dtype()) {
            return false;
        }
        double[] x = a.astype(DType.FLOAT64).toDoubleArray();
        double[] y = b.astype(DType.FLOAT64).toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i] - y[i]) > 1e-5 * (1 + Math.abs(x[i]))) {
                return false;
            }
        }
        return true;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            say("FAIL " + what);
            Kiln.distributed().abort("check failed: " + what, 3);
        }
        say("OK " + what.split(":")[0]);
    }

    private static void say(String line) {
        // one write per line, so lines of different processes do not interleave
        System.out.print("[" + Kiln.processIndex() + "] " + line + "\n");
        System.out.flush();
    }
}
