#!/usr/bin/env python3
"""Prints how much of JAX's public API Kiln covers, namespace by namespace.

JAX's side: the public callables (functions, not classes or modules; names without a leading
underscore) of each namespace in the installed JAX wheel. Kiln's side: the public static methods
of the Kiln classes that stand for the namespace, listed by reflection (scripts/KilnApi.java over
spi/target/classes, so build spi first).

Name mapping: a JAX name and a Kiln method name match when they are equal after removing
underscores and lowercasing (so take_along_axis is takeAlongAxis, log_softmax is logSoftmax and
logsumexp is logSumExp); ALIASES below lists the few Kiln spellings that differ in more than that.
Namespaces and the Kiln classes that stand for them:

    jax.numpy           dev.kiln.Np
    jax.numpy.linalg    dev.kiln.Linalg
    jax.scipy.linalg    dev.kiln.Linalg
    jax.numpy.fft       dev.kiln.Fft
    jax.nn              dev.kiln.Nn
    jax.lax             dev.kiln.Lax
    jax.random          dev.kiln.Random
    jax.scipy.special   dev.kiln.Special
    jax.ops             dev.kiln.Ops

jax.lax is counted twice: its row matches dev.kiln.Lax alone, where Kiln keeps control flow,
collectives and the lax-only functions; most lax names (exp, add, cumsum, sort, ...) are Np's in
Kiln, so a last row, outside the total, counts the lax names that any Kiln class has. That row is a
name match only: a few lax names mean something else in Np (lax.max and lax.min are elementwise,
Np.max and Np.min reduce; lax.select is Np.where; lax.round rounds half away from zero by default).

Run from the repository root:

    build/venv/bin/python scripts/api_coverage.py            # the table
    build/venv/bin/python scripts/api_coverage.py --missing  # also the names Kiln lacks
    build/venv/bin/python scripts/api_coverage.py --markdown # the table as Markdown (README)
"""

import importlib
import inspect
import os
import subprocess
import sys

NAMESPACES = [
    ("jax.numpy", ["dev.kiln.Np"]),
    ("jax.numpy.linalg", ["dev.kiln.Linalg"]),
    ("jax.numpy.fft", ["dev.kiln.Fft"]),
    ("jax.nn", ["dev.kiln.Nn"]),
    ("jax.lax", ["dev.kiln.Lax"]),
    ("jax.random", ["dev.kiln.Random"]),
    ("jax.scipy.special", ["dev.kiln.Special"]),
    ("jax.scipy.linalg", ["dev.kiln.Linalg"]),
    ("jax.ops", ["dev.kiln.Ops"]),
]

# JAX name -> Kiln name, where removing underscores and case is not enough
ALIASES = {
    ("jax.lax", "fori_loop"): "forLoop",
    ("jax.lax", "switch"): "switchCase",
    ("jax.lax", "while_loop"): "whileLoop",
    ("jax.lax", "map"): "map",
    ("jax.random", "PRNGKey"): "key",
}

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def jax_names(module_name):
    m = importlib.import_module(module_name)
    out = []
    for n in dir(m):
        if n.startswith("_"):
            continue
        v = getattr(m, n)
        # typing aliases (jax.lax.DotDimensionNumbers, PrecisionLike, ...) are callable but not functions
        if (callable(v) and not inspect.isclass(v) and not inspect.ismodule(v)
                and type(v).__module__ not in ("typing", "types")):
            out.append(n)
    return sorted(out)


def kiln_names():
    classes = [c for _, cs in NAMESPACES for c in cs]
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    cp = os.path.join(ROOT, "spi", "target", "classes")
    if not os.path.isdir(cp):
        sys.exit("api_coverage: %s is missing; build spi first (./mvnw -o -q -pl spi compile)" % cp)
    out = subprocess.run([java, "-cp", cp, os.path.join(ROOT, "scripts", "KilnApi.java")] + classes,
                         check=True, capture_output=True, text=True).stdout
    names = {c: set() for c in classes}
    missing = set()
    for line in out.splitlines():
        cls, name = line.split(" ", 1)
        if name == "-":
            missing.add(cls)
        else:
            names[cls].add(name)
    return names, missing


def norm(name):
    return name.replace("_", "").lower()


def lax_anywhere(kiln):
    """jax.lax names that some Kiln class has (lax.exp as Np.exp): a user's view, not Lax's coverage."""
    have = set()
    for names in kiln.values():
        have |= {norm(n) for n in names}
    names = jax_names("jax.lax")
    return [n for n in names if norm(ALIASES.get(("jax.lax", n), n)) in have], len(names)


def main():
    import jax
    kiln, missing_classes = kiln_names()
    rows = []
    lacking = {}
    for ns, classes in NAMESPACES:
        have = set()
        for c in classes:
            have |= {norm(n) for n in kiln[c]}
        names = jax_names(ns)
        covered = [n for n in names if norm(ALIASES.get((ns, n), n)) in have]
        lacking[ns] = [n for n in names if n not in covered]
        kiln_cls = ", ".join(c.replace("dev.kiln.", "") + (" (absent)" if c in missing_classes else "")
                             for c in classes)
        rows.append((ns, kiln_cls, len(covered), len(names)))
    total_c = sum(r[2] for r in rows)
    total_n = sum(r[3] for r in rows)
    if "--markdown" in sys.argv:
        print("| JAX %s namespace | Kiln class | covered | of | share |" % jax.__version__)
        print("|---|---|---:|---:|---:|")
        for ns, cls, c, n in rows:
            print("| `%s` | `%s` | %d | %d | %d%% |" % (ns, cls, c, n, round(100 * c / n)))
        print("| all | | %d | %d | %d%% |" % (total_c, total_n, round(100 * total_c / total_n)))
        c, n = len(lax_anywhere(kiln)[0]), lax_anywhere(kiln)[1]
        print("| `jax.lax`, name in any Kiln class | (not in the total) | %d | %d | %d%% |" % (c, n, round(100 * c / n)))
    else:
        print("Kiln coverage of JAX %s's public functions (matched by name)" % jax.__version__)
        print("%-20s %-22s %8s %5s %6s" % ("namespace", "Kiln class", "covered", "of", "share"))
        for ns, cls, c, n in rows:
            print("%-20s %-22s %8d %5d %5d%%" % (ns, cls, c, n, round(100 * c / n)))
        print("%-20s %-22s %8d %5d %5d%%" % ("all", "", total_c, total_n, round(100 * total_c / total_n)))
        c, n = len(lax_anywhere(kiln)[0]), lax_anywhere(kiln)[1]
        print("%-20s %-22s %8d %5d %5d%%" % ("jax.lax, any class", "(not in the total)", c, n, round(100 * c / n)))
    if "--missing" in sys.argv:
        for ns, _ in NAMESPACES:
            print("\n%s lacks (%d): %s" % (ns, len(lacking[ns]), " ".join(lacking[ns])))


if __name__ == "__main__":
    main()
