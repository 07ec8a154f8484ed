package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The layering a backend relies on, checked on the compiled classes with {@code jdeps}: a backend
 * needs only the exported packages {@code dev.kiln.ir} and {@code dev.kiln.spi}, plus {@code
 * DType}, {@code Shape} and the exceptions of {@code dev.kiln}. So:
 *
 * <ol>
 *   <li>no class of {@code dev.kiln.ir} or {@code dev.kiln.spi} uses a class of a {@code
 *       dev.kiln.internal.*} package;
 *   <li>they use from {@code dev.kiln} only {@link #VALUES} and Kiln's exceptions (which themselves
 *       use nothing else of Kiln's), not the facade ({@code Array}, {@code Np}, …);
 *   <li>in the package graph (with {@link #VALUES} as a node of their own), no strongly connected
 *       component holds {@code ir}, {@code spi} or the values together with an internal package or
 *       the facade.
 * </ol>
 *
 * <p>One cycle remains on purpose and is allowed: the facade {@code dev.kiln} ({@code Array},
 * {@code Np}, {@code Kiln}) and the internal packages depend on each other, chiefly {@code
 * internal.trace} (tracers wrap {@code Array}s, and every {@code Np} function binds through the
 * trace stack). {@code ir} and {@code spi} also depend on each other ({@code ir.Literal} holds a
 * {@code spi.HostBuffer}); both are exported, so that cycle does not reach internals.
 *
 * <p>{@code spi.Lowering} reaches Kiln's compiler by loading {@code internal.lower.LoweringImpl} by
 * name, which then installs itself; that is a dependency from the internal package to the exported
 * one, and jdeps rightly sees no edge the other way.
 */
class LayeringTest {
    private static final String IR = "dev.kiln.ir";
    private static final String SPI = "dev.kiln.spi";
    private static final String INTERNAL = "dev.kiln.internal.";

    /**
     * The classes of {@code dev.kiln} a backend may use, besides Kiln's exceptions ({@link
     * KilnException} and its subclasses, and {@code PublicName}, with which they find the public
     * function a message starts with); together they form the node {@link #VALUES_NODE}.
     */
    static final Set<String> VALUES = Set.of("dev.kiln.DType", "dev.kiln.Shape", "dev.kiln.PublicName");

    private static final String VALUES_NODE = "dev.kiln(DType,Shape,exceptions)";

    /** A {@code -verbose:class} line: {@code   from.Class   -> to.Class   module}. */
    private static final Pattern EDGE =
            Pattern.compile("^\\s+(dev\\.kiln\\.\\S+)\\s+->\\s+(dev\\.kiln\\.\\S+)(\\s.*)?$");

    @Test
    void irAndSpiDependOnNoInternalPackageAndOnNoCycleWithOne() throws Exception {
        List<String[]> edges = classEdges();
        assertTrue(edges.size() > 500, "jdeps reported only " + edges.size() + " class edges; is the parse right?");
        List<String> problems = violations(edges);
        if (!problems.isEmpty()) {
            fail("dev.kiln.ir and dev.kiln.spi must be usable without Kiln's internals (see LayeringTest's"
                    + " javadoc):\n  " + String.join("\n  ", problems));
        }
    }

    /** The rules above applied to class-level edges; one readable line per problem. */
    static List<String> violations(List<String[]> edges) {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> graph = new TreeMap<>();
        Map<String, Set<String>> witness = new HashMap<>();
        for (String[] e : edges) {
            String from = e[0];
            String to = e[1];
            String a = node(from);
            String b = node(to);
            if (exportedCore(a) && b.startsWith(INTERNAL)) {
                problems.add(from + " -> " + to + " (an exported package uses an internal one)");
            } else if (exportedCore(a) && b.equals("dev.kiln")) {
                problems.add(from + " -> " + to + " (ir, spi, DType, Shape and the exceptions may use only"
                        + " DType, Shape and the exceptions from dev.kiln, not the facade)");
            }
            if (!a.equals(b)) {
                graph.computeIfAbsent(a, k -> new TreeSet<>()).add(b);
                graph.computeIfAbsent(b, k -> new TreeSet<>());
                witness.computeIfAbsent(a + " -> " + b, k -> new TreeSet<>()).add(from + " -> " + to);
            }
        }
        for (Set<String> scc : stronglyConnected(graph)) {
            boolean core = scc.stream().anyMatch(LayeringTest::exportedCore);
            boolean other = scc.stream().anyMatch(n -> n.startsWith(INTERNAL) || n.equals("dev.kiln"));
            if (scc.size() > 1 && core && other) {
                StringBuilder b = new StringBuilder(
                        "a cycle through ir or spi reaches internal packages or the facade: " + scc + "; its edges:");
                for (String a : scc) {
                    for (String c : graph.get(a)) {
                        if (scc.contains(c)) {
                            String first =
                                    witness.get(a + " -> " + c).iterator().next();
                            b.append("\n      ")
                                    .append(a)
                                    .append(" -> ")
                                    .append(c)
                                    .append(" (e.g. ")
                                    .append(first);
                            b.append(')');
                        }
                    }
                }
                problems.add(b.toString());
            }
        }
        return problems;
    }

    /** ir, spi, or the values of dev.kiln a backend may use. */
    private static boolean exportedCore(String node) {
        return node.equals(IR) || node.equals(SPI) || node.equals(VALUES_NODE);
    }

    /** The graph node of a class: its package, or {@link #VALUES_NODE} for {@link #VALUES} and their nested classes. */
    private static String node(String className) {
        int dollar = className.indexOf('$');
        String outer = dollar < 0 ? className : className.substring(0, dollar);
        if (VALUES.contains(outer) || isKilnException(outer)) {
            return VALUES_NODE;
        }
        return outer.substring(0, outer.lastIndexOf('.'));
    }

    private static boolean isKilnException(String className) {
        if (!className.startsWith("dev.kiln.") || className.indexOf('.', "dev.kiln.".length()) >= 0) {
            return false;
        }
        try {
            return KilnException.class.isAssignableFrom(
                    Class.forName(className, false, LayeringTest.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Tarjan's algorithm, iteratively; every component, singletons included. */
    private static List<Set<String>> stronglyConnected(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String start : graph.keySet()) {
            if (index.containsKey(start)) {
                continue;
            }
            Deque<Object[]> work = new ArrayDeque<>(); // {node, iterator over its successors}
            visit(start, index, low, stack, onStack, counter);
            work.push(new Object[] {start, graph.get(start).iterator()});
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                @SuppressWarnings("unchecked")
                var it = (java.util.Iterator<String>) frame[1];
                if (it.hasNext()) {
                    String w = it.next();
                    if (!index.containsKey(w)) {
                        visit(w, index, low, stack, onStack, counter);
                        work.push(new Object[] {w, graph.get(w).iterator()});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    String parent = (String) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    Set<String> scc = new TreeSet<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        scc.add(w);
                    } while (!w.equals(v));
                    out.add(scc);
                }
            }
        }
        return out;
    }

    private static void visit(
            String v,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
    }

    /** Class-to-class edges between Kiln's classes, from {@code jdeps -verbose:class} on spi's classes. */
    private static List<String[]> classEdges() throws URISyntaxException {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new AssertionError("jdeps is not in this JDK (module jdk.jdeps)"));
        Path classes = location(DType.class);
        assertTrue(Files.isDirectory(classes.resolve("dev/kiln/spi")), "not spi's classes: " + classes);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // module-info requires org.slf4j, so jdeps must find it to resolve the module
        int rc = jdeps.run(
                new PrintWriter(out),
                new PrintWriter(err),
                "--multi-release",
                String.valueOf(Runtime.version().feature()),
                "--module-path",
                location(org.slf4j.Logger.class).toString(),
                "-verbose:class",
                "-filter:none",
                classes.toString());
        assertTrue(rc == 0, "jdeps failed (" + rc + "): " + err + out);
        List<String[]> edges = new ArrayList<>();
        for (String line : out.toString().lines().toList()) {
            Matcher m = EDGE.matcher(line);
            if (m.matches()) {
                edges.add(new String[] {m.group(1), m.group(2)});
            }
        }
        return edges;
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
