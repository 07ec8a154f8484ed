package dev.kiln.conformance;

/** Runs the conformance families on every backend found and prints the support matrix. */
public final class Runner {
    public static void main(String[] args) {
        System.out.println("conformance runner: not written yet");
    }
}
