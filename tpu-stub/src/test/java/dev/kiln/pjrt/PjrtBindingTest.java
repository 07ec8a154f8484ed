package dev.kiln.pjrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.DType;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.HostBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The FFM binding end to end on Kiln's XLA:CPU plugin: real XLA, no TPU or GPU. */
class PjrtBindingTest {
    static PjrtSession session;

    @BeforeAll
    static void connect() throws Exception {
        session = PjrtSession.connect("cpu", System.getenv(), PjrtProvider.CPU_PLUGIN.value());
    }

    @Test
    void versionAttributesAndDevice() {
        assertEquals("0.90", session.api.version());
        assertEquals(PjrtLayout.API_STRUCT_SIZE, session.api.structSize());
        Map<String, String> attributes = session.attributes;
        assertEquals("1.13.7", attributes.get("stablehlo_current_version"), attributes.toString());
        assertEquals("0.9.0", attributes.get("stablehlo_minimum_version"), attributes.toString());
        assertEquals("cpu", session.client().platformName());
        assertEquals(1, session.client().deviceDescriptions().size());
        assertTrue(
                session.client().deviceDescriptions().get(0).startsWith("TFRT_CPU"),
                session.client().deviceDescriptions().toString());
    }

    @Test
    void compilesAndRunsStableHlo() {
        PjrtExecutable e = session.client()
                .compile(
                        """
                module @m {
                  func.func public @main(%a: tensor<5xf32>, %b: tensor<5xf32>) -> (tensor<5xf32>, tensor<f32>) {
                    %0 = stablehlo.multiply %a, %b : tensor<5xf32>
                    %1 = stablehlo.add %a, %0 : tensor<5xf32>
                    %z = stablehlo.constant dense<0.000000e+00> : tensor<f32>
                    %2 = stablehlo.reduce(%1 init: %z) applies stablehlo.add across dimensions = [0] : (tensor<5xf32>, tensor<f32>) -> tensor<f32>
                    return %1, %2 : tensor<5xf32>, tensor<f32>
                  }
                }
                """);
        assertEquals(2, e.numOutputs());
        assertEquals(PjrtLayout.TYPE_F32, e.outputType(0));
        assertArrayEquals(new long[] {5}, e.outputDims(0));
        assertArrayEquals(new long[0], e.outputDims(1));
        ArraySpec v = ArraySpec.of(DType.FLOAT32, 5);
        PjrtBuffer a = session.client().fromHost(HostBuffer.wrap(v, new float[] {1, 2, 3, 4, -0.5f}));
        PjrtBuffer b = session.client().fromHost(HostBuffer.wrap(v, new float[] {5, 6, 7, 8, 2}));
        List<PjrtBuffer> out = e.run(List.of(a, b), List.of(v, ArraySpec.of(DType.FLOAT32)));
        assertArrayEquals(
                new float[] {6, 14, 24, 36, -1.5f},
                session.client().toHost(out.get(0)).floats());
        assertArrayEquals(
                new float[] {78.5f}, session.client().toHost(out.get(1)).floats());
    }

    @Test
    void everyDtypeRoundTrips() {
        List<HostBuffer> cases = List.of(
                HostBuffer.wrap(ArraySpec.of(DType.BOOL, 3), new boolean[] {true, false, true}),
                HostBuffer.wrap(ArraySpec.of(DType.INT32, 2, 2), new int[] {1, -2, Integer.MIN_VALUE, 7}),
                HostBuffer.wrap(ArraySpec.of(DType.UINT32, 2), new int[] {-1, 3}),
                HostBuffer.wrap(ArraySpec.of(DType.INT64, 1), new long[] {Long.MIN_VALUE}),
                HostBuffer.wrap(ArraySpec.of(DType.FLOAT32), new float[] {Float.NaN}),
                HostBuffer.wrap(ArraySpec.of(DType.FLOAT64, 2, 1, 3), new double[] {1, -0.0, 1e300, 4, 5, 6}),
                HostBuffer.wrap(ArraySpec.of(DType.FLOAT32, 0, 3), new float[0]));
        for (HostBuffer h : cases) {
            PjrtBuffer d = session.client().fromHost(h);
            long[] dims = session.client().dimensions(d);
            assertArrayEquals(
                    java.util.Arrays.stream(h.spec().shape()).asLongStream().toArray(), dims, h.toString());
            assertEquals(PjrtClient.pjrtType(h.spec().dtype()), session.client().elementType(d), h.toString());
            HostBuffer back = session.client().toHost(d);
            assertEquals(h.spec(), back.spec());
            for (int i = 0; i < h.spec().size(); i++) {
                assertEquals(h.getDouble(i), back.getDouble(i), 0.0, h + " element " + i);
            }
        }
    }

    @Test
    void pluginErrorsAreReadDestroyedAndThrown() {
        PjrtException bad = assertThrows(
                PjrtException.class,
                () -> session.client()
                        .compile(
                                """
                func.func public @main(%a: tensor<4xf32>, %b: tensor<3xf32>) -> tensor<4xf32> {
                  %0 = "stablehlo.add"(%a, %b) : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32>
                  "func.return"(%0) : (tensor<4xf32>) -> ()
                }
                """));
        assertTrue(bad.getMessage().startsWith("pjrt: PJRT_Client_Compile: "), bad.getMessage());
        assertTrue(bad.code() > 0, "an error code: " + bad.code());
        PjrtException syntax =
                assertThrows(PjrtException.class, () -> session.client().compile("not mlir"));
        assertTrue(syntax.getMessage().contains("PJRT_Client_Compile"), syntax.getMessage());
        // the client still works after errors
        compilesAndRunsStableHlo();
    }

    @Test
    void compileOptionsBytes() {
        // executable_build_options {device_ordinal: -1, num_replicas: 1, num_partitions: 1}
        byte[] plain = {0x1a, 0x0f, 0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01, 0x20, 0x01, 0x28, 0x01};
        assertArrayEquals(plain, CompileOptions.DEFAULT);
        // then env_option_overrides {key: "k", value {bool_field: false}} and {key: "n", value {int_field: 0}}
        byte[] overrides = CompileOptions.encode(new java.util.LinkedHashMap<>(Map.of("k", false)));
        byte[] entry = {0x3a, 0x07, 0x0a, 0x01, 'k', 0x12, 0x02, 0x10, 0x00};
        assertArrayEquals(entry, java.util.Arrays.copyOfRange(overrides, plain.length, overrides.length));
        byte[] number = CompileOptions.encode(Map.of("n", 0L));
        byte[] numberEntry = {0x3a, 0x07, 0x0a, 0x01, 'n', 0x12, 0x02, 0x18, 0x00};
        assertArrayEquals(numberEntry, java.util.Arrays.copyOfRange(number, plain.length, number.length));
    }

    @Test
    void quickOptionsCompileTheSameResults() {
        String module =
                """
                func.func public @main(%a: tensor<9xf32>) -> tensor<9xf32> {
                  %0 = "stablehlo.exponential"(%a) : (tensor<9xf32>) -> tensor<9xf32>
                  %1 = "stablehlo.tanh"(%0) : (tensor<9xf32>) -> tensor<9xf32>
                  %2 = "stablehlo.log_plus_one"(%1) : (tensor<9xf32>) -> tensor<9xf32>
                  "func.return"(%2) : (tensor<9xf32>) -> ()
                }
                """;
        ArraySpec v = ArraySpec.of(DType.FLOAT32, 9);
        PjrtBuffer a = session.client()
                .fromHost(HostBuffer.wrap(v, new float[] {-3, -1, -0.25f, 0, 0.5f, 1, 2.5f, 7, Float.NaN}));
        float[] plain = session.client()
                .toHost(session.client()
                        .compile(module)
                        .run(List.of(a), List.of(v))
                        .get(0))
                .floats();
        float[] quick = session.client()
                .toHost(session.client()
                        .compile(module, CompileOptions.QUICK_BYTES)
                        .run(List.of(a), List.of(v))
                        .get(0))
                .floats();
        assertArrayEquals(plain, quick);
        PjrtException unknown = assertThrows(PjrtException.class, () -> session.client()
                .compile(module, CompileOptions.encode(Map.of("kiln_no_such_option", true))));
        assertTrue(unknown.getMessage().contains("kiln_no_such_option"), unknown.getMessage());
    }

    @Test
    void quickCompileSettingValues() {
        assertArrayEquals(new boolean[] {false, false}, PjrtProvider.quickCompile(null));
        assertArrayEquals(new boolean[] {true, false}, PjrtProvider.quickCompile("eager"));
        assertArrayEquals(new boolean[] {true, true}, PjrtProvider.quickCompile(" all "));
        dev.kiln.spi.BackendUnavailableException bad =
                assertThrows(dev.kiln.spi.BackendUnavailableException.class, () -> PjrtProvider.quickCompile("fast"));
        assertTrue(bad.getMessage().contains("kiln.pjrt.quick-compile is 'fast'"), bad.getMessage());
    }
}
