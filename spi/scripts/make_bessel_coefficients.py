#!/usr/bin/env python3
"""Computes the Chebyshev coefficients Kiln's Special.i0e and Special.i1e evaluate, and prints them
as Java arrays for spi/src/main/java/dev/kiln/Bessel.java.

Four expansions, each in T_k(t) for t in [-1, 1]:

    e^-x I0(x)          on 0 <= x <= 8,  t = x/4 - 1
    sqrt(x) e^-x I0(x)  on x >= 8,       t = 16/x - 1
    e^-x I1(x) / x      on 0 <= x <= 8,  t = x/4 - 1
    sqrt(x) e^-x I1(x)  on x >= 8,       t = 16/x - 1

The coefficients are those of Chebyshev interpolation at N points of the first kind, computed with
mpmath at 60 significant digits, and cut where they fall below 1e-19 relative to the function's
smallest value on the interval (so the series' truncation error is far below a float64 ulp).

Run from the repository root (a few seconds):
    build/venv/bin/python spi/scripts/make_bessel_coefficients.py
"""

import mpmath as mp

mp.mp.dps = 60
N = 80


def cheb(f):
    nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / N) for k in range(N)]
    vals = [f(t) for t in nodes]
    c = []
    for j in range(N):
        s = mp.fsum(vals[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / N) for k in range(N))
        c.append(2 * s / N)
    c[0] /= 2
    return c


def trimmed(c, smallest):
    n = len(c)
    while n > 1 and abs(c[n - 1]) < mp.mpf("1e-19") * smallest:
        n -= 1
    return c[:n]


def near(t):
    return 4 * (t + 1)


def far(t):
    return 16 / (t + 1)


SERIES = [
    ("I0E_NEAR", lambda t: mp.exp(-near(t)) * mp.besseli(0, near(t)), mp.exp(-8) * mp.besseli(0, 8)),
    ("I0E_FAR", lambda t: mp.sqrt(far(t)) * mp.exp(-far(t)) * mp.besseli(0, far(t)), 1 / mp.sqrt(2 * mp.pi)),
    ("I1E_NEAR", lambda t: mp.exp(-near(t)) * (mp.besseli(1, near(t)) / near(t) if near(t) != 0 else mp.mpf(1) / 2),
     mp.exp(-8) * mp.besseli(1, 8) / 8),
    ("I1E_FAR", lambda t: mp.sqrt(far(t)) * mp.exp(-far(t)) * mp.besseli(1, far(t)), mp.sqrt(8) * mp.exp(-8) * mp.besseli(1, 8)),
]


def main():
    for name, f, smallest in SERIES:
        def g(t, f=f):
            if name.endswith("FAR") and t == -1:
                return 1 / mp.sqrt(2 * mp.pi)
            return f(t)
        c = trimmed(cheb(g), smallest)
        print("    /** %d terms, lowest order first. */" % len(c))
        print("    private static final double[] %s = {" % name)
        for v in c:
            print("        %s," % repr(float(v)))
        print("    };")


if __name__ == "__main__":
    main()
