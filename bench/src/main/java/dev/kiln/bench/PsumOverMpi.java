package dev.kiln.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.PmapOptions;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Kiln's {@code psum} across the processes of an {@code mpirun} job (one device each), timed like
 * {@code mpi/allreduce.c}: 1, 16 and 64 MB of float32, each timed call between barriers, after as
 * many untimed warm-up calls as the C program makes; prints the median and the minimum. Arguments:
 * timed calls (20), warm-up calls (5), both multiplied by 16 / MB below 16 MB (short calls need more
 * of them to be seen past the noise, and the JIT needs them to compile the path), sizes in MB
 * ("1,16,64"). Run by {@code mpi/run-psum.sh}, next to the C program, in the same job setup.
 *
 * <p>Three calls are timed in every round, in an order that rotates from round to round, so that they
 * share the machine's conditions:
 *
 * <ul>
 *   <li>{@code FFM}: {@code MPI_Allreduce} called directly through {@code java.lang.foreign} on two
 *       native buffers allocated once, as the C program calls it: the floor for any Java program in
 *       this JVM, which separates Kiln's own overhead from what running in a JVM costs next to a C
 *       process (its other threads on the same cores, for one);
 *   <li>a plain {@code psum}, which leaves its argument alone (the result is a new array: a copy of
 *       the argument that MPI reduces in place);
 *   <li>a donated {@code psum} ({@link PmapOptions#donate()}: MPI reduces the argument's own array,
 *       which becomes the result, as an {@code MPI_IN_PLACE} C program would); the donated argument
 *       is placed afresh before each call, outside the timed part.
 * </ul>
 */
public final class PsumOverMpi {
    private PsumOverMpi() {}

    /** MPI_Allreduce (float, sum, world) through FFM on native memory; Kiln has already loaded and initialised libmpi. */
    private static final class Ffm {
        private final MethodHandle allreduce;
        private final MemorySegment world;
        private final MemorySegment floatType;
        private final MemorySegment sum;

        Ffm() {
            SymbolLookup mpi = SymbolLookup.libraryLookup("libmpi.so.40", Arena.global());
            Linker linker = Linker.nativeLinker();
            allreduce = linker.downcallHandle(
                    mpi.findOrThrow("MPI_Allreduce"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
            world = mpi.findOrThrow("ompi_mpi_comm_world");
            floatType = mpi.findOrThrow("ompi_mpi_float");
            sum = mpi.findOrThrow("ompi_mpi_op_sum");
        }

        void run(MemorySegment in, MemorySegment out, int n) {
            try {
                int rc = (int) allreduce.invokeExact(in, out, n, floatType, sum, world);
                if (rc != 0) {
                    throw new IllegalStateException("MPI_Allreduce returned " + rc);
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    public static void main(String[] args) {
        int iters0 = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Kiln.distributed().initialize();
        int rank = Kiln.processIndex();
        int p = Kiln.processCount();
        Ffm ffm = new Ffm();
        Function<Array, Array> psum = Kiln.pmap(
                (Array a) -> Lax.psum(a, "p"), PmapOptions.axisName("p").outAxes(null));
        Function<Array, Array> donated = Kiln.pmap(
                (Array a) -> Lax.psum(a, "p"),
                PmapOptions.axisName("p").outAxes(null).donate());
        Function<Array, Array> place = Kiln.pmap((Array a) -> a, "p");
        int warmup0 = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int[] sizes = args.length > 2
                ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 16, 64};
        String[] names = {"FFM MPI_Allreduce", "Kiln psum        ", "Kiln psum donated"};
        for (int mb : sizes) {
            int n = mb << 18;
            int scale = mb < 16 ? 16 / mb : 1;
            int iters = iters0 * scale;
            int warmup = warmup0 * scale;
            // every process's row, placed once on its device (the timed calls take the shards as they are)
            Array ones = Np.ones(p, n);
            Array x = place.apply(ones);
            float[] checks = new float[names.length];
            double[][] t = new double[names.length][iters];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment in = arena.allocate(4L * n, 64);
                MemorySegment out = arena.allocate(4L * n, 64);
                in.fill((byte) 0);
                for (long i = 0; i < n; i++) {
                    in.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, 1f);
                }
                out.fill((byte) 0); // touched before timing, as C's buffers are after its warm-up
                for (int k = -warmup; k < iters; k++) {
                    for (int j = 0; j < names.length; j++) {
                        int m = Math.floorMod(j + k, names.length); // each takes each place in turn
                        Array arg = m == 2 ? place.apply(ones) : x;
                        Kiln.distributed().barrier();
                        long t0 = System.nanoTime();
                        Array r = null;
                        switch (m) {
                            case 0 -> ffm.run(in, out, n);
                            case 1 -> r = psum.apply(arg);
                            default -> r = donated.apply(arg);
                        }
                        long t1 = System.nanoTime();
                        if (k >= 0) {
                            t[m][k] = (t1 - t0) / 1e6;
                        }
                        if (k == iters - 1) {
                            checks[m] = r == null
                                    ? out.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, n - 1)
                                    : r.toFloatArray()[n - 1];
                        }
                    }
                }
            }
            if (rank == 0) {
                StringBuilder sb = new StringBuilder();
                double floor = median(t[0]);
                for (int m = 0; m < names.length; m++) {
                    double[] s = t[m].clone();
                    Arrays.sort(s);
                    sb.append(String.format(
                            "%s %2d MB: median %8.3f ms  min %8.3f ms (check %.0f)%s%n",
                            names[m],
                            mb,
                            s[iters / 2],
                            s[0],
                            checks[m],
                            m == 0 ? "" : String.format("  median / FFM's %.2f", s[iters / 2] / floor)));
                }
                System.out.print(sb);
                System.out.flush();
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
