package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Forward-mode, transpose and batching rules of the control-flow primitives. Each rule builds new
 * sub-programs by tracing a transformation of the old ones (a JVP, a transposition, a vmap) and
 * binds the same primitive on them.
 *
 * <p>For reverse mode, the JVP of {@code scan} is split the way JAX's partial evaluation splits
 * it: a primal scan that also emits the carry at every step as a residual, and a tangent scan that
 * is linear in the tangents and reads the residuals as scanned inputs, so it can be transposed into
 * a scan running the other way.
 */
final class ControlFlowRules {
    private ControlFlowRules() {}

    // ------------------------------------------------------------------ JVP

    static List<Array[]> jvp(Primitive p, Params params, List<Array> primals, List<Array> tangents) {
        return switch (params) {
            case Params.Cond c -> jvpCond(c, primals, tangents);
            case Params.While w -> jvpWhile(w, primals, tangents);
            case Params.Scan s -> jvpScan(s, primals, tangents);
            case Params.LinearCall<?> l -> throw CustomLinear.forwardModeUnsupported();
            case Params.Pmap m -> PmapRules.jvp(m, primals, tangents);
            case Params.HostCall<?> h -> HostCalls.jvp(h, primals);
            default -> throw new KilnException(p.printName() + " is not a control-flow primitive");
        };
    }

    /** A function's outputs and their tangents, both traced from a program run under jvp. */
    private static List<Array> jvpOfProgram(
            Program body, List<Array> primals, List<Array> tangents, boolean withPrimals) {
        Autodiff.JvpResult r = Autodiff.jvp(in -> ProgramRunner.run(body, List.of(), in), primals, tangents);
        List<Array> out = new ArrayList<>();
        if (withPrimals) {
            out.addAll(r.primals());
        }
        for (int i = 0; i < r.tangents().size(); i++) {
            out.add(r.tangents().get(i));
        }
        return out;
    }

    private static List<Array[]> jvpCond(Params.Cond c, List<Array> primals, List<Array> tangents) {
        List<Array> ops = primals.subList(1, primals.size());
        List<Array> opTans = tangents.subList(1, tangents.size());
        List<Array> primalOut = Lax.bindAll(Primitive.COND, c, primals.toArray(Array[]::new));
        List<Integer> nz = nonZero(opTans);
        List<ArraySpec> specs = specs(ops);
        for (int i : nz) {
            specs.add(ops.get(i).spec());
        }
        List<ControlFlow.Closed> traced = new ArrayList<>();
        for (Program b : c.branches()) {
            traced.add(ControlFlow.trace(
                    leaves -> {
                        List<Array> tans = expand(leaves.subList(ops.size(), leaves.size()), nz, ops.size());
                        return jvpOfProgram(b, leaves.subList(0, ops.size()), tans, false);
                    },
                    specs,
                    "jvp of cond"));
        }
        ControlFlow.Branches merged = ControlFlow.merge(traced);
        List<Program> branches = merged.programs();
        List<Array> args = new ArrayList<>();
        args.add(primals.get(0));
        args.addAll(merged.constants());
        args.addAll(ops);
        for (int i : nz) {
            args.add(opTans.get(i));
        }
        List<Array> tanOut = Lax.bindAll(Primitive.COND, new Params.Cond(branches), args.toArray(Array[]::new));
        return pair(primalOut, tanOut, c.branches().get(0).outputSpecs());
    }

    private static List<Array[]> jvpWhile(Params.While w, List<Array> primals, List<Array> tangents) {
        int k = w.condConsts() + w.bodyConsts();
        List<Array> primalOut = Lax.bindAll(Primitive.WHILE, w, primals.toArray(Array[]::new));
        List<Array> bodyConsts = primals.subList(w.condConsts(), k);
        List<Array> carry = primals.subList(k, primals.size());
        List<Array> bodyConstTans = tangents.subList(w.condConsts(), k);
        List<Array> carryTans = instantiate(tangents.subList(k, tangents.size()), carry);
        List<Integer> nzConsts = nonZero(bodyConstTans);
        int nb = bodyConsts.size();
        int nc = carry.size();
        // the tangent loop carries (primal carry, tangent carry); its body is the JVP of the body
        List<ArraySpec> bodySpecs = specs(bodyConsts);
        for (int i : nzConsts) {
            bodySpecs.add(bodyConsts.get(i).spec());
        }
        bodySpecs.addAll(specs(carry));
        bodySpecs.addAll(specs(carry));
        ControlFlow.Closed body = ControlFlow.trace(
                leaves -> {
                    List<Array> consts = leaves.subList(0, nb);
                    List<Array> constTans = expand(leaves.subList(nb, nb + nzConsts.size()), nzConsts, nb);
                    int at = nb + nzConsts.size();
                    List<Array> in = ControlFlow.concat(consts, leaves.subList(at, at + nc));
                    List<Array> tans = ControlFlow.concat(constTans, leaves.subList(at + nc, at + 2 * nc));
                    List<Array> out = jvpOfProgram(w.body(), in, tans, true);
                    return out;
                },
                bodySpecs,
                "jvp of whileLoop");
        List<ArraySpec> condSpecs = specs(primals.subList(0, w.condConsts()));
        condSpecs.addAll(specs(carry));
        condSpecs.addAll(specs(carry));
        ControlFlow.Closed cond = ControlFlow.trace(
                leaves -> ProgramRunner.run(w.cond(), List.of(), leaves.subList(0, w.condConsts() + nc)),
                condSpecs,
                "jvp of whileLoop");
        List<Array> args = new ArrayList<>(cond.constants());
        args.addAll(primals.subList(0, w.condConsts()));
        args.addAll(body.constants());
        args.addAll(bodyConsts);
        for (int i : nzConsts) {
            args.add(bodyConstTans.get(i));
        }
        args.addAll(carry);
        args.addAll(carryTans);
        Params.While tw = new Params.While(
                cond.program(),
                body.program(),
                cond.constants().size() + w.condConsts(),
                body.constants().size() + nb + nzConsts.size());
        List<Array> out = Lax.bindAll(Primitive.WHILE, tw, args.toArray(Array[]::new));
        return pair(primalOut, out.subList(nc, 2 * nc), w.body().outputSpecs());
    }

    private static List<Array[]> jvpScan(Params.Scan s, List<Array> primals, List<Array> tangents) {
        int nk = s.consts();
        int nc = s.carries();
        List<Array> consts = primals.subList(0, nk);
        List<Array> carry = primals.subList(nk, nk + nc);
        List<Array> xs = primals.subList(nk + nc, primals.size());
        int nx = xs.size();
        // 1. the primal scan, also emitting each step's incoming carry as a residual
        List<ArraySpec> bodyIn = s.body().inputSpecs();
        ControlFlow.Closed withResiduals = ControlFlow.trace(
                leaves -> {
                    List<Array> out = new ArrayList<>(ProgramRunner.run(s.body(), List.of(), leaves));
                    out.addAll(leaves.subList(nk, nk + nc));
                    return out;
                },
                bodyIn,
                "jvp of scan");
        List<Array> args = new ArrayList<>(withResiduals.constants());
        args.addAll(primals);
        List<Array> primalRun = Lax.bindAll(
                Primitive.SCAN,
                new Params.Scan(
                        withResiduals.program(), nk + withResiduals.constants().size(), nc, s.length(), s.reverse()),
                args.toArray(Array[]::new));
        int nOut = s.body().outputs().size();
        List<Array> primalOut = primalRun.subList(0, nOut);
        List<Array> residuals = primalRun.subList(nOut, primalRun.size());
        // 2. the tangent scan: consts (primal consts, non-zero const tangents), carry (carry tangents),
        //    scanned (primal xs, residual carries, non-zero x tangents)
        List<Integer> nzConsts = nonZero(tangents.subList(0, nk));
        List<Integer> nzXs = nonZero(tangents.subList(nk + nc, tangents.size()));
        List<Array> carryTans = instantiate(tangents.subList(nk, nk + nc), carry);
        List<ArraySpec> tIn = new ArrayList<>(bodyIn.subList(0, nk));
        for (int i : nzConsts) {
            tIn.add(bodyIn.get(i));
        }
        tIn.addAll(bodyIn.subList(nk, nk + nc));
        tIn.addAll(bodyIn.subList(nk + nc, bodyIn.size()));
        tIn.addAll(bodyIn.subList(nk, nk + nc));
        for (int i : nzXs) {
            tIn.add(bodyIn.get(nk + nc + i));
        }
        int nzk = nzConsts.size();
        ControlFlow.Closed tangentBody = ControlFlow.trace(
                leaves -> {
                    List<Array> k = leaves.subList(0, nk);
                    List<Array> kt = expand(leaves.subList(nk, nk + nzk), nzConsts, nk);
                    int at = nk + nzk;
                    List<Array> ct = leaves.subList(at, at + nc);
                    List<Array> x = leaves.subList(at + nc, at + nc + nx);
                    List<Array> c = leaves.subList(at + nc + nx, at + 2 * nc + nx);
                    List<Array> xt = expand(leaves.subList(at + 2 * nc + nx, leaves.size()), nzXs, nx);
                    List<Array> in = new ArrayList<>(k);
                    in.addAll(c);
                    in.addAll(x);
                    List<Array> tans = new ArrayList<>(kt);
                    tans.addAll(ct);
                    tans.addAll(xt);
                    return jvpOfProgram(s.body(), in, tans, false);
                },
                tIn,
                "jvp of scan");
        List<Array> targs = new ArrayList<>(tangentBody.constants());
        targs.addAll(consts);
        for (int i : nzConsts) {
            targs.add(tangents.get(i));
        }
        targs.addAll(carryTans);
        targs.addAll(xs);
        targs.addAll(residuals);
        for (int i : nzXs) {
            targs.add(tangents.get(nk + nc + i));
        }
        List<Array> tanOut = Lax.bindAll(
                Primitive.SCAN,
                new Params.Scan(
                        tangentBody.program(), tangentBody.constants().size() + nk + nzk, nc, s.length(), s.reverse()),
                targs.toArray(Array[]::new));
        List<ArraySpec> outSpecs = ControlFlow.outSpecs(Primitive.SCAN, s, specs(primals));
        return pair(primalOut, tanOut, outSpecs);
    }

    // ------------------------------------------------------------------ transpose

    /**
     * Cotangents of the operands of a control-flow equation that is linear in the operands marked
     * {@code linear}; {@code values} holds the non-linear operands (null where linear).
     */
    static List<Array> transpose(
            Primitive p, Params params, List<Array> cts, List<Array> values, boolean[] linear, List<ArraySpec> specs) {
        return switch (params) {
            case Params.Cond c -> transposeCond(c, cts, values, linear, specs);
            case Params.Scan s -> transposeScan(s, cts, values, linear, specs);
            case Params.LinearCall<?> l -> CustomLinear.transpose(l, cts, values, linear);
            case Params.Pmap m -> PmapRules.transpose(m, cts, values, linear, specs);
            case Params.HostCall<?> h -> throw HostCalls.notDifferentiable(h);
            default ->
                throw new KilnException("reverse-mode differentiation of " + p.printName()
                        + " is not supported (its trip count is not known when the program is built); use Lax.forLoop or"
                        + " Lax.scan with a static length, or forward mode (Kiln.jvp, Kiln.jacfwd)");
        };
    }

    /** The program with its inputs split into non-linear constants and linear inputs. */
    private static Program splitLinear(Program p, boolean[] linear) {
        List<Var> consts = new ArrayList<>();
        List<Var> ins = new ArrayList<>();
        for (int i = 0; i < linear.length; i++) {
            (linear[i] ? ins : consts).add(p.inputs().get(i));
        }
        return new Program(consts, ins, p.eqns(), p.outputs());
    }

    private static List<Array> transposeCond(
            Params.Cond c, List<Array> cts, List<Array> values, boolean[] linear, List<ArraySpec> specs) {
        boolean[] opLinear = Arrays.copyOfRange(linear, 1, linear.length);
        List<ArraySpec> in = new ArrayList<>();
        List<Array> args = new ArrayList<>();
        args.add(values.get(0));
        for (int i = 0; i < opLinear.length; i++) {
            if (!opLinear[i]) {
                in.add(specs.get(i + 1));
                args.add(values.get(i + 1));
            }
        }
        int nNonLinear = in.size();
        List<ArraySpec> outSpecs = c.branches().get(0).outputSpecs();
        in.addAll(outSpecs);
        args.addAll(instantiate(cts, outSpecs));
        List<ControlFlow.Closed> traced = new ArrayList<>();
        for (Program b : c.branches()) {
            Program split = splitLinear(b, opLinear);
            traced.add(ControlFlow.trace(
                    leaves -> Transposer.transpose(
                            split, leaves.subList(0, nNonLinear), leaves.subList(nNonLinear, leaves.size())),
                    in,
                    "transpose of cond"));
        }
        ControlFlow.Branches merged = ControlFlow.merge(traced);
        args.addAll(1, merged.constants());
        List<Array> out = Lax.bindAll(Primitive.COND, new Params.Cond(merged.programs()), args.toArray(Array[]::new));
        List<Array> result = new ArrayList<>();
        result.add(null);
        int k = 0;
        for (boolean l : opLinear) {
            result.add(l ? out.get(k++) : null);
        }
        return result;
    }

    private static List<Array> transposeScan(
            Params.Scan s, List<Array> cts, List<Array> values, boolean[] linear, List<ArraySpec> specs) {
        int nk = s.consts();
        int nc = s.carries();
        int nx = specs.size() - nk - nc;
        // a carry may arrive as a constant (an instantiated zero tangent) but is linear in the loop
        boolean[] original = linear;
        linear = linear.clone();
        Arrays.fill(linear, nk, nk + nc, true);
        boolean[] kLin = Arrays.copyOfRange(linear, 0, nk);
        boolean[] xLin = Arrays.copyOfRange(linear, nk + nc, linear.length);
        List<Integer> kl = indices(kLin, true);
        List<Integer> kn = indices(kLin, false);
        List<Integer> xl = indices(xLin, true);
        List<Integer> xn = indices(xLin, false);
        List<ArraySpec> bodyIn = s.body().inputSpecs();
        List<ArraySpec> bodyOut = s.body().outputSpecs();
        int ny = bodyOut.size() - nc;
        Program split = splitLinear(s.body(), linear);
        // reverse body: consts = non-linear consts; carry = (const ct accumulators, carry ct);
        // scanned = (non-linear xs, output cts of y)
        List<ArraySpec> rIn = new ArrayList<>();
        kn.forEach(i -> rIn.add(bodyIn.get(i)));
        kl.forEach(i -> rIn.add(bodyIn.get(i)));
        rIn.addAll(bodyIn.subList(nk, nk + nc));
        xn.forEach(i -> rIn.add(bodyIn.get(nk + nc + i)));
        rIn.addAll(bodyOut.subList(nc, bodyOut.size()));
        ControlFlow.Closed rev = ControlFlow.trace(
                leaves -> {
                    int at = 0;
                    List<Array> nonLinConsts = leaves.subList(at, at += kn.size());
                    List<Array> acc = leaves.subList(at, at += kl.size());
                    List<Array> carryCt = leaves.subList(at, at += nc);
                    List<Array> nonLinX = leaves.subList(at, at += xn.size());
                    List<Array> yCt = leaves.subList(at, leaves.size());
                    List<Array> constants = ControlFlow.concat(nonLinConsts, nonLinX);
                    List<Array> outCts = ControlFlow.concat(carryCt, yCt);
                    List<Array> inCts = Transposer.transpose(split, constants, outCts);
                    // inCts: linear consts, carries, linear xs
                    List<Array> out = new ArrayList<>();
                    for (int i = 0; i < kl.size(); i++) {
                        out.add(Lax.bind(Primitive.ADD, acc.get(i), inCts.get(i)));
                    }
                    out.addAll(inCts.subList(kl.size(), kl.size() + nc));
                    out.addAll(inCts.subList(kl.size() + nc, inCts.size()));
                    return out;
                },
                rIn,
                "transpose of scan");
        List<Array> args = new ArrayList<>(rev.constants());
        kn.forEach(i -> args.add(values.get(i)));
        kl.forEach(i -> args.add(Np.zeros(specs.get(i).dtype(), specs.get(i).shape())));
        List<ArraySpec> outSpecs = ControlFlow.outSpecs(Primitive.SCAN, s, specs);
        List<Array> allCts = instantiate(cts, outSpecs);
        args.addAll(allCts.subList(0, nc));
        xn.forEach(i -> args.add(values.get(nk + nc + i)));
        args.addAll(allCts.subList(nc, nc + ny));
        List<Array> out = Lax.bindAll(
                Primitive.SCAN,
                new Params.Scan(
                        rev.program(), rev.constants().size() + kn.size(), kl.size() + nc, s.length(), !s.reverse()),
                args.toArray(Array[]::new));
        List<Array> result = new ArrayList<>();
        for (int i = 0; i < nk + nc + nx; i++) {
            result.add(null);
        }
        for (int i = 0; i < kl.size(); i++) {
            result.set(kl.get(i), out.get(i));
        }
        for (int i = 0; i < nc; i++) {
            result.set(nk + i, original[nk + i] ? out.get(kl.size() + i) : null);
        }
        for (int i = 0; i < xl.size(); i++) {
            result.set(nk + nc + xl.get(i), out.get(kl.size() + nc + i));
        }
        return result;
    }

    // ------------------------------------------------------------------ batching

    /** Batched outputs (all with the batch dimension at 0) of a control-flow primitive. */
    static List<Array> batch(BatchTrace trace, Primitive p, Params params, List<Array> values, int[] dims) {
        int size = trace.axisSize();
        return switch (params) {
            case Params.Cond c -> batchCond(c, values, dims, size);
            case Params.While w -> batchWhile(w, values, dims, size);
            case Params.Scan s -> batchScan(s, values, dims, size);
            case Params.LinearCall<?> l ->
                throw new KilnException("customVjp: vmap over the tangent part of a customVjp"
                        + " function is not supported; apply vmap outside the differentiated function (vmap(grad(f)))");
            case Params.Pmap m -> PmapRules.batch(trace, m, values, dims);
            case Params.HostCall<?> h -> HostCalls.batch(h, values, dims, size);
            default -> throw new KilnException(p.printName() + " is not a control-flow primitive");
        };
    }

    /** {@code x} with its batch dimension at {@code to} (broadcast there when it has none). */
    static Array moveBatch(Array x, int dim, int to, int size) {
        if (dim == BatchTrace.NOT_MAPPED) {
            Array e = Np.expandDims(x, to);
            int[] shape = e.shape();
            shape[to] = size;
            return Np.broadcastTo(e, shape);
        }
        return dim == to ? x : Np.moveaxis(x, dim, to);
    }

    /**
     * A program that applies {@code p} to a batch: inputs marked mapped carry a leading batch
     * dimension, and every output gets one.
     */
    private static ControlFlow.Closed batchProgram(Program p, boolean[] mapped, int size, String name) {
        List<ArraySpec> in = new ArrayList<>();
        for (int i = 0; i < mapped.length; i++) {
            ArraySpec s = p.inputs().get(i).spec();
            in.add(mapped[i] ? s.withShape(ControlFlow.prepend(size, s.shape())) : s);
        }
        return ControlFlow.trace(
                leaves -> {
                    BatchTrace bt = TraceStack.push(level -> new BatchTrace(level, size));
                    List<Array> outs;
                    try {
                        List<Array> args = new ArrayList<>();
                        for (int i = 0; i < mapped.length; i++) {
                            args.add(mapped[i] ? bt.pack(leaves.get(i), 0) : leaves.get(i));
                        }
                        outs = ProgramRunner.run(p, List.of(), args);
                    } finally {
                        TraceStack.pop(bt);
                    }
                    List<Array> result = new ArrayList<>();
                    for (Array o : outs) {
                        BatchTrace.BatchTracer t = bt.unpack(o);
                        result.add(moveBatch(t.value(), t.batchDim(), 0, size));
                    }
                    return result;
                },
                in,
                name);
    }

    private static List<Array> batchCond(Params.Cond c, List<Array> values, int[] dims, int size) {
        int n = values.size() - 1;
        boolean[] mapped = new boolean[n];
        List<Array> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            mapped[i] = dims[i + 1] != BatchTrace.NOT_MAPPED;
            ops.add(mapped[i] ? moveBatch(values.get(i + 1), dims[i + 1], 0, size) : values.get(i + 1));
        }
        List<ControlFlow.Closed> traced = new ArrayList<>();
        for (Program b : c.branches()) {
            traced.add(batchProgram(b, mapped, size, "vmap of cond"));
        }
        ControlFlow.Branches merged = ControlFlow.merge(traced);
        List<Program> branches = merged.programs();
        ops.addAll(0, merged.constants());
        if (dims[0] == BatchTrace.NOT_MAPPED) {
            List<Array> args = new ArrayList<>();
            args.add(values.get(0));
            args.addAll(ops);
            return Lax.bindAll(Primitive.COND, new Params.Cond(branches), args.toArray(Array[]::new));
        }
        // a batched index: run every branch on the whole batch and select per element
        Array index = moveBatch(values.get(0), dims[0], 0, size);
        int last = branches.size() - 1;
        index = Np.clip(index, 0, last);
        List<Array> result = null;
        for (int b = 0; b < branches.size(); b++) {
            List<Array> out = ProgramRunner.run(branches.get(b), List.of(), ops);
            if (result == null) {
                result = new ArrayList<>(out);
                continue;
            }
            for (int k = 0; k < out.size(); k++) {
                Array v = out.get(k);
                Array pick = Np.equal(index, b);
                Array mask = Np.broadcastTo(Np.reshape(pick, padTo(pick.shape(), v.ndim())), v.shape());
                result.set(k, Np.where(mask, v, result.get(k)));
            }
        }
        return result;
    }

    private static int[] padTo(int[] shape, int rank) {
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        System.arraycopy(shape, 0, out, 0, shape.length);
        return out;
    }

    private static List<Array> batchWhile(Params.While w, List<Array> values, int[] dims, int size) {
        int k = w.condConsts() + w.bodyConsts();
        int n = values.size();
        boolean[] mapped = new boolean[n];
        List<Array> vals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // the carry is always batched: an unbatched carry may become batched in the body
            mapped[i] = i >= k || dims[i] != BatchTrace.NOT_MAPPED;
            vals.add(mapped[i] ? moveBatch(values.get(i), dims[i], 0, size) : values.get(i));
        }
        boolean[] condMapped =
                concatFlags(Arrays.copyOfRange(mapped, 0, w.condConsts()), Arrays.copyOfRange(mapped, k, n));
        boolean[] bodyMapped = Arrays.copyOfRange(mapped, w.condConsts(), n);
        ControlFlow.Closed cond = batchProgram(w.cond(), condMapped, size, "vmap of whileLoop");
        ControlFlow.Closed body = batchProgram(w.body(), bodyMapped, size, "vmap of whileLoop");
        int nc = n - k;
        List<ArraySpec> condIn = cond.program().inputSpecs();
        int condConsts = cond.constants().size() + w.condConsts();
        // run while any element's condition holds; finished elements keep their carry
        ControlFlow.Closed anyCond = ControlFlow.trace(
                leaves -> List.of(Np.any(
                        ProgramRunner.run(cond.program(), List.of(), leaves).get(0))),
                condIn,
                "vmap of whileLoop");
        List<ArraySpec> bodyIn = new ArrayList<>(condIn.subList(0, condConsts));
        bodyIn.addAll(body.program().inputSpecs());
        ControlFlow.Closed guarded = ControlFlow.trace(
                leaves -> {
                    List<Array> condArgs = ControlFlow.concat(
                            leaves.subList(0, condConsts), leaves.subList(leaves.size() - nc, leaves.size()));
                    Array live = ProgramRunner.run(cond.program(), List.of(), condArgs)
                            .get(0);
                    List<Array> next =
                            ProgramRunner.run(body.program(), List.of(), leaves.subList(condConsts, leaves.size()));
                    List<Array> out = new ArrayList<>();
                    for (int i = 0; i < nc; i++) {
                        Array old = leaves.get(leaves.size() - nc + i);
                        Array mask = Np.broadcastTo(Np.reshape(live, padTo(live.shape(), old.ndim())), old.shape());
                        out.add(Np.where(mask, next.get(i), old));
                    }
                    return out;
                },
                bodyIn,
                "vmap of whileLoop");
        List<Array> args = new ArrayList<>(anyCond.constants());
        args.addAll(cond.constants());
        args.addAll(vals.subList(0, w.condConsts()));
        args.addAll(guarded.constants());
        args.addAll(cond.constants());
        args.addAll(vals.subList(0, w.condConsts()));
        args.addAll(body.constants());
        args.addAll(vals.subList(w.condConsts(), k));
        args.addAll(vals.subList(k, n));
        int nCond = anyCond.constants().size() + condConsts;
        int nBody = guarded.constants().size() + condConsts + body.constants().size() + w.bodyConsts();
        return Lax.bindAll(
                Primitive.WHILE,
                new Params.While(anyCond.program(), guarded.program(), nCond, nBody),
                args.toArray(Array[]::new));
    }

    private static List<Array> batchScan(Params.Scan s, List<Array> values, int[] dims, int size) {
        int nk = s.consts();
        int nc = s.carries();
        int n = values.size();
        boolean[] mapped = new boolean[n];
        List<Array> vals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean isCarry = i >= nk && i < nk + nc;
            mapped[i] = isCarry || dims[i] != BatchTrace.NOT_MAPPED;
            boolean isX = i >= nk + nc;
            // scanned inputs keep the scan axis first, so their batch dimension goes to 1
            vals.add(mapped[i] ? moveBatch(values.get(i), dims[i], isX ? 1 : 0, size) : values.get(i));
        }
        ControlFlow.Closed body = batchProgram(s.body(), mapped, size, "vmap of scan");
        List<Array> args = new ArrayList<>(body.constants());
        args.addAll(vals);
        List<Array> out = Lax.bindAll(
                Primitive.SCAN,
                new Params.Scan(body.program(), body.constants().size() + nk, nc, s.length(), s.reverse()),
                args.toArray(Array[]::new));
        List<Array> result = new ArrayList<>(out.subList(0, nc));
        for (Array ys : out.subList(nc, out.size())) {
            result.add(Np.moveaxis(ys, 1, 0));
        }
        return result;
    }

    // ------------------------------------------------------------------ helpers

    private static boolean[] concatFlags(boolean[] a, boolean[] b) {
        boolean[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<Integer> indices(boolean[] flags, boolean value) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < flags.length; i++) {
            if (flags[i] == value) {
                out.add(i);
            }
        }
        return out;
    }

    private static List<Integer> nonZero(List<Array> tangents) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < tangents.size(); i++) {
            if (tangents.get(i) != null) {
                out.add(i);
            }
        }
        return out;
    }

    private static List<Array> expand(List<Array> present, List<Integer> where, int n) {
        List<Array> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(null);
        }
        for (int i = 0; i < where.size(); i++) {
            out.set(where.get(i), present.get(i));
        }
        return out;
    }

    private static List<ArraySpec> specs(List<Array> xs) {
        List<ArraySpec> out = new ArrayList<>();
        xs.forEach(a -> out.add(a.spec()));
        return out;
    }

    /** Zero tangents made concrete, so every loop iteration carries the same structure. */
    private static List<Array> instantiate(List<Array> tangents, List<?> like) {
        List<Array> out = new ArrayList<>();
        for (int i = 0; i < tangents.size(); i++) {
            Array t = tangents.get(i);
            if (t != null) {
                out.add(t);
                continue;
            }
            ArraySpec s = like.get(i) instanceof Array a ? a.spec() : (ArraySpec) like.get(i);
            out.add(Np.zeros(s.dtype(), s.shape()));
        }
        return out;
    }

    private static List<Array[]> pair(List<Array> primals, List<Array> tangents, List<ArraySpec> specs) {
        List<Array[]> out = new ArrayList<>();
        for (int i = 0; i < primals.size(); i++) {
            boolean differentiable = primals.get(i).dtype().isFloating();
            out.add(new Array[] {primals.get(i), differentiable ? tangents.get(i) : null});
        }
        return out;
    }
}
