package dev.kiln.internal.fusion;

import dev.kiln.internal.trace.ProgramVerifier;
import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import dev.kiln.spi.FusedKernel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The clean-up before planning: common subexpressions are merged (tracing repeats work freely, as in
 * {@code mean} and {@code var} of the same array each summing it), a transposed dot_general operand
 * is read in place ({@code x.T @ y} contracts {@code x}'s first axis; the contraction's dimension
 * numbers say which axes pair up, so the transpose need not be written out), and equations whose
 * results are never used are dropped. Every primitive is pure, so all of it is always safe.
 */
final class Simplify {
    private Simplify() {}

    private record Key(Primitive primitive, Params params, List<Object> inputs) {}

    static Program run(Program p) {
        Map<Var, Var> same = new IdentityHashMap<>();
        Map<Key, Eqn> seen = new HashMap<>();
        List<Eqn> kept = new ArrayList<>();
        Map<Var, Eqn> transposes = new IdentityHashMap<>();
        boolean changed = false;
        for (Eqn e : p.eqns()) {
            List<Atom> ins = new ArrayList<>(e.inputs().size());
            boolean renamed = false;
            for (Atom a : e.inputs()) {
                Atom b = a instanceof Var v ? same.getOrDefault(v, v) : a;
                renamed |= b != a;
                ins.add(b);
            }
            Eqn eq = renamed ? new Eqn(e.primitive(), e.params(), ins, e.outputs()) : e;
            if (eq.primitive() == Primitive.DOT_GENERAL) {
                eq = foldTransposes(eq, transposes);
            }
            changed |= eq != e;
            if (eq.primitive() == Primitive.TRANSPOSE && eq.inputs().get(0) instanceof Var) {
                transposes.put(eq.outputs().get(0), eq);
            }
            if (e.primitive().kind() != Primitive.Kind.CONTROL) {
                List<Object> keyIns = new ArrayList<>(eq.inputs().size());
                for (Atom a : eq.inputs()) {
                    keyIns.add(a instanceof Literal l ? FusedKernel.Node.Literal.of(l.value()) : a);
                }
                Key k = new Key(eq.primitive(), eq.params(), keyIns);
                Eqn earlier = seen.get(k);
                if (earlier != null) {
                    same.put(e.outputs().get(0), earlier.outputs().get(0));
                    changed = true;
                    continue;
                }
                seen.put(k, eq);
            }
            kept.add(eq);
        }
        List<Atom> outs = new ArrayList<>(p.outputs().size());
        for (Atom a : p.outputs()) {
            outs.add(a instanceof Var v ? same.getOrDefault(v, v) : a);
        }
        Set<Var> live = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Atom a : outs) {
            if (a instanceof Var v) {
                live.add(v);
            }
        }
        List<Eqn> reversed = new ArrayList<>();
        for (int i = kept.size() - 1; i >= 0; i--) {
            Eqn e = kept.get(i);
            // an equation with no outputs is there for its effect (a debug callback): never dead
            if (!e.outputs().isEmpty() && e.outputs().stream().noneMatch(live::contains)) {
                changed = true;
                continue;
            }
            reversed.add(e);
            for (Atom a : e.inputs()) {
                if (a instanceof Var v) {
                    live.add(v);
                }
            }
        }
        if (!changed) {
            return p;
        }
        Collections.reverse(reversed);
        Program q = new Program(p.constants(), p.inputs(), reversed, outs);
        return ProgramVerifier.checked(q, "fusion planning (common subexpressions, transposes, dead code)");
    }

    /**
     * The dot_general with each operand that is a transpose replaced by the transpose's input, where
     * that leaves the result as it was: the contracting and batch axes are renumbered through the
     * permutation, and the operand's free axes must keep their order (they are the result's axes).
     */
    private static Eqn foldTransposes(Eqn e, Map<Var, Eqn> transposes) {
        Params.DotGeneral d = (Params.DotGeneral) e.params();
        int[][] contract = {d.lhsContract().toArray(), d.rhsContract().toArray()};
        int[][] batch = {d.lhsBatch().toArray(), d.rhsBatch().toArray()};
        List<Atom> ins = new ArrayList<>(e.inputs());
        boolean folded = false;
        for (int side = 0; side < 2; side++) {
            if (!(ins.get(side) instanceof Var v) || !transposes.containsKey(v)) {
                continue;
            }
            Eqn t = transposes.get(v);
            int[] perm = ((Params.Transpose) t.params()).perm().toArray();
            boolean[] bound = new boolean[perm.length];
            for (int a : contract[side]) {
                bound[a] = true;
            }
            for (int a : batch[side]) {
                bound[a] = true;
            }
            int last = -1;
            boolean ordered = true;
            for (int a = 0; a < perm.length; a++) {
                if (!bound[a]) {
                    ordered &= perm[a] > last;
                    last = perm[a];
                }
            }
            if (!ordered) {
                continue;
            }
            contract[side] = through(perm, contract[side]);
            batch[side] = through(perm, batch[side]);
            ins.set(side, t.inputs().get(0));
            folded = true;
        }
        if (!folded) {
            return e;
        }
        Params.DotGeneral p = new Params.DotGeneral(contract[0], contract[1], batch[0], batch[1]);
        return new Eqn(e.primitive(), p, ins, e.outputs());
    }

    private static int[] through(int[] perm, int[] axes) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            r[i] = perm[axes[i]];
        }
        return r;
    }
}
