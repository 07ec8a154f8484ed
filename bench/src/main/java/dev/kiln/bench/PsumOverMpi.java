package dev.kiln.bench;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.PmapOptions;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Kiln's {@code psum} across the processes of an {@code mpirun} job (one device each), timed like
 * {@code mpi/allreduce.c}: 1, 16 and 64 MB of float32, each timed call between barriers, after as
 * many untimed warm-up calls as the C program makes; prints the median and the minimum. Arguments:
 * timed calls (20), warm-up calls (5), both multiplied by 16 / MB below 16 MB (short calls need more
 * of them to be seen past the noise, and the JIT needs them to compile the path), sizes in MB
 * ("1,16,64"). Run by {@code mpi/run-psum.sh},
 * next to the C program, in the same job setup. Each size is timed twice: as a plain {@code psum}, which
 * leaves its argument alone (the result is a new array: a copy of the argument that MPI reduces in
 * place), and with the argument donated ({@link PmapOptions#donate()}: MPI reduces the argument's own
 * array, which becomes the result, as an {@code MPI_IN_PLACE} C program would); the donated argument is
 * placed afresh before each call, outside the timed part.
 */
public final class PsumOverMpi {
    private PsumOverMpi() {}

    public static void main(String[] args) {
        int iters0 = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Kiln.distributed().initialize();
        int rank = Kiln.processIndex();
        int p = Kiln.processCount();
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
        for (int mb : sizes) {
            int n = mb << 18;
            int scale = mb < 16 ? 16 / mb : 1;
            int iters = iters0 * scale;
            int warmup = warmup0 * scale;
            // every process's row, placed once on its device (the timed calls take the shards as they are)
            Array ones = Np.ones(p, n);
            Array x = place.apply(ones);
            for (boolean donate : new boolean[] {false, true}) {
                double[] t = new double[iters];
                Array out = null;
                for (int k = -warmup; k < iters; k++) {
                    Array arg = donate ? place.apply(ones) : x;
                    Kiln.distributed().barrier();
                    long t0 = System.nanoTime();
                    out = (donate ? donated : psum).apply(arg);
                    if (k >= 0) {
                        t[k] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                Arrays.sort(t);
                float check = out.toFloatArray()[n - 1];
                if (rank == 0) {
                    System.out.print(String.format(
                            "Kiln psum%s %2d MB: median %8.3f ms  min %8.3f ms (check %.0f)%n",
                            donate ? " donated" : "        ", mb, t[iters / 2], t[0], check));
                    System.out.flush();
                }
            }
        }
    }
}
