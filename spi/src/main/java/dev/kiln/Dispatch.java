package dev.kiln;

import dev.kiln.internal.lower.LoweringImpl;
import dev.kiln.internal.rules.ShapeRules;
import dev.kiln.internal.trace.ControlFlow;
import dev.kiln.internal.trace.Trace;
import dev.kiln.internal.trace.TraceStack;
import dev.kiln.internal.trace.Tracer;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.Lowering;
import dev.kiln.spi.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where primitives are applied to arrays. Every {@link Np} function reaches a
 * backend through {@link #bind}, so later interpreters (tracing, differentiation, batching) have a
 * single point to intercept.
 */
final class Dispatch {
    static final boolean CHECKS = Settings.CHECKS.booleanValue();

    private Dispatch() {}

    /**
     * Applies {@code p} on the backend of the first operand (or the current backend when there are
     * none); operands on other backends are copied over first.
     */
    static Array bind(Primitive p, Params params, Array... args) {
        Trace top = topTrace(args);
        if (p.kind() == Primitive.Kind.COLLECTIVE) {
            top = Collectives.raise(top, params);
        }
        if (top != null) {
            return top.process(p, params, liftAll(top, args));
        }
        return execute(p, params, args);
    }

    /** Applies a primitive with several outputs (the control-flow primitives). */
    static List<Array> bindAll(Primitive p, Params params, Array... args) {
        if (p.kind() != Primitive.Kind.CONTROL) {
            return List.of(bind(p, params, args));
        }
        Trace top = topTrace(args);
        if (top != null) {
            return top.processAll(p, params, liftAll(top, args));
        }
        return ControlFlow.evalConcrete(p, params, List.of(args));
    }

    private static List<Array> liftAll(Trace top, Array[] args) {
        List<Array> lifted = new ArrayList<>(args.length);
        for (Array a : args) {
            Tracer t = a.tracer();
            lifted.add(t != null && t.trace() == top ? a : top.lift(a));
        }
        return lifted;
    }

    /** The trace a primitive on these operands goes to, or null to run it on a backend. */
    private static Trace topTrace(Array[] args) {
        Trace top = null;
        for (Array a : args) {
            Tracer t = a.tracer();
            if (t != null) {
                if (!t.trace().isActive()) {
                    throw new KilnException("a traced value of type " + a.spec() + " escaped from "
                            + t.trace().transformation() + " (it was stored in a field or captured and used after the"
                            + " transformation returned); return it from the transformed function instead");
                }
                if (top == null || t.trace().level() > top.level()) {
                    top = t.trace();
                }
            }
        }
        Trace dynamic = TraceStack.dynamic();
        if (dynamic != null && (top == null || dynamic.level() > top.level())) {
            top = dynamic;
        }
        return top;
    }

    private static Array execute(Primitive p, Params params, Array[] args) {
        if (narrow(params, args)) {
            // narrow dtypes: run on the storage dtype, then round (see Narrow)
            List<ArraySpec> specs =
                    java.util.Arrays.stream(args).map(Array::spec).toList();
            ArraySpec out = ShapeRules.outSpec(p, params, specs);
            Array[] wide = new Array[args.length];
            for (int i = 0; i < args.length; i++) {
                wide[i] = Narrow.storageView(args[i]);
            }
            Array r = Narrow.apply(p, params, specs, out, wide, Dispatch::execute);
            return new Array(r.backend(), r.buffer(), out);
        }
        Backend backend = args.length > 0 ? args[0].backend() : Kiln.currentBackend();
        if (p.kind() == Primitive.Kind.COLLECTIVE) {
            List<Buffer> in = new ArrayList<>(args.length);
            for (Array a : args) {
                in.add(a.backend() == backend ? a.buffer() : backend.fromHost(a.toHost()));
            }
            List<ArraySpec> specs =
                    java.util.Arrays.stream(args).map(Array::spec).toList();
            ArraySpec out = ShapeRules.outSpec(p, params, specs);
            return new Array(backend, dev.kiln.internal.parallel.CollectiveOps.execute(backend, p, params, out, in));
        }
        List<ArraySpec> specs = new ArrayList<>(args.length);
        List<Buffer> buffers = new ArrayList<>(args.length);
        for (Array a : args) {
            specs.add(a.spec());
            buffers.add(a.backend() == backend ? a.buffer() : backend.fromHost(a.toHost()));
        }
        ArraySpec out = ShapeRules.outSpec(p, params, specs);
        if (!backend.implementsNatively(p, Lowering.claimDType(p, out, specs))) {
            Array decomposed = LoweringImpl.decomposeEagerly(backend, p, params, out, args);
            if (decomposed != null) {
                return decomposed;
            }
        }
        Buffer result = backend.execute(p, params, out, buffers);
        if (CHECKS && !result.spec().equals(out)) {
            throw new KilnException("backend '" + backend.name() + "' returned " + result.spec() + " for "
                    + p.printName() + " where " + out + " was expected; this is a bug in that backend");
        }
        return new Array(backend, result);
    }

    private static boolean narrow(Params params, Array[] args) {
        for (Array a : args) {
            if (a.dtype().isNarrow()) {
                return true;
            }
        }
        return params instanceof Params.Convert c && c.to().isNarrow()
                || params instanceof Params.Iota i && i.dtype().isNarrow()
                || params instanceof Params.ArgReduce r && r.indexType().isNarrow();
    }

    /** An array holding {@code host}'s data on the current backend; {@code host}'s array is taken over. */
    static Array fromHost(HostBuffer host) {
        Backend backend = Kiln.currentBackend();
        if (host.spec().dtype().isNarrow()) {
            return new Array(backend, backend.fromHost(Narrow.toStorage(host)), host.spec());
        }
        return new Array(backend, backend.fromHost(host));
    }

    /** The same array on another backend. */
    static Array transfer(Array a, Backend to) {
        return a.backend() == to ? a : new Array(to, to.fromHost(Narrow.toStorage(a.toHost())), a.spec());
    }
}
