#!/usr/bin/env python3
"""Writes the JAX golden values of Kiln's conformance suite.

Each output file under conformance/src/main/resources/dev/kiln/conformance/goldens/ holds one case
per line, tab-separated:

    name <TAB> function <TAB> params <TAB> inputs <TAB> outputs

- function is the Kiln name (Np.exp is "exp", Np.logSumExp is "logSumExp", Lax.dynamicSlice is
  "dynamicSlice"); the Java side (GoldenFamily) maps it back to a call.
- params is "-" or "key=value" pairs joined by ";" (lists are comma-separated, "none" is absent).
- inputs and outputs are ";"-separated values. An array is "dtype[d0,d1,...]:BASE64" where the
  base64 text holds the elements in row-major order, little-endian (bool as one byte 0/1). A weakly
  typed Java scalar is "weak:int:7" or "weak:float:2.5".

JAX runs with 64-bit types enabled so that int64 and float64 inputs keep their dtype. Kiln's
defaults are JAX's 32-bit defaults (a Java int literal is like a Python int, and sums of int32
stay int32), so where JAX would pick its default 64-bit type (sum of int32, a weak float scalar
meeting an integer array) the script asks for the 32-bit type explicitly or maps the default type
down, as noted at each place.

Run from the repository root:  build/venv/bin/python conformance/scripts/make_goldens.py
"""

import base64
import math
import os
import sys

import numpy as np

import jax

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")

import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources", "dev", "kiln",
                   "conformance", "goldens")

F32, F64, I32, I64, U32, B = "float32", "float64", "int32", "int64", "uint32", "bool"
FLOATS = [F32, F64]
# the narrow dtypes (make_narrow_goldens.py); Kiln stores them widened
NARROW = ("int8", "uint8", "int16", "uint16", "float16", "bfloat16")


def enc(x):
    """One value in the file format."""
    if isinstance(x, Weak):
        return x.text
    a = np.asarray(x)
    dt = a.dtype.name
    if dt not in (F32, F64, I32, I64, U32, B) + NARROW:
        raise ValueError("unexpected dtype " + dt)
    shape = ",".join(str(d) for d in a.shape)
    data = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
    return "%s[%s]:%s" % (dt, shape, base64.b64encode(data).decode("ascii"))


class Weak:
    """A Python scalar passed to a jnp function: weakly typed, like a Java Number passed to Np."""

    def __init__(self, value):
        self.value = value
        self.text = ("weak:float:%r" % float(value)) if isinstance(value, float) else ("weak:int:%d" % value)


def jaxval(x):
    return x.value if isinstance(x, Weak) else jnp.asarray(x)


class Writer:
    def __init__(self, group):
        self.group = group
        self.lines = []

    def add(self, name, fn, params, inputs, outputs):
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        outs = []
        for o in outputs:
            o = np.asarray(o)
            outs.append(o)
        p = "-" if not params else ";".join("%s=%s" % (k, fmt_param(v)) for k, v in params.items())
        self.lines.append("\t".join([name, fn, p, ";".join(enc(i) for i in inputs), ";".join(enc(o) for o in outs)]))

    def write(self):
        path = os.path.join(OUT, self.group + ".txt")
        with open(path, "w") as f:
            f.write("# JAX %s golden values for Kiln, made by conformance/scripts/make_goldens.py; do not edit\n"
                    % jax.__version__)
            for line in self.lines:
                f.write(line + "\n")
        print("%-12s %5d cases %8d bytes" % (self.group, len(self.lines), os.path.getsize(path)))


def write_lines(name, what, script, lines):
    """Writes golden lines to goldens/<name>.txt under a header saying what they are and which script made them."""
    path = os.path.join(OUT, name + ".txt")
    with open(path, "w") as f:
        f.write("# JAX %s %s, made by conformance/scripts/%s; do not edit\n" % (jax.__version__, what, script))
        for line in lines:
            f.write(line + "\n")
    print("%-13s %5d cases %8d bytes" % (name, len(lines), os.path.getsize(path)))


def fmt_param(v):
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (list, tuple)):
        if v and isinstance(v[0], (list, tuple)):
            return "|".join(",".join(str(int(e)) for e in row) for row in v)
        return ",".join(str(int(e)) for e in v)
    return str(v)


rng = np.random.default_rng(20261122)


def rand(dtype, shape, lo=-3.0, hi=3.0):
    if dtype == B:
        return rng.random(shape) < 0.5
    if dtype in (I32, I64):
        return rng.integers(int(lo), int(hi) + 1, size=shape).astype(dtype)
    if dtype == U32:
        return rng.integers(max(0, int(lo)), int(hi) + 1, size=shape).astype(dtype)
    return rng.uniform(lo, hi, size=shape).astype(dtype)


def float_corners(dtype):
    # No subnormals: XLA's CPU backend flushes them to zero (inputs and results), which Java cannot
    # do and Kiln does not; the Java oracles and the reference backend cover subnormals instead.
    fi = np.finfo(dtype)
    v = [np.nan, np.inf, -np.inf, 0.0, -0.0, float(fi.tiny), -float(fi.tiny), float(fi.max), -float(fi.max), 1.0,
         -1.0, 0.5, -0.5, 1.5, 2.5, -2.5,
         float(np.nextafter(dtype_one(dtype), dtype_two(dtype))), 100.0, -7.25, 1e-4]
    return np.array(v, dtype=dtype)


def dtype_one(dtype):
    return np.array(1, dtype=dtype)


def dtype_two(dtype):
    return np.array(2, dtype=dtype)


def int_corners(dtype):
    if dtype == I32:
        v = [-2 ** 31, 2 ** 31 - 1, 0, 1, -1, 2, -2, 31, 7, -100]
    elif dtype == I64:
        v = [-2 ** 63, 2 ** 63 - 1, 0, 1, -1, 2, -2, 63, 7, -100]
    elif dtype == U32:
        v = [0, 1, 2, 31, 7, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]
    else:
        v = [0, 1]
    return np.array(v, dtype=dtype)


# --------------------------------------------------------------------------- elementwise

def kiln_inexact(dtype):
    """The float dtype Kiln (and JAX without x64) computes float functions of an integer in."""
    return F64 if dtype in (F64,) else (F32 if dtype != F64 else F64)


def float_fn(f):
    """A float function of one operand; integer inputs are converted to float32 first, as Kiln does."""

    def g(x):
        x = jnp.asarray(x)
        if not jnp.issubdtype(x.dtype, jnp.floating):
            x = x.astype(F32)
        return f(x)

    return g


def sigmoid(x):
    return jax.nn.sigmoid(x)


def erf(x):
    return jax.scipy.special.erf(x)


UNARY = [
    # name, jax function, dtypes, (lo, hi) of random inputs
    ("negative", jnp.negative, [F32, F64, I32, I64], (-100, 100)),
    ("positive", jnp.positive, [F32, F64, I32], (-100, 100)),
    ("abs", jnp.abs, [F32, F64, I32, I64], (-100, 100)),
    ("sign", jnp.sign, [F32, F64, I32, I64], (-3, 3)),
    ("exp", float_fn(jnp.exp), [F32, F64, I32], (-20, 20)),
    ("exp2", float_fn(jnp.exp2), [F32, F64], (-20, 20)),
    ("log", float_fn(jnp.log), [F32, F64, I32], (0, 100)),
    ("log2", float_fn(jnp.log2), [F32, F64], (0, 100)),
    ("log10", float_fn(jnp.log10), [F32, F64], (0, 100)),
    ("log1p", float_fn(jnp.log1p), [F32, F64], (-0.9, 10)),
    ("expm1", float_fn(jnp.expm1), [F32, F64], (-5, 5)),
    ("sqrt", float_fn(jnp.sqrt), [F32, F64, I32], (0, 100)),
    ("rsqrt", float_fn(lax.rsqrt), [F32, F64], (0.01, 100)),
    ("cbrt", float_fn(jnp.cbrt), [F32, F64], (-100, 100)),
    ("square", jnp.square, [F32, F64, I32], (-100, 100)),
    ("reciprocal", float_fn(jnp.reciprocal), [F32, F64], (-10, 10)),
    ("sin", float_fn(jnp.sin), [F32, F64, I32], (-10, 10)),
    ("cos", float_fn(jnp.cos), [F32, F64], (-10, 10)),
    ("tan", float_fn(jnp.tan), [F32, F64], (-1.5, 1.5)),
    ("arcsin", float_fn(jnp.arcsin), [F32, F64], (-1, 1)),
    ("arccos", float_fn(jnp.arccos), [F32, F64], (-1, 1)),
    ("arctan", float_fn(jnp.arctan), [F32, F64], (-10, 10)),
    ("sinh", float_fn(jnp.sinh), [F32, F64], (-5, 5)),
    ("cosh", float_fn(jnp.cosh), [F32, F64], (-5, 5)),
    ("tanh", float_fn(jnp.tanh), [F32, F64], (-5, 5)),
    ("sigmoid", float_fn(sigmoid), [F32, F64], (-10, 10)),
    ("erf", float_fn(erf), [F32, F64], (-3, 3)),
    ("floor", jnp.floor, [F32, F64], (-10, 10)),
    ("ceil", jnp.ceil, [F32, F64], (-10, 10)),
    ("round", jnp.round, [F32, F64], (-10, 10)),
    ("isnan", jnp.isnan, [F32, F64], (-10, 10)),
    ("isinf", jnp.isinf, [F32, F64], (-10, 10)),
    ("isfinite", jnp.isfinite, [F32, F64], (-10, 10)),
    ("logicalNot", jnp.logical_not, [B], (0, 1)),
    ("bitwiseNot", jnp.invert, [I32, I64, U32, B], (-1000, 1000)),
    ("nanToNum", jnp.nan_to_num, [F32, F64], (-10, 10)),
    ("exp10", float_fn(lambda x: jnp.power(10.0, x)), [F32, F64], (-30, 30)),
]

# name, jax function, dtypes, (lo, hi) of the first operand, (lo, hi) of the second
BINARY = [
    ("add", jnp.add, [F32, F64, I32, I64, U32, B], (-100, 100), (-100, 100)),
    ("subtract", jnp.subtract, [F32, F64, I32, I64, U32], (-100, 100), (-100, 100)),
    ("multiply", jnp.multiply, [F32, F64, I32, I64, U32, B], (-100, 100), (-100, 100)),
    ("divide", jnp.divide, [F32, F64, I32], (-100, 100), (1, 100)),
    ("floorDivide", jnp.floor_divide, [F32, F64, I32], (-100, 100), (1, 10)),
    ("mod", jnp.remainder, [F32, F64, I32], (-100, 100), (1, 10)),
    ("power", jnp.power, [F32, F64, I32], (0, 5), (-3, 3)),
    ("maximum", jnp.maximum, [F32, F64, I32, U32], (-100, 100), (-100, 100)),
    ("minimum", jnp.minimum, [F32, F64, I32, U32], (-100, 100), (-100, 100)),
    ("arctan2", jnp.arctan2, [F32, F64], (-10, 10), (-10, 10)),
    ("equal", jnp.equal, [F32, F64, I32, B], (-3, 3), (-3, 3)),
    ("notEqual", jnp.not_equal, [F32, F64, I32, B], (-3, 3), (-3, 3)),
    ("less", jnp.less, [F32, F64, I32, U32], (-3, 3), (-3, 3)),
    ("lessEqual", jnp.less_equal, [F32, F64, I32], (-3, 3), (-3, 3)),
    ("greater", jnp.greater, [F32, F64, I32], (-3, 3), (-3, 3)),
    ("greaterEqual", jnp.greater_equal, [F32, F64, I32], (-3, 3), (-3, 3)),
    ("logicalAnd", jnp.logical_and, [B], (0, 1), (0, 1)),
    ("logicalOr", jnp.logical_or, [B], (0, 1), (0, 1)),
    ("logicalXor", jnp.logical_xor, [B], (0, 1), (0, 1)),
    ("bitwiseAnd", jnp.bitwise_and, [I32, I64, U32, B], (-1000, 1000), (-1000, 1000)),
    ("bitwiseOr", jnp.bitwise_or, [I32, I64, U32, B], (-1000, 1000), (-1000, 1000)),
    ("bitwiseXor", jnp.bitwise_xor, [I32, I64, U32, B], (-1000, 1000), (-1000, 1000)),
    ("leftShift", jnp.left_shift, [I32, I64, U32], (-1000, 1000), (0, 40)),
    ("rightShift", jnp.right_shift, [I32, I64, U32], (-100000, 100000), (0, 40)),
]

# binary ops whose corner-value grid is interesting (NaN, infinities, zeros of both signs)
FLOAT_CORNER_BINARY = {"add", "subtract", "multiply", "divide", "floorDivide", "mod", "power", "maximum",
                       "minimum", "arctan2", "equal", "less"}


def elementwise():
    w = Writer("elementwise")
    for name, f, dtypes, (lo, hi) in UNARY:
        for dt in dtypes:
            x = rand(dt, (41,), lo, hi)
            if dt in FLOATS:
                x = np.concatenate([float_corners(dt), x])
            elif dt != B:
                x = np.concatenate([int_corners(dt), x]) if name not in ("square",) else x
            w.add(name + "_" + dt, name, {}, [x], f(jnp.asarray(x)))
        # a 2-d input, to check that shapes pass through
        dt = dtypes[0]
        x = rand(dt, (3, 5), lo, hi)
        w.add(name + "_2d_" + dt, name, {}, [x], f(jnp.asarray(x)))
    for name, f, dtypes, (lo1, hi1), (lo2, hi2) in BINARY:
        for dt in dtypes:
            a = rand(dt, (37,), lo1, hi1)
            b = rand(dt, (37,), lo2, hi2)
            if name == "power" and dt not in FLOATS:
                b = np.abs(b)  # an integer to a negative power is an error in NumPy and arbitrary in JAX
            w.add(name + "_" + dt, name, {}, [a, b], f(jnp.asarray(a), jnp.asarray(b)))
            if dt in FLOATS and name in FLOAT_CORNER_BINARY:
                c = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.5, -0.5, 1e-3], dtype=dt)
                a2, b2 = np.meshgrid(c, c, indexing="ij")
                a2, b2 = a2.ravel(), b2.ravel()
                w.add(name + "_corners_" + dt, name, {}, [a2, b2], f(jnp.asarray(a2), jnp.asarray(b2)))
        dt = dtypes[0]
        # broadcasting: (4,1) with (1,5), and (2,3,4) with (4,)
        a = rand(dt, (4, 1), lo1, hi1)
        b = rand(dt, (1, 5), lo2, hi2)
        w.add(name + "_bcast_" + dt, name, {}, [a, b], f(jnp.asarray(a), jnp.asarray(b)))
        a = rand(dt, (2, 3, 4), lo1, hi1)
        b = rand(dt, (4,), lo2, hi2)
        w.add(name + "_bcast3_" + dt, name, {}, [a, b], f(jnp.asarray(a), jnp.asarray(b)))
        # weak scalars on either side
        if dt != B and name not in ("leftShift", "rightShift"):
            a = rand(dt, (9,), lo1, hi1)
            s = Weak(3)
            w.add(name + "_weakint_" + dt, name, {}, [a, s], f(jnp.asarray(a), 3))
            w.add(name + "_weakint_left_" + dt, name, {}, [s, a], f(3, jnp.asarray(a)))
            if dt in FLOATS:
                s = Weak(2.5)
                w.add(name + "_weakfloat_" + dt, name, {}, [a, s], f(jnp.asarray(a), 2.5))
    # where and clip
    for dt in [F32, F64, I32]:
        c = rand(B, (17,))
        x = rand(dt, (17,), -10, 10)
        y = rand(dt, (17,), -10, 10)
        w.add("where_" + dt, "where", {}, [c, x, y], jnp.where(c, x, y))
        x = rand(dt, (3, 1), -10, 10)
        y = rand(dt, (1, 4), -10, 10)
        c = rand(B, (3, 4))
        w.add("where_bcast_" + dt, "where", {}, [c, x, y], jnp.where(c, x, y))
        x = rand(dt, (23,), -10, 10)
        if dt in FLOATS:
            x[0] = np.nan
        w.add("clip_" + dt, "clip", {}, [x, Weak(-2), Weak(5)], jnp.clip(jnp.asarray(x), -2, 5))
    # conversions
    for src in [F32, F64, I32, I64, U32, B]:
        for dst in [F32, F64, I32, I64, U32, B]:
            if src in FLOATS:
                x = np.concatenate([rand(src, (13,), -1000, 1000), np.array([0.5, -0.5, 1.5, -1.7, 0.0], dtype=src)])
                if dst in FLOATS or dst == B:
                    x = np.concatenate([x, np.array([np.nan, np.inf, -np.inf], dtype=src)])
                if dst == U32:
                    x = np.abs(x)
            else:
                x = rand(src, (17,), -1000, 1000)
                if dst == U32 and src != B:
                    x = np.abs(x).astype(src)
            w.add("astype_%s_%s" % (src, dst), "astype", {"dtype": dst}, [x], jnp.asarray(x).astype(dst))
    w.write()


# --------------------------------------------------------------------------- reductions

def reductions():
    w = Writer("reductions")
    axes_variants = [None, [0], [1], [2], [0, 2], [1, 2], [0, 1, 2], []]
    shape = (3, 4, 5)
    plain = [
        ("sum", lambda x, ax, kd: jnp.sum(x, axis=ax, keepdims=kd, dtype=sum_dtype(x)), [F32, F64, I32, B]),
        ("prod", lambda x, ax, kd: jnp.prod(x, axis=ax, keepdims=kd, dtype=sum_dtype(x)), [F32, I32]),
        ("max", lambda x, ax, kd: jnp.max(x, axis=ax, keepdims=kd), [F32, F64, I32, U32]),
        ("min", lambda x, ax, kd: jnp.min(x, axis=ax, keepdims=kd), [F32, F64, I32, U32]),
        ("mean", lambda x, ax, kd: jnp.mean(x, axis=ax, keepdims=kd, dtype=mean_dtype(x)), [F32, F64, I32]),
        ("all", lambda x, ax, kd: jnp.all(x, axis=ax, keepdims=kd), [B, F32]),
        ("any", lambda x, ax, kd: jnp.any(x, axis=ax, keepdims=kd), [B, I32]),
        ("logSumExp", lambda x, ax, kd: jax.nn.logsumexp(x, axis=ax, keepdims=kd), [F32, F64]),
    ]
    for name, f, dtypes in plain:
        for dt in dtypes:
            lo, hi = (0.5, 1.5) if name == "prod" else (-3, 3)
            x = rand(dt, shape, lo, hi)
            if dt == F32 and name in ("all", "any"):
                x = np.where(rng.random(shape) < 0.2, 0, x).astype(dt)
            for ax in axes_variants:
                if name in ("max", "min") and ax == []:
                    continue
                for kd in ([False, True] if ax in ([1], [0, 2], None) else [False]):
                    params = {"axes": ax, "keepdims": kd}
                    w.add("%s_%s_%s_%s" % (name, dt, fmt_param(ax).replace(",", ""), "k" if kd else ""), name, params,
                          [x], f(jnp.asarray(x), None if ax is None else tuple(ax), kd))
    for name, f in [("var", jnp.var), ("std", jnp.std)]:
        for dt in [F32, F64, I32]:
            x = rand(dt, shape, -3, 3)
            for ax in [None, [0], [2], [0, 2]]:
                for ddof in [0, 1]:
                    kd = ax == [2]
                    params = {"axes": ax, "keepdims": kd, "ddof": ddof}
                    y = f(jnp.asarray(x), axis=None if ax is None else tuple(ax), keepdims=kd, ddof=ddof,
                          dtype=mean_dtype(x))
                    w.add("%s_%s_%s_d%d" % (name, dt, fmt_param(ax).replace(",", ""), ddof), name, params, [x], y)
    for name, f in [("argmax", jnp.argmax), ("argmin", jnp.argmin)]:
        for dt in [F32, I32, F64]:
            x = rand(dt, shape, -3, 3)
            if dt == I32:
                x = rand(dt, shape, -2, 2)  # ties: the first index wins
            for ax in [None, 0, 1, 2, -1]:
                for kd in ([False, True] if ax in (1,) else [False]):
                    y = f(jnp.asarray(x), axis=ax, keepdims=kd).astype(I32)  # Kiln's index dtype is int32
                    w.add("%s_%s_%s%s" % (name, dt, ax, "k" if kd else ""), name, {"axis": ax, "keepdims": kd}, [x], y)
        x = np.array([1.0, np.nan, 3.0, np.nan], dtype=F32)
        w.add(name + "_nan", name, {"axis": None, "keepdims": False}, [x], f(jnp.asarray(x)).astype(I32))
    for name, f in [("cumsum", jnp.cumsum), ("cumprod", jnp.cumprod)]:
        for dt in [F32, F64, I32]:
            lo, hi = (0.5, 1.5) if name == "cumprod" else (-3, 3)
            x = rand(dt, (3, 4, 5) if dt != I32 else (4, 6), lo, hi)
            for ax in [None, 0, 1, -1]:
                y = f(jnp.asarray(x), axis=ax, dtype=sum_dtype(x))
                w.add("%s_%s_%s" % (name, dt, ax), name, {"axis": ax}, [x], y)
    # long rows for accumulation error
    for dt in [F32, F64]:
        x = rand(dt, (20011,), 0, 1)
        w.add("sum_long_" + dt, "sum", {"axes": None, "keepdims": False}, [x], jnp.sum(jnp.asarray(x)))
        x = rand(dt, (4, 4097), -1, 1)
        w.add("mean_rows_" + dt, "mean", {"axes": [1], "keepdims": False}, [x], jnp.mean(jnp.asarray(x), axis=1))
    w.write()


def sum_dtype(x):
    """Kiln sums keep int32/uint32/int64 and sum bool as int32, as JAX does without x64."""
    dt = np.asarray(x).dtype.name
    return I32 if dt == B else dt


def mean_dtype(x):
    dt = np.asarray(x).dtype.name
    return dt if dt in FLOATS else F32


# --------------------------------------------------------------------------- shapes

def shapes():
    w = Writer("shapes")
    x = np.arange(24, dtype=F32).reshape(2, 3, 4) * 0.5 - 3
    xi = np.arange(24, dtype=I32).reshape(2, 3, 4)
    for dt, a in [(F32, x), (I32, xi)]:
        w.add("reshape_%s" % dt, "reshape", {"shape": [4, -1]}, [a], a.reshape(4, -1))
        w.add("reshape_0d_%s" % dt, "reshape", {"shape": []}, [a[:1, :1, :1]], a[:1, :1, :1].reshape(()))
        w.add("ravel_%s" % dt, "ravel", {}, [a], jnp.ravel(a))
        w.add("transpose_%s" % dt, "transpose", {"axes": None}, [a], jnp.transpose(a))
        w.add("transpose_axes_%s" % dt, "transpose", {"axes": [1, 2, 0]}, [a], jnp.transpose(a, (1, 2, 0)))
        w.add("swapaxes_%s" % dt, "swapaxes", {"a": 0, "b": 2}, [a], jnp.swapaxes(a, 0, 2))
        w.add("moveaxis_%s" % dt, "moveaxis", {"source": 0, "destination": -1}, [a], jnp.moveaxis(a, 0, -1))
        b = a.reshape(2, 1, 3, 1, 4)
        w.add("squeeze_%s" % dt, "squeeze", {"axes": None}, [b], jnp.squeeze(b))
        w.add("squeeze_axis_%s" % dt, "squeeze", {"axes": [3]}, [b], jnp.squeeze(b, 3))
        w.add("expandDims_%s" % dt, "expandDims", {"axis": 1}, [a], jnp.expand_dims(a, 1))
        w.add("expandDims_neg_%s" % dt, "expandDims", {"axis": -1}, [a], jnp.expand_dims(a, -1))
        c = a[:, :1, :]
        w.add("broadcastTo_%s" % dt, "broadcastTo", {"shape": [5, 2, 3, 4]}, [c], jnp.broadcast_to(c, (5, 2, 3, 4)))
        w.add("concatenate_%s" % dt, "concatenate", {"axis": 1}, [a, a[:, :2, :]], jnp.concatenate([a, a[:, :2, :]], 1))
        w.add("concatenate0_%s" % dt, "concatenate", {"axis": 0}, [a, a, a[:1]], jnp.concatenate([a, a, a[:1]], 0))
        w.add("stack_%s" % dt, "stack", {"axis": 1}, [a, a + 1], jnp.stack([a, a + 1], 1))
        w.add("stack_last_%s" % dt, "stack", {"axis": -1}, [a, a * 2, a], jnp.stack([a, a * 2, a], -1))
        w.add("split_%s" % dt, "split", {"sections": 2, "axis": 2}, [a], jnp.split(a, 2, axis=2))
        w.add("splitAt_%s" % dt, "splitAt", {"indices": [1, 3], "axis": 2}, [a], jnp.split(a, [1, 3], axis=2))
        w.add("flip_%s" % dt, "flip", {"axes": None}, [a], jnp.flip(a))
        w.add("flip_axes_%s" % dt, "flip", {"axes": [0, 2]}, [a], jnp.flip(a, (0, 2)))
        pw = [[1, 0], [0, 2], [2, 1]]
        w.add("pad_%s" % dt, "pad", {"pad": pw, "constant": 0}, [a], jnp.pad(a, pw))
        w.add("pad_const_%s" % dt, "pad", {"pad": pw, "constant": 7}, [a], jnp.pad(a, pw, constant_values=7))
        w.add("tile_%s" % dt, "tile", {"reps": [2, 1, 3]}, [a], jnp.tile(a, (2, 1, 3)))
        w.add("tile_more_%s" % dt, "tile", {"reps": [2, 1, 1, 2]}, [a], jnp.tile(a, (2, 1, 1, 2)))
        w.add("repeat_%s" % dt, "repeat", {"repeats": 3, "axis": 1}, [a], jnp.repeat(a, 3, axis=1))
        w.add("repeat_last_%s" % dt, "repeat", {"repeats": 2, "axis": -1}, [a], jnp.repeat(a, 2, axis=-1))
    w.write()


# --------------------------------------------------------------------------- indexing

def indexing():
    w = Writer("indexing")
    x = np.arange(120, dtype=F32).reshape(4, 5, 6) - 60.5
    specs = ["1:3", "::2", "::-1", "-1", "1, 2:5, -2", "..., 1", "1:5:2, ..., -1", ":, None, 1", "-3:-1, ::3",
             "5:1:-2", "2", "..., None", ":, 4:1:-1, 1::2", "100:200"]
    for s in specs:
        y = eval("x[%s]" % s, {"x": jnp.asarray(x), "None": None})
        w.add("get_" + s.replace(" ", ""), "get", {"index": s.replace(",", "|")}, [x], y)
    idx = np.array([[0, 2], [3, 1], [1, 1]], dtype=I32)
    for axis in [0, 1, 2]:
        n = x.shape[axis]
        i = np.array([0, n - 1, 1, 2], dtype=I32)
        w.add("take_%d" % axis, "take", {"axis": axis}, [x, i], jnp.take(x, i, axis=axis))
        w.add("take2d_%d" % axis, "take", {"axis": axis}, [x, idx], jnp.take(x, idx, axis=axis))
    w.add("take_neg", "take", {"axis": 1}, [x, np.array([-1, -5], dtype=I32)],
          jnp.take(x, np.array([-1, -5], dtype=I32), axis=1))
    for axis in [0, 1, 2]:
        shp = list(x.shape)
        shp[axis] = 3
        i = rng.integers(0, x.shape[axis], size=shp).astype(I32)
        w.add("takeAlongAxis_%d" % axis, "takeAlongAxis", {"axis": axis}, [x, i],
              jnp.take_along_axis(x, i, axis=axis))
    lab = np.array([0, 3, 1, 2, 2], dtype=I32)
    w.add("oneHot", "oneHot", {"n": 4}, [lab], jax.nn.one_hot(lab, 4, dtype=F32))
    w.add("oneHot_out_of_range", "oneHot", {"n": 3}, [np.array([0, 3, -1, 2], dtype=I32)],
          jax.nn.one_hot(np.array([0, 3, -1, 2], dtype=I32), 3, dtype=F32))
    for starts in [(1, 2, 3), (3, 4, 5), (-1, 0, 2), (0, 9, 1)]:
        st = [np.array(s, dtype=I32) for s in starts]
        y = lax.dynamic_slice(jnp.asarray(x), [jnp.asarray(s) for s in st], (2, 3, 2))
        w.add("dynamicSlice_%s" % "_".join(map(str, starts)), "dynamicSlice", {"sizes": [2, 3, 2]}, [x] + st, y)
        u = np.full((2, 2, 3), 99, dtype=F32)
        y = lax.dynamic_update_slice(jnp.asarray(x), jnp.asarray(u), [jnp.asarray(s) for s in st])
        w.add("dynamicUpdateSlice_%s" % "_".join(map(str, starts)), "dynamicUpdateSlice", {}, [x, u] + st, y)
    w.write()


# --------------------------------------------------------------------------- matmul

def matmul():
    w = Writer("matmul")
    combos = [(1, 1, 1), (2, 3, 4), (7, 16, 31), (16, 16, 16), (31, 7, 65), (64, 64, 64), (65, 127, 3),
              (128, 1, 129), (129, 128, 127), (3, 257, 2), (1, 65, 7), (127, 2, 1)]
    for dt in [F32, F64]:
        for (m, k, n) in combos:
            if dt == F64 and m * k * n > 70000:
                continue
            a = rand(dt, (m, k), -1, 1)
            b = rand(dt, (k, n), -1, 1)
            w.add("matmul_%s_%dx%dx%d" % (dt, m, k, n), "matmul", {}, [a, b], jnp.matmul(a, b, precision="highest"))
    for (m, k, n) in [(3, 4, 5), (16, 31, 7), (1, 9, 1)]:
        a = rand(I32, (m, k), -20, 20)
        b = rand(I32, (k, n), -20, 20)
        w.add("matmul_int32_%dx%dx%d" % (m, k, n), "matmul", {}, [a, b], jnp.matmul(a, b))
    hp = dict(precision="highest")
    cases = [((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (4, 3)), ((3, 4), (4,)), ((4,), (4,)),
             ((2, 3, 4), (4,)), ((5,), (2, 5, 3))]
    for sa, sb in cases:
        a = rand(F32, sa, -1, 1)
        b = rand(F32, sb, -1, 1)
        w.add("matmul_batch_%s_%s" % ("x".join(map(str, sa)), "x".join(map(str, sb))), "matmul", {}, [a, b],
              jnp.matmul(a, b, **hp))
    for sa, sb in [((5,), (5,)), ((3, 4), (4, 2)), ((3, 4), (4,)), ((2, 3, 4), (4, 5))]:
        a = rand(F32, sa, -1, 1)
        b = rand(F32, sb, -1, 1)
        w.add("dot_%s_%s" % ("x".join(map(str, sa)), "x".join(map(str, sb))), "dot", {}, [a, b], jnp.dot(a, b, **hp))
    a = rand(F32, (4,), -1, 1)
    b = rand(F32, (6,), -1, 1)
    w.add("outer", "outer", {}, [a, b], jnp.outer(a, b))
    a2 = rand(F32, (2, 3), -1, 1)
    w.add("outer_flat", "outer", {}, [a2, b], jnp.outer(a2, b))
    ein = [
        ("ij,jk->ik", [(3, 4), (4, 5)]),
        ("ij,jk", [(3, 4), (4, 5)]),
        ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
        ("ii->i", [(4, 4)]),
        ("ii", [(4, 4)]),
        ("ij->ji", [(3, 5)]),
        ("ij->", [(3, 5)]),
        ("i,i->", [(7,), (7,)]),
        ("i,j->ij", [(3,), (4,)]),
        ("ijk,ikl->jl", [(2, 3, 4), (2, 4, 5)]),
        ("...ij,...jk->...ik", [(2, 3, 4), (2, 4, 5)]),
        ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
        ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ]
    for spec, shp in ein:
        ops = [rand(F32, s, -1, 1) for s in shp]
        w.add("einsum_" + spec.replace(",", "_").replace("->", "_to_").replace("...", "E"), "einsum", {"spec": spec},
              ops, jnp.einsum(spec, *ops, precision="highest"))
    w.write()


# --------------------------------------------------------------------------- promotion

KILN_DTYPES = [B, I32, I64, U32, F32, F64]


def promotion():
    w = Writer("promotion")
    for a in KILN_DTYPES:
        for b in KILN_DTYPES:
            x = np.ones((2,), dtype=a)
            y = np.ones((2,), dtype=b)
            out = jnp.add(x, y)
            assert out.dtype == jnp.promote_types(a, b)
            w.add("promote_%s_%s" % (a, b), "add", {}, [x, y], out)
        for s in [Weak(2), Weak(2.5)]:
            x = np.ones((2,), dtype=a)
            r, weak = jax.dtypes.result_type(np.dtype(a), s.value, return_weak_type_flag=True)
            out = jnp.add(jnp.asarray(x), s.value)
            # A weak result is JAX's default type of its kind (int64/float64 with x64); Kiln's
            # defaults are int32/float32, which is what JAX gives without x64.
            if weak:
                out = out.astype(I32 if jnp.issubdtype(out.dtype, jnp.integer) else F32)
            w.add("promote_%s_weak%s" % (a, "float" if isinstance(s.value, float) else "int"), "add", {}, [x, s], out)
            w.add("promote_weak%s_%s" % ("float" if isinstance(s.value, float) else "int", a), "add", {}, [s, x], out)
    w.write()


# --------------------------------------------------------------------------- derivatives

# The table of Differentiable.java, key for key: input shapes, the sampler that keeps inputs inside
# the function's domain and away from its kinks, and the JAX function. Samplers draw from their own
# generator, so the values differ from Java's FD inputs; only the domains have to agree.

def s_uniform(lo, hi):
    return lambda r, shapes: [r.uniform(lo, hi, s) for s in shapes]


def s_signed(lo, hi):
    return lambda r, shapes: [np.where(r.random(s) < 0.5, -1.0, 1.0) * r.uniform(lo, hi, s) for s in shapes]


def s_offgrid(lo, hi):
    return lambda r, shapes: [r.integers(-2, 3, s) + r.uniform(lo, hi, s) for s in shapes]


def s_distinct():
    def sample(r, shapes):
        out = []
        for s in shapes:
            n = int(np.prod(s))
            order = r.permutation(n)
            out.append((0.3 * (order - n / 2.0) + 0.1 * (r.random(n) - 0.5)).reshape(s))
        return out
    return sample


def s_separated():
    def sample(r, shapes):
        x = r.uniform(-2, 2, shapes[0])
        y = x + np.where(r.random(shapes[0]) < 0.5, -1.0, 1.0) * (0.1 + r.random(shapes[0]))
        return [x, y]
    return sample


def s_remainder():
    def sample(r, shapes):
        s = shapes[0]
        y = np.where(r.random(s) < 0.5, -1.0, 1.0) * (0.5 + r.random(s))
        q = r.integers(0, 3, s) + 0.15 + 0.7 * r.random(s)
        x = np.where(r.random(s) < 0.5, -1.0, 1.0) * q * np.abs(y)
        return [x, y]
    return sample


def s_polar():
    def sample(r, shapes):
        s = shapes[0]
        radius = 0.5 + 1.5 * r.random(s)
        angle = -2.8 + 5.6 * r.random(s)
        return [radius * np.sin(angle), radius * np.cos(angle)]
    return sample


def s_away_from_one():
    def sample(r, shapes):
        out = []
        for s in shapes:
            v = r.uniform(-2, 2, s)
            bad = np.abs(np.abs(v) - 1) < 0.1
            while bad.any():
                v[bad] = r.uniform(-2, 2, int(bad.sum()))
                bad = np.abs(np.abs(v) - 1) < 0.1
            out.append(v)
        return out
    return sample


def s_normal():
    return lambda r, shapes: [r.normal(size=s) for s in shapes]


def s_each(*samplers):
    """One sampler per input."""
    return lambda r, shapes: [smp(r, [s])[0] for smp, s in zip(samplers, shapes)]


def logsumexp(x, axis, keepdims=False):
    return jax.scipy.special.logsumexp(x, axis=axis, keepdims=keepdims)


def softmax(x):
    return jnp.exp(x - logsumexp(x, axis=-1, keepdims=True))


def softmax_cross_entropy(logits):
    log_probs = logits - logsumexp(logits, axis=1, keepdims=True)
    labels = jax.nn.one_hot(jnp.array([2, 0, 4, 1]), 5, dtype=logits.dtype)
    return -jnp.mean(jnp.sum(labels * log_probs, axis=1))


def layer_norm(x, gamma, beta):
    centred = x - jnp.mean(x, axis=1, keepdims=True)
    variance = jnp.mean(jnp.square(centred), axis=1, keepdims=True)
    return centred / jnp.sqrt(variance + 1e-5) * gamma + beta


def mlp_loss(w1, b1, w2, b2):
    dt = w1.dtype
    x = jnp.asarray(np.sin(0.7 * np.arange(15) + 0.3).reshape(5, 3).astype(dt))
    y = jnp.asarray(np.cos(1.3 * np.arange(10)).reshape(5, 2).astype(dt))
    hidden = jnp.tanh(x @ w1 + b1)
    return jnp.mean(jnp.square(hidden @ w2 + b2 - y))


S2 = (2, 3)
S3 = (2, 3, 4)
SQ = (3, 4)
MASK = np.array([True, False, True, False, False, True]).reshape(2, 3)

DIFFERENTIABLE = [
    # key, input shapes, sampler, JAX function of the list of inputs
    ("negative", [S2], s_uniform(-2, 2), lambda a: jnp.negative(a[0])),
    ("positive", [S2], s_uniform(-2, 2), lambda a: jnp.positive(a[0])),
    ("abs", [S2], s_signed(0.1, 2), lambda a: jnp.abs(a[0])),
    ("sign", [S2], s_signed(0.1, 2), lambda a: jnp.sign(a[0])),
    ("exp", [S2], s_uniform(-2, 2), lambda a: jnp.exp(a[0])),
    ("exp2", [S2], s_uniform(-2, 2), lambda a: jnp.exp2(a[0])),
    ("exp10", [S2], s_uniform(-2, 2), lambda a: jnp.power(10.0, a[0])),
    ("log", [S2], s_uniform(0.5, 3), lambda a: jnp.log(a[0])),
    ("log2", [S2], s_uniform(0.5, 3), lambda a: jnp.log2(a[0])),
    ("log10", [S2], s_uniform(0.5, 3), lambda a: jnp.log10(a[0])),
    ("log1p", [S2], s_uniform(-0.5, 2), lambda a: jnp.log1p(a[0])),
    ("expm1", [S2], s_uniform(-2, 2), lambda a: jnp.expm1(a[0])),
    ("sqrt", [S2], s_uniform(0.5, 3), lambda a: jnp.sqrt(a[0])),
    ("rsqrt", [S2], s_uniform(0.5, 3), lambda a: lax.rsqrt(a[0])),
    ("cbrt", [S2], s_signed(0.5, 3), lambda a: jnp.cbrt(a[0])),
    ("square", [S2], s_uniform(-2, 2), lambda a: jnp.square(a[0])),
    ("reciprocal", [S2], s_signed(0.5, 2), lambda a: jnp.reciprocal(a[0])),
    ("sin", [S2], s_uniform(-3, 3), lambda a: jnp.sin(a[0])),
    ("cos", [S2], s_uniform(-3, 3), lambda a: jnp.cos(a[0])),
    ("tan", [S2], s_uniform(-1, 1), lambda a: jnp.tan(a[0])),
    ("arcsin", [S2], s_uniform(-0.7, 0.7), lambda a: jnp.arcsin(a[0])),
    ("arccos", [S2], s_uniform(-0.7, 0.7), lambda a: jnp.arccos(a[0])),
    ("arctan", [S2], s_uniform(-2, 2), lambda a: jnp.arctan(a[0])),
    ("sinh", [S2], s_uniform(-2, 2), lambda a: jnp.sinh(a[0])),
    ("cosh", [S2], s_uniform(-2, 2), lambda a: jnp.cosh(a[0])),
    ("tanh", [S2], s_uniform(-2, 2), lambda a: jnp.tanh(a[0])),
    ("sigmoid", [S2], s_uniform(-3, 3), lambda a: jax.nn.sigmoid(a[0])),
    ("erf", [S2], s_uniform(-2, 2), lambda a: jax.scipy.special.erf(a[0])),
    ("floor", [S2], s_offgrid(0.1, 0.9), lambda a: jnp.floor(a[0])),
    ("ceil", [S2], s_offgrid(0.1, 0.9), lambda a: jnp.ceil(a[0])),
    ("round", [S2], s_offgrid(-0.4, 0.4), lambda a: jnp.round(a[0])),
    ("nanToNum", [S2], s_uniform(-2, 2), lambda a: jnp.nan_to_num(a[0])),
    ("multiply by weak scalar", [S2], s_uniform(-2, 2), lambda a: a[0] * 2.5),
    ("maximum relu", [S2], s_signed(0.1, 2), lambda a: jnp.maximum(a[0], 0.0)),
    ("where leaky relu", [S2], s_signed(0.1, 2), lambda a: jnp.where(a[0] > 0, a[0], a[0] * 0.1)),
    ("clip [-1, 1]", [S2], s_away_from_one(), lambda a: jnp.clip(a[0], -1, 1)),
    ("astype to float64 and back", [S2], s_uniform(-2, 2), lambda a: (a[0].astype(F64) * 1.5).astype(a[0].dtype)),
    ("add", [S2, S2], s_uniform(-2, 2), lambda a: a[0] + a[1]),
    ("subtract", [S2, S2], s_uniform(-2, 2), lambda a: a[0] - a[1]),
    ("multiply", [S2, S2], s_uniform(-2, 2), lambda a: a[0] * a[1]),
    ("divide", [S2, S2], s_each(s_uniform(-2, 2), s_signed(0.5, 2)), lambda a: a[0] / a[1]),
    ("power", [S2, S2], s_each(s_uniform(0.5, 2), s_uniform(-2, 2)), lambda a: jnp.power(a[0], a[1])),
    ("maximum", [S2, S2], s_separated(), lambda a: jnp.maximum(a[0], a[1])),
    ("minimum", [S2, S2], s_separated(), lambda a: jnp.minimum(a[0], a[1])),
    ("arctan2", [S2, S2], s_polar(), lambda a: jnp.arctan2(a[0], a[1])),
    ("mod", [S2, S2], s_remainder(), lambda a: jnp.remainder(a[0], a[1])),
    ("floorDivide", [S2, S2], s_remainder(), lambda a: jnp.floor_divide(a[0], a[1])),
    ("add broadcast (2,3)+(3,)", [S2, (3,)], s_uniform(-2, 2), lambda a: a[0] + a[1]),
    ("multiply broadcast (2,1)*(1,3)", [(2, 1), (1, 3)], s_uniform(-2, 2), lambda a: a[0] * a[1]),
    ("where fixed mask", [S2, S2], s_uniform(-2, 2), lambda a: jnp.where(MASK, a[0], a[1])),
    ("sum all", [S3], s_uniform(-2, 2), lambda a: jnp.sum(a[0])),
    ("sum axis=1", [S3], s_uniform(-2, 2), lambda a: jnp.sum(a[0], axis=1)),
    ("sum axes=0,2 keepdims", [S3], s_uniform(-2, 2), lambda a: jnp.sum(a[0], axis=(0, 2), keepdims=True)),
    ("mean axis=-1", [S3], s_uniform(-2, 2), lambda a: jnp.mean(a[0], axis=-1)),
    ("prod axis=1", [S3], s_signed(0.6, 1.4), lambda a: jnp.prod(a[0], axis=1)),
    ("max axis=2", [S3], s_distinct(), lambda a: jnp.max(a[0], axis=2)),
    ("min all", [S3], s_distinct(), lambda a: jnp.min(a[0])),
    ("var axis=1", [S3], s_uniform(-2, 2), lambda a: jnp.var(a[0], axis=1)),
    ("std axis=2", [S3], s_uniform(-2, 2), lambda a: jnp.std(a[0], axis=2)),
    ("logSumExp axis=1", [S3], s_uniform(-2, 2), lambda a: logsumexp(a[0], axis=1)),
    ("cumsum axis=1", [SQ], s_uniform(-2, 2), lambda a: jnp.cumsum(a[0], axis=1)),
    ("cumprod axis=0", [SQ], s_signed(0.6, 1.4), lambda a: jnp.cumprod(a[0], axis=0)),
    ("cummax axis=1", [SQ], s_distinct(), lambda a: lax.cummax(a[0], axis=1)),
    ("cummin axis=0", [SQ], s_distinct(), lambda a: lax.cummin(a[0], axis=0)),
    ("reshape (2,3,4) to (4,6)", [S3], s_uniform(-2, 2), lambda a: jnp.reshape(a[0], (4, 6))),
    ("transpose (2,0,1)", [S3], s_uniform(-2, 2), lambda a: jnp.transpose(a[0], (2, 0, 1))),
    ("broadcastTo (3,1) to (2,3,4)", [(3, 1)], s_uniform(-2, 2), lambda a: jnp.broadcast_to(a[0], (2, 3, 4))),
    ("concatenate axis=1", [(2, 3), (2, 1), (2, 4)], s_uniform(-2, 2), lambda a: jnp.concatenate(a, axis=1)),
    ("stack axis=1", [S2, S2], s_uniform(-2, 2), lambda a: jnp.stack(a, axis=1)),
    ("split 3 along axis 1, middle", [(2, 6)], s_uniform(-2, 2), lambda a: jnp.split(a[0], 3, axis=1)[1]),
    ("flip axis=0", [SQ], s_uniform(-2, 2), lambda a: jnp.flip(a[0], 0)),
    ("pad (1,0),(2,1)", [S2], s_uniform(-2, 2), lambda a: jnp.pad(a[0], ((1, 0), (2, 1)))),
    ("tile (2,1)", [S2], s_uniform(-2, 2), lambda a: jnp.tile(a[0], (2, 1))),
    ("repeat 2 along axis 1", [S2], s_uniform(-2, 2), lambda a: jnp.repeat(a[0], 2, axis=1)),
    ("moveaxis 0 to -1", [S3], s_uniform(-2, 2), lambda a: jnp.moveaxis(a[0], 0, -1)),
    ("expandDims axis=1", [S2], s_uniform(-2, 2), lambda a: jnp.expand_dims(a[0], 1)),
    ("get [1:, ::2]", [(3, 5)], s_uniform(-2, 2), lambda a: a[0][1:, ::2]),
    ("get [-1, 1:4]", [(3, 5)], s_uniform(-2, 2), lambda a: a[0][-1, 1:4]),
    ("get [::-1]", [(4, 3)], s_uniform(-2, 2), lambda a: a[0][::-1]),
    ("take axis=1, repeated", [(3, 5)], s_uniform(-2, 2),
     lambda a: jnp.take(a[0], jnp.array([4, 0, 4, 2], dtype=I32), axis=1, mode="clip")),
    ("takeAlongAxis axis=1", [SQ], s_uniform(-2, 2),
     lambda a: jnp.take_along_axis(a[0], jnp.array([[0, 3], [2, 2], [1, 0]], dtype=I32), axis=1)),
    ("atAdd rows [3,0,3] of (4,5)", [(4, 5), (3, 5)], s_uniform(-2, 2),
     lambda a: a[0].at[jnp.array([3, 0, 3], dtype=I32)].add(a[1])),
    ("atSet [1:, [4,0]] of (4,5)", [(4, 5), (3, 2)], s_uniform(-2, 2),
     lambda a: a[0].at[1:, jnp.array([4, 0], dtype=I32)].set(a[1])),
    ("dynamicSlice at (1,2) size (2,2)", [(4, 5)], s_uniform(-2, 2), lambda a: lax.dynamic_slice(a[0], (1, 2), (2, 2))),
    ("dynamicUpdateSlice at (1,2)", [(4, 5), (2, 3)], s_uniform(-2, 2),
     lambda a: lax.dynamic_update_slice(a[0], a[1], (1, 2))),
    ("matmul (3,4)@(4,5)", [(3, 4), (4, 5)], s_uniform(-2, 2), lambda a: jnp.matmul(a[0], a[1])),
    ("matmul (2,3,4)@(4,2)", [(2, 3, 4), (4, 2)], s_uniform(-2, 2), lambda a: jnp.matmul(a[0], a[1])),
    ("matmul (4,)@(4,3)", [(4,), (4, 3)], s_uniform(-2, 2), lambda a: jnp.matmul(a[0], a[1])),
    ("dot (5,).(5,)", [(5,), (5,)], s_uniform(-2, 2), lambda a: jnp.dot(a[0], a[1])),
    ("convGeneralDilated (2,3,5,4)*(4,3,2,2) stride (1,2) SAME", [(2, 3, 5, 4), (4, 3, 2, 2)], s_uniform(-2, 2),
     lambda a: lax.conv_general_dilated(a[0], a[1], (1, 2), "SAME", precision="highest")),
    ("outer (3,) (4,)", [(3,), (4,)], s_uniform(-2, 2), lambda a: jnp.outer(a[0], a[1])),
    ("einsum bij,bjk->bik", [(2, 3, 4), (2, 4, 2)], s_uniform(-2, 2), lambda a: jnp.einsum("bij,bjk->bik", *a)),
    ("einsum ij,ij->i", [(3, 4), (3, 4)], s_uniform(-2, 2), lambda a: jnp.einsum("ij,ij->i", *a)),
    ("softmax axis=-1", [(4, 5)], s_normal(), lambda a: softmax(a[0])),
    ("softmaxCrossEntropy", [(4, 5)], s_normal(), lambda a: softmax_cross_entropy(a[0])),
    ("layerNorm", [(3, 6), (6,), (6,)], s_normal(), lambda a: layer_norm(*a)),
    ("mlpLoss", [(3, 4), (4,), (4, 2), (2,)], s_normal(), lambda a: mlp_loss(*a)),
]


def derivative_line(key, dt, xs, w, vs, f):
    """Value, gradient of sum(w * f), JVP along vs and Hessian-vector product of sum(w * f) along vs."""
    n = len(xs)
    xs = [jnp.asarray(x) for x in xs]
    vs = [jnp.asarray(v) for v in vs]
    w = jnp.asarray(w)

    def fn(*a):
        return f(list(a))

    def g(*a):
        return jnp.sum(w * fn(*a))

    grad_g = jax.grad(g, argnums=tuple(range(n)))
    value = fn(*xs)
    assert value.dtype == dt, (key, value.dtype, dt)
    grads = grad_g(*xs)
    _, tangent = jax.jvp(fn, tuple(xs), tuple(vs))
    _, hvp = jax.jvp(grad_g, tuple(xs), tuple(vs))
    fields = [key, dt, ";".join(enc(x) for x in xs), enc(w), ";".join(enc(v) for v in vs), enc(value),
              ";".join(enc(d) for d in grads), enc(tangent), ";".join(enc(h) for h in hvp)]
    return "\t".join(fields)


def derivatives():
    """derivatives.txt: key, dtype, primals, cotangent w, tangents, value, grads, JVP, HVP (tab-separated)."""
    lines = []
    with jax.default_matmul_precision("highest"):
        for key, shapes, sampler, f in DIFFERENTIABLE:
            for dt in FLOATS:
                r = np.random.default_rng(seed_of(key + dt))
                xs = [np.asarray(x, dtype=np.float64).astype(dt) for x in sampler(r, shapes)]
                out_shape = np.shape(f([jnp.asarray(x) for x in xs]))
                w = r.normal(size=out_shape).astype(dt)
                vs = [r.uniform(-1, 1, s).astype(dt) for s in shapes]
                lines.append(derivative_line(key, dt, xs, w, vs, f))
    path = os.path.join(OUT, "derivatives.txt")
    with open(path, "w") as out:
        out.write("# JAX %s gradients, JVPs and Hessian-vector products for Kiln, made by"
                  " conformance/scripts/make_goldens.py; do not edit\n" % jax.__version__)
        out.write("# key\tdtype\tprimals\tcotangent w\ttangents v\tf(x)\tgrad sum(w f)\tjvp(f)(v)\thvp sum(w f)(v)\n")
        for line in lines:
            out.write(line + "\n")
    print("%-12s %5d cases %8d bytes" % ("derivatives", len(lines), os.path.getsize(path)))


def seed_of(text):
    """A stable seed (Python's hash() of a string changes per process)."""
    h = 0
    for ch in text.encode("utf-8"):
        h = (h * 131 + ch) % (2 ** 32)
    return h


# --------------------------------------------------------------------------- error measurement

def measure_jax_error():
    """Prints JAX's float32 error in ulps against float64, to keep Tolerance.golden honest."""
    x64 = rng.uniform(-5, 5, 20000)
    print("JAX float32 error vs float64 (max ulps):")
    for name, f, dts, (lo, hi) in UNARY:
        if F32 not in dts or name in ("isnan", "isinf", "isfinite", "nanToNum", "bitwiseNot", "logicalNot"):
            continue
        x = rng.uniform(lo, hi, 20000)
        y32 = np.asarray(f(jnp.asarray(x.astype(F32))), dtype=F32)
        y64 = np.asarray(f(jnp.asarray(x.astype(F32).astype(F64))), dtype=F64).astype(F32)
        ok = np.isfinite(y32) & np.isfinite(y64)
        ul = np.abs(y32[ok].view(np.int32).astype(np.int64) - y64[ok].view(np.int32).astype(np.int64))
        print("  %-10s %d" % (name, ul.max() if ul.size else 0))
    del x64


def main():
    os.makedirs(OUT, exist_ok=True)
    if "--derivatives-only" in sys.argv:
        # derivatives() seeds its own generators, so it can be rewritten alone; the other groups
        # share one generator and are only ever written together
        derivatives()
    else:
        elementwise()
        reductions()
        shapes()
        indexing()
        matmul()
        promotion()
        derivatives()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("total %d bytes in %s" % (total, os.path.normpath(OUT)))
    if "--measure" in sys.argv:
        measure_jax_error()


if __name__ == "__main__":
    main()
