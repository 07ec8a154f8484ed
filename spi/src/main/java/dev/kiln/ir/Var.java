package dev.kiln.ir;

/**
 * A variable of a {@link Program}: a value with a spec, compared by identity. Its name is given
 * when the program is printed.
 */
public final class Var implements Atom {
    private final ArraySpec spec;

    public Var(ArraySpec spec) {
        this.spec = spec;
    }

    @Override
    public ArraySpec spec() {
        return spec;
    }

    @Override
    public String toString() {
        return "Var@" + Integer.toHexString(System.identityHashCode(this)) + ":" + spec;
    }
}
