package dev.kiln.spi;

import java.util.List;

/** A program compiled by a backend: takes the constant and input buffers in order, returns the outputs. */
public interface Executable {
    List<Buffer> run(List<Buffer> arguments);
}
