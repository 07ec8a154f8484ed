package dev.kiln;

import dev.kiln.internal.parallel.Group;
import dev.kiln.internal.parallel.LocalGroup;
import dev.kiln.spi.Backend;
import dev.kiln.spi.Buffer;
import dev.kiln.spi.Communicator;
import dev.kiln.spi.Device;
import dev.kiln.spi.HostBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes of one job: after {@link #initialize()} in a program started by {@code mpirun}, every
 * process's devices are listed by {@link Kiln#devices()} (process 0's first), {@link Kiln#pmap} over
 * them runs each process's share locally, and collectives cross processes through MPI. A program
 * started without {@code mpirun} is a job of one process.
 */
public final class Distributed {
    private static final Distributed INSTANCE = new Distributed();

    private volatile dev.kiln.internal.parallel.Mpi mpi;
    /** Initialised without mpirun: a job of this one process. */
    private volatile boolean single;

    private Distributed() {}

    static Distributed get() {
        return INSTANCE;
    }

    /**
     * Joins the job: loads Open MPI's {@code libmpi} through FFM and initialises it (thread level
     * multiple), then exchanges the device lists. Idempotent. Without {@code mpirun} the job has one
     * process. MPI is finalised when the JVM exits.
     *
     * @throws DeviceException when libmpi cannot be loaded or initialised (the message says how to
     *     install Open MPI)
     */
    public synchronized Distributed initialize() {
        if (mpi == null) {
            mpi = dev.kiln.internal.parallel.Mpi.start(
                    Kiln.defaultBackend().devices().size());
        }
        return this;
    }

    /** Whether {@link #initialize()} has run. */
    public boolean isInitialized() {
        return mpi != null || single;
    }

    /**
     * Waits until every process of the job has reached this point ({@code MPI_Barrier}).
     *
     * @throws DeviceException before {@link #initialize()}
     */
    public void barrier() {
        requireInitialized("barrier");
        if (mpi != null) {
            mpi.barrier();
        }
    }

    /**
     * The sum over every process of the job of {@code x} (same shape everywhere), computed with one
     * {@code MPI_Allreduce}; the process's own value in a job of one process.
     *
     * @throws DeviceException before {@link #initialize()}: call {@code Kiln.distributed().initialize()} first
     */
    public Array sumOverProcesses(Array x) {
        requireInitialized("sumOverProcesses");
        if (mpi == null) {
            return x;
        }
        // a narrow dtype's sum is rounded (wrapped) back to it, as a psum is
        HostBuffer wide = mpi.allReduce(Narrow.toStorage(x.toHost()), dev.kiln.spi.Communicator.ReduceOp.SUM, false);
        HostBuffer sum = Narrow.toStorage(HostBuffer.wrap(x.spec(), wide.data()));
        return new Array(x.backend(), x.backend().fromHost(sum), x.spec());
    }

    private void requireInitialized(String fn) {
        if (!isInitialized()) {
            throw new DeviceException("Distributed." + fn + ": this process has not joined the job; call"
                    + " Kiln.distributed().initialize() first (it works with or without mpirun)");
        }
    }

    /** This process's index in the job (0 without {@link #initialize()}). */
    public int processIndex() {
        return mpi == null ? 0 : mpi.rank();
    }

    /** The number of processes in the job (1 without {@link #initialize()}). */
    public int processCount() {
        return mpi == null ? 1 : mpi.size();
    }

    /** Ends the job for every process: MPI_Abort with {@code code}, after printing {@code why} with this process's rank. */
    public void abort(String why, int code) {
        if (mpi != null) {
            mpi.abort(why, code);
        }
        throw new DeviceException("Distributed.abort: " + why);
    }

    /** Every device of the default backend across the job, process 0's first; null when not distributed. */
    static List<Device> globalDevices(String backend) {
        dev.kiln.internal.parallel.Mpi m = INSTANCE.mpi;
        if (m == null || !backend.equals(Kiln.defaultBackend().name())) {
            return null;
        }
        List<Device> local = Kiln.backend(backend).devices();
        List<Device> out = new ArrayList<>();
        for (int p = 0; p < m.size(); p++) {
            for (int i = 0; i < m.deviceCount(p); i++) {
                Device d = i < local.size() ? local.get(i) : local.get(0);
                out.add(new Device(d.backend(), d.kind(), i, d.description(), p));
            }
        }
        return out;
    }

    /** The backend object for one of this process's devices. */
    static Backend localBackend(Backend base, Device d) {
        int me = INSTANCE.processIndex();
        if (d.process() != me) {
            return null;
        }
        return base.onDevice(new Device(d.backend(), d.kind(), d.id(), d.description()));
    }

    /** A local device as the job names it. */
    static Device globalDevice(Device local) {
        int me = INSTANCE.processIndex();
        return me == 0 ? local : new Device(local.backend(), local.kind(), local.id(), local.description(), me);
    }

    /** A pmap under mpirun before the job is joined would silently run each process alone: refuse it. */
    static void checkJoined(String fn) {
        if (!INSTANCE.isInitialized() && dev.kiln.internal.parallel.Mpi.underMpirun()) {
            throw new DeviceException(fn + ": this process was started by mpirun (rank "
                    + System.getenv("OMPI_COMM_WORLD_RANK") + " of " + System.getenv("OMPI_COMM_WORLD_SIZE")
                    + ") but has not joined the job; call Kiln.distributed().initialize() first, so that collectives"
                    + " span every process");
        }
    }

    static Group group(List<Device> devices, String axisName) {
        dev.kiln.internal.parallel.Mpi m = INSTANCE.mpi;
        int me = INSTANCE.processIndex();
        List<Integer> local = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i).process() == me) {
                local.add(i);
            }
        }
        if (local.isEmpty()) {
            throw new DeviceException("pmap: none of the chosen devices " + devices + " belongs to this process (" + me
                    + "); every process of the job must take part with at least one device");
        }
        boolean crossProcess = devices.stream().anyMatch(d -> d.process() != me);
        if (crossProcess && m == null) {
            throw new DeviceException("pmap: devices of other processes were chosen, but this process has not joined"
                    + " the job; call Kiln.distributed().initialize() first");
        }
        if (!crossProcess) {
            LocalGroup g = new LocalGroup(devices.size());
            return new Group() {
                public List<Integer> localIndices() {
                    return local;
                }

                public Communicator member(int index) {
                    return g.member(index);
                }

                public void abort(int index, Throwable t) {
                    g.abort(index, t);
                }

                public List<List<Buffer>> complete(List<List<Buffer>> results, List<Backend> views) {
                    return results;
                }
            };
        }
        return m.group(devices, local);
    }
}
