package dev.kiln.internal.parallel;

import dev.kiln.KilnException;

/**
 * What a pmap member gets when a peer failed while it waited in a collective: the consequence of
 * that failure, never its cause, so {@link Group#isRootCause} can tell the two apart by type.
 */
final class AbandonedCollective extends KilnException {
    private static final long serialVersionUID = 1L;

    AbandonedCollective(int failedRank, Throwable failure) {
        super("pmap: device " + failedRank + " failed (" + failure
                + "), so the collective its peers were waiting in was abandoned");
    }
}
