#!/usr/bin/env python3
"""Writes the JAX golden values of the conformance suite's `conv` family: dev.kiln.Lax's
convGeneralDilated, conv, convWithGeneralPadding, convTranspose and reduceWindow against
jax.lax.conv_general_dilated, conv, conv_with_general_padding, conv_transpose and reduce_window.

Same line format as make_breadth_goldens.py (whose `case` helper this script uses): name, Kiln
function, params, inputs, outputs, and the gradient of sum(w * f(inputs)) with w[i] = cos(1 + i)
for the inputs listed in `wrt`. Params: strides, padding (a name or lo,hi|lo,hi pairs), lhs_dil,
rhs_dil, dn (three layout strings joined by commas, or none), fgc, bgc, pref (a dtype or none);
for reduceWindow: op, init, window, strides, padding, base, wdil.

Shapes are small and odd so the family stays cheap on the slow backends. Max and min pooling are
also checked on inputs full of ties (small integers as floats), where JAX sends each window's
cotangent to the first element equal to the maximum.

Run from the repository root (a few seconds):
    build/venv/bin/python conformance/scripts/make_conv_goldens.py
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

F32, F64, I32 = mg.F32, mg.F64, mg.I32
rng = np.random.default_rng(20261207)
case = mbg.case


def normal(shape, dt):
    if dt == I32:
        return rng.integers(-3, 4, shape).astype(dt)
    return rng.standard_normal(shape).astype(dt)


def ties(shape, dt):
    return rng.integers(0, 3, shape).astype(dt)


def pad_param(p):
    return p if isinstance(p, str) else [list(q) for q in p]


def general(name, x, w, strides, padding, lhs_dil=None, rhs_dil=None, dn=None, fgc=1, bgc=1, pref=None,
            grad=True):
    params = {"strides": list(strides), "padding": pad_param(padding), "lhs_dil": lhs_dil, "rhs_dil": rhs_dil,
              "dn": ",".join(dn) if dn else "none", "fgc": fgc, "bgc": bgc, "pref": pref or "none"}

    def f(a, b):
        return lax.conv_general_dilated(a, b, strides, padding, lhs_dil, rhs_dil, dimension_numbers=dn,
                                        feature_group_count=fgc, batch_group_count=bgc,
                                        preferred_element_type=pref)

    case("conv_general_dilated " + name, "Lax.convGeneralDilated", params, [x, w], f,
         wrt=(0, 1) if grad else ())


def convs():
    general("1d f32 stride 2 valid", normal((2, 3, 9), F32), normal((4, 3, 3), F32), (2,), "VALID")
    general("1d f64 NHC same rhs_dil 2", normal((2, 8, 3), F64), normal((3, 3, 2), F64), (1,), "SAME",
            rhs_dil=(2,), dn=("NHC", "HIO", "NHC"))
    general("2d f32 NCHW same stride 2,1", normal((2, 3, 7, 6), F32), normal((5, 3, 3, 2), F32), (2, 1), "SAME")
    general("2d f32 NHWC pairs dilations", normal((1, 7, 5, 4), F32), normal((3, 3, 4, 6), F32), (1, 2),
            [(1, 2), (0, 1)], lhs_dil=(2, 1), rhs_dil=(1, 2), dn=("NHWC", "HWIO", "NHWC"))
    general("2d f32 feature groups same_lower", normal((2, 6, 5, 5), F32), normal((4, 3, 3, 3), F32), (1, 1),
            "SAME_LOWER", fgc=2)
    general("2d f64 NHWC depthwise stride 2", normal((1, 6, 6, 3), F64), normal((3, 3, 1, 3), F64), (2, 2), "SAME",
            dn=("NHWC", "HWIO", "NHWC"), fgc=3)
    general("2d f32 batch groups", normal((4, 2, 5, 5), F32), normal((6, 2, 2, 2), F32), (1, 1), "VALID", bgc=2)
    general("2d f32 negative padding", normal((1, 1, 6, 6), F32), normal((1, 1, 2, 2), F32), (1, 1),
            [(-1, 1), (0, -1)])
    general("2d f32 mixed layouts", normal((2, 3, 5, 4), F32), normal((2, 3, 3, 4), F32), (1, 1), "SAME",
            dn=("NCHW", "HWIO", "NHWC"))
    general("2d f32 WH kernel order", normal((1, 5, 4, 2), F32), normal((2, 3, 2, 3), F32), (1, 1), "VALID",
            dn=("NHWC", "WHIO", "NWHC"))
    general("3d f32 NCDHW pairs stride", normal((1, 2, 5, 4, 3), F32), normal((3, 2, 2, 3, 2), F32), (1, 2, 1),
            [(1, 0), (1, 1), (0, 0)])
    general("3d f64 NDHWC rhs_dil", normal((2, 4, 3, 5, 2), F64), normal((2, 2, 2, 2, 3), F64), (1, 1, 1), "VALID",
            rhs_dil=(2, 1, 2), dn=("NDHWC", "DHWIO", "NDHWC"))
    general("2d int32", normal((1, 2, 4, 5), I32), normal((3, 2, 2, 2), I32), (1, 1), "SAME", grad=False)
    general("2d f32 preferred f64", normal((1, 2, 4, 4), F32), normal((2, 2, 3, 3), F32), (1, 1), "VALID", pref=F64,
            grad=False)

    x, w = normal((2, 3, 6, 5), F32), normal((4, 3, 3, 3), F32)
    case("conv 2d same", "Lax.conv", {"strides": [1, 2], "padding": "SAME"}, [x, w],
         lambda a, b: lax.conv(a, b, (1, 2), "SAME"), wrt=(0, 1))
    x, w = normal((1, 2, 5, 6), F64), normal((3, 2, 2, 3), F64)
    case("conv_with_general_padding 2d", "Lax.convWithGeneralPadding",
         {"strides": [2, 1], "padding": [[1, 0], [2, 1]], "lhs_dil": [1, 2], "rhs_dil": [2, 1]}, [x, w],
         lambda a, b: lax.conv_with_general_padding(a, b, (2, 1), [(1, 0), (2, 1)], (1, 2), (2, 1)), wrt=(0, 1))


def transposes():
    def ct(name, x, w, strides, padding, rhs_dil=None, dn=None, tk=False, consistent=False):
        params = {"strides": list(strides), "padding": pad_param(padding), "rhs_dil": rhs_dil,
                  "dn": ",".join(dn) if dn else "none", "tk": tk, "consistent": consistent}
        case("conv_transpose " + name, "Lax.convTranspose", params, [x, w],
             lambda a, b: lax.conv_transpose(a, b, strides, padding, rhs_dilation=rhs_dil, dimension_numbers=dn,
                                             transpose_kernel=tk, use_consistent_padding=consistent),
             wrt=(0, 1))

    ct("2d same stride 2", normal((1, 4, 5, 3), F32), normal((3, 3, 3, 2), F32), (2, 2), "SAME")
    ct("2d valid stride 2,3", normal((2, 3, 4, 2), F32), normal((2, 3, 2, 3), F32), (2, 3), "VALID")
    ct("2d same transpose_kernel", normal((1, 4, 4, 3), F64), normal((3, 3, 2, 3), F64), (2, 2), "SAME", tk=True)
    ct("1d pairs rhs_dil", normal((2, 5, 2), F32), normal((3, 2, 3), F32), (3,), [(1, 2)], rhs_dil=(2,))
    ct("2d NCHW consistent pairs", normal((1, 3, 4, 4), F32), normal((2, 3, 3, 3), F32), (2, 2), [(1, 1), (0, 1)],
       dn=("NCHW", "OIHW", "NCHW"), consistent=True)


def windows():
    def rw(name, x, op, init, window, strides, padding, base=None, wdil=None, grad=True):
        fns = {"add": lax.add, "max": lax.max, "min": lax.min, "mul": lax.mul}
        params = {"op": op, "init": repr(float(init)), "window": list(window), "strides": list(strides),
                  "padding": pad_param(padding), "base": base, "wdil": wdil}
        case("reduce_window " + name, "Lax.reduceWindow", params, [x],
             lambda a: lax.reduce_window(a, jnp.asarray(init, a.dtype), fns[op], window, strides, padding,
                                         base_dilation=base, window_dilation=wdil),
             wrt=(0,) if grad else ())

    inf = float("inf")
    rw("max pool NHWC same", normal((2, 7, 7, 3), F32), "max", -inf, (1, 3, 3, 1), (1, 2, 2, 1), "SAME")
    rw("max pool ties", ties((3, 7), F32), "max", -inf, (2, 3), (1, 1), "VALID")
    rw("max pool ties f64 strided padded", ties((5, 6), F64), "max", -inf, (3, 2), (2, 1), [(1, 1), (0, 1)])
    rw("min ties", ties((4, 5), F32), "min", inf, (2, 2), (1, 2), "SAME_LOWER")
    rw("sum pool NCHW", normal((2, 3, 6, 5), F32), "add", 0.0, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
    rw("add dilations 1d", normal((9,), F32), "add", 0.0, (3,), (2,), [(2, 1)], base=(2,), wdil=(2,))
    rw("add 3d same", normal((3, 4, 5), F64), "add", 0.0, (2, 3, 2), (1, 2, 1), "SAME")
    rw("max dilated windows", normal((6, 7), F32), "max", -inf, (2, 2), (1, 1), "VALID", wdil=(2, 3),
       grad=False)  # JAX has no VJP of max with window dilation
    rw("add init 1", normal((5, 4), F32), "add", 1.0, (2, 2), (1, 1), "VALID", grad=False)
    rw("mul", rng.uniform(0.5, 1.5, (4, 5)).astype(F32), "mul", 1.0, (2, 3), (1, 1), "VALID", grad=False)
    rw("max int32", normal((5, 6), I32), "max", -2147483648, (2, 2), (2, 2), "SAME", grad=False)


def main():
    convs()
    transposes()
    windows()
    mg.write_lines("conv", "golden values for Kiln's conv family", "make_conv_goldens.py", mbg.LINES)


if __name__ == "__main__":
    main()
