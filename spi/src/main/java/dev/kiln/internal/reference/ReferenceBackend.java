package dev.kiln.internal.reference;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Scalar loops in double precision for every primitive and dtype: the oracle of the conformance suite. */
public final class ReferenceBackend implements Backend {
    @Override
    public String name() {
        return ReferenceProvider.NAME;
    }

    @Override
    public List<Device> devices() {
        return List.of(new Device(name(), "cpu", 0, "scalar Java loops"));
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.REFERENCE);
    }

    @Override
    public Buffer fromHost(HostBuffer host) {
        return host;
    }

    @Override
    public HostBuffer toHost(Buffer buffer) {
        return (HostBuffer) buffer;
    }

    /**
     * Dispatches to the family's class: {@link UnaryOps}, {@link BinaryOps}, {@link Conversions},
     * {@link Reductions}, {@link Movement}, {@link Indexing}, {@link DotGeneral}. Arguments are
     * trusted, as the frontend has checked them with its shape rules.
     */
    /**
     * The primitives with scalar loops of its own, for every dtype. It is a list, not "all", so that a primitive
     * added later with a decomposition runs through that decomposition here until it is added.
     */
    private static final Set<Primitive> IMPLEMENTED = Collections.unmodifiableSet(EnumSet.of(
            Primitive.CONV_GENERAL_DILATED,
            Primitive.NEG,
            Primitive.ABS,
            Primitive.SIGN,
            Primitive.EXP,
            Primitive.EXP2,
            Primitive.LOG,
            Primitive.LOG1P,
            Primitive.EXPM1,
            Primitive.SQRT,
            Primitive.RSQRT,
            Primitive.CBRT,
            Primitive.SIN,
            Primitive.COS,
            Primitive.TAN,
            Primitive.ASIN,
            Primitive.ACOS,
            Primitive.ATAN,
            Primitive.SINH,
            Primitive.COSH,
            Primitive.TANH,
            Primitive.LOGISTIC,
            Primitive.ERF,
            Primitive.FLOOR,
            Primitive.CEIL,
            Primitive.ROUND,
            Primitive.NOT,
            Primitive.IS_FINITE,
            Primitive.ADD,
            Primitive.SUB,
            Primitive.MUL,
            Primitive.DIV,
            Primitive.REM,
            Primitive.POW,
            Primitive.MAX,
            Primitive.MIN,
            Primitive.ATAN2,
            Primitive.NEXTAFTER,
            Primitive.AND,
            Primitive.OR,
            Primitive.XOR,
            Primitive.SHIFT_LEFT,
            Primitive.SHIFT_RIGHT_ARITHMETIC,
            Primitive.SHIFT_RIGHT_LOGICAL,
            Primitive.EQ,
            Primitive.NE,
            Primitive.LT,
            Primitive.LE,
            Primitive.GT,
            Primitive.GE,
            Primitive.SELECT,
            Primitive.CONVERT,
            Primitive.REDUCE_SUM,
            Primitive.REDUCE_PROD,
            Primitive.REDUCE_MAX,
            Primitive.REDUCE_MIN,
            Primitive.REDUCE_AND,
            Primitive.REDUCE_OR,
            Primitive.ARGMAX,
            Primitive.ARGMIN,
            Primitive.CUMSUM,
            Primitive.CUMPROD,
            Primitive.CUMMAX,
            Primitive.CUMMIN,
            Primitive.BROADCAST_IN_DIM,
            Primitive.RESHAPE,
            Primitive.TRANSPOSE,
            Primitive.SLICE,
            Primitive.PAD,
            Primitive.CONCATENATE,
            Primitive.REV,
            Primitive.TAKE,
            Primitive.TAKE_ALONG_AXIS,
            Primitive.DYNAMIC_SLICE,
            Primitive.DYNAMIC_UPDATE_SLICE,
            Primitive.SCATTER,
            Primitive.IOTA,
            Primitive.DOT_GENERAL));

    @Override
    public boolean implementsNatively(Primitive primitive, DType dtype) {
        return IMPLEMENTED.contains(primitive);
    }

    @Override
    public Buffer execute(Primitive primitive, Params params, ArraySpec out, List<Buffer> inputs) {
        List<HostBuffer> in = new ArrayList<>(inputs.size());
        for (Buffer b : inputs) {
            if (!(b instanceof HostBuffer h)) {
                throw new IllegalArgumentException("the reference backend computes on HostBuffers; got "
                        + b.getClass().getName() + " for " + primitive.printName() + ": move it with fromHost first");
            }
            in.add(h);
        }
        return switch (primitive.kind()) {
            case UNARY -> UnaryOps.apply(primitive, out, in.get(0));
            case BINARY -> BinaryOps.apply(primitive, out, in.get(0), in.get(1));
            case COMPARE -> BinaryOps.compare(primitive, out, in.get(0), in.get(1));
            case SELECT -> BinaryOps.select(out, in.get(0), in.get(1), in.get(2));
            case CONVERT -> Conversions.convert(out, in.get(0));
            case REDUCE -> Reductions.reduce(primitive, (Params.Reduce) params, out, in.get(0));
            case ARG_REDUCE -> Reductions.argReduce(primitive, (Params.ArgReduce) params, out, in.get(0));
            case CUMULATIVE -> Reductions.cumulative(primitive, (Params.Cumulative) params, out, in.get(0));
            case MOVEMENT -> movement(primitive, params, out, in);
            case INDEXING -> indexing(primitive, params, out, in);
            case CREATION -> Indexing.iota((Params.Iota) params, out);
            case CONTRACTION ->
                primitive == Primitive.CONV_GENERAL_DILATED
                        ? Convolution.apply((Params.Conv) params, out, in.get(0), in.get(1))
                        : DotGeneral.apply((Params.DotGeneral) params, out, in.get(0), in.get(1));
            case CONTROL ->
                throw unsupported(primitive, "control flow is run by Kiln's program interpreter, not by execute");
            case COLLECTIVE ->
                throw unsupported(primitive, "collectives are run by Kiln through the backend's collective methods");
        };
    }

    private static HostBuffer movement(Primitive p, Params params, ArraySpec out, List<HostBuffer> in) {
        return switch (p) {
            case BROADCAST_IN_DIM -> Movement.broadcastInDim((Params.BroadcastInDim) params, out, in.get(0));
            case RESHAPE -> Movement.reshape(out, in.get(0));
            case TRANSPOSE -> Movement.transpose((Params.Transpose) params, out, in.get(0));
            case SLICE -> Movement.slice((Params.Slice) params, out, in.get(0));
            case PAD -> Movement.pad((Params.Pad) params, out, in.get(0), in.get(1));
            case CONCATENATE -> Movement.concatenate((Params.Axis) params, out, in);
            case REV -> Movement.rev((Params.Rev) params, out, in.get(0));
            default -> throw unsupported(p, "not a movement primitive");
        };
    }

    private static HostBuffer indexing(Primitive p, Params params, ArraySpec out, List<HostBuffer> in) {
        return switch (p) {
            case TAKE -> Indexing.take((Params.Axis) params, out, in.get(0), in.get(1));
            case TAKE_ALONG_AXIS -> Indexing.takeAlongAxis((Params.Axis) params, out, in.get(0), in.get(1));
            case DYNAMIC_SLICE -> Indexing.dynamicSlice(out, in.get(0), in.subList(1, in.size()));
            case DYNAMIC_UPDATE_SLICE -> Indexing.dynamicUpdateSlice(in.get(0), in.get(1), in.subList(2, in.size()));
            case SCATTER -> Indexing.scatter((Params.Scatter) params, out, in.get(0), in.get(1), in.get(2));
            default -> throw unsupported(p, "not an indexing primitive");
        };
    }

    /** For combinations that mean nothing, such as {@code sin} of an integer (the frontend converts first). */
    static UnsupportedPrimitiveException unsupported(Primitive p, String detail) {
        return new UnsupportedPrimitiveException(ReferenceProvider.NAME, p, detail);
    }
}
