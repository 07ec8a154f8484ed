package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.BadCallArgs.Arg;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Calls every public method of Kiln's API classes (found by reflection in the {@code dev.kiln}
 * package: {@link Np}, {@link Lax}, {@link Kiln}, {@link Array}, {@link Random}, {@link Tree}, …)
 * with generated bad arguments ({@link BadCallArgs}), and the functions those methods return
 * ({@code grad(f)}, {@code jit(f)}, a {@code vjp}'s pull-back) with bad arguments too. Each call may
 * succeed, throw a {@link KilnException} whose message starts with the public function's name,
 * throw a {@link NullPointerException} that names the parameter (for a null argument or a null
 * element of one), or let the user function's own exception through; anything else (a raw Java
 * exception or error, a misnamed Kiln error, a call that does not return) is listed, grouped by
 * method and exception type with one reproducer each.
 *
 * <p>The calls are deterministic: for each method, the first value of every parameter's pool, then
 * each parameter through its whole pool with the others at their first value, then combinations
 * drawn from a random generator seeded by the method's signature.
 */
class BadCallFuzzTest {
    private static final long SEED = 0x6b696c6eL;
    private static final int RANDOM_COMBINATIONS = 24;
    private static final long CALL_TIMEOUT_S = 10;
    /** For a call that asked for 2^20 or more of something (see {@link #asksForHugeWork}). */
    private static final long HUGE_CALL_TIMEOUT_S = 1;

    enum Outcome {
        SUCCESS,
        KILN_EXCEPTION,
        NAMED_NPE,
        USER_EXCEPTION,
        MISNAMED,
        RAW,
        HANG,
        /** Out of time or memory on a call that asked for huge work (a count or size of 2^20 or more). */
        HUGE_REQUEST
    }

    private static final Pattern NPE_NAME = Pattern.compile("^(\\w+)(\\[\\d+\\])?( (is null|must not be null).*)?$");

    private final BadCallArgs pools = new BadCallArgs();
    private final EnumMap<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    private final Map<String, Integer> rawByType = new TreeMap<>();
    private final Map<String, Problem> problems = new TreeMap<>();
    private ExecutorService worker = newWorker();
    private int calls;
    private boolean followingUp;
    private final List<String> hugeRequests = new ArrayList<>();

    private record Problem(String what, String reproducer, String detail, int[] count) {}

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bad-call-fuzz");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the harness outside JUnit (the report goes to standard output and the assertion). */
    public static void main(String[] args) throws Exception {
        new BadCallFuzzTest().everyBadCallGetsATypedErrorNamingTheFunction();
    }

    @Test
    void everyBadCallGetsATypedErrorNamingTheFunction() throws Exception {
        List<Method> methods = apiMethods();
        assertTrue(methods.size() > 300, "found only " + methods.size() + " public API methods");
        // -Dkiln.fuzz.only=REGEX: fuzz only the methods whose signature (Class.method(Params)) it finds
        String only = System.getProperty("kiln.fuzz.only");
        boolean all = only == null || only.isEmpty();
        if (!all) {
            Pattern p = Pattern.compile(only);
            methods =
                    methods.stream().filter(m -> p.matcher(signature(m)).find()).toList();
        }
        Map<String, Long> nanosByMethod = new java.util.HashMap<>();
        for (Method m : methods) {
            long t0 = System.nanoTime();
            fuzz(m);
            nanosByMethod.merge(signature(m), System.nanoTime() - t0, Long::sum);
        }
        if (Boolean.getBoolean("kiln.fuzz.timing")) {
            nanosByMethod.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(25)
                    .forEach(e -> System.out.printf("%8.1f ms %s%n", e.getValue() / 1e6, e.getKey()));
        }
        worker.shutdownNow();
        StringBuilder report = new StringBuilder();
        report.append(calls)
                .append(" calls over ")
                .append(methods.size())
                .append(" public methods: ")
                .append(counts)
                .append('\n');
        rawByType.forEach((k, v) ->
                report.append("  raw ").append(k).append(": ").append(v).append('\n'));
        hugeRequests.forEach(h -> report.append("  huge request: ").append(h).append('\n'));
        System.out.println("[bad-call fuzz] " + report);
        if (!problems.isEmpty()) {
            report.append(problems.size()).append(" problems, by method and exception type:\n");
            for (Problem p : problems.values()) {
                report.append("- ")
                        .append(p.what())
                        .append(" (")
                        .append(p.count()[0])
                        .append(" calls)\n    call: ")
                        .append(p.reproducer())
                        .append("\n    ")
                        .append(p.detail())
                        .append('\n');
            }
        }
        assertTrue(problems.isEmpty(), report::toString);
        assertTrue(!all || calls > 10_000, "only " + calls + " calls were made");
    }

    /** The public methods of the public classes of package {@code dev.kiln}, in a fixed order. */
    static List<Method> apiMethods() throws IOException, URISyntaxException {
        Path dir = Path.of(Np.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolve("dev/kiln");
        List<Method> out = new ArrayList<>();
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class"))
                    .map(n -> "dev.kiln." + n.substring(0, n.length() - ".class".length()))
                    .sorted()
                    .toList();
        }
        for (String name : names) {
            Class<?> c;
            try {
                c = Class.forName(name, false, Np.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            if (!isPublicApi(c) || Throwable.class.isAssignableFrom(c)) {
                continue;
            }
            for (Method m : c.getDeclaredMethods()) {
                int mod = m.getModifiers();
                if (!Modifier.isPublic(mod) || m.isSynthetic() || m.isBridge() || enumMethodOfJava(c, m)) {
                    continue;
                }
                if (Modifier.isStatic(mod) || c == Array.class || c.isEnum()) {
                    out.add(m);
                }
            }
        }
        // Tree.register changes global state: run it last, so it cannot change what other calls see
        out.sort(Comparator.comparing((Method m) -> m.getName().equals("register"))
                .thenComparing(BadCallFuzzTest::signature));
        return out;
    }

    /** {@code values()} and {@code valueOf(String)} of an enum: written by javac, with Java's own contract. */
    private static boolean enumMethodOfJava(Class<?> c, Method m) {
        return c.isEnum()
                && Modifier.isStatic(m.getModifiers())
                && (m.getName().equals("values") || m.getName().equals("valueOf") && m.getParameterCount() == 1);
    }

    private static boolean isPublicApi(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    static String signature(Method m) {
        StringBuilder s = new StringBuilder(m.getDeclaringClass().getSimpleName())
                .append('.')
                .append(m.getName())
                .append('(');
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            s.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return s.append(')').toString();
    }

    private void fuzz(Method m) {
        boolean instance = !Modifier.isStatic(m.getModifiers());
        List<List<Arg>> params = new ArrayList<>();
        if (instance) {
            params.add(
                    m.getDeclaringClass() == Array.class
                            ? BadCallArgs.arrays().stream()
                                    .filter(a -> a.value() != null)
                                    .toList()
                            : pools.forType(m.getDeclaringClass()).stream()
                                    .filter(a -> a.value() != null)
                                    .toList());
        }
        for (Type t : m.getGenericParameterTypes()) {
            params.add(pools.forType(t));
        }
        List<int[]> choices = new ArrayList<>();
        int n = params.size();
        choices.add(new int[n]);
        for (int i = 0; i < n; i++) {
            for (int v = 1; v < params.get(i).size(); v++) {
                int[] c = new int[n];
                c[i] = v;
                choices.add(c);
            }
        }
        java.util.Random random = new java.util.Random(SEED ^ signature(m).hashCode());
        for (int r = 0; r < (n < 2 ? 0 : RANDOM_COMBINATIONS); r++) {
            int[] c = new int[n];
            for (int i = 0; i < n; i++) {
                c[i] = random.nextInt(params.get(i).size());
            }
            choices.add(c);
        }
        for (int[] c : choices) {
            Arg[] args = new Arg[n];
            for (int i = 0; i < n; i++) {
                args[i] = params.get(i).get(c[i]);
            }
            Object receiver = instance ? args[0].value() : null;
            Object[] values = new Object[instance ? n - 1 : n];
            for (int i = 0; i < values.length; i++) {
                values[i] = args[instance ? i + 1 : i].value();
            }
            String repro = reproducer(m, args, instance);
            Runnable run = () -> {
                Object result = call(m, m.getName(), repro, args, () -> {
                    try {
                        return m.invoke(receiver, values);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
                followingUp = true;
                followUp(m, repro, result);
                followingUp = false;
            };
            if (asksForHugeWork(args)) {
                // not run: a call that asks for 2^20 or more of something is legitimate work, and one
                // given up on keeps computing and allocating in the background (Kiln's kernels do not
                // poll for interrupts), which left the test JVM thrashing in the collector for minutes
                count(Outcome.HUGE_REQUEST);
                hugeRequests.add(repro + " (not run)");
            } else {
                run.run();
            }
        }
    }

    /** Calls the functions a method returned ({@code grad(f)}, a pull-back) with a few arguments each. */
    private void followUp(Method m, String repro, Object result) {
        if (result == null || result == NO_RESULT) {
            return;
        }
        // a returned Function<Array, Array> (jacfwd) gets arrays: anything else needs an unchecked cast
        boolean arraysOnly = m.getGenericReturnType() instanceof java.lang.reflect.ParameterizedType p
                && p.getActualTypeArguments()[0] == Array.class;
        List<Arg> trees = arraysOnly ? BadCallArgs.arrays() : BadCallArgs.objects(false);
        int[] picks = arraysOnly
                ? new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13}
                : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 16, 22, 23, 27, 28};
        if (result instanceof Function<?, ?> f && !Proxy.isProxyClass(f.getClass())) {
            @SuppressWarnings("unchecked")
            Function<Object, Object> fn = (Function<Object, Object>) f;
            for (int p : picks) {
                Arg a = trees.get(p);
                Object r = call(m, m.getName(), repro + ".apply(" + a + ")", new Arg[] {a}, () -> fn.apply(a.value()));
                if (r instanceof Kiln.Vjp<?, ?> || r instanceof Kiln.Linearized<?, ?>) {
                    followUpRecord(m, repro + ".apply(" + a + ")", r);
                }
            }
        } else if (result instanceof BiFunction<?, ?, ?> f && !Proxy.isProxyClass(f.getClass())) {
            @SuppressWarnings("unchecked")
            BiFunction<Object, Object, Object> fn = (BiFunction<Object, Object, Object>) f;
            for (int p : picks) {
                Arg a = trees.get(p);
                Arg b = trees.get(0);
                call(
                        m,
                        m.getName(),
                        repro + ".apply(" + a + ", " + b + ")",
                        new Arg[] {a, b},
                        () -> fn.apply(a.value(), b.value()));
                call(
                        m,
                        m.getName(),
                        repro + ".apply(" + b + ", " + a + ")",
                        new Arg[] {b, a},
                        () -> fn.apply(b.value(), a.value()));
            }
        } else {
            followUpRecord(m, repro, result);
        }
    }

    private void followUpRecord(Method m, String repro, Object result) {
        Function<Object, Object> fn;
        String part;
        if (result instanceof Kiln.Vjp<?, ?> v) {
            @SuppressWarnings("unchecked")
            Function<Object, Object> pb = (Function<Object, Object>) v.pullback();
            fn = pb;
            part = ".pullback()";
        } else if (result instanceof Kiln.Linearized<?, ?> l) {
            @SuppressWarnings("unchecked")
            Function<Object, Object> lin = (Function<Object, Object>) l.linear();
            fn = lin;
            part = ".linear()";
        } else {
            return;
        }
        List<Arg> trees = BadCallArgs.objects(false);
        for (int p : new int[] {0, 1, 2, 3, 4, 7, 16, 22, 27}) {
            Arg a = trees.get(p);
            call(m, m.getName(), repro + part + ".apply(" + a + ")", new Arg[] {a}, () -> fn.apply(a.value()));
        }
    }

    @FunctionalInterface
    private interface Call {
        Object run() throws Throwable;
    }

    private static final Object NO_RESULT = new Object();

    private Object call(Method m, String function, String repro, Arg[] args, Call body) {
        calls++;
        BadCallArgs.leaked = null;
        Future<Object[]> future = worker.submit(() -> {
            try {
                return new Object[] {body.run(), null};
            } catch (Throwable t) {
                return new Object[] {NO_RESULT, t};
            }
        });
        Object[] done;
        try {
            done = future.get(asksForHugeWork(args) ? HUGE_CALL_TIMEOUT_S : CALL_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            if (asksForHugeWork(args)) {
                count(Outcome.HUGE_REQUEST);
                hugeRequests.add(repro + " (out of time)");
                return NO_RESULT;
            }
            record(Outcome.HANG, signature(m) + " did not return within " + CALL_TIMEOUT_S + " s", repro, "");
            return NO_RESULT;
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e);
        }
        Throwable t = (Throwable) done[1];
        if (t == null) {
            count(Outcome.SUCCESS);
            return done[0];
        }
        Outcome o = t instanceof OutOfMemoryError && asksForHugeWork(args)
                ? Outcome.HUGE_REQUEST
                : classify(m, function, args, t);
        if (o == Outcome.HUGE_REQUEST) {
            hugeRequests.add(repro + " (out of memory)");
        }
        if (o == Outcome.RAW) {
            rawByType.merge(t.getClass().getSimpleName(), 1, Integer::sum);
            record(o, signature(m) + ": " + t.getClass().getName(), repro, describe(t));
        } else if (o == Outcome.MISNAMED) {
            String said = String.valueOf(t.getMessage());
            int colon = said.indexOf(':');
            String tag = colon > 0 && colon < 40 ? said.substring(0, colon) : "(no name)";
            record(
                    o,
                    signature(m) + ": " + t.getClass().getSimpleName() + " message names '" + tag + "', not '"
                            + function + "'",
                    repro,
                    describe(t));
        } else {
            count(o);
        }
        return NO_RESULT;
    }

    private void count(Outcome o) {
        counts.merge(o, 1, Integer::sum);
    }

    private void record(Outcome o, String what, String repro, String detail) {
        count(o);
        problems.computeIfAbsent(what, k -> new Problem(what, repro, detail, new int[1]))
                .count()[0]++;
    }

    private static String describe(Throwable t) {
        StringBuilder s = new StringBuilder(String.valueOf(t.getMessage()));
        if (s.length() > 300) {
            s.setLength(300);
            s.append("...");
        }
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(4, st.length); i++) {
            s.append("\n      at ").append(st[i]);
        }
        return s.toString();
    }

    private Outcome classify(Method m, String function, Arg[] args, Throwable t) {
        if (t instanceof BadCallArgs.UserFailure || BadCallArgs.THROWN_IN_CALLBACKS.contains(t)) {
            return Outcome.USER_EXCEPTION;
        }
        if (t instanceof KilnException k) {
            String msg = String.valueOf(k.getMessage());
            String qualified = m.getDeclaringClass().getSimpleName() + "." + function;
            return msg.startsWith(function + ": ") || msg.startsWith(qualified + ": ")
                    ? Outcome.KILN_EXCEPTION
                    : Outcome.MISNAMED;
        }
        if (t instanceof NullPointerException && t.getMessage() != null && hasNull(args)) {
            var matcher = NPE_NAME.matcher(t.getMessage());
            if (matcher.matches()) {
                String name = matcher.group(1);
                if (followingUp) {
                    // a call of a function the method returned: its parameters have no names to compare
                    return Outcome.NAMED_NPE;
                }
                for (Parameter p : m.getParameters()) {
                    if (p.getName().equals(name)) {
                        return Outcome.NAMED_NPE;
                    }
                }
            }
        }
        return Outcome.RAW;
    }

    /**
     * Whether a call asked for an amount of work or memory a correct implementation may not finish
     * in time ({@code forLoop(0, Integer.MAX_VALUE, ...)} runs its body 2^31 times, {@code
     * arange(0, Integer.MIN_VALUE, -3)} holds 700 million elements): an int argument of 2^20 or more.
     */
    private static boolean asksForHugeWork(Arg[] args) {
        for (Arg a : args) {
            if (a.value() instanceof Integer i && Math.abs((long) i) >= 1 << 20) {
                return true;
            }
        }
        return false;
    }

    /** Whether an argument is null or holds a null (a null element, a null record component). */
    private static boolean hasNull(Arg[] args) {
        for (Arg a : args) {
            if (a.value() == null
                    || (!Proxy.isProxyClass(a.value().getClass()) && a.text().contains("null"))) {
                return true;
            }
        }
        return false;
    }

    private static String reproducer(Method m, Arg[] args, boolean instance) {
        StringBuilder s = new StringBuilder();
        int from = 0;
        if (instance) {
            s.append('(').append(args[0]).append(").");
            from = 1;
        } else {
            s.append(m.getDeclaringClass().getSimpleName()).append('.');
        }
        s.append(m.getName()).append('(');
        for (int i = from; i < args.length; i++) {
            s.append(i == from ? "" : ", ").append(args[i]);
        }
        return s.append(')').toString();
    }
}
