package dev.kiln.pjrt;

import dev.kiln.Kiln;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures what one eager-sized XLA compile costs under several sets of compile options (not a
 * test: it prints timings, asserts nothing). Each round compiles the same small single-primitive
 * modules once per option set, the sets in turn, so a busy machine disturbs them alike; each line
 * is the median over rounds of the mean milliseconds per compile.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp … dev.kiln.pjrt.PjrtCompileTiming [rounds]</pre>
 */
public final class PjrtCompileTiming {
    private PjrtCompileTiming() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        PjrtClient client = ((PjrtBackend) Kiln.backend("pjrt")).session().client();
        Map<String, byte[]> sets = new LinkedHashMap<>();
        sets.put("quick", CompileOptions.QUICK_BYTES);
        for (int i = 1; i < args.length; i++) {
            Map<String, Object> m = new LinkedHashMap<>(CompileOptions.QUICK);
            for (String kv : args[i].split(",")) {
                String[] p = kv.split("=", 2);
                Object v = p[1].equals("true") || p[1].equals("false")
                        ? (Object) Boolean.valueOf(p[1])
                        : p[1].matches("-?\\d+") ? (Object) Long.valueOf(p[1]) : p[1];
                m.put(p[0], v);
            }
            sets.put("quick+" + args[i], CompileOptions.encode(m));
        }
        List<String> modules = modules();
        for (String m : modules) { // warm up every path once
            client.compile(m, CompileOptions.QUICK_BYTES);
        }
        Map<String, double[]> times = new LinkedHashMap<>();
        sets.keySet().forEach(k -> times.put(k, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (var e : sets.entrySet()) {
                long t0 = System.nanoTime();
                for (String m : modules) {
                    client.compile(m, e.getValue());
                }
                times.get(e.getKey())[r] = (System.nanoTime() - t0) / 1e6 / modules.size();
            }
        }
        for (var e : times.entrySet()) {
            double[] t = e.getValue().clone();
            Arrays.sort(t);
            System.out.printf("%-70s median %.2f ms, min %.2f ms per compile%n", e.getKey(), t[t.length / 2], t[0]);
        }
    }

    /** Single-primitive modules like the suite's eager ones: unary, binary, a reduction, a dot. */
    static List<String> modules() {
        List<String> out = new ArrayList<>();
        for (int n : new int[] {7, 129, 4097}) {
            String t = "tensor<" + n + "xf32>";
            out.add("func.func public @main(%a: " + t + ") -> " + t + " {\n  %0 = \"stablehlo.exponential\"(%a) : (" + t
                    + ") -> " + t + "\n  \"func.return\"(%0) : (" + t + ") -> ()\n}\n");
            out.add("func.func public @main(%a: " + t + ", %b: " + t + ") -> " + t
                    + " {\n  %0 = \"stablehlo.add\"(%a, %b) : (" + t + ", " + t + ") -> " + t
                    + "\n  \"func.return\"(%0) : (" + t + ") -> ()\n}\n");
        }
        out.add(
                """
                func.func public @main(%a: tensor<13x31xf32>) -> tensor<13xf32> {
                  %z = "stablehlo.constant"() <{value = dense<0.0> : tensor<f32>}> : () -> tensor<f32>
                  %0 = "stablehlo.reduce"(%a, %z) ({
                  ^bb0(%x: tensor<f32>, %y: tensor<f32>):
                    %s = "stablehlo.add"(%x, %y) : (tensor<f32>, tensor<f32>) -> tensor<f32>
                    "stablehlo.return"(%s) : (tensor<f32>) -> ()
                  }) {dimensions = array<i64: 1>} : (tensor<13x31xf32>, tensor<f32>) -> tensor<13xf32>
                  "func.return"(%0) : (tensor<13xf32>) -> ()
                }
                """);
        out.add(
                """
                func.func public @main(%a: tensor<13x31xf32>, %b: tensor<31x7xf32>) -> tensor<13x7xf32> {
                  %0 = "stablehlo.dot_general"(%a, %b) {dot_dimension_numbers = #stablehlo.dot<lhs_contracting_dimensions = [1], rhs_contracting_dimensions = [0]>} : (tensor<13x31xf32>, tensor<31x7xf32>) -> tensor<13x7xf32>
                  "func.return"(%0) : (tensor<13x7xf32>) -> ()
                }
                """);
        return out;
    }
}
