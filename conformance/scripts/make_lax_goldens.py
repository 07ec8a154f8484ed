#!/usr/bin/env python3
"""Writes the JAX golden values of Kiln's jax.lax functions (Lax.add ... Lax.batchMatmul: the strict
element-wise, shape, reduction and sorting functions of jax.lax) in the format of
make_breadth_goldens.py, to goldens/lax.txt. BreadthFamily reads it beside breadth.txt.

Run from the repository root (about 20 seconds):
    build/venv/bin/python conformance/scripts/make_lax_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_breadth_goldens as mb  # noqa: E402  (and through it make_goldens: x64 on, CPU platform)
import make_goldens as mg  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

F32, F64, I32, I64, U32, B = mg.F32, mg.F64, mg.I32, mg.I64, mg.U32, mg.B
case = mb.case
rng = np.random.default_rng(20261208)

INT_CORNERS = {
    I32: [0, 1, -1, 2, -2, 7, -7, 100, -100, 2 ** 31 - 1, -2 ** 31, 12345, -54321],
    I64: [0, 1, -1, 7, -7, 2 ** 63 - 1, -2 ** 63, 2 ** 40 + 3, -(2 ** 35)],
    U32: [0, 1, 2, 7, 100, 2 ** 32 - 1, 2 ** 31, 12345],
}


def pairs(v, dt):
    a = np.repeat(np.array(v), len(v)).astype(dt)
    b = np.tile(np.array(v), len(v)).astype(dt)
    return a, b


def elementwise():
    for name, f in (("add", lax.add), ("sub", lax.sub), ("mul", lax.mul), ("div", lax.div), ("rem", lax.rem),
                    ("max", lax.max), ("min", lax.min), ("eq", lax.eq), ("ne", lax.ne), ("lt", lax.lt),
                    ("le", lax.le), ("gt", lax.gt), ("ge", lax.ge)):
        for dt in (F32, F64):
            a, b = pairs(mg.float_corners(dt), dt)
            case("%s %s corner pairs" % (name, dt), "Lax." + name, {}, [a, b], f)
        for dt in (I32, I64, U32):
            a, b = pairs(INT_CORNERS[dt], dt)
            case("%s %s corner pairs" % (name, dt), "Lax." + name, {}, [a, b], f)
        x = rng.uniform(-3, 3, (3, 4)).astype(F32)
        y = rng.uniform(0.5, 3, (3, 4)).astype(F32)
        if name in ("add", "sub", "mul", "div", "max", "min"):
            case("%s float32 grad" % name, "Lax." + name, {}, [x, y], f, wrt=(0, 1))
        case("%s float32 with a 0-d operand" % name, "Lax." + name, {}, [x, np.array(1.5, F32)], f)
    for dt in (F32, F64):
        a, b = pairs(mg.float_corners(dt), dt)
        case("atan2 %s corner pairs" % dt, "Lax.atan2", {}, [a, b], lax.atan2)
        x = rng.uniform(0.1, 3, (5,)).astype(dt)
        case("pow %s float exponents" % dt, "Lax.pow", {}, [x, rng.uniform(-2, 2, (5,)).astype(dt)], lax.pow,
             wrt=(0, 1))
        case("pow %s int exponents" % dt, "Lax.pow", {}, [x, np.array([0, 1, 2, -1, 3], I32)], lax.pow)
        for k in (-2, 0, 3):
            case("integerPow %s y=%d" % (dt, k), "Lax.integerPow", {"y": k}, [x],
                 lambda v, k=k: lax.integer_pow(v, k), wrt=(0,))
    case("integerPow int32 y=3", "Lax.integerPow", {"y": 3}, [np.array([-3, 0, 2, 1290], I32)],
         lambda v: lax.integer_pow(v, 3))
    for name, f in (("bitwiseAnd", lax.bitwise_and), ("bitwiseOr", lax.bitwise_or), ("bitwiseXor", lax.bitwise_xor)):
        for dt in (I32, I64, U32):
            a, b = pairs(INT_CORNERS[dt], dt)
            case("%s %s" % (name, dt), "Lax." + name, {}, [a, b], f)
        case("%s bool" % name, "Lax." + name, {}, [np.array([1, 1, 0, 0], B), np.array([1, 0, 1, 0], B)], f)
    for dt in (I32, I64, U32):
        v = np.array(INT_CORNERS[dt], dt)
        case("bitwiseNot " + dt, "Lax.bitwiseNot", {}, [v], lax.bitwise_not)
        case("populationCount " + dt, "Lax.populationCount", {}, [v], lax.population_count)
        case("clz " + dt, "Lax.clz", {}, [v], lax.clz)
        bits = 64 if dt == I64 else 32
        a = np.repeat(v, 6)
        s = np.tile(np.array([0, 1, 5, bits - 1, bits, bits + 3]), len(v)).astype(dt)
        for name, f in (("shiftLeft", lax.shift_left), ("shiftRightArithmetic", lax.shift_right_arithmetic),
                        ("shiftRightLogical", lax.shift_right_logical)):
            case("%s %s" % (name, dt), "Lax." + name, {}, [a, s], f)
    case("bitwiseNot bool", "Lax.bitwiseNot", {}, [np.array([True, False])], lax.bitwise_not)
    for dt in (F32, F64):
        c = mg.float_corners(dt)
        halves = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -0.49999997, 3.4999, 1e7 + 0.5], dt)
        c2 = np.concatenate([c, halves])
        case("round %s away from zero" % dt, "Lax.round", {"method": "AWAY_FROM_ZERO"}, [c2], lax.round)
        case("round %s to nearest even" % dt, "Lax.round", {"method": "TO_NEAREST_EVEN"}, [c2],
             lambda v: lax.round(v, lax.RoundingMethod.TO_NEAREST_EVEN))
        for name, f in (("neg", lax.neg), ("abs", lax.abs), ("sign", lax.sign), ("floor", lax.floor),
                        ("ceil", lax.ceil), ("isFinite", lax.is_finite), ("square", lax.square),
                        ("reciprocal", lax.reciprocal)):
            case("%s %s corners" % (name, dt), "Lax." + name, {}, [c], f)
        pos = rng.uniform(0.1, 4, (7,)).astype(dt)
        sym = rng.uniform(-0.9, 0.9, (7,)).astype(dt)
        for name, f, x in (("exp", lax.exp, sym), ("exp2", lax.exp2, sym), ("log", lax.log, pos),
                           ("log1p", lax.log1p, pos), ("expm1", lax.expm1, sym), ("sqrt", lax.sqrt, pos),
                           ("rsqrt", lax.rsqrt, pos), ("cbrt", lax.cbrt, sym), ("sin", lax.sin, sym),
                           ("cos", lax.cos, sym), ("tan", lax.tan, sym), ("asin", lax.asin, sym),
                           ("acos", lax.acos, sym), ("atan", lax.atan, sym), ("sinh", lax.sinh, sym),
                           ("cosh", lax.cosh, sym), ("tanh", lax.tanh, sym), ("asinh", lax.asinh, sym),
                           ("acosh", lax.acosh, pos + 1), ("atanh", lax.atanh, sym), ("logistic", lax.logistic, sym),
                           ("erf", lax.erf, sym), ("erfc", lax.erfc, sym), ("erfInv", lax.erf_inv, sym),
                           ("lgamma", lax.lgamma, pos), ("digamma", lax.digamma, pos)):
            case("%s %s" % (name, dt), "Lax." + name, {}, [x], f, wrt=(0,))
    for dt in (I32, I64):
        v = np.array(INT_CORNERS[dt][:9], dt)
        for name, f in (("neg", lax.neg), ("abs", lax.abs), ("sign", lax.sign), ("square", lax.square)):
            case("%s %s" % (name, dt), "Lax." + name, {}, [v], f)


def selection_and_shapes():
    for dt in (F32, I32):
        cs = [rng.integers(-5, 5, (2, 3)).astype(dt) for _ in range(3)]
        w = np.array([[0, 1, 2], [2, 1, 0]], I32)
        case("selectN int32 " + dt, "Lax.selectN", {}, [w] + cs, lambda k, *c: lax.select_n(k, *c))
        wb = np.array([[True, False, True], [False, False, True]])
        case("selectN bool " + dt, "Lax.selectN", {}, [wb] + cs[:2], lambda k, *c: lax.select_n(k, *c))
        x = rng.integers(-5, 5, (2, 3)).astype(dt)
        case("clamp 0-d bounds " + dt, "Lax.clamp", {"form": "scalar"}, [np.array(-2, dt), x, np.array(3, dt)],
             lax.clamp)
        case("clamp array bounds " + dt, "Lax.clamp", {"form": "array"},
             [np.full((2, 3), -1, dt), x, np.full((2, 3), 2, dt)], lax.clamp)
    x = rng.uniform(-2, 2, (2, 3, 4)).astype(F32)
    case("broadcast", "Lax.broadcast", {"sizes": [3, 1]}, [x[0]], lambda v: lax.broadcast(v, (3, 1)))
    case("broadcastToRank", "Lax.broadcastToRank", {"rank": 4}, [x[0]], lambda v: lax.broadcast_to_rank(v, 4))
    case("broadcastedIota", "Lax.broadcastedIota", {"dim": 1}, [x], lambda v: lax.broadcasted_iota(jnp.int32, (2, 3, 4), 1))
    case("expandDims", "Lax.expandDims", {"dims": [0, 3]}, [x[0]], lambda v: lax.expand_dims(v, (0, 3)))
    case("squeeze", "Lax.squeeze", {"dims": [0, 2]}, [x[:1, :, :1]], lambda v: lax.squeeze(v, (0, 2)))
    for s, e in ((0, 2), (1, 3), (0, 3), (1, 1)):
        case("collapse %d %d" % (s, e), "Lax.collapse", {"start": s, "stop": e}, [x], lambda v, s=s, e=e: lax.collapse(v, s, e))
    case("fullLike int32 3.7", "Lax.fullLike", {"fill": 3.7}, [np.ones(3, I32)], lambda v: lax.full_like(v, 3.7))
    case("fullLike float32 -2.5", "Lax.fullLike", {"fill": -2.5}, [x], lambda v: lax.full_like(v, -2.5))
    for start in (-2, 0, 1, 3, 9):
        case("dynamicSliceInDim start=%d" % start, "Lax.dynamicSliceInDim", {"start": start, "size": 2, "axis": 2},
             [x], lambda v, st=start: lax.dynamic_slice_in_dim(v, st, 2, 2), wrt=(0,))
        case("dynamicIndexInDim start=%d" % start, "Lax.dynamicIndexInDim", {"start": start, "axis": 1, "keep": False},
             [x], lambda v, st=start: lax.dynamic_index_in_dim(v, st, 1, False))
        case("dynamicUpdateSliceInDim start=%d" % start, "Lax.dynamicUpdateSliceInDim", {"start": start, "axis": 2},
             [x, np.full((2, 3, 2), 9, F32)], lambda v, u, st=start: lax.dynamic_update_slice_in_dim(v, u, st, 2),
             wrt=(0, 1))
    for idx in (-1, 0, 2):
        case("indexInDim %d keep" % idx, "Lax.indexInDim", {"index": idx, "axis": 1, "keep": True}, [x],
             lambda v, i=idx: lax.index_in_dim(v, i, 1, True))
    case("split", "Lax.split", {"sizes": [1, 0, 3], "axis": 2}, [x], lambda v: list(lax.split(v, (1, 0, 3), 2)))


def reductions_and_sorting():
    for dt in (F32, F64, I32):
        x = rng.integers(-9, 9, (3, 4, 2)).astype(dt)
        for axes in ((0,), (1, 2), (0, 1, 2)):
            p = {"axes": list(axes)}
            case("reduceMax %s %s" % (axes, dt), "Lax.reduceMax", p, [x], lambda v, a=axes: lax.reduce_max(v, a))
            case("reduceMin %s %s" % (axes, dt), "Lax.reduceMin", p, [x], lambda v, a=axes: lax.reduce_min(v, a))
            case("reduceProd %s %s" % (axes, dt), "Lax.reduceProd", p, [x], lambda v, a=axes: lax.reduce_prod(v, a))
        for axis in (0, 2):
            case("argmax %d %s" % (axis, dt), "Lax.argmax", {"axis": axis}, [x],
                 lambda v, a=axis: lax.argmax(v, a, jnp.int32))
            case("argmin %d %s" % (axis, dt), "Lax.argmin", {"axis": axis}, [x],
                 lambda v, a=axis: lax.argmin(v, a, jnp.int32))
    bx = rng.random((3, 5)) < 0.5
    for name, f in (("reduceAnd", lax.reduce_and), ("reduceOr", lax.reduce_or), ("reduceXor", lax.reduce_xor)):
        case("%s bool" % name, "Lax." + name, {"axes": [1]}, [bx], lambda v, f=f: f(v, (1,)))
        for dt in (I32, U32):
            ix = rng.integers(0, 2 ** 31 - 1, (3, 5)).astype(dt)
            case("%s %s" % (name, dt), "Lax." + name, {"axes": [0, 1]}, [ix], lambda v, f=f: f(v, (0, 1)))
    fx = np.array([3.0, np.nan, -0.0, 0.0, -1.0, np.inf, -np.inf, 0.0, -0.0, 2.0], F32)
    case("sort float32 nan and zeros", "Lax.sort", {"dim": 0, "keys": 1, "n": 1}, [fx], lambda v: lax.sort(v))
    keys = np.array([[3, 1, 2, 1, 3], [0, 0, 1, 1, 0]], I32)
    vals = rng.uniform(-1, 1, (2, 5)).astype(F32)
    sec = np.array([[5, 9, 1, 2, 4], [3, 2, 1, 0, 9]], I32)
    case("sort 3 operands 1 key", "Lax.sort", {"dim": 1, "keys": 1, "n": 3}, [keys, sec, vals],
         lambda a, b, c: list(lax.sort((a, b, c), dimension=1, num_keys=1)))
    case("sort 3 operands 2 keys", "Lax.sort", {"dim": 1, "keys": 2, "n": 3}, [keys, sec, vals],
         lambda a, b, c: list(lax.sort((a, b, c), dimension=1, num_keys=2)))
    case("sort dim 0", "Lax.sort", {"dim": 0, "keys": 1, "n": 2}, [keys, vals],
         lambda a, b: list(lax.sort((a, b), dimension=0, num_keys=1)))
    case("sortKeyVal", "Lax.sortKeyVal", {"dim": -1}, [keys, vals], lambda a, b: list(lax.sort_key_val(a, b, -1)))
    for dt in (F32, F64):
        a = rng.uniform(-1, 1, (3, 4)).astype(dt)
        v = rng.uniform(-1, 1, (4,)).astype(dt)
        m = rng.uniform(-1, 1, (4, 2)).astype(dt)
        case("dot matrix vector " + dt, "Lax.dot", {}, [a, v], lax.dot, wrt=(0, 1))
        case("dot matrix matrix " + dt, "Lax.dot", {}, [a, m], lax.dot, wrt=(0, 1))
        case("dot vector vector " + dt, "Lax.dot", {}, [v, v], lax.dot)
        b1 = rng.uniform(-1, 1, (2, 3, 4)).astype(dt)
        b2 = rng.uniform(-1, 1, (2, 4, 5)).astype(dt)
        case("batchMatmul " + dt, "Lax.batchMatmul", {}, [b1, b2], lax.batch_matmul, wrt=(0, 1))


def main():
    elementwise()
    selection_and_shapes()
    reductions_and_sorting()
    mg.write_lines("lax", "golden values for Kiln's breadth family (jax.lax functions)", "make_lax_goldens.py", mb.LINES)


if __name__ == "__main__":
    main()
