package dev.kiln.cpu.codegen;

/**
 * How generated kernels spread work over cores. The backend passes its own thread pool in, so
 * compiled kernels and eager kernels share one pool and one notion of how many threads there are.
 */
public interface Workers {
    /** Threads that work on one range, the caller included. */
    int threads();

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} items whose
     * boundaries are multiples of {@code align}; small ranges run on the calling thread.
     */
    void forRange(int n, int grain, int align, Range body);

    /**
     * Runs {@code onCaller} on the calling thread while the other threads of the team each run {@code
     * helper}, and returns once {@code onCaller} has returned and every helper that started has
     * finished. A helper that has not started when {@code onCaller} returns never runs, so {@code
     * helper} must be work that is fine to skip, and it should stop soon after {@code onCaller} is
     * done (the caller waits for it). Without helpers this is {@code onCaller.run()}.
     */
    default void alongside(Runnable onCaller, Runnable helper) {
        onCaller.run();
    }

    /** Work on {@code [lo, hi)}. */
    @FunctionalInterface
    interface Range {
        void run(int lo, int hi);
    }

    /** Everything on the calling thread (tests, and a backend without a pool). */
    Workers CALLER = new Workers() {
        @Override
        public int threads() {
            return 1;
        }

        @Override
        public void forRange(int n, int grain, int align, Range body) {
            if (n > 0) {
                body.run(0, n);
            }
        }
    };
}
