"""Writes JAX 0.10.2's repr and str of a set of arrays (spi/src/test/resources/dev/kiln/print-goldens.txt).

Run with the build venv: build/venv/bin/python scripts/make_print_goldens.py
Each line: dtype, shape, the elements' little-endian bytes in hex, repr(x), str(x) and, for the
last lines, the print options (precision, threshold, edgeitems, linewidth) they were printed under, separated by
tabs, with newlines in the texts written as \\n. PrintingGoldensTest rebuilds each array with
Np.frombuffer and compares Kiln's toString and Np.arrayStr with the texts.
"""
import os

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "spi", "src", "test", "resources", "dev", "kiln",
                   "print-goldens.txt")


def cases():
    rng = np.random.default_rng(7)
    f32, f64 = np.float32, np.float64
    yield np.array([1 / 3, 2, 1e-5])
    yield np.array([1 / 3, 2, 123456.789], dtype=f32)
    yield np.array([3.14159265358979])
    yield np.arange(30)
    yield np.arange(30, dtype=f32)
    yield np.arange(13, dtype=f32) * 1.5
    yield np.array([2 ** -9, 1.0])
    yield np.array([0.999999999, 1.5])
    yield np.array([1e-5, 2.0])
    yield np.array([1e10, 1.0], dtype=f32)
    yield np.array([np.nan, 1.5, -np.inf])
    yield np.array([np.nan, np.inf], dtype=f32)
    yield np.array([-0.0, 0.0, 1.0], dtype=f32)
    yield np.array([True, False, True])
    yield np.array([True, True])
    yield np.array(True)
    yield np.array(2.5, dtype=f32)
    yield np.array(10.0, dtype=f32)
    yield np.array(-7, dtype=np.int64)
    yield np.array([[1.5, 2], [3, 4]], dtype=f32)
    yield np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    yield np.arange(2000, dtype=f32).reshape(40, 50)
    yield np.arange(1500, dtype=np.int64)
    yield rng.standard_normal((4, 5)).astype(f32)
    yield rng.standard_normal((3, 7))
    yield (rng.standard_normal(12) * 1e6).astype(f32)
    yield rng.standard_normal(9) * 1e-6
    yield np.array([1e300, -1e-300, 0.0])
    yield np.array([4294967295, 0, 7], dtype=np.uint32)
    yield np.array([-2 ** 63, 2 ** 63 - 1], dtype=np.int64)
    yield np.array([0.1, 65504, 6e-8, -1], dtype=np.float16)
    yield np.array([1.0, 2 ** -9], dtype=np.float16)
    yield np.array([-128, 127, 0], dtype=np.int8)
    yield np.array([255, 0], dtype=np.uint8)
    yield np.array([1.5, -2, 1e3], dtype=jnp.bfloat16)
    yield np.linspace(0, 1, 11, dtype=f32)
    yield np.linspace(-1, 1, 40).reshape(4, 10)
    yield np.array([[1e-3, 1.0], [100.0, 12345.678]])
    yield np.array([123456789.0, 1.0])
    yield np.array([0.5, 0.25, 0.125], dtype=f32)
    yield np.array([0.1, 1e10, np.nan, -0.0], dtype=jnp.bfloat16)
    yield np.array([[1, 2], [3, 4]], dtype=jnp.bfloat16)
    yield np.arange(40, dtype=jnp.bfloat16)
    yield np.array(2.5, dtype=jnp.bfloat16)
    yield np.array([1e100, 1e-100, 1.0])
    yield np.array(1 / 3)
    yield np.array([[np.nan]], dtype=f32)
    yield np.array([-np.inf, 1e-7], dtype=f32)
    yield np.full((3, 400), 0.5, dtype=f32)
    yield np.arange(1200, dtype=np.int16).reshape(2, 600)
    yield np.array([1000000.0, 1.5], dtype=f32)
    yield np.array([99999.5, 0.25], dtype=f32)
    for v in [1e-5, 1e16, 1e15, 123456789.0, -0.0, 0.0001234]:
        yield np.array(v)
    for v in [1e-4, 1e6, 999999.0, 1e10, 0.1]:
        yield np.array(v, dtype=f32)
    for v in [999.0, 1000.0, 0.1, 6e-8]:
        yield np.array(v, dtype=np.float16)
    c64, c128 = np.complex64, np.complex128
    yield np.array([1.5 + 2j, -3 + 1.25j], dtype=c64)
    yield np.array([1 + 2j, complex(np.inf, 0), complex(np.nan, 1), complex(-0.0, -0.0)], dtype=c64)
    yield np.array(1 + 2j)
    yield (rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))).astype(c64)
    yield np.array([1e-5 + 1j, 3 - 2e6j])
    yield (np.arange(30) * (1 + 0.5j)).astype(c64)
    yield np.array([complex(1, -np.inf), complex(-np.inf, np.nan)])


# (precision, threshold, edgeitems, linewidth) and arrays printed under them
OPTION_CASES = [
    ((3, 1000, 3, 75), np.array([1 / 3, 2, 1e-5])),
    ((3, 1000, 3, 75), np.array([[1.23456, 2.5], [3.0, -4.125]], dtype=np.float32)),
    ((0, 1000, 3, 75), np.array([1.5, 2.5, -0.4])),
    ((8, 10, 2, 75), np.arange(30, dtype=np.float32)),
    ((8, 10, 1, 40), np.arange(100).reshape(10, 10)),
    ((8, 1000, 3, 30), np.linspace(0, 1, 9)),
]


def esc(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def main():
    lines = []
    for x in cases():
        a = jnp.asarray(x)
        raw = np.asarray(x)
        lines.append("\t".join([
            str(a.dtype), ",".join(str(d) for d in a.shape), raw.astype(raw.dtype.newbyteorder("<")).tobytes().hex(),
            esc(repr(a)), esc(str(a))]))
    for (p, t, e, w), x in OPTION_CASES:
        with np.printoptions(precision=p, threshold=t, edgeitems=e, linewidth=w):
            a = jnp.asarray(x)
            raw = np.asarray(x)
            lines.append("\t".join([
                str(a.dtype), ",".join(str(d) for d in a.shape), raw.tobytes().hex(), esc(repr(a)), esc(str(a)),
                f"{p},{t},{e},{w}"]))
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
