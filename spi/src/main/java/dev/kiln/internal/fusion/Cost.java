package dev.kiln.internal.fusion;

import dev.kiln.ir.Primitive;

/**
 * What the planner may recompute. A <em>cheap</em> primitive costs about one instruction per
 * element: add, subtract, multiply, min/max, comparisons, select, sign and rounding, bitwise ops,
 * conversions, and every movement (index arithmetic only). Recomputing those in each kernel that
 * needs them is cheaper than a round trip through memory (one write and a read per consumer; this
 * machine streams about 4 floats per ns from DRAM but issues tens of such instructions per ns).
 * Everything else (division, square roots, transcendental functions, powers) is <em>expensive</em>:
 * computed once and materialised when three or more kernels need it, computed twice when two do
 * and it is one such op over cheap work (writing and reading it back costs more than a second
 * exp on this machine: a 4096×1024 row softmax, three alternating runs of each plan, took 4.6 ms
 * with the exponentials written out and 3.6 ms recomputing them on two threads, 5.2 and 4.8 ms on
 * one), and never recomputed by evaluating it through a broadcast.
 */
final class Cost {
    private Cost() {}

    static boolean cheap(Primitive p) {
        return p.cost() == Primitive.Cost.CHEAP;
    }
}
