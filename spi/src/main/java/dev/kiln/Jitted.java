package dev.kiln;

import dev.kiln.internal.trace.ProgramRunner;
import dev.kiln.internal.trace.ProgramVerifier;
import dev.kiln.internal.trace.StagingTrace;
import dev.kiln.internal.trace.TraceStack;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Program;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A function traced once per argument signature (tree structure with its static values, and the
 * specs of the array leaves) into a {@link Program}, compiled by the backend, and cached.
 * Java side effects in the function run while it is traced, not on cached calls.
 */
final class Jitted {
    private record Key(Tree.Def structure, List<ArraySpec> specs, Backend backend) {}

    private record Compiled(Program program, List<Array> constants, Tree.Def outStructure, Executable executable) {}

    private final Function<Object[], Object> body;
    private final ConcurrentHashMap<Key, Compiled> cache = new ConcurrentHashMap<>();
    private final AtomicInteger traces = new AtomicInteger();

    Jitted(Function<Object[], Object> body) {
        this.body = body;
    }

    /** How many times the function has been traced (cache misses). */
    int traceCount() {
        return traces.get();
    }

    Object call(Object[] args) {
        if (Kiln.jitDisabled()) {
            // under Kiln.disableJit(): run the function op by op, as jax.disable_jit does
            return body.apply(args);
        }
        Tree.Flat flat = Tree.flatten(args);
        boolean traced = TraceStack.dynamic() != null;
        for (Array leaf : flat.leaves()) {
            traced |= leaf.isTraced();
        }
        if (traced) {
            // inside another transformation: trace straight through the function
            return body.apply(args);
        }
        Backend backend = flat.leaves().isEmpty()
                ? Kiln.currentBackend()
                : flat.leaves().get(0).backend();
        List<ArraySpec> specs = flat.leaves().stream().map(Array::spec).toList();
        Key key = new Key(flat.def(), specs, backend);
        Compiled c = cache.computeIfAbsent(key, k -> trace(flat, backend));
        if (c.constants().stream().anyMatch(Array::isTraced)) {
            // the function closes over values of an enclosing transformation: run the program
            // through the trace stack, and do not keep it, since those values change per call
            cache.remove(key);
            return Tree.unflatten(c.outStructure(), ProgramRunner.run(c.program(), c.constants(), flat.leaves()));
        }
        List<Buffer> in = new ArrayList<>(c.constants().size() + flat.leaves().size());
        for (Array a : c.constants()) {
            in.add(Kiln.devicePut(a, backend).buffer());
        }
        for (Array a : flat.leaves()) {
            in.add(Kiln.devicePut(a, backend).buffer());
        }
        List<Buffer> out = c.executable().run(in);
        List<Array> leaves = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) {
            leaves.add(
                    new Array(backend, out.get(i), c.program().outputs().get(i).spec()));
        }
        return Tree.unflatten(c.outStructure(), leaves);
    }

    Program program(Object[] args) {
        Tree.Flat flat = Tree.flatten(args);
        return trace(flat, Kiln.currentBackend()).program();
    }

    /**
     * The specs of the function's output leaves for inputs of {@code specs} in the structure {@code
     * def}, found by tracing once without compiling or computing (the arrays are never read).
     */
    List<ArraySpec> outputSpecs(Tree.Def def, List<ArraySpec> specs) {
        StagingTrace staging = TraceStack.push(level -> new StagingTrace(level, "evalShape", true));
        Tree.Flat outFlat;
        try {
            List<Array> inputs = new ArrayList<>(specs.size());
            for (ArraySpec spec : specs) {
                inputs.add(staging.newInput(spec));
            }
            Object[] tracedArgs = Tree.unflatten(def, inputs);
            outFlat = Tree.flatten(body.apply(tracedArgs));
        } finally {
            TraceStack.pop(staging);
        }
        return outFlat.leaves().stream().map(Array::spec).toList();
    }

    private Compiled trace(Tree.Flat flat, Backend backend) {
        traces.incrementAndGet();
        StagingTrace staging = TraceStack.push(level -> new StagingTrace(level, "jit", true));
        Tree.Flat outFlat;
        try {
            List<Array> inputs = new ArrayList<>(flat.leaves().size());
            for (Array a : flat.leaves()) {
                inputs.add(staging.newInput(a.spec()));
            }
            Object[] tracedArgs = Tree.unflatten(flat.def(), inputs);
            outFlat = Tree.flatten(Kiln.withBackend(backend, () -> body.apply(tracedArgs)));
        } finally {
            TraceStack.pop(staging);
        }
        Program p = ProgramVerifier.checked(staging.build(outFlat.leaves()), "jit tracing");
        return new Compiled(p, staging.constants(), outFlat.def(), backend.compile(Narrow.widen(p)));
    }
}
