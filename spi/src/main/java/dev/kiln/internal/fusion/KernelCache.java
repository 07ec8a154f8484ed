package dev.kiln.internal.fusion;

import dev.kiln.spi.Backend;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled kernels per backend, keyed by kernel structure: programs that share a pattern (the same
 * bias-add-and-activation in every layer) compile it once. Backends are held weakly.
 */
final class KernelCache {
    private static final Map<Backend, Map<FusedKernel, CompiledKernel>> CACHE =
            Collections.synchronizedMap(new WeakHashMap<>());

    private KernelCache() {}

    static CompiledKernel compile(Backend backend, FusedKernel kernel) {
        Map<FusedKernel, CompiledKernel> perBackend =
                CACHE.computeIfAbsent(backend, b -> new ConcurrentHashMap<>());
        CompiledKernel c = perBackend.get(kernel);
        if (c == null) {
            // compiled outside computeIfAbsent: a backend's compiler may itself compile kernels
            c = backend.compileKernel(kernel);
            CompiledKernel raced = perBackend.putIfAbsent(kernel, c);
            if (raced != null) {
                c = raced;
            }
        }
        return c;
    }
}
