package dev.kiln.fusion;

import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.Shape;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.Device;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.FusedKernel.Node;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference backend with a {@code compileKernel} written from {@link FusedKernel}'s javadoc
 * alone, the way a code generator would read it: a loop over output points, an inner loop over
 * reduced points, every node evaluated one element at a time through the index maps. Each scalar
 * operation is the reference backend's primitive on 0-d arrays, and each reduction folds the
 * element sequence in row-major order of the reduced axes, so results are bit-identical to eager
 * evaluation when the kernel is right. It checks the kernel description, independently of
 * {@link dev.kiln.spi.KernelInterpreter}'s translation into movement primitives.
 */
final class PointwiseBackend implements Backend {
    private final Backend ref = Kiln.backend("reference");
    final AtomicInteger kernelsCompiled = new AtomicInteger();
    final AtomicInteger executes = new AtomicInteger();

    @Override
    public String name() {
        return "pointwise";
    }

    @Override
    public List<Device> devices() {
        return ref.devices();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.FUSION);
    }

    @Override
    public Buffer fromHost(HostBuffer host) {
        return host;
    }

    @Override
    public HostBuffer toHost(Buffer buffer) {
        return (HostBuffer) buffer;
    }

    /** Delegates every primitive to the reference backend. */
    @Override
    public boolean implementsNatively(Primitive primitive, DType dtype) {

        return true;
    }

    @Override
    public Buffer execute(Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs) {
        executes.incrementAndGet();
        return ref.execute(primitive, params, out, inputs);
    }

    @Override
    public CompiledKernel compileKernel(FusedKernel kernel) {
        kernelsCompiled.incrementAndGet();
        return inputs -> run(kernel, inputs);
    }

    private List<Buffer> run(FusedKernel k, List<Buffer> inputs) {
        int[] space = k.space();
        int[] kept = k.keptAxes();
        int[] reduced = k.reducedAxes();
        int[] outSpace = k.outputSpace();
        int[] redSpace = new int[reduced.length];
        for (int i = 0; i < reduced.length; i++) {
            redSpace[i] = space[reduced[i]];
        }
        List<Node> nodes = k.nodes();
        List<HostBuffer> outs = new ArrayList<>();
        for (FusedKernel.Output o : k.outputs()) {
            outs.add(HostBuffer.allocate(o.spec()));
        }
        int nq = Shape.size(outSpace);
        int nr = Shape.size(redSpace);
        int[] p = new int[space.length];
        for (int qi = 0; qi < nq; qi++) {
            int[] q = unravel(qi, outSpace);
            for (int i = 0; i < kept.length; i++) {
                p[kept[i]] = q[i];
            }
            HostBuffer[] v = new HostBuffer[nodes.size()];
            // the element sequence of each inner node over the reduced points, for the reductions
            HostBuffer[][] seq = new HostBuffer[nodes.size()][nr];
            for (int ri = 0; ri < nr; ri++) {
                int[] r = unravel(ri, redSpace);
                for (int i = 0; i < reduced.length; i++) {
                    p[reduced[i]] = r[i];
                }
                for (int n = 0; n < k.epilogueStart(); n++) {
                    v[n] = scalar(k, nodes.get(n), v, inputs, p);
                    seq[n][ri] = v[n];
                }
                store(k, outs, v, p, true);
            }
            for (int i = 0; i < reduced.length; i++) {
                p[reduced[i]] = 0;
            }
            for (int n = k.epilogueStart(); n < nodes.size(); n++) {
                Node node = nodes.get(n);
                v[n] = switch (node) {
                    case Node.Reduce red ->
                        (HostBuffer) ref.execute(
                                red.reducer(),
                                new Params.Reduce(new int[] {0}),
                                ArraySpec.of(red.dtype()),
                                List.of(stack(seq[red.arg()], red.dtype())));
                    case Node.DotResult d -> dot(k, inputs, p, reduced, redSpace, d.dtype());
                    default -> scalar(k, node, v, inputs, p);
                };
            }
            store(k, outs, v, p, false);
        }
        return new ArrayList<>(outs);
    }

    private HostBuffer scalar(FusedKernel k, Node node, HostBuffer[] v, List<Buffer> inputs, int[] p) {
        return switch (node) {
            case Node.Load l -> {
                FusedKernel.Input in = k.inputs().get(l.input());
                yield element((HostBuffer) inputs.get(l.input()), at(in.strides(), in.offset(), p));
            }
            case Node.Literal lit -> lit.toHost();
            case Node.Iota io -> {
                long value = at(io.strides(), io.offset(), p);
                HostBuffer i64 = HostBuffer.wrap(ArraySpec.of(DType.INT64), new long[] {value});
                yield (HostBuffer) ref.execute(
                        Primitive.CONVERT, new Params.Convert(io.dtype()), ArraySpec.of(io.dtype()), List.of(i64));
            }
            case Node.Op op -> {
                List<Buffer> args = new ArrayList<>();
                for (int a : op.args()) {
                    args.add(v[a]);
                }
                yield (HostBuffer) ref.execute(op.op(), op.params(), ArraySpec.of(op.dtype()), args);
            }
            default -> throw new AssertionError(node + " outside the epilogue");
        };
    }

    private HostBuffer dot(FusedKernel k, List<Buffer> inputs, int[] p, int[] reduced, int[] redSpace, DType dtype) {
        FusedKernel.Root.Matmul m = (FusedKernel.Root.Matmul) k.root();
        int nr = Shape.size(redSpace);
        HostBuffer[] l = new HostBuffer[nr];
        HostBuffer[] r = new HostBuffer[nr];
        FusedKernel.Input li = k.inputs().get(m.lhs());
        FusedKernel.Input ri = k.inputs().get(m.rhs());
        int[] point = p.clone();
        for (int i = 0; i < nr; i++) {
            int[] idx = unravel(i, redSpace);
            for (int j = 0; j < reduced.length; j++) {
                point[reduced[j]] = idx[j];
            }
            l[i] = element((HostBuffer) inputs.get(m.lhs()), at(li.strides(), li.offset(), point));
            r[i] = element((HostBuffer) inputs.get(m.rhs()), at(ri.strides(), ri.offset(), point));
        }
        Params.DotGeneral dims = new Params.DotGeneral(new int[] {0}, new int[] {0}, new int[0], new int[0]);
        return (HostBuffer) ref.execute(
                Primitive.DOT_GENERAL, dims, ArraySpec.of(dtype), List.of(stack(l, dtype), stack(r, dtype)));
    }

    private static void store(FusedKernel k, List<HostBuffer> outs, HostBuffer[] v, int[] p, boolean inner) {
        for (int i = 0; i < outs.size(); i++) {
            FusedKernel.Output o = k.outputs().get(i);
            if (k.isEpilogue(o.node()) == inner) {
                continue;
            }
            copy(v[o.node()], outs.get(i), at(o.strides(), o.offset(), p));
        }
    }

    private static int at(int[] strides, int offset, int[] p) {
        long s = offset;
        for (int d = 0; d < p.length; d++) {
            s += (long) strides[d] * p[d];
        }
        return Math.toIntExact(s);
    }

    private static int[] unravel(int i, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = i % shape[d];
            i /= shape[d];
        }
        return idx;
    }

    private static HostBuffer element(HostBuffer b, int i) {
        HostBuffer out = HostBuffer.allocate(ArraySpec.of(b.spec().dtype()));
        System.arraycopy(b.data(), i, out.data(), 0, 1);
        return out;
    }

    private static void copy(HostBuffer scalar, HostBuffer dst, int i) {
        System.arraycopy(scalar.data(), 0, dst.data(), i, 1);
    }

    private static HostBuffer stack(HostBuffer[] scalars, DType dtype) {
        HostBuffer out = HostBuffer.allocate(ArraySpec.of(dtype, scalars.length));
        for (int i = 0; i < scalars.length; i++) {
            copy(scalars[i], out, i);
        }
        return out;
    }
}
