package dev.kiln.internal.trace;

import dev.kiln.Array;
import dev.kiln.KilnException;
import dev.kiln.Np;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.ir.Program;
import dev.kiln.ir.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The control-flow primitives ({@code cond}, {@code while}, {@code scan}): tracing their bodies
 * into closed sub-programs, their output specs, and running them on concrete arrays.
 */
public final class ControlFlow {
    private ControlFlow() {}

    /**
     * A function traced to a program whose constants were turned into leading inputs: call it with
     * {@code constants} followed by the arguments.
     */
    public record Closed(Program program, List<Array> constants) {}

    /** Traces {@code f} on abstract inputs of these specs into a closed program. */
    public static Closed trace(Function<List<Array>, List<Array>> f, List<ArraySpec> inputs, String name) {
        StagingTrace staging = TraceStack.push(level -> new StagingTrace(level, name, true));
        List<Array> outs;
        try {
            List<Array> in = new ArrayList<>(inputs.size());
            for (ArraySpec s : inputs) {
                in.add(staging.newInput(s));
            }
            outs = f.apply(in);
        } finally {
            TraceStack.pop(staging);
        }
        Program p = staging.build(outs);
        return new Closed(close(p), staging.constants());
    }

    /** The program with its constants moved to the front of its inputs. */
    public static Program close(Program p) {
        if (p.constants().isEmpty()) {
            return p;
        }
        List<Var> in = new ArrayList<>(p.constants());
        in.addAll(p.inputs());
        return ProgramVerifier.checked(new Program(List.of(), in, p.eqns(), p.outputs()), "closing a sub-program");
    }

    /** The program with {@code before} unused inputs of these specs added in front. */
    public static Program withLeadingInputs(Program p, List<ArraySpec> before, int at) {
        List<Var> in = new ArrayList<>(p.inputs().subList(0, at));
        for (ArraySpec s : before) {
            in.add(new Var(s));
        }
        in.addAll(p.inputs().subList(at, p.inputs().size()));
        return new Program(p.constants(), in, p.eqns(), p.outputs());
    }

    /** Branch programs that all take every branch's constants, then the shared operands. */
    public record Branches(List<Program> programs, List<Array> constants) {}

    /** Merges traced branches so they take the same operands: all constants, then the operands. */
    public static Branches merge(List<Closed> traced) {
        List<ArraySpec> constSpecs = new ArrayList<>();
        List<Array> constValues = new ArrayList<>();
        for (Closed c : traced) {
            constValues.addAll(c.constants());
            c.constants().forEach(a -> constSpecs.add(a.spec()));
        }
        List<Program> programs = new ArrayList<>();
        int offset = 0;
        for (Closed c : traced) {
            int n = c.constants().size();
            Program p = withLeadingInputs(c.program(), constSpecs.subList(0, offset), 0);
            p = withLeadingInputs(p, constSpecs.subList(offset + n, constSpecs.size()), offset + n);
            programs.add(p);
            offset += n;
        }
        return new Branches(programs, constValues);
    }

    /** Output specs of a control-flow primitive applied to operands of these specs. */
    public static List<ArraySpec> outSpecs(Primitive p, Params params, List<ArraySpec> in) {
        return switch (params) {
            case Params.Cond c -> {
                if (c.branches().isEmpty()) {
                    throw new KilnException("cond needs at least one branch");
                }
                if (!in.get(0).dtype().isInteger() || in.get(0).rank() != 0) {
                    throw new KilnException("cond needs a 0-d integer branch index, got " + in.get(0));
                }
                List<ArraySpec> out = c.branches().get(0).outputSpecs();
                for (Program b : c.branches()) {
                    if (!b.inputSpecs().equals(in.subList(1, in.size()))) {
                        throw new KilnException(
                                "cond branch takes " + b.inputSpecs() + " but gets " + in.subList(1, in.size()));
                    }
                    if (!b.outputSpecs().equals(out)) {
                        throw new KilnException(
                                "cond branches return different types: " + out + " and " + b.outputSpecs());
                    }
                }
                yield out;
            }
            case Params.While w -> {
                List<ArraySpec> carry = in.subList(w.condConsts() + w.bodyConsts(), in.size());
                yield List.copyOf(carry);
            }
            case Params.Scan s -> {
                List<ArraySpec> out = new ArrayList<>(in.subList(s.consts(), s.consts() + s.carries()));
                List<ArraySpec> bodyOut = s.body().outputSpecs();
                for (ArraySpec y : bodyOut.subList(s.carries(), bodyOut.size())) {
                    out.add(y.withShape(prepend(s.length(), y.shape())));
                }
                yield out;
            }
            case Params.LinearCall<?> l -> l.outSpecs();
            case Params.Pmap m -> PmapRules.outSpecs(m, in);
            case Params.HostCall<?> h -> h.outSpecs();
            default -> throw new KilnException(p.printName() + " is not a control-flow primitive");
        };
    }

    static int[] prepend(int n, int[] shape) {
        int[] out = new int[shape.length + 1];
        out[0] = n;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return out;
    }

    /** Runs a control-flow primitive on operands that are not traced at this level. */
    public static List<Array> evalConcrete(Primitive p, Params params, List<Array> args) {
        return switch (params) {
            case Params.Cond c -> {
                int i = (int) Math.max(
                        0, Math.min(c.branches().size() - 1, args.get(0).longItem()));
                yield ProgramRunner.run(c.branches().get(i), List.of(), args.subList(1, args.size()));
            }
            case Params.While w -> {
                List<Array> condConsts = args.subList(0, w.condConsts());
                List<Array> bodyConsts = args.subList(w.condConsts(), w.condConsts() + w.bodyConsts());
                List<Array> carry = List.copyOf(args.subList(w.condConsts() + w.bodyConsts(), args.size()));
                while (ProgramRunner.run(w.cond(), List.of(), concat(condConsts, carry))
                        .get(0)
                        .booleanItem()) {
                    carry = ProgramRunner.run(w.body(), List.of(), concat(bodyConsts, carry));
                }
                yield carry;
            }
            case Params.Scan s -> scanConcrete(s, args);
            case Params.LinearCall<?> l -> throw CustomLinear.forwardModeUnsupported();
            case Params.Pmap m -> dev.kiln.internal.parallel.PmapCalls.get().run(m, args);
            case Params.HostCall<?> h -> HostCalls.run(h, args);
            default -> throw new KilnException(p.printName() + " is not a control-flow primitive");
        };
    }

    private static List<Array> scanConcrete(Params.Scan s, List<Array> args) {
        List<Array> consts = args.subList(0, s.consts());
        List<Array> carry = List.copyOf(args.subList(s.consts(), s.consts() + s.carries()));
        List<Array> xs = args.subList(s.consts() + s.carries(), args.size());
        List<ArraySpec> bodyOut = s.body().outputSpecs();
        int ny = bodyOut.size() - s.carries();
        List<List<Array>> ys = new ArrayList<>();
        for (int k = 0; k < ny; k++) {
            ys.add(new ArrayList<>());
        }
        for (int step = 0; step < s.length(); step++) {
            int i = s.reverse() ? s.length() - 1 - step : step;
            List<Array> in = new ArrayList<>(consts);
            in.addAll(carry);
            for (Array x : xs) {
                in.add(Np.take(x, Np.scalar(i), 0));
            }
            List<Array> out = ProgramRunner.run(s.body(), List.of(), in);
            carry = out.subList(0, s.carries());
            for (int k = 0; k < ny; k++) {
                ys.get(k).add(out.get(s.carries() + k));
            }
        }
        List<Array> result = new ArrayList<>(carry);
        for (int k = 0; k < ny; k++) {
            ArraySpec y = bodyOut.get(s.carries() + k);
            List<Array> slices = ys.get(k);
            if (s.reverse()) {
                java.util.Collections.reverse(slices);
            }
            result.add(
                    slices.isEmpty()
                            ? Np.zeros(y.dtype(), prepend(0, y.shape()))
                            : Np.stack(slices.toArray(Array[]::new), 0));
        }
        return result;
    }

    static List<Array> concat(List<Array> a, List<Array> b) {
        List<Array> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }
}
