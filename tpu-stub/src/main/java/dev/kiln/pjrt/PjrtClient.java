package dev.kiln.pjrt;

import static dev.kiln.pjrt.PjrtLayout.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A PJRT client and its first addressable device: compiles StableHLO text, moves arrays between
 * the Java heap and the device, runs executables. Thread-safe as far as the plugin is (PJRT
 * clients are); each call uses its own confined arena for argument structs.
 */
final class PjrtClient {
    /** Frees device buffers and executables that Kiln no longer references. */
    static final Cleaner CLEANER = Cleaner.create();

    final PjrtApi api;
    /** Bytes held by this client's live buffers (see {@link LiveBytes}). */
    final LiveBytes live = new LiveBytes();

    final MemorySegment client;
    private final MemorySegment device;
    /** Every addressable device, the first being {@link #device}. */
    private final MemorySegment[] devices;

    private final String platformName;
    private final String platformVersion;
    private final List<String> deviceDescriptions;
    private final String deviceKind;

    PjrtClient(PjrtApi api, MemorySegment client) {
        this.api = api;
        this.client = client;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pn = api.args(arena, CLIENT_PLATFORM_NAME_ARGS);
            pn.set(ADDRESS, ARG0, client);
            api.call(CLIENT_PLATFORM_NAME, "PJRT_Client_PlatformName", pn);
            platformName = PjrtApi.string(pn.get(ADDRESS, ARG1), pn.get(JAVA_LONG, ARG2));
            String version = "";
            if (api.has(CLIENT_PLATFORM_VERSION)) {
                MemorySegment pv = api.args(arena, CLIENT_PLATFORM_VERSION_ARGS);
                pv.set(ADDRESS, ARG0, client);
                api.call(CLIENT_PLATFORM_VERSION, "PJRT_Client_PlatformVersion", pv);
                version = PjrtApi.string(pv.get(ADDRESS, ARG1), pv.get(JAVA_LONG, ARG2));
            }
            platformVersion = version;
            MemorySegment da = api.args(arena, CLIENT_ADDRESSABLE_DEVICES_ARGS);
            da.set(ADDRESS, ARG0, client);
            api.call(CLIENT_ADDRESSABLE_DEVICES, "PJRT_Client_AddressableDevices", da);
            long n = da.get(JAVA_LONG, ARG2);
            if (n == 0) {
                throw new PjrtException("pjrt: the plugin's client has no addressable device", -1);
            }
            MemorySegment devices = da.get(ADDRESS, ARG1).reinterpret(8 * n);
            device = devices.getAtIndex(ADDRESS, 0);
            this.devices = new MemorySegment[(int) n];
            for (int i = 0; i < n; i++) {
                this.devices[i] = devices.getAtIndex(ADDRESS, i);
            }
            List<String> descriptions = new ArrayList<>();
            String kind = platformName;
            for (long i = 0; i < n; i++) {
                MemorySegment gd = api.args(arena, DEVICE_GET_DESCRIPTION_ARGS);
                gd.set(ADDRESS, ARG0, devices.getAtIndex(ADDRESS, i));
                api.call(DEVICE_GET_DESCRIPTION, "PJRT_Device_GetDescription", gd);
                MemorySegment description = gd.get(ADDRESS, ARG1);
                MemorySegment ds = api.args(arena, DEVICE_DESCRIPTION_DEBUG_STRING_ARGS);
                ds.set(ADDRESS, ARG0, description);
                api.call(DEVICE_DESCRIPTION_DEBUG_STRING, "PJRT_DeviceDescription_DebugString", ds);
                descriptions.add(PjrtApi.string(ds.get(ADDRESS, ARG1), ds.get(JAVA_LONG, ARG2)));
                if (i == 0 && api.has(DEVICE_DESCRIPTION_KIND)) {
                    MemorySegment dk = api.args(arena, DEVICE_DESCRIPTION_KIND_ARGS);
                    dk.set(ADDRESS, ARG0, description);
                    api.call(DEVICE_DESCRIPTION_KIND, "PJRT_DeviceDescription_Kind", dk);
                    kind = PjrtApi.string(dk.get(ADDRESS, ARG1), dk.get(JAVA_LONG, ARG2));
                }
            }
            deviceDescriptions = List.copyOf(descriptions);
            deviceKind = kind;
        }
    }

    String platformName() {
        return platformName;
    }

    String platformVersion() {
        return platformVersion;
    }

    List<String> deviceDescriptions() {
        return deviceDescriptions;
    }

    String deviceKind() {
        return deviceKind;
    }

    /** How many addressable devices the client has. */
    int deviceCount() {
        return devices.length;
    }

    /** The {@code PJRT_Device*} of addressable device {@code i}. */
    MemorySegment deviceHandle(int i) {
        return devices[i];
    }

    /** Destroys the client; only for clients no buffer or executable refers to any more. */
    void destroy() {
        destroy(api, client);
    }

    static void destroy(PjrtApi api, MemorySegment client) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = api.args(arena, CLIENT_DESTROY_ARGS);
            a.set(ADDRESS, ARG0, client);
            api.call(CLIENT_DESTROY, "PJRT_Client_Destroy", a);
            PjrtApi.CLIENTS_DESTROYED.incrementAndGet();
        }
    }

    static int pjrtType(DType dtype) {
        return switch (dtype) {
            case BOOL -> TYPE_PRED;
            case INT32 -> TYPE_S32;
            case UINT32 -> TYPE_U32;
            case INT64 -> TYPE_S64;
            case FLOAT32 -> TYPE_F32;
            case FLOAT64 -> TYPE_F64;
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    static long elementBytes(DType dtype) {
        return switch (dtype) {
            case BOOL -> 1;
            case INT32, UINT32, FLOAT32 -> 4;
            case INT64, FLOAT64 -> 8;
            default -> throw new IllegalStateException("not a storage dtype");
        };
    }

    /** Compiles a StableHLO module given as MLIR text with XLA's default options. */
    PjrtExecutable compile(String mlir) {
        return compile(mlir, CompileOptions.DEFAULT);
    }

    /** Compiles a StableHLO module given as MLIR text with these {@link CompileOptions} bytes. */
    PjrtExecutable compile(String mlir, byte[] options) {
        try (Arena arena = Arena.ofConfined()) {
            byte[] code = mlir.getBytes(StandardCharsets.UTF_8);
            MemorySegment program = api.args(arena, PROGRAM);
            program.set(ADDRESS, ARG0, arena.allocateFrom(JAVA_BYTE, code));
            program.set(JAVA_LONG, ARG1, code.length);
            program.set(ADDRESS, ARG2, arena.allocateFrom("mlir"));
            program.set(JAVA_LONG, ARG3, 4);
            MemorySegment a = api.args(arena, CLIENT_COMPILE_ARGS);
            a.set(ADDRESS, ARG0, client);
            a.set(ADDRESS, ARG1, program);
            a.set(ADDRESS, ARG2, arena.allocateFrom(JAVA_BYTE, options));
            a.set(JAVA_LONG, ARG3, options.length);
            api.call(CLIENT_COMPILE, "PJRT_Client_Compile", a);
            return new PjrtExecutable(this, a.get(ADDRESS, ARG4));
        }
    }

    /** Staging memory kept per thread up to this size; larger transfers get their own. */
    private static final long KEPT_STAGING = 64L << 20;

    /**
     * Each thread's native staging memory for transfers, reused while it is large enough: a fresh
     * allocation per transfer (zeroed, then page-faulted in) cost several milliseconds per MB on a
     * virtual machine, more than the copies themselves.
     */
    private static final ThreadLocal<MemorySegment[]> STAGING = ThreadLocal.withInitial(() -> new MemorySegment[1]);

    /** Native memory of at least {@code bytes}, not zeroed, valid until this thread's next transfer. */
    private static MemorySegment staging(long bytes, Arena fallback) {
        long size = Math.max(64, bytes);
        if (size > KEPT_STAGING) {
            return fallback.allocate(size, 64);
        }
        MemorySegment[] slot = STAGING.get();
        if (slot[0] == null || slot[0].byteSize() < size) {
            slot[0] = Arena.ofAuto().allocate(Long.highestOneBit(size - 1) << 1, 64);
        }
        return slot[0];
    }

    /** Copies a host array to the first device; the copy is finished when this returns. */
    PjrtBuffer fromHost(HostBuffer host) {
        return fromHost(host, 0);
    }

    /** Copies a host array to addressable device {@code index}; the copy is finished when this returns. */
    PjrtBuffer fromHost(HostBuffer host, int index) {
        ArraySpec spec = host.spec();
        try (Arena arena = Arena.ofConfined()) {
            long bytes = spec.size() * elementBytes(spec.dtype());
            MemorySegment data = staging(bytes, arena);
            switch (spec.dtype()) {
                case BOOL -> {
                    boolean[] b = host.bools();
                    for (int i = 0; i < b.length; i++) {
                        data.set(JAVA_BYTE, i, b[i] ? (byte) 1 : 0);
                    }
                }
                case INT32, UINT32 -> MemorySegment.copy(host.ints(), 0, data, JAVA_INT, 0, spec.size());
                case INT64 -> MemorySegment.copy(host.longs(), 0, data, JAVA_LONG, 0, spec.size());
                case FLOAT32 -> MemorySegment.copy(host.floats(), 0, data, JAVA_FLOAT, 0, spec.size());
                case FLOAT64 -> MemorySegment.copy(host.doubles(), 0, data, JAVA_DOUBLE, 0, spec.size());
            }
            int[] shape = spec.shape();
            MemorySegment dims = arena.allocate(JAVA_LONG, Math.max(1, shape.length));
            for (int i = 0; i < shape.length; i++) {
                dims.setAtIndex(JAVA_LONG, i, shape[i]);
            }
            MemorySegment a = api.args(arena, BUFFER_FROM_HOST_ARGS);
            a.set(ADDRESS, ARG0, client);
            a.set(ADDRESS, BFH_DATA, data);
            a.set(JAVA_INT, BFH_TYPE, pjrtType(spec.dtype()));
            a.set(ADDRESS, BFH_DIMS, dims);
            a.set(JAVA_LONG, BFH_NUM_DIMS, shape.length);
            a.set(JAVA_INT, BFH_SEMANTICS, SEMANTICS_IMMUTABLE_ONLY_DURING_CALL);
            a.set(ADDRESS, BFH_DEVICE, devices[index]);
            live.reserve(bytes);
            MemorySegment buffer;
            try {
                api.call(CLIENT_BUFFER_FROM_HOST, "PJRT_Client_BufferFromHostBuffer", a);
                buffer = a.get(ADDRESS, BFH_BUFFER);
            } catch (RuntimeException e) {
                live.release(bytes);
                throw e;
            }
            try {
                api.awaitAndDestroy(a.get(ADDRESS, BFH_DONE_EVENT), "copy to the device");
            } catch (PjrtException e) {
                live.release(bytes);
                destroyBuffer(api, buffer);
                throw e;
            }
            return new PjrtBuffer(this, buffer, spec, index);
        }
    }

    /** Copies a device buffer into a new host array. */
    HostBuffer toHost(PjrtBuffer buffer) {
        ArraySpec spec = buffer.spec();
        try (Arena arena = Arena.ofConfined()) {
            long bytes = spec.size() * elementBytes(spec.dtype());
            MemorySegment dst = staging(bytes, arena);
            MemorySegment a = api.args(arena, BUFFER_TO_HOST_ARGS);
            a.set(ADDRESS, ARG0, buffer.handle());
            a.set(ADDRESS, TO_HOST_DST, dst);
            a.set(JAVA_LONG, TO_HOST_DST_SIZE, bytes);
            api.call(BUFFER_TO_HOST, "PJRT_Buffer_ToHostBuffer", a);
            api.awaitAndDestroy(a.get(ADDRESS, TO_HOST_EVENT), "copy to the host");
            java.lang.ref.Reference.reachabilityFence(buffer);
            int n = spec.size();
            Object data =
                    switch (spec.dtype()) {
                        case BOOL -> {
                            boolean[] b = new boolean[n];
                            for (int i = 0; i < n; i++) {
                                b[i] = dst.get(JAVA_BYTE, i) != 0;
                            }
                            yield b;
                        }
                        case INT32, UINT32 -> dst.asSlice(0, bytes).toArray(JAVA_INT);
                        case INT64 -> dst.asSlice(0, bytes).toArray(JAVA_LONG);
                        case FLOAT32 -> dst.asSlice(0, bytes).toArray(JAVA_FLOAT);
                        case FLOAT64 -> dst.asSlice(0, bytes).toArray(JAVA_DOUBLE);
                        default -> throw new IllegalStateException("not a storage dtype");
                    };
            if (n == 0) {
                data = HostBuffer.allocate(spec).data();
            }
            return HostBuffer.wrap(spec, data);
        }
    }

    /** Reads a buffer's dims as the plugin reports them (for tests of the binding). */
    long[] dimensions(PjrtBuffer buffer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = api.args(arena, BUFFER_DIMENSIONS_ARGS);
            a.set(ADDRESS, ARG0, buffer.handle());
            api.call(BUFFER_DIMENSIONS, "PJRT_Buffer_Dimensions", a);
            long n = a.get(JAVA_LONG, ARG2);
            long[] dims = n == 0
                    ? new long[0]
                    : a.get(ADDRESS, ARG1).reinterpret(8 * n).toArray(JAVA_LONG);
            java.lang.ref.Reference.reachabilityFence(buffer);
            return dims;
        }
    }

    /** The PJRT element type of a buffer, as the plugin reports it. */
    int elementType(PjrtBuffer buffer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = api.args(arena, BUFFER_ELEMENT_TYPE_ARGS);
            a.set(ADDRESS, ARG0, buffer.handle());
            api.call(BUFFER_ELEMENT_TYPE, "PJRT_Buffer_ElementType", a);
            java.lang.ref.Reference.reachabilityFence(buffer);
            return a.get(JAVA_INT, ARG1);
        }
    }

    static void destroyBuffer(PjrtApi api, MemorySegment buffer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = api.args(arena, BUFFER_DESTROY_ARGS);
            a.set(ADDRESS, ARG0, buffer);
            api.call(BUFFER_DESTROY, "PJRT_Buffer_Destroy", a);
        }
    }

    @Override
    public String toString() {
        return platformName + " " + Arrays.toString(deviceDescriptions.toArray());
    }
}
