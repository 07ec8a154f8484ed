package dev.kiln.examples;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Np;
import dev.kiln.examples.DigitsMlp.Batch;
import dev.kiln.examples.DigitsMlp.Params;
import dev.kiln.spi.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Times {@link DataParallelMlp}'s step in one process: the global batch of 128 on one device, over
 * two devices, and (for the ceiling) half the batch on one device, in alternating windows of steps,
 * each window's median step time. {@link DataParallelMlp}'s own "ms per step" is a mean that, over
 * its 60 steps, is mostly the kernels' warm-up; this reports the windows after the first half.
 *
 * <p>Run with {@code -Dkiln.cpu.devices=2}: {@code java ... dev.kiln.examples.DataParallelStepTiming
 * [windows] [steps-per-window]}. With two devices configured each has its share of the threads, so
 * "1 device" here is one thread (the step's kernels are too small to split on one device anyway).
 * {@code -Ddataparallel.hidden=N} widens the hidden layer (64 units by default), to see the split
 * when each step has more arithmetic than fixed cost.
 */
public final class DataParallelStepTiming {
    private DataParallelStepTiming() {}

    public static void main(String[] args) {
        int windows = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        int perWindow = args.length > 1 ? Integer.parseInt(args[1]) : 150;
        List<Device> all = Kiln.devices(Kiln.defaultBackend().name());
        if (all.size() < 2) {
            throw new IllegalStateException("DataParallelStepTiming needs two devices; run with -Dkiln.cpu.devices=2");
        }
        float[][] data = DigitsMlp.load();
        float[] xs = new float[data.length * 64];
        int[] ys = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            for (int j = 0; j < 64; j++) {
                xs[i * 64 + j] = data[i][j] / 16f;
            }
            ys[i] = (int) data[i][64];
        }
        Array x = Np.array(xs, data.length, 64);
        Array y = Np.array(ys);
        SplittableRandom rng = new SplittableRandom(0);
        int hidden = Integer.getInteger("dataparallel.hidden", DigitsMlp.HIDDEN);
        Params start = new Params(
                Np.array(gaussian(rng, 64 * hidden), 64, hidden),
                Np.zeros(hidden),
                Np.array(gaussian(rng, hidden * DigitsMlp.CLASSES), hidden, DigitsMlp.CLASSES),
                Np.zeros(DigitsMlp.CLASSES));
        // runs: 1 device, 2 devices, 1 device with half the batch
        int[] devices = {1, 2, 1};
        int[] batch = {DataParallelMlp.GLOBAL_BATCH, DataParallelMlp.GLOBAL_BATCH, DataParallelMlp.GLOBAL_BATCH / 2};
        List<BiFunction<Params, Batch, Params>> steps = new ArrayList<>();
        Params[] params = {start, start, start};
        for (int d : devices) {
            steps.add(DataParallelMlp.pmapStep(all.subList(0, d)));
        }
        double[][] medians = new double[windows][3];
        long[] times = new long[perWindow];
        for (int w = 0; w < windows; w++) {
            for (int r = 0; r < 3; r++) {
                int run = w % 2 == 0 ? r : 2 - r; // alternate the order, so drift does not favour one run
                int d = devices[run];
                for (int s = 0; s < perWindow; s++) {
                    Batch b = DataParallelMlp.sample(rng, data.length, x, y, batch[run], d);
                    long t0 = System.nanoTime();
                    params[run] = steps.get(run).apply(params[run], b);
                    params[run].b2().toHost(); // wait for the result
                    times[s] = System.nanoTime() - t0;
                }
                Arrays.sort(times);
                medians[w][run] = times[perWindow / 2] / 1e3;
            }
        }
        List<Double> ratio = new ArrayList<>();
        double[][] late = Arrays.copyOfRange(medians, windows / 2, windows);
        for (double[] m : late) {
            ratio.add(m[0] / m[1]);
        }
        Collections.sort(ratio);
        System.out.printf(
                "data-parallel step (hidden %d), median of the last %d windows of %d steps: 1 device %.0f µs,"
                        + " 2 devices %.0f µs, 1 device with half the batch %.0f µs%n",
                hidden, late.length, perWindow, median(late, 0), median(late, 1), median(late, 2));
        System.out.printf(
                "2 devices over 1: %.2f× (windows %.2f to %.2f); 1 device, the whole batch over half of it: %.2f× (the ceiling of the split)%n",
                ratio.get(ratio.size() / 2), ratio.getFirst(), ratio.getLast(), median(late, 0) / median(late, 2));
    }

    private static double median(double[][] rows, int column) {
        double[] v = new double[rows.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = rows[i][column];
        }
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * 0.1);
        }
        return v;
    }
}
