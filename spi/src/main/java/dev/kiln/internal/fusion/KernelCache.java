package dev.kiln.internal.fusion;

import dev.kiln.spi.Backend;
import dev.kiln.spi.CompiledKernel;
import dev.kiln.spi.FusedKernel;
import dev.kiln.spi.KernelGroup;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Compiled kernels (and kernel groups) per backend, keyed by structure, so that programs sharing a pattern (the
 * same bias-add-and-activation in every layer) compile it once. Each backend keeps the {@value
 * #CAPACITY} most recently used kernels: a long-running process that jits many shapes must not
 * keep every kernel it ever compiled. Backends are held weakly.
 */
final class KernelCache {
    static final int CAPACITY = 1024;

    private static final Map<Backend, Map<Object, CompiledKernel>> CACHE =
            Collections.synchronizedMap(new WeakHashMap<>());

    private KernelCache() {}

    static CompiledKernel compile(Backend backend, FusedKernel kernel) {
        return cached(backend, kernel, () -> backend.compileKernel(kernel));
    }

    /** A group of kernels, cached by its structure as kernels are. */
    static CompiledKernel compile(Backend backend, KernelGroup group) {
        return cached(backend, group, () -> backend.compileKernelGroup(group));
    }

    private static CompiledKernel cached(
            Backend backend, Object kernel, java.util.function.Supplier<CompiledKernel> make) {
        Map<Object, CompiledKernel> perBackend = CACHE.computeIfAbsent(backend, b -> lru());
        CompiledKernel c;
        synchronized (perBackend) {
            c = perBackend.get(kernel);
        }
        if (c == null) {
            // compiled outside the lock: compiling may be slow, and a backend may compile kernels inside
            c = make.get();
            synchronized (perBackend) {
                CompiledKernel raced = perBackend.putIfAbsent(kernel, c);
                if (raced != null) {
                    c = raced;
                }
            }
        }
        return c;
    }

    private static Map<Object, CompiledKernel> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, CompiledKernel> eldest) {
                return size() > CAPACITY;
            }
        };
    }
}
