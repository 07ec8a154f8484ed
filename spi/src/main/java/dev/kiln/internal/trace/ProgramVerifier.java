package dev.kiln.internal.trace;

import dev.kiln.KilnException;
import dev.kiln.internal.rules.ShapeRules;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import dev.kiln.spi.Settings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@link Program}'s well-formedness: every variable is defined once before it is used, and
 * every equation's declared output specs are what the primitive's shape rule computes. Kiln runs it
 * after tracing and after every rewrite when the system property {@code kiln.checks=true} is set.
 *
 * <p>Internal, not in {@code dev.kiln.ir}: it needs the shape rules ({@code internal.rules}) and the
 * control-flow rules ({@code internal.trace}), and the exported packages depend on no internal one.
 */
public final class ProgramVerifier {
    /** Whether {@code kiln.checks=true} was set when Kiln started. */
    public static final boolean ENABLED = Settings.CHECKS.booleanValue();

    private ProgramVerifier() {}

    /** Verifies when checks are enabled; returns the program for chaining. */
    public static Program checked(Program p, String stage) {
        if (ENABLED) {
            verify(p, stage);
        }
        return p;
    }

    /** Throws a {@link KilnException} naming the first problem found, and the stage that produced it. */
    public static void verify(Program p, String stage) {
        Set<Var> defined = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Var v : p.constants()) {
            define(defined, v, p, stage);
        }
        for (Var v : p.inputs()) {
            define(defined, v, p, stage);
        }
        for (int i = 0; i < p.eqns().size(); i++) {
            Eqn e = p.eqns().get(i);
            List<ArraySpec> in = new ArrayList<>();
            for (Atom a : e.inputs()) {
                if (a instanceof Var v && !defined.contains(v)) {
                    throw fail(
                            stage,
                            p,
                            "equation " + i + " (" + e.primitive().printName()
                                    + ") uses a variable before it is defined");
                }
                in.add(a.spec());
            }
            if (!ShapeRules.knows(e.primitive())) {
                List<ArraySpec> want;
                try {
                    want = ControlFlow.outSpecs(e.primitive(), e.params(), in);
                } catch (RuntimeException ex) {
                    throw fail(stage, p, "equation " + i + " is ill-typed: " + ex.getMessage());
                }
                if (!e.outputs().stream().map(Var::spec).toList().equals(want)) {
                    throw fail(
                            stage,
                            p,
                            "equation " + i + " (" + e.primitive().printName() + ") declares "
                                    + e.outputs().stream().map(Var::spec).toList() + " but its rule gives " + want);
                }
            } else {
                ArraySpec want;
                try {
                    want = ShapeRules.outSpec(e.primitive(), e.params(), in);
                } catch (RuntimeException ex) {
                    throw fail(stage, p, "equation " + i + " is ill-typed: " + ex.getMessage());
                }
                if (e.outputs().size() != 1 || !e.outputs().get(0).spec().equals(want)) {
                    throw fail(
                            stage,
                            p,
                            "equation " + i + " (" + e.primitive().printName() + ") declares "
                                    + e.outputs().stream().map(Var::spec).toList() + " but its shape rule gives "
                                    + want);
                }
            }
            for (Var v : e.outputs()) {
                define(defined, v, p, stage);
            }
        }
        for (Atom a : p.outputs()) {
            if (a instanceof Var v && !defined.contains(v)) {
                throw fail(stage, p, "an output is never defined");
            }
        }
    }

    private static void define(Set<Var> defined, Var v, Program p, String stage) {
        if (!defined.add(v)) {
            throw fail(stage, p, "variable " + v + " is defined twice");
        }
    }

    private static KilnException fail(String stage, Program p, String what) {
        return new KilnException("program verification failed after " + stage + ": " + what + "\n" + p);
    }
}
