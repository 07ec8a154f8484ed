/*
 * Lists the public static methods of Kiln's namespace classes, one "Class name" pair per line,
 * for scripts/api_coverage.py. Run from the repository root after building spi:
 *
 *   java -cp spi/target/classes scripts/KilnApi.java dev.kiln.Np dev.kiln.Nn ...
 *
 * A class that does not exist is reported as "Class -" so the caller can say so.
 */
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.TreeSet;

public class KilnApi {
    public static void main(String[] args) {
        for (String cls : args) {
            Class<?> c;
            try {
                c = Class.forName(cls);
            } catch (ClassNotFoundException e) {
                System.out.println(cls + " -");
                continue;
            }
            TreeSet<String> names = new TreeSet<>();
            for (Method m : c.getMethods()) {
                if (Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == c) {
                    names.add(m.getName());
                }
            }
            for (String n : names) {
                System.out.println(cls + " " + n);
            }
        }
    }
}
