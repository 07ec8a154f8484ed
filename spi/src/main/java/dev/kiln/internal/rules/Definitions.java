package dev.kiln.internal.rules;

import dev.kiln.Array;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each primitive's rules are defined, side by side, one block per primitive in its family's
 * file: {@link UnaryDefinitions}, {@link BinaryDefinitions}, {@link ReductionDefinitions}, {@link
 * IndexingDefinitions}, {@link ContractionDefinitions}. A block gives the primitive's derivative,
 * its transpose where it is linear, its shape and batching rules where its kind has no shared ones,
 * and its decomposition into the core. What a family shares (shape rule, batching rule) comes from its
 * {@link Primitive.Kind}; the cost class and core membership are declared with the constant in
 * {@link Primitive}.
 *
 * <p>A primitive defined with a decomposition and no derivative gets the derivative of the
 * decomposition ({@link DerivedRules}); one that is not differentiable says so with {@link
 * Definition#zeroDerivative()}.
 */
public final class Definitions {
    /** The tangent of a unary elementwise primitive, linear in {@code t} (null: a symbolic zero). */
    @FunctionalInterface
    interface UnaryJvp {
        Array tangent(Array x, Array out, Array t);
    }

    /** The tangent of a binary elementwise primitive, linear in {@code tx} and {@code ty}. */
    @FunctionalInterface
    interface BinaryJvp {
        Array tangent(Array x, Array y, Array out, Array tx, Array ty);
    }

    /** The tangent of a primitive of one array operand with parameters (reductions, scans). */
    @FunctionalInterface
    interface OperandJvp {
        Array tangent(Params params, Array x, Array out, Array t);
    }

    /** The tangent of a primitive of several operands that is linear in its data (movement, indexing). */
    @FunctionalInterface
    interface NaryJvp {
        Array tangent(Primitive primitive, Params params, List<Array> x, List<Array> t);
    }

    /** The tangent of a primitive of several operands that needs its primal output (scatter). */
    @FunctionalInterface
    interface NaryOutJvp {
        Array tangent(Params params, List<Array> x, List<Array> t, Array out);
    }

    /** The form every derivative is kept in; the interfaces above are the forms blocks write. */
    @FunctionalInterface
    private interface Jvp {
        Array tangent(Primitive primitive, Params params, List<Array> x, List<Array> t, Array out);
    }

    /**
     * The cotangents of a primitive's operands from its output's cotangent {@code ct}, for a
     * primitive linear in the operands marked {@code linear} (null: not linear, or a zero).
     */
    @FunctionalInterface
    interface TransposeRule {
        List<Array> transpose(Params params, Array ct, List<Array> operands, boolean[] linear, List<ArraySpec> specs);
    }

    /** The output spec of a primitive whose kind has no shared shape rule (movement, indexing), with its checks. */
    @FunctionalInterface
    interface ShapeRule {
        ArraySpec outSpec(Primitive p, Params params, List<ArraySpec> in);
    }

    /** The batching rule of a primitive whose kind has no shared one (movement, indexing). */
    @FunctionalInterface
    interface BatchRule {
        BatchRules.Batched batch(Params params, List<Array> values, int[] dims, int size);
    }

    /** One primitive's definition, filled in by its family's block. */
    static final class Definition {
        private final Primitive primitive;
        private Jvp jvp;
        private TransposeRule transpose;
        private BatchRule batch;
        private ShapeRule shape;
        private boolean zeroDerivative;
        private Decomposition decomposition;

        private Definition(Primitive primitive) {
            this.primitive = primitive;
        }

        Definition jvp(UnaryJvp rule) {
            jvp = (p, params, x, t, out) -> rule.tangent(x.get(0), out, t.get(0));
            return this;
        }

        Definition jvp(BinaryJvp rule) {
            jvp = (p, params, x, t, out) -> rule.tangent(x.get(0), x.get(1), out, t.get(0), t.get(1));
            return this;
        }

        Definition jvp(OperandJvp rule) {
            jvp = (p, params, x, t, out) -> rule.tangent(params, x.get(0), out, t.get(0));
            return this;
        }

        Definition naryJvp(NaryJvp rule) {
            jvp = (p, params, x, t, out) -> rule.tangent(p, params, x, t);
            return this;
        }

        Definition naryJvpWithOutput(NaryOutJvp rule) {
            jvp = (p, params, x, t, out) -> rule.tangent(params, x, t, out);
            return this;
        }

        Definition shape(ShapeRule rule) {
            shape = rule;
            return this;
        }

        Definition batch(BatchRule rule) {
            batch = rule;
            return this;
        }

        /** For a primitive linear in some operands. */
        Definition transpose(TransposeRule rule) {
            transpose = rule;
            return this;
        }

        /** Piecewise constant, logical or integer-valued: the tangent is zero, as in JAX. */
        Definition zeroDerivative() {
            zeroDerivative = true;
            return this;
        }

        Definition decompose(Decomposition d) {
            if (primitive != null && primitive.isCore()) {
                throw new IllegalStateException(primitive + " is in the core and cannot have a decomposition");
            }
            decomposition = d;
            return this;
        }
    }

    /** The table the family files fill. */
    static final class Table {
        private final Map<Primitive, Definition> byPrimitive = new EnumMap<>(Primitive.class);

        Definition define(Primitive p) {
            if (byPrimitive.containsKey(p)) {
                throw new IllegalStateException(p + " is defined twice");
            }
            Definition d = new Definition(p);
            byPrimitive.put(p, d);
            return d;
        }
    }

    private static final Map<Primitive, Definition> TABLE;

    static {
        Table t = new Table();
        UnaryDefinitions.define(t);
        BinaryDefinitions.define(t);
        ReductionDefinitions.define(t);
        IndexingDefinitions.define(t);
        ContractionDefinitions.define(t);
        ParallelDefinitions.define(t);
        TABLE = Collections.unmodifiableMap(t.byPrimitive);
    }

    private Definitions() {}

    private static final Definition NONE = new Definition(null);

    private static Definition of(Primitive p) {
        return TABLE.getOrDefault(p, NONE);
    }

    /** The decomposition of {@code p} into the core, or null for core and control primitives. */
    public static Decomposition decomposition(Primitive p) {
        return of(p).decomposition;
    }

    /** The primitives that have a definition block. */
    public static Set<Primitive> defined() {
        return TABLE.keySet();
    }

    /**
     * The tangent of {@code p}'s output (null for a zero): its block's rule, zero where the block
     * says so, else the derivative of its decomposition.
     */
    static Array tangent(Primitive p, Params params, List<Array> x, List<Array> t, Array out) {
        Definition d = of(p);
        if (d.jvp != null) {
            return d.jvp.tangent(p, params, x, t, out);
        }
        return d.zeroDerivative ? null : DerivedRules.jvp(p, params, x, t, out.spec());
    }

    /** The transpose rule defined with {@code p}, or null (not linear in any operand). */
    static TransposeRule transposeRule(Primitive p) {
        return of(p).transpose;
    }

    /** The shape rule defined with {@code p}, or null where its kind's shared rule applies. */
    static ShapeRule shapeRule(Primitive p) {
        return of(p).shape;
    }

    /** The batching rule defined with {@code p}, or null where its kind's shared rule applies. */
    static BatchRule batchRule(Primitive p) {
        return of(p).batch;
    }
}
