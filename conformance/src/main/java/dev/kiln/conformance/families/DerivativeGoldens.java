package dev.kiln.conformance.families;

import dev.kiln.DType;
import dev.kiln.spi.HostBuffer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of {@code goldens/derivatives.txt}: for each function of {@link Differentiable} and
 * float dtype, JAX's value, gradient of {@code sum(w * f)}, JVP along {@code v} and Hessian-vector
 * product of {@code sum(w * f)} along {@code v}, at inputs stored with them.
 */
final class DerivativeGoldens {
    private DerivativeGoldens() {}

    static final String RESOURCE = "/dev/kiln/conformance/goldens/derivatives.txt";

    record Line(
            String key,
            DType dtype,
            List<HostBuffer> primals,
            HostBuffer cotangent,
            List<HostBuffer> tangents,
            HostBuffer value,
            List<HostBuffer> grads,
            HostBuffer jvp,
            List<HostBuffer> hvps) {}

    private static volatile List<Line> lines;

    /** Every line, parsed once. */
    static List<Line> all() {
        List<Line> l = lines;
        if (l == null) {
            l = read();
            lines = l;
        }
        return l;
    }

    private static List<Line> read() {
        List<Line> out = new ArrayList<>();
        try (InputStream in = DerivativeGoldens.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("golden file " + RESOURCE + " is missing from the class path;"
                        + " regenerate it with conformance/scripts/make_goldens.py --derivatives-only");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                if (s.isBlank() || s.startsWith("#")) {
                    continue;
                }
                String[] f = s.split("\t", -1);
                if (f.length != 9) {
                    throw new IllegalStateException("malformed line in " + RESOURCE + ": " + f.length + " fields in "
                            + s.substring(0, Math.min(80, s.length())));
                }
                out.add(new Line(
                        f[0],
                        DType.fromName(f[1]),
                        list(f[2]),
                        GoldenFamily.decode(f[3]),
                        list(f[4]),
                        GoldenFamily.decode(f[5]),
                        list(f[6]),
                        GoldenFamily.decode(f[7]),
                        list(f[8])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(out);
    }

    private static List<HostBuffer> list(String field) {
        List<HostBuffer> out = new ArrayList<>();
        for (String v : field.split(";")) {
            out.add(GoldenFamily.decode(v));
        }
        return out;
    }
}
