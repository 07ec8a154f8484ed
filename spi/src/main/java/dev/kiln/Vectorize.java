package dev.kiln;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@code jnp.vectorize}: a function written for arrays of fixed (core) shapes applied over any
 * leading (loop) dimensions, broadcast against each other. A signature in NumPy's generalized
 * ufunc form ({@code "(m,n),(n)->(m)"}) names each argument's trailing core dimensions and the
 * result's; without one every argument's core is a scalar. The loop dimensions are broadcast,
 * flattened into one batch axis and mapped with {@link Kiln#vmap}, so the function is traced once
 * and the whole batch runs as one program.
 */
final class Vectorize {
    private Vectorize() {}

    /** The parsed signature: each argument's core dimension names, then the result's. */
    record Signature(List<List<String>> inputs, List<String> output) {}

    static Function<Array[], Array> of(Function<Array[], ?> f, String signature) {
        Objects.requireNonNull(f, "f");
        Signature sig = signature == null ? null : parse(signature);
        return args -> apply(f, sig, args);
    }

    static Signature parse(String s) {
        String text = s.replace(" ", "");
        int arrow = text.indexOf("->");
        if (arrow < 0 || text.indexOf("->", arrow + 2) >= 0) {
            throw bad(s, "needs exactly one '->' between the arguments' and the result's core dimensions");
        }
        List<List<String>> in = groups(s, text.substring(0, arrow));
        List<List<String>> out = groups(s, text.substring(arrow + 2));
        if (out.size() != 1) {
            throw bad(s, "names " + out.size() + " results; Np.vectorize supports functions of one result");
        }
        return new Signature(in, out.get(0));
    }

    private static List<List<String>> groups(String sig, String text) {
        List<List<String>> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) != '(') {
                throw bad(sig, "expected '(' at \"" + text.substring(i) + "\"");
            }
            int close = text.indexOf(')', i);
            if (close < 0) {
                throw bad(sig, "a '(' is not closed");
            }
            List<String> names = new ArrayList<>();
            String inner = text.substring(i + 1, close);
            if (!inner.isEmpty()) {
                for (String n : inner.split(",", -1)) {
                    if (!n.matches("[A-Za-z_][A-Za-z_0-9]*")) {
                        throw bad(sig, "\"" + n + "\" is not a dimension name");
                    }
                    names.add(n);
                }
            }
            out.add(names);
            i = close + 1;
            if (i < text.length()) {
                if (text.charAt(i) != ',') {
                    throw bad(sig, "expected ',' between groups at \"" + text.substring(i) + "\"");
                }
                i++;
            }
        }
        return out;
    }

    private static ShapeException bad(String sig, String why) {
        return new ShapeException(
                "vectorize: signature \"" + sig + "\" " + why + "; write it as NumPy does, e.g. \"(m,n),(n)->(m)\"");
    }

    private static Array apply(Function<Array[], ?> f, Signature sig, Array[] args) {
        NullChecks.elements(args, "args");
        int nargs = args.length;
        if (sig != null && sig.inputs().size() != nargs) {
            throw new ShapeException("vectorize: the signature has "
                    + sig.inputs().size() + " argument(s), the call " + nargs + "; pass one array per argument group");
        }
        Map<String, Integer> sizes = new HashMap<>();
        int[][] loops = new int[nargs][];
        int[][] cores = new int[nargs][];
        for (int i = 0; i < nargs; i++) {
            List<String> core = sig == null ? List.of() : sig.inputs().get(i);
            int[] shape = args[i].shape();
            if (shape.length < core.size()) {
                throw new ShapeException(
                        "vectorize: argument " + i + " of shape " + Shape.toString(shape) + " has fewer" + " than the "
                                + core.size() + " core dimension(s) " + core + " of the signature");
            }
            int split = shape.length - core.size();
            loops[i] = Arrays.copyOfRange(shape, 0, split);
            cores[i] = Arrays.copyOfRange(shape, split, shape.length);
            for (int d = 0; d < core.size(); d++) {
                Integer seen = sizes.putIfAbsent(core.get(d), cores[i][d]);
                if (seen != null && seen != cores[i][d]) {
                    throw new ShapeException("vectorize: core dimension " + core.get(d) + " is " + seen
                            + " in one argument and " + cores[i][d] + " in argument " + i + "; they must agree");
                }
            }
        }
        int[] loop = Np.broadcastShapes("vectorize", loops);
        int batch = 1;
        for (int d : loop) {
            batch *= d;
        }
        List<Array> flat = new ArrayList<>(nargs);
        for (int i = 0; i < nargs; i++) {
            int[] full = concat(loop, cores[i]);
            int[] rows = concat(new int[] {batch}, cores[i]);
            flat.add(Np.reshape(Np.broadcastTo(args[i], full), rows));
        }
        Function<List<Array>, Array> body = xs -> {
            Object r = f.apply(xs.toArray(new Array[0]));
            if (!(r instanceof Array a)) {
                throw new TreeException("vectorize: the function must return an Array, got "
                        + (r == null ? "null" : r.getClass().getSimpleName()));
            }
            return a;
        };
        Array out = Kiln.vmap(body).apply(flat);
        int[] outCore = Arrays.copyOfRange(out.shape(), 1, out.ndim());
        if (sig != null) {
            List<String> names = sig.output();
            if (names.size() != outCore.length) {
                throw new ShapeException("vectorize: the function returned core shape " + Shape.toString(outCore)
                        + " where the signature says " + names.size() + " dimension(s) " + names);
            }
            for (int d = 0; d < names.size(); d++) {
                Integer seen = sizes.get(names.get(d));
                if (seen != null && seen != outCore[d]) {
                    throw new ShapeException("vectorize: the result's dimension " + names.get(d) + " is " + outCore[d]
                            + " but the arguments give it " + seen);
                }
            }
        } else if (outCore.length != 0) {
            throw new ShapeException("vectorize: without a signature the function must return a scalar per element,"
                    + " got shape " + Shape.toString(outCore) + "; pass a signature such as \"()->(n)\"");
        }
        return Np.reshape(out, concat(loop, outCore));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
