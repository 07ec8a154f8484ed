package dev.kiln.conformance;

import dev.kiln.DType;
import dev.kiln.Kiln;
import dev.kiln.ir.ArraySpec;
import dev.kiln.ir.Params;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Availability;
import dev.kiln.spi.Backend;
import dev.kiln.spi.BackendProvider;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Capability;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import dev.kiln.spi.UnsupportedPrimitiveException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A backend with planted bugs, for testing that the suite catches them: the reference backend,
 * but exp is 16 ulps off, integer add is wrong in the last element of long vectors (a vector-tail
 * bug), float sums are 0.1% high, transpose swaps two elements, float32 matmul is wrong in its last
 * element, cumprod is unsupported, and large buffers are kept forever (a leak). Lowest priority,
 * so it is never anyone's default.
 */
public final class BrokenBackendProvider implements BackendProvider {
    static final String NAME = "broken-for-tests";

    public BrokenBackendProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public Availability probe() {
        return Availability.ok("the reference backend with planted bugs, for the suite's own tests");
    }

    @Override
    public Backend open(Map<String, String> options) {
        return new Broken(Kiln.backend("reference"));
    }

    private static final class Broken implements Backend {
        private static final long LEAK_LIMIT = 150L << 20;
        private final Backend reference;
        private final List<Buffer> leaked = new ArrayList<>();
        private long leakedBytes;

        Broken(Backend reference) {
            this.reference = reference;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<Device> devices() {
            return List.of(new Device(NAME, "cpu", 0, "broken on purpose"));
        }

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.noneOf(Capability.class);
        }

        @Override
        public Buffer fromHost(HostBuffer host) {
            return keep(reference.fromHost(host));
        }

        @Override
        public HostBuffer toHost(Buffer buffer) {
            return reference.toHost(buffer);
        }

        /** Claims what the reference claims, so its deliberate faults show. */
        @Override
        public boolean implementsNatively(Primitive primitive, DType dtype) {
            return reference.implementsNatively(primitive, dtype);
        }

        @Override
        public Buffer execute(Primitive p, Params params, ArraySpec out, List<Buffer> inputs) {
            if (p == Primitive.CUMPROD) {
                throw new UnsupportedPrimitiveException(NAME, p, "planted gap");
            }
            HostBuffer r = reference.toHost(reference.execute(p, params, out, inputs));
            Object d = r.data();
            int n = r.spec().size();
            DType t = r.spec().dtype();
            switch (p) {
                case EXP -> {
                    if (t == DType.FLOAT32) {
                        float[] f = ((float[]) d).clone();
                        for (int i = 0; i < n; i++) {
                            f[i] = f[i] * (1 + 16 * Math.ulp(1.0f));
                        }
                        return keep(HostBuffer.wrap(r.spec(), f));
                    }
                }
                case ADD -> {
                    if (t == DType.INT32 && n > 1000) {
                        int[] v = ((int[]) d).clone();
                        v[n - 1] += 1;
                        return keep(HostBuffer.wrap(r.spec(), v));
                    }
                }
                case REDUCE_SUM -> {
                    if (t == DType.FLOAT32) {
                        float[] f = ((float[]) d).clone();
                        for (int i = 0; i < n; i++) {
                            f[i] = f[i] * 1.001f + 1e-3f;
                        }
                        return keep(HostBuffer.wrap(r.spec(), f));
                    }
                }
                case TRANSPOSE -> {
                    if (t == DType.FLOAT32 && n >= 2) {
                        float[] f = ((float[]) d).clone();
                        float tmp = f[0];
                        f[0] = f[1];
                        f[1] = tmp;
                        return keep(HostBuffer.wrap(r.spec(), f));
                    }
                }
                case DOT_GENERAL -> {
                    if (t == DType.FLOAT32 && n >= 1) {
                        float[] f = ((float[]) d).clone();
                        f[n - 1] += 0.01f;
                        return keep(HostBuffer.wrap(r.spec(), f));
                    }
                }
                default -> {}
            }
            return keep(r);
        }

        /** The planted leak: buffers of 1 MB and more are kept, up to 150 MB. */
        private synchronized Buffer keep(Buffer b) {
            long bytes = (long) b.spec().size() * b.spec().dtype().byteSize();
            if (bytes >= 1 << 20 && leakedBytes < LEAK_LIMIT) {
                leaked.add(b);
                leakedBytes += bytes;
            }
            return b;
        }
    }
}
