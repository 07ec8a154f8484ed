package dev.kiln;

import java.lang.StackWalker.StackFrame;
import java.security.CodeSource;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of the public function a Kiln error belongs to, read from the call stack when the error
 * is made, so that every {@link KilnException} message starts with the function the user called
 * ({@code "zeros: ..."} for {@code Np.zeros}, even where the check that failed lives in {@code
 * full} or a primitive's shape rule), without every public method having to pass its name down.
 *
 * <p>The public function is the innermost Kiln frame called from outside Kiln (user code, a test,
 * the conformance suite): for {@code Np.sin} called in a {@code Lax.scan} body that is {@code
 * sin}, for a bad body given to {@code scan} it is {@code scan}. A transformation's returned
 * function ({@code grad(f).apply(x)}) runs as a lambda of {@code Kiln.grad}, whose synthetic name
 * {@code lambda$grad$0} names it. Frames of the JDK (reflection, threads) and of backends are
 * looked through. Kiln code is the code of this jar (or module); an error made with no user
 * frame on the stack (a Kiln worker thread) keeps its message as written.
 */
final class PublicName {
    private PublicName() {}

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final CodeSource KILN_SOURCE =
            KilnException.class.getProtectionDomain().getCodeSource();
    private static final Module KILN_MODULE = KilnException.class.getModule();

    /** A leading function name a message was written with: {@code full: }, {@code Np.array: }. */
    private static final Pattern TAG = Pattern.compile("^([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*): ", Pattern.DOTALL);

    private static final ClassValue<Boolean> IS_KILN = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            if (KILN_MODULE.isNamed()) {
                return c.getModule() == KILN_MODULE;
            }
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            return cs != null && KILN_SOURCE != null && Objects.equals(cs.getLocation(), KILN_SOURCE.getLocation());
        }
    };

    /** {@code message} starting with the public function's name (replacing another function's name it starts with). */
    static String prefix(String message) {
        String name = current();
        if (name == null) {
            return message;
        }
        if (message == null) {
            return name;
        }
        Matcher m = TAG.matcher(message);
        if (m.find()) {
            String tag = m.group(1);
            String last = tag.substring(tag.lastIndexOf('.') + 1);
            if (last.equals(name) || isTransformationOnStack(last)) {
                return message;
            }
            return name + ": " + message.substring(m.end());
        }
        return name + ": " + message;
    }

    /** The public function being called on this thread, or null when no user code is on the stack. */
    static String current() {
        return WALKER.walk(frames -> {
            StackFrame candidate = null;
            for (StackFrame f : (Iterable<StackFrame>) frames::iterator) {
                Class<?> c = f.getDeclaringClass();
                if (c == PublicName.class || Throwable.class.isAssignableFrom(c)) {
                    // the error's own construction: an error made outside Kiln's code (a backend
                    // module's) has no public function on the stack and keeps its message
                    continue;
                }
                if (IS_KILN.get(c)) {
                    candidate = f;
                } else if (candidate != null && !lookedThrough(c)) {
                    return nameOf(candidate);
                }
            }
            return null;
        });
    }

    /**
     * Whether a function returned by the transformation {@code name} ({@code grad(f)}'s lambda) is
     * running: an error it tagged with its own name keeps that name when the user called it through
     * another transformation ({@code jit(grad(f))} fails as {@code grad}, as in JAX), while a name
     * written by a helper ({@code full} inside {@code zeros}) gives way to the public one.
     */
    private static boolean isTransformationOnStack(String name) {
        return WALKER.walk(frames -> frames.anyMatch(
                f -> IS_KILN.get(f.getDeclaringClass()) && f.getMethodName().startsWith("lambda$" + name + "$")));
    }

    private static boolean lookedThrough(Class<?> c) {
        String n = c.getName();
        return n.startsWith("java.") || n.startsWith("jdk.") || n.startsWith("sun.") || n.startsWith("com.sun.");
    }

    private static String nameOf(StackFrame f) {
        String method = f.getMethodName();
        if (method.startsWith("lambda$")) {
            int end = method.indexOf('$', "lambda$".length());
            return end < 0 ? method : method.substring("lambda$".length(), end);
        }
        Class<?> c = f.getDeclaringClass();
        if (method.equals("<init>")) {
            return c.getSimpleName(); // a constructor speaks with its class's name
        }
        if (c.isAnonymousClass() && c.getEnclosingMethod() != null) {
            return c.getEnclosingMethod().getName();
        }
        return method;
    }
}
