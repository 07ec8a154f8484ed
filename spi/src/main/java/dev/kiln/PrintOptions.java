package dev.kiln;

/**
 * How arrays print ({@code numpy.set_printoptions}, which JAX's printing follows): {@code precision}
 * digits after the point at most, arrays of more than {@code threshold} elements summarised with
 * {@code edgeitems} items at each end of every axis, rows wrapped at {@code linewidth} columns. Set
 * them for the process with {@link Np#setPrintoptions}, or for one piece of code with {@link
 * Np#printoptions}; {@link Np#getPrintoptions} reads them.
 */
public record PrintOptions(int precision, int threshold, int edgeitems, int linewidth) {
    /** NumPy's defaults: precision 8, threshold 1000, 3 edge items, 75 columns. */
    public static final PrintOptions DEFAULTS = new PrintOptions(8, 1000, 3, 75);

    /** Checks the values, as NumPy does. */
    public PrintOptions {
        if (precision < 0) {
            throw new KilnException("PrintOptions: precision " + precision + " is negative; give 0 or more digits");
        }
        if (threshold < 0) {
            throw new KilnException("PrintOptions: threshold " + threshold + " is negative; give 0 or more elements");
        }
        if (edgeitems < 0) {
            throw new KilnException("PrintOptions: edgeitems " + edgeitems + " is negative; give 0 or more items");
        }
        if (linewidth < 1) {
            throw new KilnException(
                    "PrintOptions: linewidth " + linewidth + " is not positive; give 1 or more columns");
        }
    }

    /** These options with another precision. */
    public PrintOptions withPrecision(int precision) {
        return new PrintOptions(precision, threshold, edgeitems, linewidth);
    }

    /** These options with another threshold. */
    public PrintOptions withThreshold(int threshold) {
        return new PrintOptions(precision, threshold, edgeitems, linewidth);
    }

    /** These options with another number of edge items. */
    public PrintOptions withEdgeitems(int edgeitems) {
        return new PrintOptions(precision, threshold, edgeitems, linewidth);
    }

    /** These options with another line width. */
    public PrintOptions withLinewidth(int linewidth) {
        return new PrintOptions(precision, threshold, edgeitems, linewidth);
    }
}
