package dev.kiln;

import dev.kiln.spi.HostBuffer;
import java.util.List;

/**
 * Formats complex arrays as JAX (NumPy's {@code ComplexFloatingFormat}) prints them: the real parts
 * formatted as a float array, the imaginary parts likewise with their sign always written, and the
 * {@code j} placed before the imaginary part's padding: {@code Array([ 1.5+2.j  , -3. +1.25j],
 * dtype=complex64)}. Layout, wrapping and print options are {@link NumpyFormat}'s.
 */
final class ComplexPrinter {
    private ComplexPrinter() {}

    static String print(HostBuffer re, HostBuffer im, String dtypeName) {
        int[] shape = re.spec().shape();
        int n = re.spec().size();
        if (n == 0) {
            return NumpyFormat.repr(null, shape, dtypeName);
        }
        List<Integer> shown = NumpyFormat.shownIndices(shape, n, NumpyFormat.summarised(n));
        DType d = re.spec().dtype();
        NumpyFormat.Formatter real = NumpyFormat.floats(re, d, shown, false);
        NumpyFormat.Formatter imag = NumpyFormat.floats(im, d, shown, true);
        return NumpyFormat.repr(
                k -> {
                    String i = imag.format(k);
                    int sp = i.stripTrailing().length();
                    return real.format(k) + i.substring(0, sp) + "j" + i.substring(sp);
                },
                shape,
                dtypeName);
    }
}
