package dev.kiln.internal.fusion;

import dev.kiln.ir.Atom;
import dev.kiln.ir.Eqn;
import dev.kiln.ir.Literal;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.ProgramVerifier;
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
 * {@code mean} and {@code var} of the same array each summing it) and equations whose results are
 * never used are dropped. Every primitive is pure, so both are always safe.
 */
final class Simplify {
    private Simplify() {}

    private record Key(Primitive primitive, Params params, List<Object> inputs) {}

    static Program run(Program p) {
        Map<Var, Var> same = new IdentityHashMap<>();
        Map<Key, Eqn> seen = new HashMap<>();
        List<Eqn> kept = new ArrayList<>();
        boolean changed = false;
        for (Eqn e : p.eqns()) {
            List<Atom> ins = new ArrayList<>(e.inputs().size());
            List<Object> keyIns = new ArrayList<>(e.inputs().size());
            boolean renamed = false;
            for (Atom a : e.inputs()) {
                Atom b = a instanceof Var v ? same.getOrDefault(v, v) : a;
                renamed |= b != a;
                ins.add(b);
                keyIns.add(b instanceof Literal l ? FusedKernel.Node.Literal.of(l.value()) : b);
            }
            Eqn eq = renamed ? new Eqn(e.primitive(), e.params(), ins, e.outputs()) : e;
            changed |= renamed;
            if (e.primitive().kind() != Primitive.Kind.CONTROL) {
                Key k = new Key(e.primitive(), e.params(), keyIns);
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
            if (e.outputs().stream().noneMatch(live::contains)) {
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
        return ProgramVerifier.checked(q, "fusion planning (common subexpressions and dead code)");
    }
}
