#!/usr/bin/env python3
"""Writes narrow.txt: the narrow dtypes (int8, uint8, int16, uint16, float16, bfloat16) against JAX
0.10.2 on CPU: arithmetic with overflow, rounding ties, -0.0, float16 subnormals, inf and NaN;
conversions between every pair of dtypes (saturating float-to-int casts, wrapping int-to-int casts);
shifts and bitwise ops; division and remainder; comparisons; reductions (sums of small ints in the
default int, float16 means); promotion of mixed operands and weak Python scalars; derivatives with
float16 cotangents.

The lines have the six fields of breadth.txt (make_breadth_goldens.py) and are read by the same
`breadth` family. Run from the repository root (under a minute):
    build/venv/bin/python conformance/scripts/make_narrow_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_breadth_goldens as mbg  # noqa: E402  (sets jax_enable_x64 and the CPU platform)
import make_goldens as mg  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

case = mbg.case
rng = np.random.default_rng(20261207)
NAN, INF = np.nan, np.inf
INTS = ["int8", "uint8", "int16", "uint16"]
FLOATS = ["float16", "bfloat16"]
ALL = ["bool", "int8", "uint8", "int16", "uint16", "int32", "int64", "uint32",
       "float16", "bfloat16", "float32", "float64"]


def corners(dt):
    """Odd-sized float values of dt: zeros, ±1, the extremes, float16 subnormals, inf, NaN, randoms.

    bfloat16's subnormals are float32 subnormals, which XLA on CPU reads as zero in arithmetic (Kiln
    does not), so bfloat16 gets its smallest normal values instead."""
    fi = jnp.finfo(dt)
    sub = float(fi.smallest_subnormal) if dt == "float16" else float(fi.tiny)
    v = [0.0, -0.0, 1.0, -1.0, 0.5, 1 / 3, -2.5, 7.0, 1000.0, 0.1, float(fi.max), -float(fi.max),
         float(fi.tiny), sub, 3 * sub, INF, -INF, NAN]
    v += list(rng.uniform(-8, 8, 13))
    return np.array(v, np.float64).astype(dt)


def ints(dt, n=19):
    ii = np.iinfo(dt)
    v = [0, 1, -1 if ii.min < 0 else 2, ii.max, ii.min, ii.max - 1, ii.min + 1, 100, 3]
    v += list(rng.integers(ii.min, int(ii.max) + 1, n - len(v)))
    return np.array(v, np.int64).astype(dt)


def pos_ints(dt, n=19):
    ii = np.iinfo(dt)
    return rng.integers(1, min(int(ii.max), 100) + 1, n).astype(dt)


def arithmetic():
    for dt in FLOATS:
        a, b = corners(dt), corners(dt)[::-1].copy()
        for fn, f in [("Lax.add", lax.add), ("Lax.sub", lax.sub), ("Lax.mul", lax.mul), ("Lax.div", lax.div),
                      ("Lax.max", lax.max), ("Lax.eq", lax.eq), ("Lax.lt", lax.lt)]:
            case("%s %s" % (fn, dt), fn, {}, [a, b], f)
        case("Lax.sqrt %s" % dt, "Lax.sqrt", {}, [np.abs(a)], lax.sqrt)
        case("Lax.neg %s" % dt, "Lax.neg", {}, [a], lax.neg)
        case("Lax.abs %s" % dt, "Lax.abs", {}, [a], lax.abs)
        case("Lax.floor %s" % dt, "Lax.floor", {}, [a], lax.floor)
        # rounding ties: sums whose exact value lies halfway between two narrow values
        t = np.array([2048, 2050, 1, 1024, -2048, 0.5], np.float64).astype(dt)
        u = np.array([1, 1, 2 ** -11, 0.5, -1, 2 ** -12], np.float64).astype(dt)
        case("Lax.add ties %s" % dt, "Lax.add", {}, [t, u], lax.add)
        # transcendental ops and their derivatives, on moderate values
        x = rng.uniform(-3, 3, 13).astype(dt)
        for fn, f in [("Lax.exp", lax.exp), ("Lax.sin", lax.sin), ("Lax.tanh", lax.tanh),
                      ("Lax.logistic", lax.logistic)]:
            case("%s %s" % (fn, dt), fn, {}, [x], f, wrt=(0,))
        y = rng.uniform(-3, 3, 13).astype(dt)
        case("Lax.mul grad %s" % dt, "Lax.mul", {}, [x, y], lax.mul, wrt=(0, 1))
        case("Lax.div grad %s" % dt, "Lax.div", {}, [x, y], lax.div, wrt=(0, 1))
    # float16 overflow to inf, and into and out of its subnormals
    big = np.array([60000, 65504, 40000, -65504, 300, 2 ** -14, 2 ** -20], np.float16)
    case("Lax.add overflow float16", "Lax.add", {}, [big, big], lax.add)
    case("Lax.mul subnormal float16", "Lax.mul", {}, [big, np.full(7, 2 ** -10, np.float16)], lax.mul)
    for dt in INTS:
        a, b = ints(dt), ints(dt)[::-1].copy()
        for fn, f in [("Lax.add", lax.add), ("Lax.sub", lax.sub), ("Lax.mul", lax.mul), ("Lax.max", lax.max),
                      ("Lax.bitwiseAnd", lax.bitwise_and), ("Lax.bitwiseOr", lax.bitwise_or),
                      ("Lax.bitwiseXor", lax.bitwise_xor), ("Lax.lt", lax.lt), ("Lax.ne", lax.ne)]:
            case("%s %s" % (fn, dt), fn, {}, [a, b], f)
        case("Lax.neg %s" % dt, "Lax.neg", {}, [a], lax.neg)
        case("Lax.bitwiseNot %s" % dt, "Lax.bitwiseNot", {}, [a], lax.bitwise_not)
        case("Lax.populationCount %s" % dt, "Lax.populationCount", {}, [a], lax.population_count)
        case("Lax.clz %s" % dt, "Lax.clz", {}, [a], lax.clz)
        d = pos_ints(dt)
        case("Lax.div %s" % dt, "Lax.div", {}, [a, d], lax.div)
        case("Lax.rem %s" % dt, "Lax.rem", {}, [a, d], lax.rem)
        case("Np.floorDivide %s" % dt, "Np.floorDivide", {}, [a, d], jnp.floor_divide)
        case("Np.mod %s" % dt, "Np.mod", {}, [a, d], jnp.mod)
        bits = np.iinfo(dt).bits
        s = (np.arange(19) % (bits + 2)).astype(dt)
        case("Lax.shiftLeft %s" % dt, "Lax.shiftLeft", {}, [a, s], lax.shift_left)
        case("Lax.shiftRightArithmetic %s" % dt, "Lax.shiftRightArithmetic", {}, [a, s],
             lax.shift_right_arithmetic)
        case("Lax.shiftRightLogical %s" % dt, "Lax.shiftRightLogical", {}, [a, s], lax.shift_right_logical)


def conversions():
    src = {
        "float32": np.array([300, -300, NAN, INF, -INF, 127.9, -128.9, -1.5, 255.5, 70000, 0.5, 1.5, 2.5,
                             65519, 65520, 1e-7, -0.0, 1 / 3, 3.3e38], np.float32),
        "float64": np.array([300, -300, NAN, INF, -1.5, 255.5, 70000, 2.5, 65519.99, 1 + 2 ** -11 + 2 ** -40,
                             1e-7, -0.0, 1 / 3], np.float64),
        "int32": np.array([300, -300, 128, -129, 65535, 70000, -2 ** 31, 2 ** 31 - 1, 0, 2049, 16777217],
                          np.int32),
        "int64": np.array([300, -300, 2 ** 40 + 5, -2 ** 63, 2049], np.int64),
        "uint32": np.array([300, 2 ** 32 - 1, 65536 + 7, 0, 2049], np.uint32),
        "bool": np.array([True, False, True], np.bool_),
    }
    for dt in INTS:
        src[dt] = ints(dt)
    for dt in FLOATS:
        src[dt] = corners(dt)
    for frm, x in src.items():
        for to in ALL:
            if frm == to or (frm not in INTS + FLOATS and to not in INTS + FLOATS):
                continue
            case("Np.astype %s to %s" % (frm, to), "Np.astype", {"dtype": to}, [x], lambda v, to=to: v.astype(to))


def promotion_and_reductions():
    for a in ["int8", "uint8", "int16", "uint16", "float16", "bfloat16"]:
        for b in ["int8", "uint8", "uint16", "int32", "uint32", "float16", "bfloat16", "float32"]:
            x = np.array([1, 2, 3, 5, 7], np.int64).astype(a)
            y = np.array([2, 3, 1, 4, 6], np.int64).astype(b)
            case("Np.add %s+%s" % (a, b), "Np.add", {}, [x, y], jnp.add)
        x = np.array([1, 2, 3, 5, 7, 100, 120], np.int64).astype(a)
        # a Python scalar is weakly typed, like a Java number passed to Np.add
        case("Np.add %s+weak int" % a, "Np.addScalar", {"int": 3}, [x], lambda v: v + 3)
        if a in FLOATS:
            case("Np.add %s+weak float" % a, "Np.addScalar", {"float": 0.25}, [x], lambda v: v + 0.25)
        case("Np.max %s" % a, "Np.max", {"axes": None, "keepdims": False}, [x],
             lambda v: jnp.max(v))
        case("Np.cumsum %s" % a, "Np.cumsum", {"axis": 0}, [x], jnp.cumsum)
    for dt in FLOATS:
        x = np.concatenate([rng.uniform(-4, 4, 30), [1000.0]]).astype(dt)
        case("Np.mean %s" % dt, "Np.mean", {"axes": None, "keepdims": False}, [x], lambda v: jnp.mean(v))
        case("Np.var %s" % dt, "Np.var", {"axes": None, "ddof": 0}, [x[:30]], lambda v: jnp.var(v))
        case("Np.sum %s" % dt, "Np.sum", {"axes": None, "keepdims": False}, [x[:13]], lambda v: jnp.sum(v))


def main():
    arithmetic()
    conversions()
    promotion_and_reductions()
    mg.write_lines("narrow", "narrow dtypes", "make_narrow_goldens.py", mbg.LINES)


if __name__ == "__main__":
    main()
