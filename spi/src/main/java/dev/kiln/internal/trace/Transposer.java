package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.internal.rules.TransposeRules;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Transposes a linear program: given cotangents of its outputs, computes cotangents of its inputs
 * by walking the equations backwards with each primitive's transpose rule. Equations that do not
 * depend on the inputs (they compute from constants only) are evaluated forwards first.
 */
public final class Transposer {
    private Transposer() {}

    public static List<Array> transpose(Program p, List<Array> constants, List<Array> cotangents) {
        Set<Var> linear = Collections.newSetFromMap(new IdentityHashMap<>());
        linear.addAll(p.inputs());
        Map<Var, Array> values = new IdentityHashMap<>();
        for (int i = 0; i < constants.size(); i++) {
            values.put(p.constants().get(i), constants.get(i));
        }
        List<Eqn> linearEqns = new ArrayList<>();
        for (Eqn e : p.eqns()) {
            boolean isLinear = false;
            for (Atom a : e.inputs()) {
                isLinear |= a instanceof Var v && linear.contains(v);
            }
            if (isLinear) {
                linear.addAll(e.outputs());
                linearEqns.add(e);
            } else {
                Array[] in = new Array[e.inputs().size()];
                for (int i = 0; i < in.length; i++) {
                    in[i] = ProgramRunner.read(values, e.inputs().get(i));
                }
                List<Array> outs = Lax.bindAll(e.primitive(), e.params(), in);
                for (int i = 0; i < outs.size(); i++) {
                    values.put(e.outputs().get(i), outs.get(i));
                }
            }
        }
        Map<Var, Array> ct = new IdentityHashMap<>();
        for (int i = 0; i < p.outputs().size(); i++) {
            if (p.outputs().get(i) instanceof Var v && linear.contains(v) && cotangents.get(i) != null) {
                accumulate(ct, v, cotangents.get(i));
            }
        }
        for (int k = linearEqns.size() - 1; k >= 0; k--) {
            Eqn e = linearEqns.get(k);
            List<Array> outCts = new ArrayList<>(e.outputs().size());
            boolean any = false;
            for (Var o : e.outputs()) {
                Array c = ct.remove(o);
                outCts.add(c);
                any |= c != null;
            }
            if (!any) {
                continue;
            }
            List<Array> operands = new ArrayList<>(e.inputs().size());
            boolean[] isLinear = new boolean[e.inputs().size()];
            for (int i = 0; i < isLinear.length; i++) {
                Atom a = e.inputs().get(i);
                isLinear[i] = a instanceof Var v && linear.contains(v);
                operands.add(isLinear[i] ? null : ProgramRunner.read(values, a));
            }
            List<ArraySpec> specs = e.inputs().stream().map(Atom::spec).toList();
            List<Array> inCts = e.primitive().kind() == Primitive.Kind.CONTROL
                    ? ControlFlowRules.transpose(e.primitive(), e.params(), outCts, operands, isLinear, specs)
                    : TransposeRules.transpose(e.primitive(), e.params(), outCts.get(0), operands, isLinear, specs);
            for (int i = 0; i < isLinear.length; i++) {
                if (isLinear[i] && inCts.get(i) != null) {
                    accumulate(ct, (Var) e.inputs().get(i), inCts.get(i));
                }
            }
        }
        List<Array> out = new ArrayList<>(p.inputs().size());
        for (Var v : p.inputs()) {
            Array c = ct.get(v);
            out.add(c != null ? c : Np.zeros(v.spec().dtype(), v.spec().shape()));
        }
        return out;
    }

    private static void accumulate(Map<Var, Array> ct, Var v, Array c) {
        ct.merge(v, c, (a, b) -> Lax.bind(dev.kiln.ir.Primitive.ADD, a, b));
    }
}
