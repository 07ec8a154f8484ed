package dev.kiln.pjrt;

import static dev.kiln.pjrt.PjrtLayout.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.kiln.ir.ArraySpec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded PJRT executable with its output count, element types and dimensions as the plugin
 * reports them. Destroyed by the client's cleaner when unreachable.
 */
final class PjrtExecutable {
    private final PjrtClient client;
    private final MemorySegment handle;
    private final int numOutputs;
    private final int[] outputTypes;
    private final long[][] outputDims;

    PjrtExecutable(PjrtClient client, MemorySegment handle) {
        this.client = client;
        this.handle = handle;
        PjrtApi api = client.api;
        PjrtClient.CLEANER.register(this, () -> {
            if (!PjrtApi.closing()) {
                destroyLoaded(api, handle);
            }
        });
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ge = api.args(arena, LOADED_EXECUTABLE_GET_EXECUTABLE_ARGS);
            ge.set(ADDRESS, ARG0, handle);
            api.call(LOADED_EXECUTABLE_GET_EXECUTABLE, "PJRT_LoadedExecutable_GetExecutable", ge);
            MemorySegment executable = ge.get(ADDRESS, ARG1);
            try {
                MemorySegment no = api.args(arena, EXECUTABLE_NUM_OUTPUTS_ARGS);
                no.set(ADDRESS, ARG0, executable);
                api.call(EXECUTABLE_NUM_OUTPUTS, "PJRT_Executable_NumOutputs", no);
                numOutputs = Math.toIntExact(no.get(JAVA_LONG, ARG1));
                outputTypes = new int[numOutputs];
                outputDims = new long[numOutputs][];
                if (api.has(EXECUTABLE_OUTPUT_ELEMENT_TYPES) && api.has(EXECUTABLE_OUTPUT_DIMENSIONS)) {
                    MemorySegment ot = api.args(arena, EXECUTABLE_OUTPUT_ELEMENT_TYPES_ARGS);
                    ot.set(ADDRESS, ARG0, executable);
                    api.call(EXECUTABLE_OUTPUT_ELEMENT_TYPES, "PJRT_Executable_OutputElementTypes", ot);
                    MemorySegment types = ot.get(ADDRESS, ARG1).reinterpret(4L * numOutputs);
                    MemorySegment od = api.args(arena, EXECUTABLE_OUTPUT_DIMENSIONS_ARGS);
                    od.set(ADDRESS, ARG0, executable);
                    api.call(EXECUTABLE_OUTPUT_DIMENSIONS, "PJRT_Executable_OutputDimensions", od);
                    MemorySegment ranks = od.get(ADDRESS, ARG3).reinterpret(8L * numOutputs);
                    long total = 0;
                    for (int i = 0; i < numOutputs; i++) {
                        total += ranks.getAtIndex(JAVA_LONG, i);
                    }
                    MemorySegment dims = od.get(ADDRESS, ARG2).reinterpret(8 * Math.max(1, total));
                    long at = 0;
                    for (int i = 0; i < numOutputs; i++) {
                        outputTypes[i] = types.getAtIndex(JAVA_INT, i);
                        int rank = (int) ranks.getAtIndex(JAVA_LONG, i);
                        outputDims[i] = new long[rank];
                        for (int d = 0; d < rank; d++) {
                            outputDims[i][d] = dims.getAtIndex(JAVA_LONG, at++);
                        }
                    }
                }
            } finally {
                MemorySegment ed = api.args(arena, EXECUTABLE_DESTROY_ARGS);
                ed.set(ADDRESS, ARG0, executable);
                api.call(EXECUTABLE_DESTROY, "PJRT_Executable_Destroy", ed);
            }
        }
    }

    int numOutputs() {
        return numOutputs;
    }

    /** The PJRT element type of output {@code i}, or 0 when the plugin does not report it. */
    int outputType(int i) {
        return outputTypes[i];
    }

    /** The dimensions of output {@code i}, or null when the plugin does not report them. */
    long[] outputDims(int i) {
        return outputDims[i];
    }

    /** Checks that the outputs are what Kiln's shape rules say; a mismatch is a lowering bug. */
    void checkOutputs(List<ArraySpec> specs, String what) {
        if (specs.size() != numOutputs) {
            throw new PjrtException(
                    "pjrt: " + what + " has " + numOutputs + " outputs, Kiln expected " + specs.size(), -1);
        }
        for (int i = 0; i < numOutputs; i++) {
            ArraySpec s = specs.get(i);
            if (outputDims[i] == null) {
                continue;
            }
            boolean same = outputTypes[i] == PjrtClient.pjrtType(s.dtype()) && outputDims[i].length == s.rank();
            for (int d = 0; same && d < s.rank(); d++) {
                same = outputDims[i][d] == s.shape()[d];
            }
            if (!same) {
                throw new PjrtException(
                        "pjrt: output " + i + " of " + what + " is type " + outputTypes[i] + " "
                                + java.util.Arrays.toString(outputDims[i]) + ", Kiln expected " + s,
                        -1);
            }
        }
    }

    /** Bytes of per-thread scratch for the execute call's structs (enough for 1,000 arguments and outputs). */
    private static final long SCRATCH_BYTES = 8192;

    private static final long AT_OPTIONS = 0;
    private static final long AT_ARGS = AT_OPTIONS + EXECUTE_OPTIONS;
    private static final long AT_ARG_LISTS = AT_ARGS + EXECUTE_ARGS;
    private static final long AT_OUT_LISTS = AT_ARG_LISTS + 8;
    private static final long AT_LISTS = AT_OUT_LISTS + 8;

    /**
     * Each thread's scratch memory for the execute call's structs, reused call after call (an arena
     * per call cost more than the call itself); freed with the thread.
     */
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH_BYTES, 8));

    /**
     * Runs on the client's default device; outputs take {@code specs}. No completion event is asked
     * for: the outputs are ready when the plugin says so (a read waits for them), and an execution
     * that fails reports it on the outputs' first use, or here where the plugin runs synchronously.
     */
    List<PjrtBuffer> run(List<PjrtBuffer> arguments, List<ArraySpec> specs) {
        return run(arguments, specs, -1);
    }

    /**
     * Runs on addressable device {@code device} (an executable compiled portable, see {@link
     * CompileOptions#PORTABLE_QUICK_BYTES}), or on the default device where {@code device} is -1.
     */
    List<PjrtBuffer> run(List<PjrtBuffer> arguments, List<ArraySpec> specs, int device) {
        int n = arguments.size();
        long bytes = AT_LISTS + 8L * (Math.max(1, n) + Math.max(1, numOutputs));
        if (bytes > SCRATCH_BYTES) {
            try (Arena arena = Arena.ofConfined()) {
                return run(arena.allocate(bytes, 8), arguments, specs, device);
            }
        }
        return run(SCRATCH.get(), arguments, specs, device);
    }

    private List<PjrtBuffer> run(MemorySegment scratch, List<PjrtBuffer> arguments, List<ArraySpec> specs, int device) {
        PjrtApi api = client.api;
        int n = arguments.size();
        long atOutList = AT_LISTS + 8L * Math.max(1, n);
        scratch.asSlice(0, atOutList + 8L * Math.max(1, numOutputs)).fill((byte) 0);
        MemorySegment options = scratch.asSlice(AT_OPTIONS, EXECUTE_OPTIONS);
        options.set(JAVA_LONG, 0, EXECUTE_OPTIONS);
        MemorySegment argList = scratch.asSlice(AT_LISTS, 8L * Math.max(1, n));
        for (int i = 0; i < n; i++) {
            argList.setAtIndex(ADDRESS, i, arguments.get(i).handle());
        }
        MemorySegment outList = scratch.asSlice(atOutList, 8L * Math.max(1, numOutputs));
        scratch.set(ADDRESS, AT_ARG_LISTS, argList);
        scratch.set(ADDRESS, AT_OUT_LISTS, outList);
        MemorySegment a = scratch.asSlice(AT_ARGS, EXECUTE_ARGS);
        a.set(JAVA_LONG, 0, EXECUTE_ARGS);
        a.set(ADDRESS, ARG0, handle);
        a.set(ADDRESS, ARG1, options);
        a.set(ADDRESS, EXECUTE_ARGUMENT_LISTS, scratch.asSlice(AT_ARG_LISTS, 8));
        a.set(JAVA_LONG, EXECUTE_NUM_DEVICES, 1);
        a.set(JAVA_LONG, EXECUTE_NUM_ARGS, n);
        a.set(ADDRESS, EXECUTE_OUTPUT_LISTS, scratch.asSlice(AT_OUT_LISTS, 8));
        if (device >= 0) {
            a.set(ADDRESS, EXECUTE_DEVICE, client.deviceHandle(device));
        }
        long outBytes = 0;
        for (ArraySpec spec : specs) {
            outBytes += PjrtBuffer.bytes(spec);
        }
        client.live.reserve(outBytes);
        try {
            api.call(LOADED_EXECUTABLE_EXECUTE, "PJRT_LoadedExecutable_Execute", a);
        } catch (RuntimeException e) {
            client.live.release(outBytes);
            throw e;
        }
        List<PjrtBuffer> outputs = new ArrayList<>(numOutputs);
        for (int i = 0; i < numOutputs; i++) {
            outputs.add(new PjrtBuffer(client, outList.getAtIndex(ADDRESS, i), specs.get(i), Math.max(0, device)));
        }
        Reference.reachabilityFence(arguments);
        Reference.reachabilityFence(this);
        return outputs;
    }

    private static void destroyLoaded(PjrtApi api, MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = api.args(arena, LOADED_EXECUTABLE_DESTROY_ARGS);
            a.set(ADDRESS, ARG0, handle);
            api.call(LOADED_EXECUTABLE_DESTROY, "PJRT_LoadedExecutable_Destroy", a);
        }
    }
}
