package dev.kiln.examples;

import dev.kiln.Array;
import dev.kiln.Kiln;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.PmapOptions;
import dev.kiln.Tree;
import dev.kiln.examples.DigitsMlp.Batch;
import dev.kiln.examples.DigitsMlp.Params;
import dev.kiln.spi.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Data-parallel training of {@link DigitsMlp}'s model with {@code pmap}: every device holds the
 * parameters, takes an equal slice of each global batch, computes the gradient of its slice's mean
 * loss and averages the gradients over devices with {@code Lax.pmean}, so every device applies the
 * same SGD update. The parameters after training are the same, up to float32 rounding, on one device,
 * on several CPU devices ({@code -Dkiln.cpu.devices=N}) and on several processes started by {@code
 * mpirun} (each with its devices).
 *
 * <p>Run: {@code java ... dev.kiln.examples.DataParallelMlp [steps] [devices] [params-out-file]}
 * ({@code -Ddataparallel.hidden=N} for a wider hidden layer); under
 * {@code mpirun} it joins the job and uses every process's devices.
 */
public final class DataParallelMlp {
    static final int GLOBAL_BATCH = 128;
    static final float LEARNING_RATE = 0.2f;

    private DataParallelMlp() {}

    /**
     * Whether the gradients are averaged with one collective for all of them ({@code Lax.pmeanTree}, the
     * default) or one per leaf ({@code -Ddataparallel.pmean=leaf}, for comparing the two); read when
     * the step is traced.
     */
    private static boolean perLeaf() {
        return "leaf".equals(System.getProperty("dataparallel.pmean"));
    }

    /** One device's step: its slice's gradient, averaged over the devices, then SGD. */
    static Params step(Params p, Batch b) {
        Params g = Kiln.grad((Params q) -> DigitsMlp.loss(q, b)).apply(p);
        Params mean = perLeaf() ? Tree.map(a -> Lax.pmean(a, "batch"), g) : Lax.pmeanTree(g, "batch");
        return Tree.map((w, gi) -> w.subtract(gi.multiply(LEARNING_RATE)), p, mean);
    }

    /** What training returns: the parameters, the last global batch's loss and the mean step time. */
    public record Result(Params params, double loss, double stepMillis, int devices) {}

    /** Trains for {@code steps} steps over {@code devices}, the same data and order whatever the devices. */
    public static Result train(int steps, List<Device> devices, PrintStream out) {
        return train(steps, devices, DigitsMlp.HIDDEN, out);
    }

    /** The data-parallel step over {@code devices}: parameters whole to each, the batch split on axis 0. */
    static BiFunction<Params, Batch, Params> pmapStep(List<Device> devices) {
        return Kiln.pmap(
                DataParallelMlp::step,
                PmapOptions.axisName("batch")
                        .inAxes(null, null, null, null, 0, 0)
                        .outAxes(null)
                        .devices(devices));
    }

    /** {@code size} examples drawn with replacement from {@code rows}, shaped (devices, size / devices, ...). */
    static Batch sample(SplittableRandom rng, int rows, Array x, Array y, int size, int devices) {
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = rng.nextInt(rows);
        }
        Array ix = Np.array(idx);
        int per = size / devices;
        return new Batch(
                Np.take(x, ix, 0).reshape(devices, per, x.shape()[1]),
                Np.take(y, ix, 0).reshape(devices, per));
    }

    /** {@link #train(int, List, PrintStream)} with a hidden layer of {@code hidden} units. */
    public static Result train(int steps, List<Device> devices, int hidden, PrintStream out) {
        int d = devices.size();
        if (GLOBAL_BATCH % d != 0) {
            throw new IllegalArgumentException(
                    "the global batch of " + GLOBAL_BATCH + " must split evenly over " + d + " devices");
        }
        float[][] data = DigitsMlp.load();
        Array x = features(data);
        Array y = labels(data);
        SplittableRandom rng = new SplittableRandom(0);
        Params params = new Params(
                glorot(rng, 64, hidden),
                Np.zeros(hidden),
                glorot(rng, hidden, DigitsMlp.CLASSES),
                Np.zeros(DigitsMlp.CLASSES));
        // parameters go whole to every device (null: not mapped); the batch is split on axis 0
        BiFunction<Params, Batch, Params> pstep = pmapStep(devices);
        int perDevice = GLOBAL_BATCH / d;
        if (out != null) {
            out.printf(
                    "  %d device%s (%s), %d examples per device per step%n", d, d == 1 ? "" : "s", devices, perDevice);
        }
        long timed = 0;
        int counted = 0;
        for (int s = 0; s < steps; s++) {
            Batch b = sample(rng, data.length, x, y, GLOBAL_BATCH, d);
            long t0 = System.nanoTime();
            params = pstep.apply(params, b);
            params.b2().toHost(); // wait for the result
            if (s >= Math.min(5, steps / 2)) { // the first steps compile and warm up
                timed += System.nanoTime() - t0;
                counted++;
            }
        }
        Batch all = new Batch(x, y);
        double loss = DigitsMlp.loss(params, all).item();
        double ms = counted == 0 ? Double.NaN : timed / 1e6 / counted;
        if (out != null) {
            out.printf(
                    "  after %d steps: loss %.4f on all %d digits, %.2f ms per step%n", steps, loss, data.length, ms);
        }
        return new Result(params, loss, ms, d);
    }

    /** The parameters as one float vector (w1, b1, w2, b2), for comparing runs. */
    public static float[] flat(Params p) {
        List<Array> leaves = Tree.leaves(p);
        int n = leaves.stream().mapToInt(Array::size).sum();
        float[] out = new float[n];
        int k = 0;
        for (Array a : leaves) {
            float[] v = a.toFloatArray();
            System.arraycopy(v, 0, out, k, v.length);
            k += v.length;
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        Kiln.distributed().initialize(); // joins the processes under mpirun; one process otherwise
        List<Device> all = Kiln.devices(Kiln.defaultBackend().name());
        int want = args.length > 1 ? Integer.parseInt(args[1]) : all.size();
        List<Device> devices = all.subList(0, Math.min(want, all.size()));
        PrintStream out = Kiln.processIndex() == 0 ? System.out : null;
        if (out != null) {
            out.printf(
                    "data-parallel digits MLP: %d process%s%n",
                    Kiln.processCount(), Kiln.processCount() == 1 ? "" : "es");
        }
        // -Ddataparallel.hidden=N: a wider hidden layer (the default is the digits MLP's 64 units), to see
        // the step time when there is more arithmetic per step
        int hidden = Integer.getInteger("dataparallel.hidden", DigitsMlp.HIDDEN);
        Result r = train(steps, devices, hidden, out);
        if (args.length > 2 && Kiln.processIndex() == 0) {
            float[] v = flat(r.params());
            StringBuilder sb = new StringBuilder();
            for (float f : v) {
                sb.append(Float.toHexString(f)).append('\n');
            }
            Files.writeString(Path.of(args[2]), sb.toString());
        }
    }

    private static Array features(float[][] data) {
        float[] x = new float[data.length * 64];
        for (int i = 0; i < data.length; i++) {
            for (int j = 0; j < 64; j++) {
                x[i * 64 + j] = data[i][j] / 16f;
            }
        }
        return Np.array(x, data.length, 64);
    }

    private static Array labels(float[][] data) {
        int[] y = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            y[i] = (int) data[i][64];
        }
        return Np.array(y);
    }

    private static Array glorot(SplittableRandom rng, int fanIn, int fanOut) {
        float[] w = new float[fanIn * fanOut];
        double scale = Math.sqrt(2.0 / (fanIn + fanOut));
        for (int i = 0; i < w.length; i++) {
            double u = 1 - rng.nextDouble();
            double v = rng.nextDouble();
            w[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * scale);
        }
        return Np.array(w, fanIn, fanOut);
    }

    static String describe(float[] v) {
        return Arrays.toString(Arrays.copyOf(v, 4));
    }
}
