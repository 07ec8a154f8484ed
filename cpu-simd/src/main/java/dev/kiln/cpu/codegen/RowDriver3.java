package dev.kiln.cpu.codegen;

/**
 * A row group of 3 generated kernels run a step of rows at a time, each kernel over the step in
 * turn (see {@link RowGroupKernel}). Not used as it stands: {@link RowGroupKernel} defines a hidden
 * class from this class's bytes for every group, so that each call below has a profile of its own,
 * sees one generated class, and C2 calls it directly instead of through the interface dispatch a
 * call site shared by every group pays.
 */
final class RowDriver3 implements Workers.Range {
    private final KernelBody b0;
    private final Object[] a0;
    private final int[] g0;
    private final int u0;
    private final boolean p0;
    private final KernelBody b1;
    private final Object[] a1;
    private final int[] g1;
    private final int u1;
    private final boolean p1;
    private final KernelBody b2;
    private final Object[] a2;
    private final int[] g2;
    private final int u2;
    private final boolean p2;
    private final int step;

    RowDriver3(GeneratedKernel[] k, GeneratedKernel.Call[] c, int[] units, int step) {
        b0 = k[0].generated().body();
        a0 = c[0].arrays();
        g0 = k[0].geometry();
        u0 = units[0];
        p0 = k[0].pointsKind();
        b1 = k[1].generated().body();
        a1 = c[1].arrays();
        g1 = k[1].geometry();
        u1 = units[1];
        p1 = k[1].pointsKind();
        b2 = k[2].generated().body();
        a2 = c[2].arrays();
        g2 = k[2].geometry();
        u2 = units[2];
        p2 = k[2].pointsKind();
        this.step = step;
    }

    @Override
    public void run(int lo, int hi) {
        for (int r = lo; r < hi; r += step) {
            int end = Math.min(hi, r + step);
            if (p0) {
                b0.points(a0, g0, r * u0, end * u0);
            } else {
                b0.rows(a0, g0, r * u0, end * u0);
            }
            if (p1) {
                b1.points(a1, g1, r * u1, end * u1);
            } else {
                b1.rows(a1, g1, r * u1, end * u1);
            }
            if (p2) {
                b2.points(a2, g2, r * u2, end * u2);
            } else {
                b2.rows(a2, g2, r * u2, end * u2);
            }
        }
    }
}
