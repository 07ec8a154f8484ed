package dev.kiln.internal.parallel;

import dev.kiln.DeviceException;
import dev.kiln.KilnException;
import dev.kiln.ir.ArraySpec;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Communicator;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The members of a pmap whose devices span the processes of an MPI job, each process holding an equal,
 * contiguous run of them. Collectives are two-level: the local members meet in shared memory, the
 * lowest of them (the leader) makes the one MPI call for its process, and the others take their part
 * of its result: all-reduce is a local reduction then {@code MPI_Allreduce}; all-gather a local stack then
 * {@code MPI_Allgather}; reduce-scatter a local reduction then {@code MPI_Reduce_scatter_block} of the
 * process's blocks; all-to-all one {@code MPI_Alltoall} of the blocks packed by destination process;
 * permute copies the pairs inside a process and sends only the others, point to point.
 */
final class MpiGroup implements Group {
    private final Mpi mpi;
    private final int n;
    private final int perProcess;
    private final int first;
    private final int[] processOf;
    private final List<Integer> local;
    private final SpinBarrier barrier;
    private final Object[] slots;
    private volatile Object result;
    private volatile Throwable failure;
    private volatile int failedRank = -1;

    MpiGroup(Mpi mpi, List<Device> devices, List<Integer> local) {
        this.mpi = mpi;
        this.n = devices.size();
        this.local = List.copyOf(local);
        this.perProcess = local.size();
        this.first = local.get(0);
        int[] count = new int[mpi.size()];
        this.processOf = new int[n];
        for (int i = 0; i < n; i++) {
            int p = devices.get(i).process();
            processOf[i] = p;
            count[p]++;
            if (i > 0 && p < devices.get(i - 1).process()) {
                throw new DeviceException("pmap: devices spanning processes must be listed process by process (as"
                        + " Kiln.devices() lists them), got " + devices);
            }
        }
        for (int p = 0; p < count.length; p++) {
            if (count[p] != perProcess) {
                throw new DeviceException("pmap: across processes every process must take part with the same number"
                        + " of devices, but process " + p + " has " + count[p] + " of " + devices + " and this one ("
                        + mpi.rank() + ") has " + perProcess);
            }
        }
        if (local.get(perProcess - 1) - first != perProcess - 1) {
            throw new DeviceException(
                    "pmap: this process's devices must be contiguous in the device list, got " + devices);
        }
        this.barrier = new SpinBarrier(perProcess);
        this.slots = new Object[perProcess];
    }

    @Override
    public List<Integer> localIndices() {
        return local;
    }

    @Override
    public Communicator member(int index) {
        return new Member(index, index - first);
    }

    @Override
    public void abort(int index, Throwable t) {
        synchronized (this) {
            if (failure == null) {
                failedRank = index;
                failure = t;
            }
        }
        barrier.breakIt();
    }

    @Override
    public List<List<Buffer>> complete(List<List<Buffer>> results, List<Backend> views) {
        Backend here = views.get(first);
        int outputs = results.get(first).size();
        for (int i = 0; i < n; i++) {
            if (results.get(i) == null) {
                results.set(i, new ArrayList<>());
            }
        }
        for (int k = 0; k < outputs; k++) {
            List<HostBuffer> mine = new ArrayList<>();
            for (int li = 0; li < perProcess; li++) {
                mine.add(here.toHost(results.get(first + li).get(k)));
            }
            HostBuffer stacked = HostCollectives.stack(mine);
            HostBuffer all = mpi.allGather(stacked, stackedSpec(mine.get(0).spec(), n));
            for (int i = 0; i < n; i++) {
                if (i < first || i >= first + perProcess) {
                    results.get(i).add(here.fromHost(HostCollectives.blockOf(all, i)));
                }
            }
        }
        return results;
    }

    private static ArraySpec stackedSpec(ArraySpec one, int count) {
        int[] shape = new int[one.rank() + 1];
        shape[0] = count;
        System.arraycopy(one.shape(), 0, shape, 1, one.rank());
        return one.withShape(shape);
    }

    private void await(int li) {
        try {
            barrier.await(li);
        } catch (SpinBarrier.Broken e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new KilnException("pmap: interrupted while waiting in a collective");
            }
            throw new AbandonedCollective(failedRank, failure);
        }
    }

    /** Every local member publishes {@code mine}; the leader runs {@code work} on all of them; all get its result. */
    @SuppressWarnings("unchecked")
    private <T> T throughLeader(int li, Object mine, Function<List<HostBuffer>, T> work) {
        slots[li] = mine;
        await(li);
        if (li == 0) {
            List<HostBuffer> all = new ArrayList<>();
            for (Object o : slots) {
                all.add((HostBuffer) o);
            }
            try {
                result = work.apply(all);
            } catch (RuntimeException | Error e) {
                result = e;
            }
        }
        await(li);
        Object r = result;
        await(li);
        if (r instanceof RuntimeException e) {
            throw e;
        }
        if (r instanceof Error e) {
            throw e;
        }
        return (T) r;
    }

    private final class Member implements Communicator {
        private final int rank;
        private final int li;

        Member(int rank, int li) {
            this.rank = rank;
            this.li = li;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public HostBuffer allReduce(HostBuffer in, ReduceOp op) {
            return throughLeader(
                    li,
                    in,
                    // with one device in this process its buffer goes to MPI as it is (MPI copies it,
                    // unless the caller donated it); with several, their local reduction is a fresh
                    // buffer, which MPI reduces in place
                    all -> all.size() == 1
                            ? mpi.allReduce(all.get(0), op, Running.isDonated(all.get(0)))
                            : mpi.allReduce(
                                    HostCollectives.reduce(all, 0, in.spec().size(), in.spec(), op), op, true));
        }

        @Override
        public HostBuffer allGather(HostBuffer in) {
            return throughLeader(li, in, all -> mpi.allGather(HostCollectives.stack(all), stackedSpec(in.spec(), n)));
        }

        @Override
        public HostBuffer reduceScatter(HostBuffer in, ReduceOp op) {
            ArraySpec block = HostCollectives.block(in.spec());
            HostBuffer mineBlocks = throughLeader(
                    li,
                    in,
                    all -> mpi.reduceScatterBlock(
                            HostCollectives.reduce(all, 0, in.spec().size(), in.spec(), op),
                            op,
                            stackedSpec(block, perProcess)));
            return HostCollectives.blockOf(mineBlocks, li);
        }

        @Override
        public HostBuffer permute(HostBuffer in, int[] sources) {
            HostBuffer[] mine = throughLeader(li, in, xs -> exchange(xs, sources));
            return mine[li];
        }

        @Override
        public HostBuffer allToAll(HostBuffer in) {
            ArraySpec block = HostCollectives.block(in.spec());
            int b = block.size();
            int procs = mpi.size();
            HostBuffer recv = throughLeader(li, in, all -> {
                // send[q][j][i] = block (q * L + i) of local member j
                HostBuffer send =
                        HostBuffer.allocate(in.spec().withShape(new int[] {procs * perProcess * perProcess * b}));
                for (int q = 0; q < procs; q++) {
                    for (int j = 0; j < perProcess; j++) {
                        for (int i = 0; i < perProcess; i++) {
                            System.arraycopy(
                                    all.get(j).data(),
                                    (q * perProcess + i) * b,
                                    send.data(),
                                    ((q * perProcess + j) * perProcess + i) * b,
                                    b);
                        }
                    }
                }
                return mpi.allToAll(send);
            });
            // recv[p][j][i]: from member p * L + j, the block for local member i
            HostBuffer out = HostBuffer.allocate(in.spec());
            for (int p = 0; p < procs; p++) {
                for (int j = 0; j < perProcess; j++) {
                    System.arraycopy(
                            recv.data(),
                            ((p * perProcess + j) * perProcess + li) * b,
                            out.data(),
                            (p * perProcess + j) * b,
                            b);
                }
            }
            return out;
        }
    }

    /**
     * The leader's part of a permutation: each local member's result is the input of its source
     * (zeros where it has none); sources in this process are copied, the rest arrive by MPI
     * point-to-point messages tagged with the receiving member's index, and this process's inputs
     * go to the members elsewhere that take them.
     */
    private HostBuffer[] exchange(List<HostBuffer> inputs, int[] sources) {
        HostBuffer[] out = new HostBuffer[perProcess];
        List<Mpi.Message> receives = new ArrayList<>();
        for (int li = 0; li < perProcess; li++) {
            int s = sources[first + li];
            out[li] = HostBuffer.allocate(inputs.get(li).spec());
            if (s >= first && s < first + perProcess) {
                System.arraycopy(
                        inputs.get(s - first).data(),
                        0,
                        out[li].data(),
                        0,
                        out[li].spec().size());
            } else if (s >= 0) {
                receives.add(new Mpi.Message(processOf[s], first + li, out[li]));
            }
        }
        List<Mpi.Message> sends = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            int s = sources[d];
            if (s >= first && s < first + perProcess && (d < first || d >= first + perProcess)) {
                sends.add(new Mpi.Message(processOf[d], d, inputs.get(s - first)));
            }
        }
        mpi.exchange(sends, receives);
        return out;
    }

    @Override
    public String toString() {
        return "MpiGroup[" + n + " members, " + perProcess + " here from " + first + ", slots " + Arrays.toString(slots)
                + "]";
    }
}
