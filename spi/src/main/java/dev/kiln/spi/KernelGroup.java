package dev.kiln.spi;

import dev.kiln.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Fused kernels that run one after another over the same rows, where each reads what the earlier
 * ones wrote only at its own rows: row softmax (the row maxima, then the exponentials and their
 * sums, then the quotients) and layer norm are such chains. Every kernel's space starts with the
 * {@code rowAxes} row axes (the same sizes in each, never reduced), and the rows of a kernel's
 * inputs and outputs are contiguous blocks, so a backend may run the whole chain one block of rows
 * at a time and read each row from memory once, the later kernels finding it in cache.
 *
 * <p>Kernel {@code k}'s input {@code i} is {@code wiring.get(k).get(i)}: an input of the group, or
 * an output of an earlier kernel. The group's results are every kernel's outputs, kernel by kernel.
 * {@link Backend#compileKernelGroup}'s default runs the kernels in order, each as compiled by
 * {@link Backend#compileKernel}, which is always correct.
 */
public record KernelGroup(int rowAxes, int inputs, List<FusedKernel> kernels, List<List<Source>> wiring) {

    /** Where a kernel's input comes from. */
    public sealed interface Source {
        /** The group's input {@code index}. */
        record Input(int index) implements Source {}

        /** Output {@code output} of the group's kernel {@code kernel} (an earlier one). */
        record Output(int kernel, int output) implements Source {}
    }

    public KernelGroup {
        kernels = List.copyOf(kernels);
        List<List<Source>> w = new ArrayList<>(wiring.size());
        for (List<Source> s : wiring) {
            w.add(List.copyOf(s));
        }
        wiring = List.copyOf(w);
        String problem = problem(rowAxes, inputs, kernels, wiring);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The row shape: the leading {@code rowAxes} sizes of every kernel's space. */
    public int[] rowShape() {
        return Arrays.copyOf(kernels.get(0).space(), rowAxes);
    }

    /** The number of rows. */
    public int rows() {
        return Shape.size(rowShape());
    }

    /** The number of results: every kernel's outputs. */
    public int results() {
        return kernels.stream().mapToInt(k -> k.outputs().size()).sum();
    }

    /**
     * The group run kernel by kernel: {@code compiled.get(k)} runs kernel {@code k}. The result takes
     * the group's inputs and returns its results.
     */
    public CompiledKernel inSequence(List<CompiledKernel> compiled) {
        if (compiled.size() != kernels.size()) {
            throw new IllegalArgumentException(
                    "one compiled kernel per kernel of the group: " + kernels.size() + ", got " + compiled.size());
        }
        List<CompiledKernel> c = List.copyOf(compiled);
        return in -> {
            List<List<Buffer>> outs = new ArrayList<>(c.size());
            List<Buffer> all = new ArrayList<>(results());
            for (int k = 0; k < c.size(); k++) {
                List<Buffer> args = new ArrayList<>(wiring.get(k).size());
                for (Source s : wiring.get(k)) {
                    args.add(
                            switch (s) {
                                case Source.Input g -> in.get(g.index());
                                case Source.Output o -> outs.get(o.kernel()).get(o.output());
                            });
                }
                List<Buffer> r = c.get(k).run(args);
                outs.add(r);
                all.addAll(r);
            }
            return all;
        };
    }

    /**
     * Whether input or output strides {@code strides} (over a kernel's space) with {@code offset}
     * put row {@code r} (the row axes flattened) at elements {@code [r·w, (r+1)·w)} of a buffer of
     * {@code size} elements, where {@code w = size / rows}.
     */
    static boolean rowBlocked(int[] space, int rowAxes, int[] strides, int offset, int size) {
        int rows = Shape.size(Arrays.copyOf(space, rowAxes));
        if (offset != 0 || rows == 0 || size % rows != 0) {
            return false;
        }
        long expect = size / rows;
        for (int d = rowAxes - 1; d >= 0; d--) {
            if (space[d] != 1 && strides[d] != expect) {
                return false;
            }
            expect *= space[d];
        }
        return true;
    }

    /** Whether the group's row structure holds for {@code kernels} (the rules in the class comment). */
    public static boolean fits(int rowAxes, List<FusedKernel> kernels, List<List<Source>> wiring) {
        return problem(rowAxes, -1, kernels, wiring) == null;
    }

    /** What breaks the group's row structure, or null when it holds; {@code inputs} is -1 when not known yet. */
    private static String problem(int rowAxes, int inputs, List<FusedKernel> kernels, List<List<Source>> wiring) {
        if (kernels.size() < 2 || wiring.size() != kernels.size()) {
            return "a kernel group has at least two kernels and one wiring list for each";
        }
        int[] rows = null;
        for (int k = 0; k < kernels.size(); k++) {
            FusedKernel kernel = kernels.get(k);
            int[] space = kernel.space();
            if (rowAxes < 1 || space.length < rowAxes || kernel.root() instanceof FusedKernel.Root.Matmul) {
                return "kernel " + k + " has no " + rowAxes + " row axes: " + kernel.root();
            }
            int[] r = Arrays.copyOf(space, rowAxes);
            if (rows == null) {
                rows = r;
            } else if (!Arrays.equals(rows, r)) {
                return "kernel " + k + " has rows " + Arrays.toString(r) + ", not " + Arrays.toString(rows);
            }
            for (int a : kernel.reducedAxes()) {
                if (a < rowAxes) {
                    return "kernel " + k + " reduces row axis " + a;
                }
            }
            for (FusedKernel.Output o : kernel.outputs()) {
                if (!rowBlocked(
                        space, rowAxes, o.strides(), o.offset(), o.spec().size())) {
                    return "kernel " + k + " writes an output whose rows are not blocks";
                }
            }
            List<Source> w = wiring.get(k);
            if (w.size() != kernel.inputs().size()) {
                return "kernel " + k + " has " + kernel.inputs().size() + " inputs, wired " + w.size();
            }
            for (int i = 0; i < w.size(); i++) {
                FusedKernel.Input in = kernel.inputs().get(i);
                switch (Objects.requireNonNull(w.get(i))) {
                    case Source.Input g -> {
                        if (g.index() < 0 || (inputs >= 0 && g.index() >= inputs)) {
                            return "kernel " + k + " reads group input " + g.index();
                        }
                    }
                    case Source.Output o -> {
                        if (o.kernel() < 0
                                || o.kernel() >= k
                                || o.output() < 0
                                || o.output()
                                        >= kernels.get(o.kernel()).outputs().size()) {
                            return "kernel " + k + " reads " + o + ", not an earlier output";
                        }
                        FusedKernel.Output from =
                                kernels.get(o.kernel()).outputs().get(o.output());
                        if (!from.spec().equals(in.spec())
                                || !rowBlocked(
                                        space,
                                        rowAxes,
                                        in.strides(),
                                        in.offset(),
                                        in.spec().size())) {
                            return "kernel " + k + " reads " + o + " outside its own rows";
                        }
                    }
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(
                "group of " + kernels.size() + " kernels over rows " + Arrays.toString(rowShape()) + "\n");
        for (int k = 0; k < kernels.size(); k++) {
            b.append("  [")
                    .append(k)
                    .append("] ")
                    .append(kernels.get(k).toString().stripTrailing().replace("\n", "\n      "))
                    .append('\n');
            b.append("      wired ").append(wiring.get(k)).append('\n');
        }
        return b.toString();
    }
}
