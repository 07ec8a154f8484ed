/* The baseline for Kiln's psum over MPI: MPI_Allreduce (float sum) of 1, 16 and 64 MB, each timed
 * iteration between barriers, after the same number of untimed warm-up iterations as the Kiln program;
 * prints the median and the minimum. Arguments: timed iterations (20), warm-up iterations (5).
 * Built by run-psum.sh with mpicc. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    int provided, rank, size;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int mbs[] = {1, 16, 64};
    int iters0 = argc > 1 ? atoi(argv[1]) : 20;
    int warmup0 = argc > 2 ? atoi(argv[2]) : 5;
    for (int m = 0; m < 3; m++) {
        int n = mbs[m] * (1 << 18);
        int scale = mbs[m] < 16 ? 16 / mbs[m] : 1;
        int iters = iters0 * scale, warmup = warmup0 * scale;
        float *in = malloc(sizeof(float) * n), *out = malloc(sizeof(float) * n);
        for (int i = 0; i < n; i++) in[i] = (float)(rank + 1);
        double *t = malloc(sizeof(double) * iters);
        for (int k = -warmup; k < iters; k++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double t0 = MPI_Wtime();
            MPI_Allreduce(in, out, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
            if (k >= 0) t[k] = MPI_Wtime() - t0;
        }
        qsort(t, iters, sizeof(double), cmp);
        if (rank == 0)
            printf("C MPI_Allreduce %2d MB: median %8.3f ms  min %8.3f ms (check %.0f)\n", mbs[m], t[iters / 2] * 1e3,
                   t[0] * 1e3, out[n - 1]);
        fflush(stdout);
        free(in); free(out); free(t);
    }
    MPI_Finalize();
    return 0;
}
