#!/usr/bin/env python3
"""Writes the JAX golden values of the NumPy functions added to Np after the breadth family's first
set (set functions, frexp and spacing, polydiv and polyfit, kaiser, trim_zeros, put, put_along_axis,
place, compress, extract, piecewise, histogram2d/dd, mask_indices, block, vectorize), in the format of
make_breadth_goldens.py, to goldens/npmore.txt. BreadthFamily reads it beside breadth.txt.

Run from the repository root (about 20 seconds):
    build/venv/bin/python conformance/scripts/make_np_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_breadth_goldens as mb  # noqa: E402  (and through it make_goldens: x64 on, CPU platform)
import make_goldens as mg  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

F32, F64, I32 = mg.F32, mg.F64, mg.I32
case = mb.case
rng = np.random.default_rng(20261207)


def i32(*xs):
    return [jnp.asarray(x).astype(I32) for x in xs]


def sets():
    for dt in (I32, F32, F64):
        a = rng.integers(-3, 6, (9,)).astype(dt)
        b = rng.integers(0, 8, (2, 3)).astype(dt)
        case("union1d " + dt, "Np.union1d", {"size": None}, [a, b], lambda x, y: jnp.union1d(x, y))
        case("setdiff1d " + dt, "Np.setdiff1d", {"size": None}, [a, b], lambda x, y: jnp.setdiff1d(x, y))
        case("setxor1d " + dt, "Np.setxor1d", {"size": None}, [a, b], lambda x, y: jnp.setxor1d(x, y))
        case("intersect1d " + dt, "Np.intersect1d", {"size": None}, [a, b], lambda x, y: jnp.intersect1d(x, y))
        for size, fill in ((12, None), (3, None), (12, 7)):
            p = {"size": size, "fill": fill}
            tag = " size=%d fill=%s %s" % (size, fill, dt)
            case("union1d" + tag, "Np.union1d", p, [a, b],
                 lambda x, y, s=size, f=fill: jnp.union1d(x, y, size=s, fill_value=f))
            if True:
                case("setdiff1d" + tag, "Np.setdiff1d", p, [a, b],
                     lambda x, y, s=size, f=fill: jnp.setdiff1d(x, y, size=s, fill_value=f))
            case("setxor1d" + tag, "Np.setxor1d", p, [a, b],
                 lambda x, y, s=size, f=fill: jnp.setxor1d(x, y, size=s, fill_value=f))
            case("intersect1d" + tag, "Np.intersect1d", p, [a, b],
                 lambda x, y, s=size, f=fill: jnp.intersect1d(x, y, size=s, fill_value=f))
            case("intersect1d indices" + tag, "Np.intersect1dWithIndices", p, [a, b],
                 lambda x, y, s=size, f=fill: (lambda r: [r[0]] + i32(r[1], r[2]))(
                     jnp.intersect1d(x, y, size=s, fill_value=f, return_indices=True)))
        case("intersect1d indices " + dt, "Np.intersect1dWithIndices", {"size": None}, [a, b],
             lambda x, y: (lambda r: [r[0]] + i32(r[1], r[2]))(jnp.intersect1d(x, y, return_indices=True)))
        u = np.array([4, 1, 3, 9], dtype=dt)
        case("setdiff1d assume_unique " + dt, "Np.setdiff1d", {"size": None, "unique": True}, [u, b],
             lambda x, y: jnp.setdiff1d(x, y, assume_unique=True))
        case("setdiff1d no overlap " + dt, "Np.setdiff1d", {"size": 5, "fill": None}, [u, np.array([-7], dt)],
             lambda x, y: jnp.setdiff1d(x, y, size=5))
    # mixed dtypes promote
    case("union1d int32 float32", "Np.union1d", {"size": None},
         [np.array([[3, 1]], I32), np.array([1.5], F32)], lambda x, y: jnp.union1d(x, y))


def floats():
    for dt in (F32, F64):
        fi = np.finfo(dt)
        c = np.array([0.0, -0.0, 1.0, -1.0, 0.5, 0.75, -3.5, 7.0, 1e-3, 123456.0, float(fi.max), -float(fi.max),
                      float(fi.tiny), np.inf, -np.inf, np.nan, 2.0 ** 20, 2.0 ** -20, 0.1, 3.0], dtype=dt)
        c = np.concatenate([c, rng.uniform(-50, 50, 12).astype(dt)])
        case("frexp " + dt + " corners", "Np.frexp", {}, [c], lambda x: list(jnp.frexp(x)))
        # spacing(tiny) and spacing(0) are subnormal, which XLA:CPU flushes to zero in compiled code
        # (JAX's eager value keeps them, the pjrt backend's does not); NpSpacingTest checks them
        s = c[(np.abs(c) != float(fi.tiny)) & (c != 0)]
        case("spacing " + dt + " corners", "Np.spacing", {}, [s], jnp.spacing)
    case("frexp int32", "Np.frexp", {}, [np.array([1, 2, 3, -8, 0], I32)], lambda x: list(jnp.frexp(x)))


def polys():
    for dt in (F32, F64):
        u = rng.uniform(-2, 2, (6,)).astype(dt)
        v = np.array([1.5, -0.5, 2.0], dt)
        case("polydiv " + dt, "Np.polydiv", {}, [u, v], lambda x, y: list(jnp.polydiv(x, y)), wrt=(0, 1))
        case("polydiv short " + dt, "Np.polydiv", {}, [v[:2], u], lambda x, y: list(jnp.polydiv(x, y)))
        x = np.linspace(-1, 2, 9).astype(dt)
        y = (1 + 2 * x - 0.5 * x ** 2 + rng.normal(0, 0.1, 9)).astype(dt)
        for deg in (0, 1, 2, 3):
            case("polyfit deg=%d %s" % (deg, dt), "Np.polyfit", {"deg": deg}, [x, y],
                 lambda a, b, d=deg: jnp.polyfit(a, b, d), wrt=(1,))
        y2 = np.stack([y, -y + 1], axis=1)
        case("polyfit 2-d y " + dt, "Np.polyfit", {"deg": 2}, [x, y2], lambda a, b: jnp.polyfit(a, b, 2))
    for m in (0, 1, 2, 5, 8):
        for beta in (0.0, 3.0, 8.6):
            case("kaiser m=%d beta=%s" % (m, beta), "Np.kaiser", {"n": m, "beta": beta}, [np.zeros(1, F32)],
                 lambda _, m=m, beta=beta: jnp.kaiser(m, beta).astype(F32))


def updates():
    for dt in (F32, I32):
        a = np.arange(12).reshape(3, 4).astype(dt)
        ind = np.array([0, 5, -1, 13, -13, 5], I32)
        v = np.array([100, 200, 300], dt)
        for mode in (None, "clip", "wrap"):
            case("put mode=%s %s" % (mode, dt), "Np.put", {"mode": mode}, [a, ind, v],
                 lambda x, i, w, m=mode: jnp.put(x, i, w, mode=m, inplace=False),
                 wrt=(0, 2) if dt == F32 and mode is not None else ())
        idx1 = np.array([[3, -1], [0, 9], [2, 2]], I32)
        case("putAlongAxis axis=1 " + dt, "Np.putAlongAxis", {"axis": 1}, [a, idx1, np.array([[7, 8]], dt)],
             lambda x, i, w: jnp.put_along_axis(x, i, w, axis=1, inplace=False),
             wrt=(0, 2) if dt == F32 else ())
        idx0 = np.array([[2, 0, 1, -3]], I32)
        case("putAlongAxis axis=0 " + dt, "Np.putAlongAxis", {"axis": 0}, [a, idx0, np.array([9], dt)],
             lambda x, i, w: jnp.put_along_axis(x, i, w, axis=0, inplace=False))
        flat = np.array([11, 0, 4], I32)
        case("putAlongAxis axis=None " + dt, "Np.putAlongAxis", {"axis": None}, [a, flat, np.array([5, 6, 7], dt)],
             lambda x, i, w: jnp.put_along_axis(x, i, w, axis=None, inplace=False))
        mask = (np.arange(12).reshape(3, 4) % 3) == 1
        case("place " + dt, "Np.place", {}, [a, mask, np.array([-1, -2], dt)],
             lambda x, mk, w: jnp.place(x, mk, w, inplace=False), wrt=(0, 2) if dt == F32 else ())
        cond = np.array([True, False, True, True])
        for axis in (None, 0, 1):
            c = cond[:3] if axis == 0 else cond
            case("compress axis=%s %s" % (axis, dt), "Np.compress", {"axis": axis, "size": None}, [c, a],
                 lambda k, x, ax=axis: jnp.compress(k, x, axis=ax))
            case("compress size=2 axis=%s %s" % (axis, dt), "Np.compress", {"axis": axis, "size": 2, "fill": 5},
                 [c, a], lambda k, x, ax=axis: jnp.compress(k, x, axis=ax, size=2, fill_value=5),
                 wrt=(1,) if dt == F32 else ())
        case("compress int condition " + dt, "Np.compress", {"axis": None, "size": None},
             [np.array([0, 2, 0, 0, 1], I32), a], lambda k, x: jnp.compress(k, x))
        case("extract " + dt, "Np.extract", {"size": None}, [a > 4, a], lambda k, x: jnp.extract(k, x))
        case("extract size=9 " + dt, "Np.extract", {"size": 9, "fill": -1}, [a > 4, a],
             lambda k, x: jnp.extract(k, x, size=9, fill_value=-1))


def selection():
    for dt in (F32, F64):
        x = np.linspace(-3, 3, 13).astype(dt) + 0.01
        case("piecewise 3 functions " + dt, "Np.piecewise", {"n": 3}, [x],
             lambda v: jnp.piecewise(v, [v < -1, v > 1], [lambda t: -t, lambda t: t * t, 0.5]), wrt=(0,))
        case("piecewise no default " + dt, "Np.piecewise", {"n": 2}, [x],
             lambda v: jnp.piecewise(v, [v < 0, v > -2], [lambda t: jnp.sin(t), 4.0]), wrt=(0,))
    for dt in (F32, F64):
        x = rng.uniform(-2, 3, 40).astype(dt)
        y = rng.normal(0, 1, 40).astype(dt)
        for bins in (1, 3, 7):
            case("histogram2d bins=%d %s" % (bins, dt), "Np.histogram2d", {"bins": bins}, [x, y],
                 lambda a, b, n=bins: (lambda r: i32(r[0]) + [r[1], r[2]])(jnp.histogram2d(a, b, bins=n)))
        s = rng.normal(0, 1, (30, 3)).astype(dt)
        case("histogramdd bins=4 " + dt, "Np.histogramdd", {"bins": 4}, [s],
             lambda a: (lambda r: i32(r[0]) + list(r[1]))(jnp.histogramdd(a, bins=4)))
    for n, k in ((4, 1), (4, -1), (3, 0), (1, 0)):
        case("maskIndices triu n=%d k=%d" % (n, k), "Np.maskIndices", {"n": n, "k": k, "f": "triu"},
             [np.zeros(1, F32)], lambda _, n=n, k=k: i32(*jnp.mask_indices(n, jnp.triu, k)))
        case("maskIndices tril n=%d k=%d" % (n, k), "Np.maskIndices", {"n": n, "k": k, "f": "tril"},
             [np.zeros(1, F32)], lambda _, n=n, k=k: i32(*jnp.mask_indices(n, jnp.tril, k)))
    for dt in (F32, I32):
        a = np.arange(4).reshape(2, 2).astype(dt)
        b = np.arange(2).reshape(2, 1).astype(dt) + 10
        c = np.arange(3).astype(dt) - 5
        case("block 2-d " + dt, "Np.block", {"form": "2d"}, [a, b, c],
             lambda x, y, z: jnp.block([[x, y], [z]]))
        case("block 1-d " + dt, "Np.block", {"form": "1d"}, [c, c[:1]], lambda x, y: jnp.block([x, y]))
    for dt in (I32, F32):
        t = np.array([[0, 0, 0, 0], [0, 1, 0, 2], [0, 0, 0, 0]], dt)
        for trim in ("fb", "f", "b"):
            case("trimZeros 2-d trim=%s %s" % (trim, dt), "Np.trimZeros", {"trim": trim}, [t],
                 lambda x, tr=trim: jnp.trim_zeros(x, tr))
        v = np.array([0, 0, 3, 0, 4, 0], dt)
        case("trimZeros 1-d " + dt, "Np.trimZeros", {"trim": "fb"}, [v], lambda x: jnp.trim_zeros(x))
        case("trimZeros all zero " + dt, "Np.trimZeros", {"trim": "fb"}, [np.zeros(3, dt)], lambda x: jnp.trim_zeros(x))


def vectorized():
    for dt in (F32, F64):
        x = rng.uniform(-2, 2, (3, 4)).astype(dt)
        case("vectorize scalar " + dt, "Np.vectorize", {"form": "scalar"}, [x],
             jnp.vectorize(lambda v: jnp.where(v > 0, v * v, jnp.sin(v))), wrt=(0,))
        y = rng.uniform(-2, 2, (2, 3, 5)).astype(dt)
        case("vectorize (n)->() " + dt, "Np.vectorize", {"form": "norm"}, [y],
             jnp.vectorize(lambda v: jnp.sum(v * v), signature="(n)->()"), wrt=(0,))
        a = rng.uniform(-2, 2, (4, 1, 3)).astype(dt)
        b = rng.uniform(-2, 2, (5, 3)).astype(dt)
        case("vectorize (n),(n)->() " + dt, "Np.vectorize", {"form": "dot"}, [a, b],
             jnp.vectorize(lambda u, v: jnp.dot(u, v), signature="(n),(n)->()"), wrt=(0, 1))
        case("vectorize ()->(k) " + dt, "Np.vectorize", {"form": "pair"}, [x],
             jnp.vectorize(lambda v: jnp.stack([v, 2 * v + 1]), signature="()->(k)"))
        m = rng.uniform(-2, 2, (2, 3, 4)).astype(dt)
        w = rng.uniform(-2, 2, (4,)).astype(dt)
        case("vectorize (m,n),(n)->(m) " + dt, "Np.vectorize", {"form": "matvec"}, [m, w],
             jnp.vectorize(lambda u, v: u @ v, signature="(m,n),(n)->(m)"), wrt=(0, 1))


def main():
    vectorized()
    sets()
    floats()
    polys()
    updates()
    selection()
    mg.write_lines("npmore", "golden values for Kiln's breadth family (more Np functions)", "make_np_goldens.py", mb.LINES)


if __name__ == "__main__":
    main()
