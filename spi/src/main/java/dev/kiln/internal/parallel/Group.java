package dev.kiln.internal.parallel;

import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Communicator;
import java.util.List;

/** The members of one pmap call: which of them run in this process, and how they talk. */
public interface Group {
    /** The indices of the members that run here. */
    List<Integer> localIndices();

    Communicator member(int index);

    /** Member {@code index} failed: release the others. */
    void abort(int index, Throwable t);

    /**
     * Whether {@code t} is a member's own failure rather than the consequence of another's (the
     * groups' barriers throw {@link AbandonedCollective} for those).
     */
    static boolean isRootCause(Throwable t) {
        return !(t instanceof AbandonedCollective);
    }

    /** Fills in the results of other processes' members (all-gathered), or returns them as they are. */
    List<List<Buffer>> complete(List<List<Buffer>> results, List<Backend> views);
}
