package dev.kiln.internal.parallel;

import dev.kiln.spi.Communicator;
import dev.kiln.spi.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The device mesh of nested {@code pmap}s. An outer {@code pmap} of size n whose body holds {@code pmap}s
 * needing r devices each takes n·r devices: member o runs the outer body on the first device of its
 * block {@code [o·r, (o+1)·r)}, and an inner {@code pmap} of size m (each of its members needing r/m
 * devices or fewer) runs member i on the i-th part of that block, so every (outer, inner) pair has a
 * device of its own. A device thread's {@link Place} holds its coordinates in the mesh (outermost
 * first), its block and its {@link Scope}: the state shared by every thread at the same depth of one
 * outermost call. An inner member's collectives over its own axis meet the members with the same outer
 * coordinates; over an outer axis, the members that differ only in that coordinate. Those groups are
 * made on first use by whichever member asks first ({@link Scope#member}); the k-th inner {@code pmap}
 * started by each thread of a depth is the same one everywhere, as every member runs the same program.
 */
public final class Mesh {
    private static final ThreadLocal<Place> PLACE = new ThreadLocal<>();

    private Mesh() {}

    /** Every group made under one outermost call, so a failure anywhere releases every waiting member. */
    public static final class Root {
        private final List<LocalGroup> groups = Collections.synchronizedList(new ArrayList<>());
        private final Runnable abortOuter;

        /** {@code abortOuter}: releases the outermost call's own group. */
        public Root(Runnable abortOuter) {
            this.abortOuter = abortOuter;
        }

        /** Member {@code rank} of some group failed: every group of the call stops waiting. */
        public void abortAll(int rank, Throwable t) {
            List<LocalGroup> copy;
            synchronized (groups) {
                copy = new ArrayList<>(groups);
            }
            for (LocalGroup g : copy) {
                g.abort(rank, t);
            }
            abortOuter.run();
        }
    }

    /** What the threads at one depth of one outermost call share: the axes above them and their groups. */
    public static final class Scope {
        private final Root root;
        private final String[] names;
        private final int[] sizes;
        private final ConcurrentHashMap<Integer, Scope> children = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<Integer, Integer> joined = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<List<Integer>, LocalGroup> groups = new ConcurrentHashMap<>();

        private Scope(Root root, String[] names, int[] sizes) {
            this.root = root;
            this.names = names;
            this.sizes = sizes;
        }

        /** The scope of an outermost {@code pmap} over axis {@code name} of {@code size} members. */
        public static Scope outermost(Root root, String name, int size) {
            return new Scope(root, new String[] {name}, new int[] {size});
        }

        public Root root() {
            return root;
        }

        /** The members at this depth: the product of the sizes. */
        int members() {
            int n = 1;
            for (int s : sizes) {
                n *= s;
            }
            return n;
        }

        /**
         * The scope of the {@code seq}-th inner {@code pmap} started at this depth, over axis {@code name}
         * of {@code size} members; forgotten once every member of this depth has asked for it.
         */
        Scope child(int seq, String name, int size) {
            Scope c = children.computeIfAbsent(seq, k -> {
                String[] n = Arrays.copyOf(names, names.length + 1);
                n[names.length] = name;
                int[] s = Arrays.copyOf(sizes, sizes.length + 1);
                s[sizes.length] = size;
                return new Scope(root, n, s);
            });
            if (c.sizes[sizes.length] != size || !c.names[names.length].equals(name)) {
                throw new IllegalStateException("pmap: the members of an outer pmap started different inner pmaps ("
                        + c.names[names.length] + " of " + c.sizes[sizes.length] + ", " + name + " of " + size + ")");
            }
            if (joined.merge(seq, 1, Integer::sum) == members()) {
                joined.remove(seq);
                children.remove(seq);
            }
            return c;
        }

        /** The communicator of the member at {@code coords} on axis {@code level}. */
        Communicator member(int level, int[] coords) {
            List<Integer> key = new ArrayList<>(coords.length + 1);
            key.add(level);
            for (int a = 0; a < coords.length; a++) {
                key.add(a == level ? -1 : coords[a]);
            }
            LocalGroup g = groups.computeIfAbsent(key, k -> {
                LocalGroup made = new LocalGroup(sizes[level]);
                root.groups.add(made);
                return made;
            });
            return g.member(coords[level]);
        }
    }

    /** One device thread's position: its scope, coordinates, block of devices and count of inner pmaps started. */
    public static final class Place {
        private final Scope scope;
        private final int[] coords;
        private final List<Device> block;
        private int started;

        public Place(Scope scope, int[] coords, List<Device> block) {
            this.scope = scope;
            this.coords = coords;
            this.block = List.copyOf(block);
        }

        /** The devices this member and the pmaps inside it may use; the first is its own. */
        public List<Device> block() {
            return block;
        }

        public Scope scope() {
            return scope;
        }

        /**
         * Starts this thread's next inner {@code pmap} over axis {@code name} of {@code size} members: the
         * places of its members, each with the {@code perMember} devices of its part of this block.
         */
        public Inner startInner(String name, int size, int perMember) {
            Scope child = scope.child(started++, name, size);
            List<Place> places = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int[] c = Arrays.copyOf(coords, coords.length + 1);
                c[coords.length] = i;
                places.add(new Place(child, c, block.subList(i * perMember, (i + 1) * perMember)));
            }
            return new Inner(child, places);
        }

        /**
         * Runs {@code work} with every axis of this place bound to its communicator (outermost first, so an
         * inner axis of the same name hides an outer one), and this place as the thread's.
         */
        public <T> T enter(Supplier<T> work) {
            return bind(0, work);
        }

        private <T> T bind(int level, Supplier<T> work) {
            if (level == coords.length) {
                Place previous = PLACE.get();
                PLACE.set(this);
                try {
                    return work.get();
                } finally {
                    PLACE.set(previous);
                }
            }
            return Running.with(scope.names[level], scope.member(level, coords), () -> bind(level + 1, work));
        }
    }

    /** The members of one inner {@code pmap} started on one thread. */
    public record Inner(Scope scope, List<Place> places) {}

    /** The place of the mesh this thread runs as, or null outside nested pmaps. */
    public static Place current() {
        return PLACE.get();
    }

    /** Runs {@code work} with {@code place} as this thread's (the outermost call's members; their axis is bound by the caller). */
    public static <T> T at(Place place, Supplier<T> work) {
        Place previous = PLACE.get();
        PLACE.set(place);
        try {
            return work.get();
        } finally {
            PLACE.set(previous);
        }
    }
}
