package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Lax;
import dev.kiln.Np;
import dev.kiln.ShapeException;
import dev.kiln.internal.parallel.AxisEnv;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Ints;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The rules of {@code pmap} as a primitive (JAX's {@code xla_pmap}): each one is a {@code pmap} of a
 * transformed body, so differentiating or batching a mapped function still runs over the devices.
 *
 * <ul>
 *   <li>JVP: the primal {@code pmap} as it is, and a tangent {@code pmap} whose body is the JVP of the
 *       body, taking the primal operands and the non-zero tangents (mapped like their primals) and
 *       returning the output tangents. The tangent body recomputes the primal values it needs, so
 *       its equation is linear in the tangents and reads only operands (what linearize needs).
 *   <li>Transpose: a {@code pmap} of the transposed body, from the non-linear operands and the output
 *       cotangents (mapped like the outputs) to the cotangents of the linear operands (mapped like
 *       them). An operand every device got whole has the sum of the devices' cotangents ({@code
 *       psum}); an output that was device 0's passes its cotangent to device 0 alone.
 *   <li>Batching: the batch axis goes after the device axis of mapped operands (first in unmapped
 *       ones), and the body is batched inside, with the batching trace's axis name.
 * </ul>
 */
final class PmapRules {
    private PmapRules() {}

    static final int MAPPED = 0;
    static final int NOT_MAPPED = -1;

    // ------------------------------------------------------------------ shapes

    static List<ArraySpec> outSpecs(Params.Pmap m, List<ArraySpec> in) {
        Program body = m.body();
        if (!body.constants().isEmpty()) {
            throw new KilnException("pmap: the body program has constant inputs; close it first (a bug in Kiln)");
        }
        if (m.inAxes().size() != in.size() || body.inputs().size() != in.size()) {
            throw new KilnException("pmap: the body takes " + body.inputs().size() + " operands (in_axes " + m.inAxes()
                    + ") but the equation has " + in.size());
        }
        if (m.outAxes().size() != body.outputs().size()) {
            throw new KilnException(
                    "pmap: the body returns " + body.outputs().size() + " values but out_axes is " + m.outAxes());
        }
        if (m.size() < 1) {
            throw new ShapeException(
                    "pmap: the mapped axis has length " + m.size() + "; pmap needs at least one slice");
        }
        for (int i = 0; i < in.size(); i++) {
            ArraySpec s = in.get(i);
            int ax = m.inAxes().get(i);
            ArraySpec slice;
            if (ax == MAPPED) {
                if (s.rank() == 0 || s.shape()[0] != m.size()) {
                    throw new ShapeException("pmap: operand " + i + " " + s + " is mapped along axis 0, which must have"
                            + " length " + m.size() + " (one slice per device)");
                }
                slice = s.withShape(dropFirst(s.shape()));
            } else if (ax == NOT_MAPPED) {
                slice = s;
            } else {
                throw new KilnException("pmap: in_axes entries of the primitive are 0 or -1, got " + ax);
            }
            if (!slice.equals(body.inputs().get(i).spec())) {
                throw new KilnException("pmap: the body takes "
                        + body.inputs().get(i).spec() + " for operand " + i + " but each device gets " + slice);
            }
        }
        List<ArraySpec> out = new ArrayList<>();
        for (int j = 0; j < body.outputs().size(); j++) {
            ArraySpec s = body.outputs().get(j).spec();
            int ax = m.outAxes().get(j);
            if (ax != MAPPED && ax != NOT_MAPPED) {
                throw new KilnException("pmap: out_axes entries of the primitive are 0 or -1, got " + ax);
            }
            out.add(ax == MAPPED ? s.withShape(ControlFlow.prepend(m.size(), s.shape())) : s);
        }
        return out;
    }

    static int[] dropFirst(int[] s) {
        return java.util.Arrays.copyOfRange(s, 1, s.length);
    }

    // ------------------------------------------------------------------ JVP

    static List<Array[]> jvp(Params.Pmap m, List<Array> primals, List<Array> tangents) {
        Program body = m.body();
        int n = primals.size();
        List<Array> primalOut = Lax.bindAll(Primitive.PMAP, m, primals.toArray(Array[]::new));
        List<Integer> nz = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (tangents.get(i) != null && primals.get(i).dtype().isFloating()) {
                nz.add(i);
            }
        }
        List<ArraySpec> specs = new ArrayList<>(body.inputSpecs());
        for (int i : nz) {
            specs.add(body.inputs().get(i).spec());
        }
        ControlFlow.Closed tangentBody = traceBody(
                m,
                leaves -> {
                    List<Array> tans = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        tans.add(null);
                    }
                    for (int k = 0; k < nz.size(); k++) {
                        tans.set(nz.get(k), leaves.get(n + k));
                    }
                    return Autodiff.jvp(in -> ProgramRunner.run(body, List.of(), in), leaves.subList(0, n), tans)
                            .tangents();
                },
                specs,
                "jvp of pmap");
        List<Array> args = new ArrayList<>(tangentBody.constants());
        args.addAll(primals);
        List<Integer> inAxes = unmapped(tangentBody.constants().size());
        inAxes.addAll(toList(m.inAxes()));
        for (int i : nz) {
            args.add(tangents.get(i));
            inAxes.add(m.inAxes().get(i));
        }
        List<Array> tanOut = Lax.bindAll(
                Primitive.PMAP,
                with(m, tangentBody.program(), inAxes, toList(m.outAxes())),
                args.toArray(Array[]::new));
        List<Array[]> out = new ArrayList<>();
        for (int j = 0; j < primalOut.size(); j++) {
            Array p = primalOut.get(j);
            out.add(new Array[] {p, p.dtype().isFloating() ? tanOut.get(j) : null});
        }
        return out;
    }

    // ------------------------------------------------------------------ transpose

    static List<Array> transpose(
            Params.Pmap m, List<Array> cts, List<Array> values, boolean[] linear, List<ArraySpec> specs) {
        Program body = m.body();
        List<Var> consts = new ArrayList<>();
        List<Var> ins = new ArrayList<>();
        List<Integer> nonLinear = new ArrayList<>();
        List<Integer> lin = new ArrayList<>();
        for (int i = 0; i < linear.length; i++) {
            (linear[i] ? ins : consts).add(body.inputs().get(i));
            (linear[i] ? lin : nonLinear).add(i);
        }
        Program split = new Program(consts, ins, body.eqns(), body.outputs());
        List<ArraySpec> outSpecs = body.outputSpecs();
        List<ArraySpec> tIn = new ArrayList<>();
        for (int i : nonLinear) {
            tIn.add(body.inputs().get(i).spec());
        }
        int nn = tIn.size();
        tIn.addAll(outSpecs);
        String axis = m.axisName();
        Params.Collective whole = new Params.Collective(axis, m.size());
        ControlFlow.Closed transposed = traceBody(
                m,
                leaves -> {
                    List<Array> outCts = new ArrayList<>(leaves.subList(nn, leaves.size()));
                    for (int j = 0; j < outCts.size(); j++) {
                        if (m.outAxes().get(j) == NOT_MAPPED) {
                            // the output was device 0's: only device 0's copy of it had a cotangent
                            Array ct = outCts.get(j);
                            Array first = Np.equal(Lax.bind(Primitive.AXIS_INDEX, whole), 0);
                            outCts.set(j, Np.where(first, ct, Np.zerosLike(ct)));
                        }
                    }
                    List<Array> inCts = Transposer.transpose(split, leaves.subList(0, nn), outCts);
                    List<Array> result = new ArrayList<>();
                    for (int k = 0; k < lin.size(); k++) {
                        Array c = inCts.get(k);
                        // an operand every device got whole: its cotangent is the devices' total
                        result.add(m.inAxes().get(lin.get(k)) == NOT_MAPPED ? Lax.bind(Primitive.PSUM, whole, c) : c);
                    }
                    return result;
                },
                tIn,
                "transpose of pmap");
        List<Array> args = new ArrayList<>(transposed.constants());
        List<Integer> inAxes = unmapped(transposed.constants().size());
        for (int i : nonLinear) {
            args.add(values.get(i));
            inAxes.add(m.inAxes().get(i));
        }
        List<ArraySpec> eqnOut = outSpecs(m, specs);
        for (int j = 0; j < outSpecs.size(); j++) {
            Array c = cts.get(j);
            ArraySpec s = eqnOut.get(j);
            args.add(c != null ? c : Np.zeros(s.dtype(), s.shape()));
            inAxes.add(m.outAxes().get(j));
        }
        List<Integer> outAxes = new ArrayList<>();
        for (int i : lin) {
            outAxes.add(m.inAxes().get(i));
        }
        List<Array> out =
                Lax.bindAll(Primitive.PMAP, with(m, transposed.program(), inAxes, outAxes), args.toArray(Array[]::new));
        List<Array> result = new ArrayList<>();
        for (int i = 0; i < linear.length; i++) {
            result.add(null);
        }
        for (int k = 0; k < lin.size(); k++) {
            result.set(lin.get(k), out.get(k));
        }
        return result;
    }

    // ------------------------------------------------------------------ batching

    /** Outputs with the batch dimension at 0, as {@link BatchTrace#processAll} expects. */
    static List<Array> batch(BatchTrace trace, Params.Pmap m, List<Array> values, int[] dims) {
        int size = trace.axisSize();
        int n = values.size();
        boolean[] batched = new boolean[n];
        List<Array> vals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batched[i] = dims[i] != BatchTrace.NOT_MAPPED;
            // a mapped operand keeps the device axis first, so its batch dimension goes to 1
            int to = m.inAxes().get(i) == MAPPED ? 1 : 0;
            vals.add(batched[i] ? ControlFlowRules.moveBatch(values.get(i), dims[i], to, size) : values.get(i));
        }
        Program body = m.body();
        List<ArraySpec> in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ArraySpec s = body.inputs().get(i).spec();
            in.add(batched[i] ? s.withShape(ControlFlow.prepend(size, s.shape())) : s);
        }
        ControlFlow.Closed batchedBody = traceBody(
                m,
                leaves -> {
                    BatchTrace bt = TraceStack.push(level -> new BatchTrace(level, size, trace.axisName()));
                    AxisEnv.Frame frame = trace.axisName() == null ? null : AxisEnv.push(trace.axisName(), size, bt);
                    List<Array> outs;
                    try {
                        List<Array> args = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            args.add(batched[i] ? bt.pack(leaves.get(i), 0) : leaves.get(i));
                        }
                        outs = ProgramRunner.run(body, List.of(), args);
                    } finally {
                        if (frame != null) {
                            AxisEnv.pop(frame);
                        }
                        TraceStack.pop(bt);
                    }
                    List<Array> result = new ArrayList<>();
                    for (Array o : outs) {
                        BatchTrace.BatchTracer t = bt.unpack(o);
                        result.add(ControlFlowRules.moveBatch(t.value(), t.batchDim(), 0, size));
                    }
                    return result;
                },
                in,
                "vmap of pmap");
        List<Array> args = new ArrayList<>(batchedBody.constants());
        args.addAll(vals);
        List<Integer> inAxes = unmapped(batchedBody.constants().size());
        inAxes.addAll(toList(m.inAxes()));
        List<Array> out = Lax.bindAll(
                Primitive.PMAP,
                with(m, batchedBody.program(), inAxes, toList(m.outAxes())),
                args.toArray(Array[]::new));
        List<Array> result = new ArrayList<>();
        for (int j = 0; j < out.size(); j++) {
            result.add(m.outAxes().get(j) == MAPPED ? Np.moveaxis(out.get(j), 1, 0) : out.get(j));
        }
        return result;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Traces a new body for {@code m}'s devices with its axis in scope (the rules bind collectives
     * with explicit params, but the user's functions they run again may look the axis up).
     */
    private static ControlFlow.Closed traceBody(
            Params.Pmap m, Function<List<Array>, List<Array>> f, List<ArraySpec> specs, String name) {
        return ControlFlow.trace(
                leaves -> {
                    AxisEnv.Frame frame = AxisEnv.push(m.axisName(), m.size(), null);
                    try {
                        return f.apply(leaves);
                    } finally {
                        AxisEnv.pop(frame);
                    }
                },
                specs,
                name);
    }

    private static Params.Pmap with(Params.Pmap m, Program body, List<Integer> inAxes, List<Integer> outAxes) {
        return new Params.Pmap(
                ProgramVerifier.checked(body, "pmap rule"),
                m.axisName(),
                m.size(),
                Ints.of(inAxes.stream().mapToInt(Integer::intValue).toArray()),
                Ints.of(outAxes.stream().mapToInt(Integer::intValue).toArray()),
                m.backend(),
                m.devices());
    }

    private static List<Integer> unmapped(int k) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(NOT_MAPPED);
        }
        return out;
    }

    private static List<Integer> toList(Ints xs) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            out.add(xs.get(i));
        }
        return out;
    }
}
