package dev.kiln.conformance;

import dev.kiln.Kiln;
import dev.kiln.spi.Lowering;
import dev.kiln.spi.UnsupportedPrimitiveException;

/** Runs one case on one backend and says what happened; shared by the JUnit base and the runner. */
final class CaseExecution {
    private CaseExecution() {}

    static Outcome run(Case c, String backend, Exclusions exclusions) {
        var reason = exclusions.reasonFor(c);
        if (reason.isPresent()) {
            return Outcome.excluded(reason.get());
        }
        Lowering.takeDecomposedOnThisThread(); // forget what earlier work decomposed
        Outcome o = execute(c, backend);
        return o.withDecomposed(Lowering.takeDecomposedOnThisThread());
    }

    private static Outcome execute(Case c, String backend) {
        try {
            Kiln.withBackend(backend, () -> {
                try {
                    c.body().run();
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new CheckedFailure(e);
                }
                return null;
            });
            return Outcome.pass();
        } catch (CheckedFailure e) {
            return Outcome.fail(e.getCause());
        } catch (UnsupportedPrimitiveException e) {
            // only the backend under test saying so makes the case "unsupported"; the oracle failing is a failure
            return e.backend().equals(backend) ? Outcome.unsupported(e) : Outcome.fail(e);
        } catch (Throwable t) {
            return Outcome.fail(t);
        }
    }

    private static final class CheckedFailure extends RuntimeException {
        CheckedFailure(Exception cause) {
            super(cause);
        }
    }
}
