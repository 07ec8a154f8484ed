package dev.kiln.pjrt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code xla.CompileOptionsProto} bytes Kiln hands {@code PJRT_Client_Compile}, written by hand
 * (a few varint and length-delimited fields; Kiln has no protobuf dependency): executable build
 * options {device_ordinal: -1, num_replicas: 1, num_partitions: 1} and, where asked, {@code
 * env_option_overrides}, XLA's way of setting a debug option (by its flag name) for one
 * compilation. The plain options make an executable for the default device (device 0); the portable
 * ones ({@link #PORTABLE_BYTES}) one that runs on whichever device each execute call names.
 */
final class CompileOptions {
    private CompileOptions() {}

    /**
     * The overrides that make XLA:CPU compile a small module about three times faster (measured on
     * single-primitive modules: 85 ms to 25 ms each on a shared two-core machine): LLVM at -O0, and
     * XLA:CPU's loop emitters instead of its MLIR fusion emitters (each fusion emitter run builds an
     * MLIR context). Results are the same; code for large arrays is slower.
     */
    static final Map<String, Object> QUICK = quick();

    private static Map<String, Object> quick() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("xla_backend_optimization_level", 0L);
        m.put("xla_cpu_use_fusion_emitters", false);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The options with XLA's defaults. */
    static final byte[] DEFAULT = encode(Map.of());

    /** The options with {@link #QUICK}'s overrides. */
    static final byte[] QUICK_BYTES = encode(QUICK);

    /**
     * The options of an executable that runs on any addressable device it is given at execute time
     * ({@code compile_portable_executable}): what the pjrt backend compiles when it has several
     * devices, so one executable serves every device of a {@code pmap}.
     */
    static final byte[] PORTABLE_BYTES = encode(Map.of(), true);

    /** {@link #PORTABLE_BYTES} with {@link #QUICK}'s overrides. */
    static final byte[] PORTABLE_QUICK_BYTES = encode(QUICK, true);

    /** Encodes the build options and these overrides (values Boolean, Long or String). */
    static byte[] encode(Map<String, Object> overrides) {
        return encode(overrides, false);
    }

    /** Encodes the build options, {@code compile_portable_executable} where asked, and these overrides. */
    static byte[] encode(Map<String, Object> overrides, boolean portable) {
        ByteArrayOutputStream build = new ByteArrayOutputStream();
        varintField(build, 1, -1L); // device_ordinal
        varintField(build, 4, 1); // num_replicas
        varintField(build, 5, 1); // num_partitions
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        bytesField(out, 3, build.toByteArray()); // executable_build_options
        if (portable) {
            varintField(out, 4, 1); // compile_portable_executable
        }
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            ByteArrayOutputStream value = new ByteArrayOutputStream(); // OptionOverrideProto
            switch (e.getValue()) {
                case String s -> bytesField(value, 1, s.getBytes(StandardCharsets.UTF_8));
                case Boolean b -> varintField(value, 2, b ? 1 : 0);
                case Long l -> varintField(value, 3, l);
                default ->
                    throw new IllegalArgumentException("pjrt: compile option " + e.getKey()
                            + " has a value of type " + e.getValue().getClass().getSimpleName()
                            + "; use a String, Boolean or Long");
            }
            ByteArrayOutputStream entry = new ByteArrayOutputStream(); // map entry {key, value}
            bytesField(entry, 1, e.getKey().getBytes(StandardCharsets.UTF_8));
            bytesField(entry, 2, value.toByteArray());
            bytesField(out, 7, entry.toByteArray()); // env_option_overrides
        }
        return out.toByteArray();
    }

    private static void varintField(ByteArrayOutputStream out, int field, long value) {
        varint(out, (long) field << 3);
        varint(out, value);
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] bytes) {
        varint(out, ((long) field << 3) | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
