package dev.kiln.internal.fusion;

import dev.kiln.ir.Var;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.KernelGroup;
import dev.kiln.spi.KernelGroup.Source;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gathers runs of consecutive kernels that work row by row over the same rows into {@link
 * KernelGroup}s: a row softmax's three kernels (the maxima; the exponentials and their sums; the
 * quotients) each read only their own rows of what the one before wrote, so a backend can run all
 * three on a block of rows while it is in cache, and read the input from memory once instead of
 * three times. Each run takes as many kernels as fit, with as many row axes as all of them share.
 */
final class RowGroups {
    private RowGroups() {}

    static List<FusionPlan.Step> form(List<FusionPlan.Step> steps) {
        List<FusionPlan.Step> out = new ArrayList<>(steps.size());
        int i = 0;
        while (i < steps.size()) {
            if (!(steps.get(i) instanceof FusionPlan.KernelStep first)) {
                out.add(steps.get(i++));
                continue;
            }
            List<FusionPlan.KernelStep> run = new ArrayList<>(List.of(first));
            int rowAxes = -1;
            int j = i + 1;
            while (j < steps.size() && steps.get(j) instanceof FusionPlan.KernelStep next) {
                List<FusionPlan.KernelStep> longer = new ArrayList<>(run);
                longer.add(next);
                int r = rowAxes(longer);
                if (r < 0) {
                    break;
                }
                run = longer;
                rowAxes = r;
                j++;
            }
            if (run.size() < 2) {
                out.add(first);
                i++;
                continue;
            }
            out.add(group(run, rowAxes));
            i = j;
        }
        return out;
    }

    /** The most row axes the kernels share as a group, or -1 when they cannot form one. */
    private static int rowAxes(List<FusionPlan.KernelStep> run) {
        int rank = Integer.MAX_VALUE;
        List<FusedKernel> kernels = new ArrayList<>(run.size());
        for (FusionPlan.KernelStep k : run) {
            rank = Math.min(rank, k.kernel().rank());
            kernels.add(k.kernel());
        }
        Wiring w = wiring(run);
        for (int r = rank; r >= 1; r--) {
            if (KernelGroup.fits(r, kernels, w.sources())) {
                return r;
            }
        }
        return -1;
    }

    private record Wiring(List<Var> inputs, List<List<Source>> sources) {}

    private static Wiring wiring(List<FusionPlan.KernelStep> run) {
        Map<Var, Source.Output> written = new IdentityHashMap<>();
        Map<Var, Integer> inputIndex = new IdentityHashMap<>();
        List<Var> inputs = new ArrayList<>();
        List<List<Source>> sources = new ArrayList<>(run.size());
        for (int k = 0; k < run.size(); k++) {
            FusionPlan.KernelStep step = run.get(k);
            List<Source> s = new ArrayList<>(step.inputs().size());
            for (Var v : step.inputs()) {
                Source.Output o = written.get(v);
                if (o != null) {
                    s.add(o);
                } else {
                    s.add(new Source.Input(inputIndex.computeIfAbsent(v, x -> {
                        inputs.add(x);
                        return inputs.size() - 1;
                    })));
                }
            }
            sources.add(s);
            for (int o = 0; o < step.outputs().size(); o++) {
                written.put(step.outputs().get(o), new Source.Output(k, o));
            }
        }
        return new Wiring(inputs, sources);
    }

    private static FusionPlan.GroupStep group(List<FusionPlan.KernelStep> run, int rowAxes) {
        Wiring w = wiring(run);
        List<FusedKernel> kernels = new ArrayList<>(run.size());
        List<Var> outputs = new ArrayList<>();
        for (FusionPlan.KernelStep k : run) {
            kernels.add(k.kernel());
            outputs.addAll(k.outputs());
        }
        KernelGroup g = new KernelGroup(rowAxes, w.inputs().size(), kernels, w.sources());
        return new FusionPlan.GroupStep(g, w.inputs(), outputs, run);
    }
}
