#!/usr/bin/env python3
"""Writes the JAX golden values of the jax.lax and jax.numpy functions added for API breadth after
lax.txt (Lax.gather, the Lax.scatter family, and the smaller lax and numpy functions beside them) in
the format of make_breadth_goldens.py, to goldens/laxmore.txt. BreadthFamily reads it beside
breadth.txt and calls the Kiln functions through LaxMoreCalls.

Run from the repository root (about 20 seconds):
    build/venv/bin/python conformance/scripts/make_laxmore_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_breadth_goldens as mb  # noqa: E402  (and through it make_goldens: x64 on, CPU platform)
import make_goldens as mg  # noqa: E402

import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

F32, F64, I32, I64, U32, B = mg.F32, mg.F64, mg.I32, mg.I64, mg.U32, mg.B
rng = np.random.default_rng(20261207)


def gdn(offset, collapsed, start_map, obd=(), sibd=()):
    return lax.GatherDimensionNumbers(offset_dims=tuple(offset), collapsed_slice_dims=tuple(collapsed),
                                      start_index_map=tuple(start_map), operand_batching_dims=tuple(obd),
                                      start_indices_batching_dims=tuple(sibd))


def sdn(window, inserted, to_operand, obd=(), sibd=()):
    return lax.ScatterDimensionNumbers(update_window_dims=tuple(window), inserted_window_dims=tuple(inserted),
                                       scatter_dims_to_operand_dims=tuple(to_operand),
                                       operand_batching_dims=tuple(obd), scatter_indices_batching_dims=tuple(sibd))


def gather_case(name, operand, idx, dn, sizes, mode=None, fill=None, wrt=(0,)):
    p = {"offset": list(dn[0]), "collapsed": list(dn[1]), "map": list(dn[2]), "obd": list(dn[3] if len(dn) > 3 else ()),
         "sibd": list(dn[4] if len(dn) > 4 else ()), "sizes": list(sizes), "mode": mode or "none",
         "fill": "none" if fill is None else fill}
    d = gdn(*dn)
    diff = wrt if np.asarray(operand).dtype.kind == "f" else ()
    mb.case(name, "Lax.gather", p, [operand, idx],
            lambda x, i: lax.gather(x, i, d, tuple(sizes), mode=mode, fill_value=fill), wrt=diff)


def gathers():
    x = rng.uniform(-3, 3, (5, 3)).astype(F32)
    rows = np.array([[0], [4], [2], [2]], I32)
    gather_case("gather rows, repeated", x, rows, ((1,), (0,), (0,)), (1, 3))
    gather_case("gather rows, offset first", x, rows, ((0,), (0,), (0,)), (1, 3))
    y = rng.uniform(-3, 3, (6, 7)).astype(F32)
    starts = np.array([[0, 0], [2, 3], [5, 6], [-1, 2], [4, 4]], I32)
    # promise_in_bounds (the gather default) with a broken promise: JAX clamps the value but its
    # derivative (a scatter-add in the same mode) drops the slice, so only the values are compared
    inside = np.array([[0, 0], [2, 3], [4, 4], [1, 2]], I32)
    for mode in (None, "clip", "fill", "promise_in_bounds"):
        broken = mode in (None, "promise_in_bounds")
        gather_case("gather 2x3 windows mode %s" % mode, y, starts, ((1, 2), (), (0, 1)), (2, 3), mode=mode,
                    wrt=() if broken else (0,))
        if broken:
            gather_case("gather 2x3 windows in bounds mode %s" % mode, y, inside, ((1, 2), (), (0, 1)), (2, 3),
                        mode=mode)
    gather_case("gather 2x3 windows fill -1.5", y, starts, ((1, 2), (), (0, 1)), (2, 3), mode="fill", fill=-1.5)
    gather_case("gather start map reversed", y, starts, ((1, 2), (), (1, 0)), (3, 2), mode="fill")
    gather_case("gather points", y, starts, ((), (0, 1), (0, 1)), (1, 1), mode="clip")
    gather_case("gather zero-size window", y, starts, ((1, 2), (), (0, 1)), (0, 3))
    z = rng.uniform(-3, 3, (4, 5, 6)).astype(F64)
    bidx = rng.integers(0, 5, (2, 3, 1)).astype(I32)
    gather_case("gather batch axes around the offset", z, bidx, ((1, 3), (1,), (1,)), (4, 1, 6))
    gather_case("gather offset dims last", z, bidx, ((2, 3), (1,), (1,)), (4, 1, 6))
    bx = rng.uniform(-3, 3, (3, 5, 4)).astype(F32)
    bi = np.array([[[1], [4]], [[0], [0]], [[3], [2]]], I32)
    gather_case("gather operand batching dims", bx, bi, ((2,), (1,), (1,), (0,), (0,)), (1, 1, 4))
    bi2 = np.transpose(bi, (1, 0, 2)).copy()
    gather_case("gather operand batching on index axis 1", bx, bi2, ((2,), (1,), (1,), (0,), (1,)), (1, 1, 4))
    ints = rng.integers(-50, 50, (6, 4)).astype(I32)
    gather_case("gather int32 fill default", ints, np.array([[1], [5], [9], [-2]], I32), ((1, 2), (), (0,)), (2, 4),
                mode="fill")
    gather_case("gather int64 with int64 indices", ints.astype(I64), np.array([[1], [5], [9]], I64),
                ((1, 2), (), (0,)), (2, 4))
    gather_case("gather uint32 fill default", ints.astype(U32), np.array([[7], [0]], I32), ((1,), (0,), (0,)),
                (1, 4), mode="fill")
    gather_case("gather bool fill default", ints > 0, np.array([[7], [0]], I32), ((1,), (0,), (0,)), (1, 4),
                mode="fill")
    gather_case("gather 1-d indices vector", y, np.array([3, 1], I32), ((0, 1), (), (0, 1)), (2, 2))


def scatter_case(name, fn, f, operand, idx, upd, dn, mode=None, wrt=(0, 2), unique=False):
    p = {"window": list(dn[0]), "inserted": list(dn[1]), "map": list(dn[2]),
         "obd": list(dn[3] if len(dn) > 3 else ()), "sibd": list(dn[4] if len(dn) > 4 else ()),
         "mode": mode or "none"}
    d = sdn(*dn)
    diff = wrt if np.asarray(operand).dtype.kind == "f" else ()
    mb.case(name, fn, p, [operand, idx, upd],
            lambda x, i, u: f(x, i, u, d, mode=mode, unique_indices=unique), wrt=diff)


def scatters():
    fns = (("scatter", lax.scatter), ("scatterAdd", lax.scatter_add), ("scatterSub", lax.scatter_sub),
           ("scatterMul", lax.scatter_mul), ("scatterMin", lax.scatter_min), ("scatterMax", lax.scatter_max))
    x = rng.uniform(-3, 3, (5, 3)).astype(F32)
    uniq = np.array([[1], [3], [0]], I32)
    upd = rng.uniform(-3, 3, (3, 3)).astype(F32)
    for name, f in fns:
        scatter_case("%s rows unique" % name, "Lax." + name, f, x, uniq, upd, ((1,), (0,), (0,)), unique=True)
    v = rng.uniform(-3, 3, (6,)).astype(F32)
    rep = np.array([[1], [4], [1], [5]], I32)
    u4 = rng.uniform(-3, 3, (4,)).astype(F32)
    for name, f in fns[1:3] + fns[4:]:
        scatter_case("%s points repeated" % name, "Lax." + name, f, v, rep, u4, ((), (0,), (0,)))
    # min and max ties: equal updates, and an update equal to the operand, share the derivative
    vt = np.array([1.0, 2.0, 3.0, 4.0], F32)
    it = np.array([[0], [0], [1], [3]], I32)
    ut = np.array([0.5, 0.5, 2.0, 9.0], F32)
    for name, f in (fns[4], fns[5]):
        scatter_case("%s ties" % name, "Lax." + name, f, vt, it, ut, ((), (0,), (0,)))
    y = rng.uniform(-3, 3, (6, 7)).astype(F32)
    starts = np.array([[0, 0], [2, 3], [5, 6], [-1, 2]], I32)
    w = rng.uniform(-3, 3, (4, 2, 3)).astype(F32)
    for mode in (None, "clip", "drop", "promise_in_bounds"):
        for name, f in fns[:2]:
            # a broken promise: JAX drops the window but differentiates the updates as a clamped gather
            scatter_case("%s 2x3 windows mode %s" % (name, mode), "Lax." + name, f, y, starts, w,
                         ((1, 2), (), (0, 1)), mode=mode, wrt=(0,) if mode == "promise_in_bounds" else (0, 2))
    scatter_case("scatterAdd 2x3 windows in bounds mode promise_in_bounds", "Lax.scatterAdd", lax.scatter_add, y,
                 np.array([[0, 0], [2, 3], [4, 4], [1, 2]], I32), w, ((1, 2), (), (0, 1)), mode="promise_in_bounds")
    wt = np.transpose(w, (1, 0, 2)).copy()
    scatter_case("scatterAdd windows on update axes 0 and 2", "Lax.scatterAdd", lax.scatter_add, y, starts, wt,
                 ((0, 2), (), (0, 1)), mode="clip")
    bx = rng.uniform(-3, 3, (3, 5, 4)).astype(F32)
    bi = np.array([[[1], [4]], [[0], [2]], [[3], [2]]], I32)
    bu = rng.uniform(-3, 3, (3, 2, 4)).astype(F32)
    scatter_case("scatterAdd operand batching dims", "Lax.scatterAdd", lax.scatter_add, bx, bi, bu,
                 ((2,), (1,), (1,), (0,), (0,)))
    scatter_case("scatter operand batching dims", "Lax.scatter", lax.scatter, bx, bi, bu,
                 ((2,), (1,), (1,), (0,), (0,)))
    ints = rng.integers(-50, 50, (6, 4)).astype(I32)
    iu = rng.integers(-50, 50, (3, 4)).astype(I32)
    ii = np.array([[1], [5], [9]], I32)
    for name, f in fns:
        scatter_case("%s int32 with a dropped row" % name, "Lax." + name, f, ints, ii, iu, ((1,), (0,), (0,)))
    scatter_case("scatterAdd int64", "Lax.scatterAdd", lax.scatter_add, ints.astype(I64), ii.astype(I64),
                 iu.astype(I64), ((1,), (0,), (0,)), mode="clip")
    # scatter_apply: func applied once per window covering an element (twice for a repeated index)
    for mode in (None, "clip"):
        p = {"window": [], "inserted": [0], "map": [0], "obd": [], "sibd": [], "mode": mode or "none",
             "func": "square", "shape": [4]}
        mb.case("scatterApply square mode %s" % mode, "Lax.scatterApply", p, [v, np.array([[1], [4], [1], [8]], I32)],
                lambda x, i, m=mode: lax.scatter_apply(x, i, jnp.square, sdn((), (0,), (0,)), update_shape=(4,),
                                                       mode=m))
    p = {"window": [1], "inserted": [0], "map": [0], "obd": [], "sibd": [], "mode": "none", "func": "neg",
         "shape": [2, 3]}
    mb.case("scatterApply neg rows", "Lax.scatterApply", p, [x, np.array([[1], [3]], I32)],
            lambda a, i: lax.scatter_apply(a, i, jnp.negative, sdn((1,), (0,), (0,)), update_shape=(2, 3)))


def shape_result(v):
    return np.array([int(e) for e in v], I32)


def lax_breadth():
    case = mb.case
    x = rng.uniform(-3, 3, (2, 3)).astype(F32)
    y = rng.uniform(-3, 3, (2, 3)).astype(F32)
    pred = np.array([[True, False, True], [False, False, True]])
    case("select", "Lax.select", {}, [pred, x, y], lax.select, wrt=(1, 2))
    case("select 0-d pred", "Lax.select", {}, [np.array(False), x, y], lax.select, wrt=(1, 2))
    case("select int32", "Lax.select", {}, [pred, x.astype(I32), y.astype(I32)], lax.select)
    for axis in (0, 1, 2, -1):
        case("stack axis %d" % axis, "Lax.stack", {"axis": axis}, [x, y, x + 1],
             lambda *a, ax=axis: lax.stack(a, ax), wrt=(0, 1))
    z = rng.uniform(-3, 3, (2, 3, 4)).astype(F64)
    for axis in (0, 1, -1):
        case("unstack axis %d" % axis, "Lax.unstack", {"axis": axis}, [z], lambda v, ax=axis: list(lax.unstack(v, ax)))
    for reps in ((2, 1, 3), (1, 1, 1), (0, 2, 1)):
        case("tile %s" % (reps,), "Lax.tile", {"reps": list(reps)}, [z], lambda v, r=reps: lax.tile(v, r),
             wrt=(0,) if 0 not in reps else ())
    for shapes in (((2, 1), (3,)), ((1,), (5, 4, 1)), ((0, 1), (1, 7)), ((),)):
        text = "|".join(",".join(str(d) for d in sh) if sh else "scalar" for sh in shapes)
        case("broadcastShapes %s" % text, "Lax.broadcastShapes", {"shapes": text}, [np.zeros(1, F32)],
             lambda _, sh=shapes: shape_result(lax.broadcast_shapes(*sh)))
    case("broadcastLike", "Lax.broadcastLike", {}, [x[:1], np.zeros((4, 2, 3), F32)], lax.broadcast_like, wrt=(0,))
    for idx in (-4, -1, 0, 1, 3):
        case("dynamicUpdateIndexInDim index %d" % idx, "Lax.dynamicUpdateIndexInDim", {"index": idx, "axis": 1},
             [z, np.full((2, 4), 7.5, F64)], lambda v, u, i=idx: lax.dynamic_update_index_in_dim(v, u, i, 1),
             wrt=(0, 1))
    case("dynamicUpdateIndexInDim keeps rank", "Lax.dynamicUpdateIndexInDim", {"index": 2, "axis": 2},
         [z, np.full((2, 3, 1), -1.0, F64)], lambda v, u: lax.dynamic_update_index_in_dim(v, u, 2, 2))
    w = rng.uniform(-3, 3, (4, 5, 3)).astype(F32)
    i0 = np.array([0, 3, -1, 2, 5], I32)
    i1 = np.array([4, -2, 0, 9, 1], I32)
    case("indexTake two axes", "Lax.indexTake", {"axes": [0, 1]}, [w, i0, i1],
         lambda v, a, b: lax.index_take(v, (a, b), (0, 1)), wrt=(0,))
    case("indexTake axis 2", "Lax.indexTake", {"axes": [2]}, [w, np.array([2, 0, -1], I32)],
         lambda v, a: lax.index_take(v, (a,), (2,)), wrt=(0,))
    ints = {I32: [0, 1, -1, 7, -7, 2 ** 31 - 1, -2 ** 31, 123456789, -987654321],
            U32: [0, 1, 7, 2 ** 32 - 1, 2 ** 31, 123456789, 4000000000],
            I64: [0, 1, -1, 7, -7, 2 ** 63 - 1, -2 ** 63, 2 ** 40 + 3, -(2 ** 35) - 11, 1234567890123456789]}
    for dt, v in ints.items():
        a = np.repeat(np.array(v), len(v)).astype(dt)
        b = np.tile(np.array(v), len(v)).astype(dt)
        case("mulhi %s pairs" % dt, "Lax.mulhi", {}, [a, b], lax.mulhi)
    lhs = rng.uniform(-2, 2, (5, 3)).astype(F32)
    rhs = rng.uniform(-2, 2, (2, 3, 4)).astype(F32)
    for sizes in ((2, 2), (4, 3), (0, 5), (1, 0)):
        case("raggedDot groups %s" % (sizes,), "Lax.raggedDot", {}, [lhs, rhs, np.array(sizes, I32)],
             lax.ragged_dot, wrt=(0, 1))
    for dt in (F32, I32, B):
        case("empty %s" % dt, "Lax.empty", {"shape": [2, 0, 3], "dtype": dt}, [np.zeros(1, F32)],
             lambda _, d=dt: lax.empty((2, 0, 3), d))
    # ties only along the last axis: JAX's CPU approx_min_k breaks ties along other axes its own way
    t = (rng.permutation(21) - 10).reshape(3, 7).astype(F32)
    t[0, 2] = t[0, 5]
    for k, dim in ((2, -1), (3, 1), (1, 0), (7, 1)):
        if dim == 0:
            t = (rng.permutation(21) - 10).reshape(3, 7).astype(F32)
        case("approxMaxK k=%d dim=%d" % (k, dim), "Lax.approxMaxK", {"k": k, "dim": dim}, [t],
             lambda v, k=k, d=dim: list(lax.approx_max_k(v, k, d)), wrt=(0,))
        case("approxMinK k=%d dim=%d" % (k, dim), "Lax.approxMinK", {"k": k, "dim": dim}, [t],
             lambda v, k=k, d=dim: list(lax.approx_min_k(v, k, d)), wrt=(0,))
    t64 = t.astype(F64)
    t64[1, 1] = -np.inf
    case("approxMinK float64 with -inf", "Lax.approxMinK", {"k": 4, "dim": -1}, [t64],
         lambda v: list(lax.approx_min_k(v, 4)))
    dummy = [np.zeros(1, F32)]
    for lhs, rhs, st, pads, bgc in (((2, 3, 9, 8), (4, 3, 3, 2), (1, 2), ((1, 1), (0, 2)), 1),
                                    ((4, 3, 5), (6, 3, 2), (3,), ((0, 0),), 2),
                                    ((1, 1, 2, 2), (1, 1, 5, 5), (1, 1), ((0, 0), (1, 1)), 1)):
        case("convShapeTuple %s %s" % (lhs, rhs), "Lax.convShapeTuple",
             {"lhs": list(lhs), "rhs": list(rhs), "strides": list(st), "pads": [list(p) for p in pads], "bgc": bgc},
             dummy, lambda _, a=(lhs, rhs, st, pads, bgc): shape_result(lax.conv_shape_tuple(*a)))
    for pad in ("SAME", "VALID"):
        case("convShapeTuple %s" % pad, "Lax.convShapeTuple",
             {"lhs": [2, 3, 9, 8], "rhs": [4, 3, 3, 2], "strides": [2, 3], "padname": pad}, dummy,
             lambda _, p=pad: shape_result(lax.conv_shape_tuple((2, 3, 9, 8), (4, 3, 3, 2), (2, 3), p)))
    for dn in (("NCHW", "OIHW", "NCHW"), ("NHWC", "HWIO", "NHWC"), ("NWHC", "WHIO", "CNHW")):
        case("convGeneralPermutations %s" % ",".join(dn), "Lax.convGeneralPermutations", {"dn": ",".join(dn)}, dummy,
             lambda _, d=dn: [shape_result(p) for p in lax.conv_general_permutations(d)])
        for pad in ("SAME", "VALID", ((1, 2), (0, 1))):
            lhs = (2, 7, 6, 3) if dn[0] != "NCHW" else (2, 3, 7, 6)
            rhs = tuple({"O": 4, "I": 3, "H": 3, "W": 2}[c] for c in dn[1])
            lhs = tuple({"N": 2, "C": 3, "H": 7, "W": 6}[c] for c in dn[0])
            params = {"lhs": list(lhs), "rhs": list(rhs), "strides": [2, 1], "dn": ",".join(dn)}
            if isinstance(pad, str):
                params["padname"] = pad
            else:
                params["pads"] = [list(p) for p in pad]
            case("convTransposeShapeTuple %s %s" % (",".join(dn), pad), "Lax.convTransposeShapeTuple", params, dummy,
                 lambda _, l=lhs, r=rhs, p=pad, d=dn: shape_result(lax.conv_transpose_shape_tuple(l, r, (2, 1), p, d)))


def numpy_breadth():
    case = mb.case
    ints = {I32: [0, 1, -1, 7, -7, 2 ** 31 - 1, -2 ** 31, 123456789, -987654321],
            U32: [0, 1, 7, 2 ** 32 - 1, 2 ** 31, 123456789],
            I64: [0, 1, -1, 2 ** 63 - 1, -2 ** 63, 2 ** 40 + 3, -(2 ** 35) - 11]}
    for dt, v in ints.items():
        case("bitwiseCount %s" % dt, "Np.bitwiseCount", {}, [np.array(v, dt)], jnp.bitwise_count)
    case("bitwiseCount bool", "Np.bitwiseCount", {}, [np.array([True, False])], jnp.bitwise_count)
    bits = rng.random((3, 11)) < 0.5
    for axis in (None, 0, 1, -1):
        for order in ("big", "little"):
            case("packbits axis %s %s" % (axis, order), "Np.packbits", {"axis": axis, "order": order}, [bits],
                 lambda v, a=axis, o=order: jnp.packbits(v, axis=a, bitorder=o))
    case("packbits int32 nonzero", "Np.packbits", {"axis": None, "order": "big"},
         [np.array([0, 3, -1, 0, 0, 9, 0, 1, 5], I32)], jnp.packbits)
    case("packbits empty", "Np.packbits", {"axis": None, "order": "big"}, [np.zeros(0, B)], jnp.packbits)
    by = rng.integers(0, 256, (2, 3)).astype(np.uint8)
    for axis in (None, 0, 1):
        for count in (None, 3, 13, 30, -5):
            for order in ("big", "little"):
                case("unpackbits axis %s count %s %s" % (axis, count, order), "Np.unpackbits",
                     {"axis": axis, "count": count, "order": order}, [by],
                     lambda v, a=axis, c=count, o=order: jnp.unpackbits(v, axis=a, count=c, bitorder=o))


def solvers():
    case = mb.case
    import jax
    m = rng.uniform(-1, 1, (3, 3))
    a = (m @ m.T + 3 * np.eye(3)).astype(F64)
    g = (rng.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)).astype(F64)
    b = rng.uniform(-1, 1, (3,)).astype(F64)

    def jacobi(mat, steps=60):
        # an iterative solve (fori_loop): implicit differentiation never differentiates its steps
        d = jnp.diag(mat)
        return lambda mv, r: lax.fori_loop(0, steps, lambda i, x: x + (r - mv(x)) / d, jnp.zeros_like(r))

    case("customLinearSolve direct", "Lax.customLinearSolve", {"solver": "direct", "symmetric": False}, [g, b],
         lambda mat, r: lax.custom_linear_solve(lambda v: mat @ v, r, lambda mv, y: jnp.linalg.solve(mat, y),
                                                lambda vm, y: jnp.linalg.solve(mat.T, y)), wrt=(1,))
    case("customLinearSolve jacobi", "Lax.customLinearSolve", {"solver": "jacobi", "symmetric": False}, [g, b],
         lambda mat, r: lax.custom_linear_solve(lambda v: mat @ v, r, jacobi(mat), jacobi(mat.T)), wrt=(1,))
    case("customLinearSolve symmetric jacobi", "Lax.customLinearSolve", {"solver": "jacobi", "symmetric": True},
         [a, b], lambda mat, r: lax.custom_linear_solve(lambda v: mat @ v, r, jacobi(mat), symmetric=True), wrt=(1,))

    def newton(f, x0):
        step = lambda i, x: x - f(x) / jax.jvp(f, (x,), (jnp.ones_like(x),))[1]
        return lax.fori_loop(0, 30, step, x0)

    for dt in (F32, F64):
        av = rng.uniform(0.5, 9, (4,)).astype(dt)
        case("customRoot sqrt by newton %s" % dt, "Lax.customRoot", {}, [av],
             lambda v: lax.custom_root(lambda x: x * x - v, jnp.ones_like(v), newton, lambda gg, y: y / gg(jnp.ones_like(y))),
             wrt=(0,))


def patches():
    case = mb.case
    x = rng.uniform(-2, 2, (2, 3, 7, 6)).astype(F32)
    for filt, st, pad, ld, rd in (((3, 2), (1, 1), "VALID", None, None), ((2, 3), (2, 1), "SAME", None, (1, 2)),
                                  ((3, 3), (1, 2), ((1, 0), (2, 1)), (2, 1), None)):
        params = {"filter": list(filt), "strides": list(st), "ld": ld or "none", "rd": rd or "none", "dn": "none"}
        if isinstance(pad, str):
            params["padname"] = pad
        else:
            params["pads"] = [list(p) for p in pad]
        case("convGeneralDilatedPatches %s %s %s" % (filt, st, pad), "Lax.convGeneralDilatedPatches", params, [x],
             lambda v, a=(filt, st, pad, ld, rd): lax.conv_general_dilated_patches(v, *a), wrt=(0,))
    xh = np.transpose(x, (0, 2, 3, 1)).copy()
    for dn in (("NHWC", "HWIO", "NHWC"), ("NHWC", "OIHW", "NCHW")):
        params = {"filter": [2, 2], "strides": [1, 2], "ld": "none", "rd": "none", "dn": ",".join(dn),
                  "padname": "SAME"}
        case("convGeneralDilatedPatches %s" % ",".join(dn), "Lax.convGeneralDilatedPatches", params, [xh],
             lambda v, d=dn: lax.conv_general_dilated_patches(v, (2, 2), (1, 2), "SAME", dimension_numbers=d),
             wrt=(0,))


def local_convs():
    """conv_general_dilated_local: one kernel per output position (its own generator: appended last)."""
    case = mb.case
    r = np.random.default_rng(2025)
    for dt, filt, st, pad, ld, rd, dn in (
            (F32, (3, 2), (1, 1), "VALID", None, None, None),
            (F32, (2, 3), (2, 1), "SAME", None, (1, 2), None),
            (F64, (2, 2), (1, 2), ((1, 0), (0, 1)), (2, 1), None, None),
            (F32, (2, 2), (1, 2), "SAME", None, None, ("NHWC", "HWIO", "NHWC")),
            (F32, (3, 1), (1, 1), ((0, 1), (1, 1)), None, None, ("NHWC", "OIHW", "NCHW"))):
        x = r.uniform(-2, 2, (1, 2, 6, 5)).astype(dt)
        if dn is not None and dn[0] == "NHWC":
            x = np.transpose(x, (0, 2, 3, 1)).copy()
        patches = lax.conv_general_dilated_patches(x, filt, st, pad, ld, rd, dimension_numbers=dn)
        out_spec = "NCHW" if dn is None else dn[2]
        spatial = [patches.shape[out_spec.index(c)] for c in "HW"]
        size = {"O": 2, "I": patches.shape[out_spec.index("C")], "H": spatial[0], "W": spatial[1]}
        rhs_spec = "OIHW" if dn is None else dn[1]
        w = r.uniform(-1, 1, tuple(size[c] for c in rhs_spec)).astype(dt)
        params = {"filter": list(filt), "strides": list(st), "ld": ld or "none", "rd": rd or "none",
                  "dn": "none" if dn is None else ",".join(dn)}
        if isinstance(pad, str):
            params["padname"] = pad
        else:
            params["pads"] = [list(p) for p in pad]
        case("convGeneralDilatedLocal %s %s %s %s %s" % (np.dtype(dt).name, filt, st, pad, params["dn"]),
             "Lax.convGeneralDilatedLocal", params, [x, w],
             lambda v, k, a=(st, pad, filt, ld, rd, dn): lax.conv_general_dilated_local(
                 v, k, a[0], a[1], a[2], a[3], a[4], dimension_numbers=a[5]), wrt=(0, 1))


def bitcasts():
    case = mb.case
    f32 = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1.1754942e-38, 1.17549435e-38,
                    3.4028235e38, -3.4028235e38, 3.14159, -2.5e-20, 123456.78], F32)
    f64 = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2250738585072009e-308,
                    2.2250738585072014e-308, 1.7976931348623157e308, np.pi, -1e-300, 1e300], F64)
    for x, to in ((f32, I32), (f32, U32), (f64, I64)):
        case("bitcastConvertType %s to %s" % (x.dtype, to), "Lax.bitcastConvertType", {"to": to}, [x],
             lambda v, t=to: lax.bitcast_convert_type(v, t))
    # integer patterns: every exponent class (zero, subnormal, normal, all ones with a zero mantissa);
    # NaN patterns other than the canonical quiet NaN are left out (Kiln makes the canonical one)
    i32 = np.concatenate([np.array([0, 1, 0x7FFFFF, 0x800000, 0x3F800000, 0x7F7FFFFF, 0x7F800000, 0x7FC00000,
                                    -0x80000000, -0x40000000], np.int64),
                          rng.integers(0x800000, 0x7F000000, 12)]).astype(I32)
    i32[-6:] = -np.abs(i32[-6:])
    case("bitcastConvertType int32 to float32", "Lax.bitcastConvertType", {"to": F32}, [i32],
         lambda v: lax.bitcast_convert_type(v, jnp.float32))
    case("bitcastConvertType uint32 to float32", "Lax.bitcastConvertType", {"to": F32},
         [np.array([0, 1, 0x80000000, 0xFF800000, 0xBF800000, 0x7F800000, 0x807FFFFF, 1234567890], U32)],
         lambda v: lax.bitcast_convert_type(v, jnp.float32))
    i64 = np.array([0, 1, 0xFFFFFFFFFFFFF, 0x10000000000000, 0x3FF0000000000000, 0x7FEFFFFFFFFFFFFF,
                    0x7FF0000000000000, 0x7FF8000000000000, -2 ** 63, -2 ** 63 + 1, -4616189618054758400,
                    1234567890123456789, -1234567890123456789], I64)
    case("bitcastConvertType int64 to float64", "Lax.bitcastConvertType", {"to": F64}, [i64],
         lambda v: lax.bitcast_convert_type(v, jnp.float64))
    case("bitcastConvertType int32 to uint32", "Lax.bitcastConvertType", {"to": U32},
         [np.array([0, -1, 7, -2 ** 31, 2 ** 31 - 1], I32)], lambda v: lax.bitcast_convert_type(v, jnp.uint32))


def dtype_info():
    """jnp.finfo and jnp.iinfo. finfo's float fields are written as float64 (which holds each value of
    the four float dtypes exactly, so the check needs no arithmetic in the dtype, where a backend
    flushing subnormals would lose smallest_subnormal), its integer fields as int32; iinfo's range in
    the dtype itself."""
    dummy = [np.zeros(1, F32)]
    for name in ("float16", "bfloat16", "float32", "float64"):
        t = jnp.dtype(name)
        f = jnp.finfo(t)
        floats = [f.eps, f.epsneg, f.max, f.min, f.tiny, f.smallest_normal, f.smallest_subnormal, f.resolution]
        ints = [f.bits, f.precision, f.nmant, f.nexp, f.minexp, f.maxexp, f.machep, f.negep, f.iexp]
        mb.case("finfo %s" % name, "Np.finfo", {"dtype": name}, dummy,
                lambda _, fl=floats, it=ints: [np.array([float(v) for v in fl], F64), np.array(it, I32)])
    for name in ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64"):
        i = jnp.iinfo(name)
        mb.case("iinfo %s" % name, "Np.iinfo", {"dtype": name}, dummy,
                lambda _, i=i, n=name: [np.array([i.min, i.max], n), np.array([i.bits], I32)])


def main():
    dtype_info()
    patches()
    bitcasts()
    gathers()
    solvers()
    scatters()
    lax_breadth()
    numpy_breadth()
    local_convs()
    mg.write_lines("laxmore", "golden values for Kiln's breadth family (jax.lax and jax.numpy breadth)",
                   "make_laxmore_goldens.py", mb.LINES)


if __name__ == "__main__":
    main()
