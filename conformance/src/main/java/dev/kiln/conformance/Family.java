package dev.kiln.conformance;

import java.util.List;

/** A group of conformance cases about one area of the library, such as reductions. */
public interface Family {
    /** A short lower-case name, the first segment of every case's path. */
    String name();

    /**
     * The cases, in a stable order. Making the list must be cheap: inputs are generated inside the
     * case bodies, so thousands of cases cost little until they run.
     */
    List<Case> cases();
}
