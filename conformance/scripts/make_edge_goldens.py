#!/usr/bin/env python3
"""Writes edges.txt: edge cases taken from JAX's own test suite (lax_numpy_test.py,
lax_numpy_reducers_test.py, lax_test.py, lax_autodiff_test.py, nn_test.py, special tests) where
Kiln and JAX 0.10.2 once differed, plus the neighbouring corners that agreed (0-size and scalar
operands, NaN and inf, ties, integer division by zero and overflow, float-to-int conversion).

The lines have the six fields of breadth.txt (make_breadth_goldens.py) and are read by the same
`breadth` family. A case where JAX raises is written with the outputs field `error:NAME`: Kiln must
raise a KilnException whose message starts with `NAME:`.

Run from the repository root (a minute or two):
    build/venv/bin/python conformance/scripts/make_edge_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_breadth_goldens as mbg  # noqa: E402  (sets jax_enable_x64 and the CPU platform)
import make_goldens as mg  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.scipy.special as jss  # noqa: E402
from jax import lax  # noqa: E402

F32, F64, I32 = mg.F32, mg.F64, mg.I32
NAN, INF = np.nan, np.inf
case = mbg.case


def f32(*v):
    return np.array(v, F32)


def i32(*v):
    return np.array(v, I32)


def error(name, fn, params, inputs, f, kiln_name):
    """A call JAX rejects: Kiln must raise a KilnException whose message starts with kiln_name."""
    try:
        f(*[mg.jaxval(i) for i in inputs])
    except (TypeError, ValueError, IndexError, NotImplementedError) as e:
        print("  %-40s JAX: %s: %s" % (name, type(e).__name__, str(e).split("\n")[0][:80]))
    else:
        raise AssertionError(name + ": JAX accepted it")
    ptext = "-" if not params else ";".join("%s=%s" % (k, mg.fmt_param(v)) for k, v in params.items())
    mbg.LINES.append("\t".join([name, fn, ptext, ";".join(mg.enc(i) for i in inputs), "error:" + kiln_name, "-"]))


def integers():
    # integer division and remainder by zero: jnp.fmod/mod/floor_divide replace a zero divisor
    a, b = i32(5, -5, 0, 7, -2**31), i32(0, 0, 0, -2, -1)
    case("fmod int32 by zero", "Np.fmod", {}, [a, b], jnp.fmod)
    case("mod int32 by zero", "Np.mod", {}, [a, b], jnp.mod)
    case("floorDivide int32 by zero", "Np.floorDivide", {}, [a, b], jnp.floor_divide)
    # shifts by the width or more give 0 (or -1 for a negative value shifted right)
    case("leftShift int32 by >= 32", "Np.leftShift", {}, [i32(1, 1, 1, -1), i32(31, 32, 33, 40)], jnp.left_shift)
    case("rightShift int32 by >= 32", "Np.rightShift", {}, [i32(-8, 8, -8, 8), i32(1, 32, 33, 40)], jnp.right_shift)
    # float -> int saturates, NaN -> 0
    x = f32(1e10, -1e10, NAN, INF, -INF, 2.7, -2.7)
    case("astype float32 out of int32 range", "Np.astype", {"dtype": "int32"}, [x], lambda v: v.astype(jnp.int32))
    case("astype float32 to bool", "Np.astype", {"dtype": "bool"}, [f32(0, -0.0, NAN, 0.1)], lambda v: v.astype(bool))
    case("abs int32 min", "Np.abs", {}, [i32(-2**31, -3)], jnp.abs)
    error("power int32 ** negative literal", "Np.powerInt", {"exp": -1}, [i32(2, 3)], lambda v: jnp.power(v, -1),
          "power")
    case("bincount negative and too large", "Np.bincount", {"n": 3}, [i32(-1, 0, 5, 2, -7)],
         lambda v: jnp.bincount(v, length=3).astype(I32))
    case("bincount weights negative", "Np.bincount", {"n": 3}, [i32(-1, 0, 5, 2), f32(0.5, 1, 2, 4)],
         lambda v, w: jnp.bincount(v, w, length=3))


def reductions():
    e = np.zeros((0,), F32)
    e23 = np.zeros((2, 0), F32)
    case("sum of empty", "Np.sum", {"axes": None}, [e], jnp.sum)
    case("prod of empty", "Np.prod", {"axes": None}, [e], jnp.prod)
    case("mean of empty", "Np.mean", {"axes": None}, [e], jnp.mean)
    case("max over an empty axis of (2,0) along 0", "Np.max", {"axes": (0,)}, [e23], lambda v: jnp.max(v, 0))
    error("max of empty", "Np.max", {"axes": None}, [e], jnp.max, "max")
    error("argmax of empty", "Np.argmax", {"axis": None}, [e], jnp.argmax, "argmax")
    v = f32(1, NAN, 3, NAN)
    case("argmax with NaN", "Np.argmax", {"axis": None}, [v], lambda x: jnp.argmax(x).astype(I32))
    case("argmin with NaN", "Np.argmin", {"axis": None}, [v], lambda x: jnp.argmin(x).astype(I32))
    case("argmax ties", "Np.argmax", {"axis": None}, [f32(1, 3, 3, 2)], lambda x: jnp.argmax(x).astype(I32))
    case("max with NaN", "Np.max", {"axes": None}, [v], jnp.max)
    case("var ddof = n", "Np.var", {"axes": None, "ddof": 3}, [f32(1, 2, 3)], lambda x: jnp.var(x, ddof=3))
    case("std ddof = 1", "Np.std", {"axes": None, "ddof": 1}, [f32(1, 2, 3, 4)], lambda x: jnp.std(x, ddof=1))
    m = np.arange(6, dtype=F32).reshape(1, 2, 3)
    case("sum axes (-1, 0) keepdims", "Np.sum", {"axes": (-1, 0), "keepdims": True}, [m],
         lambda x: jnp.sum(x, (-1, 0), keepdims=True))
    case("cummax with NaN", "Np.cummax", {"axis": 0}, [f32(1, NAN, 3, 0)], lambda x: lax.cummax(x, 0))
    case("cumsum axis -1", "Np.cumsum", {"axis": -1}, [m[0]], lambda x: jnp.cumsum(x, -1))


def rounding():
    case("round half to even", "Np.round", {"decimals": 0}, [f32(0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 0.49999997)],
         jnp.round)
    error("round int32 decimals -1", "Np.round", {"decimals": -1}, [i32(15, 25, -35, 1234)],
          lambda x: jnp.round(x, -1), "round")
    case("clip NaN", "Np.clip", {"lo": 0.0, "hi": 1.0}, [f32(NAN, -1, 2, 0.5)], lambda x: jnp.clip(x, 0.0, 1.0))
    case("clip lo > hi", "Np.clip", {"lo": 2.0, "hi": 1.0}, [f32(-1, 0.5, 3)], lambda x: jnp.clip(x, 2.0, 1.0))


def sorting():
    x = f32(3, NAN, -INF, 1, NAN, INF, 0.0, -0.0)
    case("sort NaN and signed zeros", "Np.sort", {"axis": -1}, [x], jnp.sort)
    m = np.array([[3, 1, 2], [NAN, 0, -1]], F32)
    case("sort default axis of a matrix", "Np.sortDefault", {}, [m], jnp.sort)
    case("argsort default axis of a matrix", "Np.argsortDefault", {}, [m], lambda v: jnp.argsort(v).astype(I32))
    error("sort of a scalar", "Np.sortDefault", {}, [np.asarray(1.0, F32)], jnp.sort, "sort")
    error("argsort of a scalar", "Np.argsortDefault", {}, [np.asarray(1.0, F32)], jnp.argsort, "argsort")


def derivatives():
    for dt in mg.FLOATS:
        x = np.array([-INF, 0.0, 2.0, -3.0], dt)
        case("softplus grad at -inf " + dt, "Nn.softplus", {}, [x], jax.nn.softplus, wrt=(0,))
        a = np.array([-INF, INF, 0.0, 1.0], dt)
        b = np.array([0.0, 1.0, -INF, -INF], dt)
        case("logaddexp grad with -inf " + dt, "Np.logaddexp", {}, [a, b], jnp.logaddexp, wrt=(0, 1))
        a = np.array([1.0, 0.0, 2.0, NAN, 5.0], dt)
        b = np.array([1.0, 1.0, NAN, 3.0, 5.0], dt)
        case("fmax grad at ties " + dt, "Np.fmax", {}, [a, b], jnp.fmax, wrt=(0, 1))
        case("fmin grad at ties " + dt, "Np.fmin", {}, [a, b], jnp.fmin, wrt=(0, 1))
        a = np.array([0.0, 3.0, 0.0, -4.0], dt)
        b = np.array([0.0, 4.0, 2.0, 0.0], dt)
        case("hypot grad at (0, 0) " + dt, "Np.hypot", {}, [a, b], jnp.hypot, wrt=(0, 1))
        case("arccosh grad at 1 " + dt, "Np.arccosh", {}, [np.array([1.0, 2.0, 10.0], dt)], jnp.arccosh, wrt=(0,))
        case("entr grad at 0 " + dt, "Special.entr", {}, [np.array([0.0, 0.5, 2.0], dt)], jss.entr, wrt=(0,))


def shapes():
    error("transpose with a short permutation", "Lax.transpose", {"perm": (0,)}, [np.zeros((2, 3), F32)],
          lambda v: lax.transpose(v, (0,)), "transpose")
    error("transpose with a repeated axis", "Lax.transpose", {"perm": (0, 0)}, [np.zeros((2, 3), F32)],
          lambda v: lax.transpose(v, (0, 0)), "transpose")
    case("oneHot of float indices", "Nn.oneHot", {"n": 3, "axis": -1}, [f32(1.0, 1.5, NAN, 2.0, -1.0)],
         lambda v: jax.nn.one_hot(v, 3, dtype=jnp.float32))


def more():
    z = np.zeros((), I32)
    x = f32(0, 1, 1.5, 3, 2, -1)
    for right in (False, True):
        case("digitize decreasing bins right=%s" % right, "Np.digitize", {"right": right}, [x, f32(3, 2, 1)],
             lambda v, b, right=right: jnp.digitize(v, b, right=right).astype(I32))
    for start, stop in ((0, 10), (-5, 0)):
        case("linspace int32 %d..%d" % (start, stop), "Np.linspaceInt", {"start": start, "stop": stop, "num": 4},
             [z], lambda _, a=start, b=stop: jnp.linspace(a, b, 4, dtype=jnp.int32))
    e = np.zeros((0,), F32)
    case("softmax of empty", "Nn.softmax", {"axis": -1}, [e], lambda v: jax.nn.softmax(v, axis=-1))
    case("logSoftmax of empty", "Nn.logSoftmax", {"axis": -1}, [e], lambda v: jax.nn.log_softmax(v, axis=-1))
    case("unravelIndex out of bounds", "Np.unravelIndex", {"shape": (2, 3, 4)}, [i32(-1, 24, 5, -24, -25, 100)],
         lambda v: [o.astype(I32) for o in jnp.unravel_index(v, (2, 3, 4))])
    case("convolve int32", "Np.convolve", {"mode": "full"}, [i32(1, 2), i32(3, 4, 5)],
         lambda u, v: jnp.convolve(u, v, mode="full").astype(F32))  # float64 under x64, float32 in Kiln
    case("correlate int32", "Np.correlate", {"mode": "same"}, [i32(1, 2, 3, 4), i32(1, 1)],
         lambda u, v: jnp.correlate(u, v, mode="same").astype(F32))
    for idx in ((1, 10), (3, 1)):
        error("splitAt indices %s" % (idx,), "Np.splitAt", {"idx": idx, "axis": 0}, [f32(1, 2, 3, 4)],
              lambda v, idx=idx: jnp.split(v, list(idx)), "splitAt")


def reduce_options():
    """JAX's reduction keywords (where, initial, dtype, ddof, keepdims) through Kiln's ReduceOptions."""
    x = np.arange(12, dtype=F32).reshape(3, 4) - 5.5
    m = (np.arange(12).reshape(3, 4) % 3) != 0
    row = np.array([True, False, True, True])
    xi = (np.arange(12).reshape(3, 4) * 20).astype(np.int8)
    R = "Np.reduceOpts"
    case("sum where axis 1", R, {"op": "sum", "axes": (1,)}, [x, m], lambda v, w: jnp.sum(v, 1, where=w), wrt=(0,))
    case("sum where broadcast row mask", R, {"op": "sum", "axes": (0,)}, [x, row],
         lambda v, w: jnp.sum(v, 0, where=w))
    case("sum initial keepdims", R, {"op": "sum", "axes": (0,), "keepdims": True, "initial": 100}, [x],
         lambda v: jnp.sum(v, 0, keepdims=True, initial=100), wrt=(0,))
    case("sum int8 dtype int8 wraps", R, {"op": "sum", "axes": None, "dtype": "int8"}, [xi],
         lambda v: jnp.sum(v, dtype=jnp.int8))
    case("sum int8 dtype float32", R, {"op": "sum", "axes": (1,), "dtype": "float32"}, [xi],
         lambda v: jnp.sum(v, 1, dtype=jnp.float32))
    case("sum dtype bool", R, {"op": "sum", "axes": (0,), "dtype": "bool"}, [xi], lambda v: jnp.sum(v, 0, dtype=bool))
    case("prod where initial", R, {"op": "prod", "axes": (1,), "initial": 2}, [x / 4, m],
         lambda v, w: jnp.prod(v, 1, where=w, initial=2), wrt=(0,))
    case("max where initial", R, {"op": "max", "axes": (1,), "initial": 0.5}, [x, m],
         lambda v, w: jnp.max(v, 1, where=w, initial=0.5), wrt=(0,))
    case("max of empty axis with initial", R, {"op": "max", "axes": (0,), "initial": -1}, [np.zeros((0, 3), F32)],
         lambda v: jnp.max(v, 0, initial=-1))
    case("max NaN with initial", R, {"op": "max", "axes": None, "initial": 5.0}, [f32(1, NAN)],
         lambda v: jnp.max(v, initial=5.0))
    case("min int8 where initial", R, {"op": "min", "axes": (0,), "initial": 3}, [xi, m],
         lambda v, w: jnp.min(v, 0, where=w, initial=3))
    case("mean where", R, {"op": "mean", "axes": (1,)}, [x, m], lambda v, w: jnp.mean(v, 1, where=w), wrt=(0,))
    case("mean where nothing", R, {"op": "mean", "axes": (1,)}, [x, np.zeros((3, 4), bool)],
         lambda v, w: jnp.mean(v, 1, where=w))
    case("mean int8 dtype int32 truncates", R, {"op": "mean", "axes": None, "dtype": "int32"}, [xi // 20],
         lambda v: jnp.mean(v, dtype=jnp.int32))
    case("mean dtype float16", R, {"op": "mean", "axes": (0,), "dtype": "float16"}, [x],
         lambda v: jnp.mean(v, 0, dtype=jnp.float16))
    case("var where ddof 1", R, {"op": "var", "axes": (1,), "ddof": 1}, [x, m],
         lambda v, w: jnp.var(v, 1, where=w, ddof=1), wrt=(0,))
    case("var where ddof too large", R, {"op": "var", "axes": (1,), "ddof": 8}, [x, m],
         lambda v, w: jnp.var(v, 1, where=w, ddof=8))
    case("var dtype int32", R, {"op": "var", "axes": None, "dtype": "int32"}, [xi // 20],
         lambda v: jnp.var(v, dtype=jnp.int32).astype(F32))
    case("std where keepdims", R, {"op": "std", "axes": (0,), "keepdims": True}, [x, m],
         lambda v, w: jnp.std(v, 0, where=w, keepdims=True), wrt=(0,))
    case("all where", R, {"op": "all", "axes": (1,)}, [x, m], lambda v, w: jnp.all(v, 1, where=w))
    case("any where", R, {"op": "any", "axes": (1,)}, [x > 0, m], lambda v, w: jnp.any(v, 1, where=w))
    case("cumsum int8 dtype int8", "Np.cumOpts", {"op": "cumsum", "axis": 1, "dtype": "int8"}, [xi],
         lambda v: jnp.cumsum(v, 1, dtype=jnp.int8))
    case("cumprod bool dtype float32", "Np.cumOpts", {"op": "cumprod", "axis": None, "dtype": "float32"},
         [np.array([True, True, False])], lambda v: jnp.cumprod(v, dtype=jnp.float32))
    error("max where without initial", R, {"op": "max", "axes": None}, [x, m], lambda v, w: jnp.max(v, where=w),
          "max")
    error("sum where int32 mask", R, {"op": "sum", "axes": None}, [x, m.astype(I32)],
          lambda v, w: jnp.sum(v, where=w), "sum")
    error("sum where mask not broadcastable", R, {"op": "sum", "axes": None}, [x, row[:3]],
          lambda v, w: jnp.sum(v, where=w), "sum")
    error("mean initial", R, {"op": "mean", "axes": None, "initial": 1}, [x], lambda v: jnp.mean(v, initial=1),
          "mean")


def keyword_forms():
    """The data-dependent eager forms and keyword arguments of NumPy functions, as JAX takes them."""
    m = np.array([[0, 1, 0], [2, 0, 3]], I32)
    case("nonzero of a concrete matrix", "Np.nonzeroEager", {}, [m],
         lambda v: tuple(i.astype(I32) for i in jnp.nonzero(v)))
    case("argwhere of a concrete matrix", "Np.argwhereEager", {}, [m], lambda v: jnp.argwhere(v).astype(I32))
    case("argwhere of a 0-d zero", "Np.argwhereEager", {}, [np.asarray(0, I32)], lambda v: jnp.argwhere(v).astype(I32))
    case("flatnonzero of a concrete matrix", "Np.flatnonzeroEager", {}, [m], lambda v: jnp.flatnonzero(v).astype(I32))
    error("nonzero of a 0-d array", "Np.nonzeroEager", {}, [np.asarray(1, I32)], jnp.nonzero, "nonzero")
    case("bincount without a length", "Np.bincountEager", {}, [i32(0, 3, 3, -1)], lambda v: jnp.bincount(v).astype(I32))
    case("bincount weights without a length", "Np.bincountEager", {}, [i32(0, 3, 3), f32(0.5, 1, 2)],
         lambda v, w: jnp.bincount(v, w))
    case("bincount of empty", "Np.bincountEager", {}, [np.zeros(0, I32)], lambda v: jnp.bincount(v).astype(I32))
    B = "Np.bincountKeywords"
    for ml in (0, 2, 7):
        case("bincount minlength=%d" % ml, B, {"minlength": ml, "length": None}, [i32(0, 3, 3, -1)],
             lambda v, ml=ml: jnp.bincount(v, minlength=ml).astype(I32))
    case("bincount of empty minlength=3", B, {"minlength": 3, "length": None}, [np.zeros(0, I32)],
         lambda v: jnp.bincount(v, minlength=3).astype(I32))
    case("bincount negative minlength", B, {"minlength": -4, "length": None}, [i32(1, 1)],
         lambda v: jnp.bincount(v, minlength=-4).astype(I32))
    case("bincount length overrides minlength", B, {"minlength": 9, "length": 2}, [i32(0, 3, 1, 1)],
         lambda v: jnp.bincount(v, minlength=9, length=2).astype(I32))
    case("bincount length=0", B, {"minlength": 0, "length": 0}, [i32(0, 3, 1)],
         lambda v: jnp.bincount(v, length=0).astype(I32))
    case("bincount weights minlength=6", B, {"minlength": 6, "length": None}, [i32(0, 3, 3), f32(0.5, -1, np.inf)],
         lambda v, w: jnp.bincount(v, w, minlength=6))
    R = "Np.repeatEach"
    case("repeat with counts", R, {"axis": None}, [i32(1, 2, 3), i32(2, 0, 1)], lambda v, r: jnp.repeat(v, r))
    case("repeat with counts along axis 0", R, {"axis": 0}, [m, i32(1, 2)], lambda v, r: jnp.repeat(v, r, axis=0))
    case("repeat with counts of the flattened", R, {"axis": None}, [m, i32(1, 0, 0, 2, 0, 1)],
         lambda v, r: jnp.repeat(v, r))
    case("repeat with a negative count", R, {"axis": None}, [i32(1, 2, 3), i32(2, -1, 1)],
         lambda v, r: jnp.repeat(v, r))
    x3 = f32(1.5, -2, 3)
    case("repeat total longer", R, {"axis": None, "total": 5}, [x3, i32(2, 0, 1)],
         lambda v, r: jnp.repeat(v, r, total_repeat_length=5), wrt=(0,))
    case("repeat total shorter", R, {"axis": 0, "total": 2}, [x3, i32(2, 0, 1)],
         lambda v, r: jnp.repeat(v, r, axis=0, total_repeat_length=2), wrt=(0,))
    D = "Np.diffEnds"
    case("diff prepend 0", D, {"n": 1, "axis": -1, "prepend": 0}, [i32(1, 4, 9)], lambda v: jnp.diff(v, prepend=0))
    case("diff prepend scalar to a matrix", D, {"n": 1, "axis": -1, "prepend": 1}, [i32(1, 4, 9, 16).reshape(2, 2)],
         lambda v: jnp.diff(v, prepend=1))
    case("diff append an array along axis 0", D, {"n": 2, "axis": 0}, [f32(1, 4, 9, 16).reshape(2, 2), f32(0, 2).reshape(1, 2)],
         lambda v, e: jnp.diff(v, n=2, axis=0, append=e), wrt=(0, 1))
    case("roll two axes", "Np.rollMulti", {"shifts": (1, 2), "axes": (0, 1)}, [m], lambda v: jnp.roll(v, (1, 2), (0, 1)))
    case("roll one shift over two axes", "Np.rollMulti", {"shifts": (1,), "axes": (0, 1)}, [m],
         lambda v: jnp.roll(v, 1, (0, 1)))
    case("roll one axis twice", "Np.rollMulti", {"shifts": (1, -3), "axes": (1,)}, [m],
         lambda v: jnp.roll(v, (1, -3), 1))
    Q = "Np.quantileMethod"
    data = f32(1, 5, 2, 8, 7, 3.5)
    for method in ("linear", "lower", "higher", "midpoint", "nearest"):
        case("quantile %s" % method, Q, {"method": method, "axis": None, "keepdims": False},
             [data, f32(0, 0.3, 0.5, 0.9, 1)], lambda v, q, method=method: jnp.quantile(v, q, method=method),
             wrt=(0,) if method == "linear" else ())
    mat = np.arange(12, dtype=F32).reshape(3, 4) ** 1.5
    case("quantile array q along axis 1 keepdims", Q, {"method": "linear", "axis": 1, "keepdims": True},
         [mat, f32(0.25, 0.75)], lambda v, q: jnp.quantile(v, q, axis=1, keepdims=True))
    case("quantile 0-d q", Q, {"method": "nearest", "axis": 0, "keepdims": False}, [mat, np.asarray(0.4, F32)],
         lambda v, q: jnp.quantile(v, q, axis=0, method="nearest"))
    case("percentile array", "Np.percentileMethod", {"method": "midpoint", "axis": None, "keepdims": False},
         [data, f32(10, 50, 95)], lambda v, q: jnp.percentile(v, q, method="midpoint"))
    case("nanquantile array", "Np.nanquantileMethod", {"method": "linear", "axis": None, "keepdims": False},
         [f32(1, NAN, 3, 2), f32(0.5, 1)], lambda v, q: jnp.nanquantile(v, q))
    H = "Np.histogramOpts"
    hx = f32(0, 1, 1, 2, 5, -1)
    case("histogram with a range", H, {"bins": 3, "lo": 0.0, "hi": 3.0, "density": False}, [hx],
         lambda v: tuple(o.astype(F32) for o in jnp.histogram(v, 3, range=(0, 3))))
    case("histogram weights and density", H, {"bins": 4, "density": True}, [hx, f32(1, 2, 1, 1, 1, 0.5)],
         lambda v, w: tuple(o.astype(F32) for o in jnp.histogram(v, 4, weights=w, density=True)), wrt=(1,))
    case("histogram with edges", "Np.histogramEdges", {"density": False}, [hx, f32(0, 1, 4, 6)],
         lambda v, e: tuple(o.astype(F32) for o in jnp.histogram(v, e)))
    case("histogram with edges and density", "Np.histogramEdges", {"density": True}, [hx, f32(-1, 1, 4, 6)],
         lambda v, e: tuple(o.astype(F32) for o in jnp.histogram(v, e, density=True)))


def main():
    mbg.LINES.clear()
    integers()
    reductions()
    rounding()
    sorting()
    derivatives()
    shapes()
    more()
    reduce_options()
    keyword_forms()
    mg.write_lines("edges", "edge cases for Kiln's breadth family", "make_edge_goldens.py", mbg.LINES)


if __name__ == "__main__":
    main()
