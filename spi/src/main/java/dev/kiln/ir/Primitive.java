package dev.kiln.ir;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Kiln's primitive operations, a lax-like set from which every {@code Np} function is built.
 * Backends implement primitives only. Each constant names its {@link Kind}, the number of operands
 * ({@code -1} for variadic) and the {@link Params} record it takes.
 *
 * <p>Semantics follow XLA/StableHLO where the two libraries agree: integer division truncates
 * toward zero, {@code x / 0} is {@code -1} for signed integers and the all-ones value for unsigned,
 * {@code x % 0} is {@code x}; shifts by at least the bit width give 0 (or the sign fill for
 * arithmetic right shift); {@link #MAX}/{@link #MIN} propagate NaN; {@link #ROUND} rounds half to
 * even; {@link #ARGMAX}/{@link #ARGMIN} treat NaN as the extreme value and return the first index;
 * float-to-integer {@link #CONVERT} saturates and maps NaN to 0; gathers clamp indices into range.
 */
public enum Primitive {
    // elementwise, one operand, result has the operand's dtype unless noted
    NEG(Kind.UNARY, 1),
    ABS(Kind.UNARY, 1),
    SIGN(Kind.UNARY, 1),
    EXP(Kind.UNARY, 1),
    EXP2(Kind.UNARY, 1),
    /**
     * {@code 10^x}. Kiln's worked example of a primitive defined by its decomposition alone ({@code
     * pow(10, x)}): backends get it without a kernel, and its derivative comes from the decomposition.
     */
    EXP10(Kind.UNARY, 1),
    LOG(Kind.UNARY, 1),
    LOG1P(Kind.UNARY, 1),
    EXPM1(Kind.UNARY, 1),
    SQRT(Kind.UNARY, 1),
    RSQRT(Kind.UNARY, 1),
    CBRT(Kind.UNARY, 1),
    SIN(Kind.UNARY, 1),
    COS(Kind.UNARY, 1),
    TAN(Kind.UNARY, 1),
    ASIN(Kind.UNARY, 1),
    ACOS(Kind.UNARY, 1),
    ATAN(Kind.UNARY, 1),
    SINH(Kind.UNARY, 1),
    COSH(Kind.UNARY, 1),
    TANH(Kind.UNARY, 1),
    /** The logistic sigmoid {@code 1 / (1 + exp(-x))}. */
    LOGISTIC(Kind.UNARY, 1),
    ERF(Kind.UNARY, 1),
    FLOOR(Kind.UNARY, 1),
    CEIL(Kind.UNARY, 1),
    ROUND(Kind.UNARY, 1),
    /** Logical not for bool, bitwise not for integers. */
    NOT(Kind.UNARY, 1),
    /** Result is bool. */
    IS_FINITE(Kind.UNARY, 1),

    // elementwise, two operands of one dtype and shape
    ADD(Kind.BINARY, 2),
    SUB(Kind.BINARY, 2),
    MUL(Kind.BINARY, 2),
    DIV(Kind.BINARY, 2),
    REM(Kind.BINARY, 2),
    POW(Kind.BINARY, 2),
    MAX(Kind.BINARY, 2),
    MIN(Kind.BINARY, 2),
    ATAN2(Kind.BINARY, 2),
    /**
     * {@code nextafter(x, y)} on floats: the representable value next to {@code x} in the direction
     * of {@code y}, exactly as C's {@code nextafter}: {@code y} where {@code x == y} (so {@code
     * nextafter(0, -0) = -0}), the smallest subnormal of {@code y}'s sign from a zero, the largest
     * finite value from an infinity, infinity past the largest finite value, NaN where either is NaN.
     * Not differentiable (JAX defines no derivative).
     */
    NEXTAFTER(Kind.BINARY, 2),
    AND(Kind.BINARY, 2),
    OR(Kind.BINARY, 2),
    XOR(Kind.BINARY, 2),
    SHIFT_LEFT(Kind.BINARY, 2),
    SHIFT_RIGHT_ARITHMETIC(Kind.BINARY, 2),
    SHIFT_RIGHT_LOGICAL(Kind.BINARY, 2),

    // comparisons: two operands of one dtype and shape, bool result
    EQ(Kind.COMPARE, 2),
    NE(Kind.COMPARE, 2),
    LT(Kind.COMPARE, 2),
    LE(Kind.COMPARE, 2),
    GT(Kind.COMPARE, 2),
    GE(Kind.COMPARE, 2),

    /** {@code select(pred, onTrue, onFalse)}: bool predicate and two values, all of one shape. */
    SELECT(Kind.SELECT, 3),
    CONVERT(Kind.CONVERT, 1, Params.Convert.class),

    // reductions
    REDUCE_SUM(Kind.REDUCE, 1, Params.Reduce.class),
    REDUCE_PROD(Kind.REDUCE, 1, Params.Reduce.class),
    REDUCE_MAX(Kind.REDUCE, 1, Params.Reduce.class),
    REDUCE_MIN(Kind.REDUCE, 1, Params.Reduce.class),
    REDUCE_AND(Kind.REDUCE, 1, Params.Reduce.class),
    REDUCE_OR(Kind.REDUCE, 1, Params.Reduce.class),
    ARGMAX(Kind.ARG_REDUCE, 1, Params.ArgReduce.class),
    ARGMIN(Kind.ARG_REDUCE, 1, Params.ArgReduce.class),
    CUMSUM(Kind.CUMULATIVE, 1, Params.Cumulative.class),
    CUMPROD(Kind.CUMULATIVE, 1, Params.Cumulative.class),
    CUMMAX(Kind.CUMULATIVE, 1, Params.Cumulative.class),
    CUMMIN(Kind.CUMULATIVE, 1, Params.Cumulative.class),

    // shape and data movement
    BROADCAST_IN_DIM(Kind.MOVEMENT, 1, Params.BroadcastInDim.class),
    RESHAPE(Kind.MOVEMENT, 1, Params.Reshape.class),
    TRANSPOSE(Kind.MOVEMENT, 1, Params.Transpose.class),
    SLICE(Kind.MOVEMENT, 1, Params.Slice.class),
    /** Operands: the array and a 0-d padding value of the same dtype. */
    PAD(Kind.MOVEMENT, 2, Params.Pad.class),
    CONCATENATE(Kind.MOVEMENT, -1, Params.Axis.class),
    REV(Kind.MOVEMENT, 1, Params.Rev.class),

    // indexing
    /**
     * {@code take(operand, indices)} along an axis: the output shape is the operand's with that
     * axis replaced by the indices' shape. Indices are int32 or int64 and clamped into range.
     */
    TAKE(Kind.INDEXING, 2, Params.Axis.class),
    /**
     * {@code take_along_axis(operand, indices)}: indices of the operand's rank, whose shape
     * equals the operand's except along the axis; clamped into range.
     */
    TAKE_ALONG_AXIS(Kind.INDEXING, 2, Params.Axis.class),
    /** Operands: the array, then one 0-d integer start index per dimension (clamped so the window fits). */
    DYNAMIC_SLICE(Kind.INDEXING, -1, Params.DynamicSlice.class),
    /** Operands: the array, the update, then one 0-d integer start index per dimension (clamped). */
    DYNAMIC_UPDATE_SLICE(Kind.INDEXING, -1),
    /**
     * {@code scatter(operand, indices, updates)} along an axis, the inverse of {@link #TAKE}: the
     * updates have the shape {@code take(operand, indices)} would give, and each is combined into the
     * operand at its index by the mode ({@link Params.Scatter.Mode}). Indices are int32 or int64;
     * an index outside {@code [0, n)} drops its update (no wrapping, no clamping). Repeated indices
     * combine every update for ADD, MUL, MIN and MAX; for SET the last in row-major order wins.
     */
    SCATTER(Kind.INDEXING, 3, Params.Scatter.class),

    /** No operands. */
    IOTA(Kind.CREATION, 0, Params.Iota.class),
    DOT_GENERAL(Kind.CONTRACTION, 2, Params.DotGeneral.class),
    /**
     * JAX's {@code conv_general_dilated}: input and kernel of one dtype and rank (batch, feature and
     * spatial dimensions in the layouts of {@link Params.Conv}); each output point is the sum over the
     * kernel's taps and input features of kernel times the (dilated, padded) input under the strided
     * window. Defined by its decomposition into strided slices and one {@code dot_general}, which is
     * what backends that do not claim it run; pjrt lowers it to {@code stablehlo.convolution}.
     */
    CONV_GENERAL_DILATED(Kind.CONTRACTION, 2, Params.Conv.class),

    // collectives over a named mapped axis (pmap, or vmap with an axis name); see Params.Collective
    /** Sum over the named axis; every member gets the total. */
    PSUM(Kind.COLLECTIVE, 1, Params.Collective.class),
    /** Maximum over the named axis. */
    PMAX(Kind.COLLECTIVE, 1, Params.Collective.class),
    /** Minimum over the named axis. */
    PMIN(Kind.COLLECTIVE, 1, Params.Collective.class),
    /** Every member's operand, stacked (or concatenated, when tiled) at {@code axis}. */
    ALL_GATHER(Kind.COLLECTIVE, 1, Params.Collective.class),
    /** The sum over the named axis, of which member i keeps block i of {@code axis}. */
    PSUM_SCATTER(Kind.COLLECTIVE, 1, Params.Collective.class),
    /** Sends each member's operand to another ({@code perm} holds source, destination pairs); others get zeros. */
    PPERMUTE(Kind.COLLECTIVE, 1, Params.Collective.class),
    /** Splits {@code axis} in blocks, sends block j to member j, concatenates what arrives along {@code axis2}. */
    ALL_TO_ALL(Kind.COLLECTIVE, 1, Params.Collective.class),
    /** No operands: the member's index along the named axis, an int32 scalar. */
    AXIS_INDEX(Kind.COLLECTIVE, 0, Params.Collective.class),

    // control flow: several outputs and sub-programs; Kiln runs these itself (backends see the
    // primitives of the sub-programs through execute, or whole programs through compile)
    /** {@code switch(index, operands…)} over the branch programs of {@link Params.Cond}. */
    COND(Kind.CONTROL, -1, Params.Cond.class),
    /** A while loop over a carry; see {@link Params.While}. */
    WHILE(Kind.CONTROL, -1, Params.While.class),
    /** A loop over the leading axis of its inputs with a carry; see {@link Params.Scan}. */
    SCAN(Kind.CONTROL, -1, Params.Scan.class),
    /** The tangent part of a {@code customVjp} function; see {@link Params.LinearCall}. */
    CUSTOM_LINEAR(Kind.CONTROL, -1, Params.LinearCall.class),
    /** A program run once per device, each on its slice of the mapped operands; see {@link Params.Pmap}. */
    PMAP(Kind.CONTROL, -1, Params.Pmap.class),
    /** Host code called with the operands' values; see {@link Params.HostCall}. */
    PURE_CALLBACK(Kind.CONTROL, -1, Params.HostCall.class);

    /**
     * The core every backend implements natively: arithmetic ({@code add mul div rem max}), bits
     * ({@code and xor shift_left shift_right_logical}), two comparisons ({@code eq lt}), {@code
     * select convert iota}, the float functions that need their own range reduction or exact rounding
     * ({@code floor sqrt exp log expm1 log1p sin cos atan2 pow}), two reductions ({@code reduce_sum
     * reduce_max}), the five movements that fuse as index maps ({@code broadcast_in_dim reshape
     * transpose slice pad}), one gather ({@code take}) and {@code dot_general}. Every other
     * non-control primitive has a decomposition into these, which Kiln runs wherever a backend does
     * not claim the primitive natively ({@code Backend.implementsNatively}).
     */
    private static final Set<Primitive> CORE = Collections.unmodifiableSet(EnumSet.of(
            ADD,
            MUL,
            DIV,
            REM,
            MAX,
            AND,
            XOR,
            SHIFT_LEFT,
            SHIFT_RIGHT_LOGICAL,
            EQ,
            LT,
            SELECT,
            CONVERT,
            IOTA,
            FLOOR,
            SQRT,
            EXP,
            LOG,
            EXPM1,
            LOG1P,
            SIN,
            COS,
            ATAN2,
            POW,
            REDUCE_SUM,
            REDUCE_MAX,
            BROADCAST_IN_DIM,
            RESHAPE,
            TRANSPOSE,
            SLICE,
            PAD,
            TAKE,
            DOT_GENERAL));

    /**
     * What one element of a primitive costs, for the fusion planner (which recomputes cheap work
     * instead of writing it to memory) and for code generators (which split heavy kernels finer).
     */
    public enum Cost {
        /** About one instruction per element: arithmetic but division, comparisons, bits, selects, conversions, views. */
        CHEAP,
        /** Division, roots, reductions, gathers, contractions: worth computing once. */
        EXPENSIVE,
        /** A polynomial or iteration per element (exp, log, trigonometric and hyperbolic functions, powers, erf). */
        TRANSCENDENTAL
    }

    private static final Set<Primitive> CHEAP = Collections.unmodifiableSet(EnumSet.of(
            NEG,
            ABS,
            SIGN,
            FLOOR,
            CEIL,
            ROUND,
            NOT,
            IS_FINITE,
            ADD,
            SUB,
            MUL,
            MAX,
            MIN,
            AND,
            OR,
            XOR,
            SHIFT_LEFT,
            SHIFT_RIGHT_ARITHMETIC,
            SHIFT_RIGHT_LOGICAL,
            EQ,
            NE,
            LT,
            LE,
            GT,
            GE,
            SELECT,
            CONVERT,
            BROADCAST_IN_DIM,
            RESHAPE,
            TRANSPOSE,
            SLICE,
            REV,
            IOTA));

    private static final Set<Primitive> TRANSCENDENTAL = Collections.unmodifiableSet(EnumSet.of(
            EXP, EXP2, EXP10, LOG, LOG1P, EXPM1, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, LOGISTIC, CBRT, POW,
            ATAN2, ERF));

    /** The families of primitives, which share shape rules and usually kernels. */
    public enum Kind {
        UNARY,
        BINARY,
        COMPARE,
        SELECT,
        CONVERT,
        REDUCE,
        ARG_REDUCE,
        CUMULATIVE,
        MOVEMENT,
        INDEXING,
        CREATION,
        CONTRACTION,
        CONTROL,
        /** Communication over a named mapped axis; Kiln runs these itself, through the backend's collectives. */
        COLLECTIVE
    }

    private final Kind kind;
    private final int arity;
    private final Class<? extends Params> paramsType;

    Primitive(Kind kind, int arity) {
        this(kind, arity, Params.None.class);
    }

    Primitive(Kind kind, int arity, Class<? extends Params> paramsType) {
        this.kind = kind;
        this.arity = arity;
        this.paramsType = paramsType;
    }

    public Kind kind() {
        return kind;
    }

    /** The number of operands, or -1 when it varies. */
    public int arity() {
        return arity;
    }

    public Class<? extends Params> paramsType() {
        return paramsType;
    }

    /** The cost class of one element; see {@link Cost}. */
    public Cost cost() {
        return CHEAP.contains(this) ? Cost.CHEAP : TRANSCENDENTAL.contains(this) ? Cost.TRANSCENDENTAL : Cost.EXPENSIVE;
    }

    /** Whether this primitive is in the core every backend implements; see {@link #core()}. */
    public boolean isCore() {
        return CORE.contains(this);
    }

    /**
     * The core set (33 primitives): what a backend must implement natively. The others decompose
     * into these by default; a backend may still claim any of them for speed.
     */
    public static Set<Primitive> core() {
        return CORE;
    }

    /** Elementwise primitives map equal-shaped operands to an output of that shape. */
    public boolean isElementwise() {
        return kind == Kind.UNARY
                || kind == Kind.BINARY
                || kind == Kind.COMPARE
                || kind == Kind.SELECT
                || kind == Kind.CONVERT;
    }

    /** The lower-case name programs print, such as {@code reduce_sum}. */
    public String printName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
