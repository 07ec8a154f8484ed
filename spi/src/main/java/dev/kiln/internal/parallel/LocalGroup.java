package dev.kiln.internal.parallel;

import dev.kiln.KilnException;
import dev.kiln.spi.Communicator;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The devices of one process that take part in a {@code pmap}, one thread each, exchanging data in
 * shared memory: each member publishes its buffer, waits for the others, computes its own result by
 * reading theirs directly, and waits again before anyone publishes the next. When a member fails,
 * {@link #abort} releases the others with an error instead of leaving them waiting.
 */
public final class LocalGroup {
    private final int size;
    /** Two sets of slots, one per exchange parity. */
    private final Object[][] slots;
    /** Per member, how many exchanges it has made (only that member's thread touches its entry). */
    private final int[] rounds;

    private final SpinBarrier barrier;
    private volatile Throwable failure;
    private volatile int failedRank = -1;

    public LocalGroup(int size) {
        this.size = size;
        this.slots = new Object[2][size];
        this.rounds = new int[size];
        this.barrier = new SpinBarrier(size);
    }

    /** The member of rank {@code rank}. */
    public Communicator member(int rank) {
        return new Member(rank);
    }

    /** Member {@code rank} failed with {@code t}: the others stop waiting. */
    public void abort(int rank, Throwable t) {
        synchronized (this) {
            if (failure == null) {
                failedRank = rank;
                failure = t;
            }
        }
        barrier.breakIt();
    }

    /**
     * Publishes {@code value} for {@code rank}, then returns every member's, in rank order. One barrier
     * per exchange: exchanges alternate between two sets of slots, and a member can only write a set
     * again two exchanges later, after the barrier of the exchange between, which every member reaches
     * only once it has read this one.
     */
    List<Object> exchange(int rank, Object value) {
        int parity = rounds[rank]++ & 1;
        Object[] mine = slots[parity];
        mine[rank] = value;
        await(rank);
        return Arrays.asList(mine.clone());
    }

    private void await(int rank) {
        try {
            barrier.await(rank);
        } catch (SpinBarrier.Broken e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new KilnException("pmap: interrupted while waiting in a collective");
            }
            throw new AbandonedCollective(failedRank, failure);
        }
    }

    private final class Member implements Communicator {
        private final int rank;

        Member(int rank) {
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int size() {
            return size;
        }

        @SuppressWarnings("unchecked")
        private List<HostBuffer> all(HostBuffer in) {
            return (List<HostBuffer>) (List<?>) exchange(rank, in);
        }

        @Override
        public HostBuffer allReduce(HostBuffer in, ReduceOp op) {
            return HostCollectives.reduce(all(in), 0, in.spec().size(), in.spec(), op);
        }

        @Override
        public HostBuffer allGather(HostBuffer in) {
            return HostCollectives.stack(all(in));
        }

        @Override
        public HostBuffer reduceScatter(HostBuffer in, ReduceOp op) {
            var b = HostCollectives.block(in.spec());
            return HostCollectives.reduce(all(in), rank * b.size(), b.size(), b, op);
        }

        @Override
        public HostBuffer permute(HostBuffer in, int[] sources) {
            List<HostBuffer> all = all(in);
            int s = sources[rank];
            return s < 0 ? HostBuffer.allocate(in.spec()) : HostCollectives.copy(all.get(s));
        }

        @Override
        public HostBuffer allToAll(HostBuffer in) {
            List<HostBuffer> all = all(in);
            List<HostBuffer> mine = new ArrayList<>(size);
            for (HostBuffer h : all) {
                mine.add(HostCollectives.blockOf(h, rank));
            }
            return HostCollectives.stack(mine);
        }
    }
}
