"""Writes the .npy/.npz files NpyFilesTest reads (spi/src/test/resources/dev/kiln/npy) with NumPy.

Run with the build venv: build/venv/bin/python scripts/make_npy_test_files.py
The test loads each file with Np.load and checks its values, and checks that Np.save writes the
C-ordered little-endian ones byte for byte as NumPy did.
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "spi", "src", "test", "resources", "dev", "kiln", "npy")


def main():
    os.makedirs(OUT, exist_ok=True)
    p = lambda name: os.path.join(OUT, name)
    np.save(p("f32.npy"), np.array([[1.5, -2.25, 3e-41], [np.inf, -0.0, np.nan]], dtype=np.float32))
    np.save(p("f64_scalar.npy"), np.float64(2.5))
    np.save(p("i64.npy"), np.array([-2**62, 7, 0], dtype=np.int64))
    np.save(p("u8.npy"), np.arange(250, 256, dtype=np.uint8).reshape(2, 3))
    np.save(p("f16.npy"), np.array([0.1, 65504, 6e-8, -1], dtype=np.float16))
    np.save(p("b.npy"), np.array([True, False, True]))
    np.save(p("fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)))
    np.save(p("bigendian.npy"), np.array([1.0, -3.5], dtype=">f8"))
    np.save(p("empty.npy"), np.zeros((0, 4), dtype=np.int16))
    np.savez(p("two.npz"), w=np.arange(4, dtype=np.float32), b=np.array([1, -1], dtype=np.int8))


if __name__ == "__main__":
    main()
