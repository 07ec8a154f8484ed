package dev.kiln.conformance.families;

import dev.kiln.conformance.Family;
import java.util.List;

/** The families of the conformance suite, in running order. */
public final class Families {
    private Families() {}

    public static List<Family> all() {
        return List.of(
                new CreationFamily(),
                new ElementwiseFamily(),
                new ReductionFamily(),
                new ShapeFamily(),
                new IndexingFamily(),
                new MatmulFamily(),
                new PromotionFamily(),
                new ErrorFamily(),
                new BufferFamily(),
                new DiscoveryFamily(),
                new GoldenFamily(),
                new BreadthFamily(),
                new LinalgFamily(),
                new FftFamily(),
                new ConvFamily(),
                new JitFamily(),
                new GradFamily(),
                new VmapFamily(),
                new ControlFamily(),
                new PytreeFamily(),
                new RandomFamily(),
                new DistributionFamily(),
                new FusionFamily(),
                new ParallelFamily(),
                new DeterminismFamily());
    }
}
