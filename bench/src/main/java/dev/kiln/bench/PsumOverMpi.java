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
 * {@code mpi/allreduce.c}: 1, 16 and 64 MB of float32, median of timed calls after warm-up, each
 * between barriers. Arguments: the number of timed calls (20), and the sizes in MB ("1,16,64"). Run by {@code mpi/run-psum.sh}, next to the C program, in the same job setup.
 */
public final class PsumOverMpi {
    private PsumOverMpi() {}

    public static void main(String[] args) {
        int iters = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Kiln.distributed().initialize();
        int rank = Kiln.processIndex();
        int p = Kiln.processCount();
        Function<Array, Array> psum = Kiln.pmap(
                (Array a) -> Lax.psum(a, "p"), PmapOptions.axisName("p").outAxes(null));
        Function<Array, Array> place = Kiln.pmap((Array a) -> a, "p");
        int[] sizes = args.length > 1
                ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 16, 64};
        for (int mb : sizes) {
            int n = mb << 18;
            // every process's row, placed once on its device (the timed calls take the shards as they are)
            Array x = place.apply(Np.ones(p, n));
            double[] t = new double[iters];
            Array out = null;
            for (int k = -3; k < iters; k++) {
                Kiln.distributed().barrier();
                long t0 = System.nanoTime();
                out = psum.apply(x);
                if (k >= 0) {
                    t[k] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(t);
            float check = out.toFloatArray()[n - 1];
            if (rank == 0) {
                System.out.printf("Kiln psum       %2d MB: median %.3f ms (check %.0f)%n", mb, t[iters / 2], check);
            }
        }
    }
}
