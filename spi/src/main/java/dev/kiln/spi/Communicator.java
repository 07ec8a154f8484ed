package dev.kiln.spi;

/**
 * The members of one mapped axis (the devices of a {@code pmap}, possibly in several processes) and
 * the data movements between them. Kiln makes one per running {@code pmap} axis and hands it to the
 * {@link Backend}'s collective methods; every member calls the same method in the same order, each
 * with its own buffer of one shape.
 *
 * <p>Arrays are laid out by Kiln before they get here, so each operation works on whole blocks of
 * the leading axis: {@code allGather} stacks members in rank order on a new leading axis, {@code
 * reduceScatter} and {@code allToAll} take a leading axis of length {@link #size()} whose block
 * {@code j} belongs to member {@code j}. The host forms below are the default every backend gets
 * through {@link Backend}; a backend that moves data between its own devices directly overrides the
 * {@code Backend} methods instead.
 */
public interface Communicator {
    /** How {@link #allReduce} and {@link #reduceScatter} combine members' elements. */
    enum ReduceOp {
        SUM,
        MAX,
        MIN
    }

    /** This member's index, from 0. */
    int rank();

    /** The number of members. */
    int size();

    /** Every member gets the elementwise combination of all members' {@code in}. */
    HostBuffer allReduce(HostBuffer in, ReduceOp op);

    /** Every member gets all members' {@code in}, stacked in rank order: shape {@code [size, ...in]}. */
    HostBuffer allGather(HostBuffer in);

    /**
     * {@code in} has leading axis {@code size}; member {@code r} gets the combination over members of
     * their block {@code r}: shape {@code in} without its leading axis.
     */
    HostBuffer reduceScatter(HostBuffer in, ReduceOp op);

    /**
     * Member {@code sources[r]} sends its {@code in} to member {@code r} ({@code -1}: nobody does, and
     * {@code r} gets zeros). {@code sources} is the same on every member and names each source once.
     */
    HostBuffer permute(HostBuffer in, int[] sources);

    /** {@code in} has leading axis {@code size}; block {@code j} goes to member {@code j}, which stacks what it gets in rank order. */
    HostBuffer allToAll(HostBuffer in);
}
