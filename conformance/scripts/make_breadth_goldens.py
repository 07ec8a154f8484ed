#!/usr/bin/env python3
"""Writes the JAX golden values of the conformance suite's `breadth` family (Nn, Special and the
elementwise, reduction and shape functions added to Np for issue 14).

One case per line, tab-separated, in the format of make_goldens.py plus a sixth field:

    name <TAB> function <TAB> params <TAB> inputs <TAB> outputs <TAB> gradients

- function is Kiln's qualified name ("Nn.softmax", "Np.arcsinh", "Special.erfc"); the Java side
  (BreadthFamily) maps it to the call.
- gradients is "-" or, for the inputs listed in the `wrt` parameter, the gradient of
  sum(w * f(inputs)) with w[i] = cos(1 + i) over the flattened output, cast to its dtype.

Run from the repository root (about 30 seconds):
    build/venv/bin/python conformance/scripts/make_breadth_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_goldens as mg  # noqa: E402  (sets jax_enable_x64 and the CPU platform)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.scipy.special as jss  # noqa: E402

F32, F64, I32 = mg.F32, mg.F64, mg.I32
FLOATS = mg.FLOATS
rng = np.random.default_rng(20261206)


def weights(shape, dtype):
    n = int(np.prod(shape))
    return np.cos(1.0 + np.arange(n, dtype=np.float64)).reshape(shape).astype(dtype)


LINES = []


def case(name, fn, params, inputs, f, wrt=()):
    """One golden: f takes the JAX values of inputs; wrt lists the inputs to differentiate."""
    xs = [mg.jaxval(i) for i in inputs]
    with jax.default_matmul_precision("highest"):
        out = f(*xs)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        grads = "-"
        if wrt:
            o = np.asarray(outs[0])
            w = jnp.asarray(weights(o.shape, o.dtype))

            def loss(*diff):
                args = list(xs)
                for k, d in zip(wrt, diff):
                    args[k] = d
                return jnp.sum(w * f(*args))

            gs = jax.grad(loss, argnums=tuple(range(len(wrt))))(*[xs[k] for k in wrt])
            grads = ";".join(mg.enc(np.asarray(g)) for g in gs)
    p = dict(params)
    if wrt:
        p["wrt"] = list(wrt)
    ptext = "-" if not p else ";".join("%s=%s" % (k, mg.fmt_param(v)) for k, v in p.items())
    LINES.append("\t".join([name, fn, ptext, ";".join(mg.enc(i) for i in inputs),
                            ";".join(mg.enc(np.asarray(o)) for o in outs), grads]))


def corners(dt, n=24, lo=-5.0, hi=5.0):
    return np.concatenate([mg.float_corners(dt), rng.uniform(lo, hi, n).astype(dt)])


def smooth(dt, shape, lo=-3.0, hi=3.0, away=None):
    """Random values in [lo, hi] kept at least 0.05 away from the kinks listed in `away`."""
    v = rng.uniform(lo, hi, shape)
    for k in away or []:
        close = np.abs(v - k) < 0.05
        v[close] += 0.1
    return v.astype(dt)


def unary(fn, f, dts=FLOATS, lo=-5.0, hi=5.0, grad=True, away=(0.0,), glo=None, ghi=None, params=None):
    for dt in dts:
        case(fn + " " + dt + " corners", fn, params or {}, [corners(dt, lo=lo, hi=hi)], f)
        if grad:
            x = smooth(dt, (3, 5), lo if glo is None else glo, hi if ghi is None else ghi, away)
            case(fn + " " + dt + " grad", fn, params or {}, [x], f, wrt=(0,))


def binary(fn, f, dts=FLOATS, grad=True, lo=-4.0, hi=4.0, second=None, params=None):
    for dt in dts:
        c = mg.float_corners(dt)
        a = np.repeat(c, len(c))
        b = np.tile(c, len(c))
        case(fn + " " + dt + " corner pairs", fn, params or {}, [a, b], f)
        x = smooth(dt, (3, 4), lo, hi)
        y = smooth(dt, (4,), *(second or (lo, hi)))
        case(fn + " " + dt + " broadcast", fn, params or {}, [x, y], f, wrt=(0, 1) if grad else ())


def nn():
    unary("Nn.relu", jax.nn.relu)
    unary("Nn.relu6", jax.nn.relu6, lo=-8, hi=8, away=(0.0, 6.0))
    unary("Nn.sigmoid", jax.nn.sigmoid, lo=-30, hi=30)
    unary("Nn.tanh", jax.nn.tanh)
    unary("Nn.softplus", jax.nn.softplus, lo=-40, hi=40)
    unary("Nn.softSign", jax.nn.soft_sign)
    unary("Nn.silu", jax.nn.silu, lo=-20, hi=20)
    unary("Nn.mish", jax.nn.mish)
    unary("Nn.logSigmoid", jax.nn.log_sigmoid, lo=-40, hi=40)
    unary("Nn.elu", jax.nn.elu)
    unary("Nn.selu", jax.nn.selu)
    unary("Nn.celu", jax.nn.celu)
    unary("Nn.leakyRelu", jax.nn.leaky_relu)
    unary("Nn.hardTanh", jax.nn.hard_tanh, away=(-1.0, 1.0))
    unary("Nn.hardSigmoid", jax.nn.hard_sigmoid, away=(-3.0, 3.0))
    unary("Nn.hardSilu", jax.nn.hard_silu, away=(-3.0, 3.0))
    unary("Nn.gelu", lambda x: jax.nn.gelu(x, approximate=True), params={"approximate": True})
    unary("Nn.gelu", lambda x: jax.nn.gelu(x, approximate=False), lo=-12, hi=6, params={"approximate": False})
    unary("Nn.squareplus", jax.nn.squareplus)
    unary("Nn.sparsePlus", jax.nn.sparse_plus, away=(-1.0, 1.0))
    unary("Nn.sparseSigmoid", jax.nn.sparse_sigmoid, away=(-1.0, 1.0))
    unary("Nn.log1mexp", jax.nn.log1mexp, lo=0.01, hi=20, glo=0.1, ghi=5)
    for dt in FLOATS:
        x = rng.normal(size=(3, 6)).astype(dt) * 3
        masked = x.copy()
        masked[0, 1] = -np.inf
        masked[2, 0] = -np.inf
        masked[2, 5] = -np.inf
        for axis in (-1, 0):
            case("softmax axis=%d %s" % (axis, dt), "Nn.softmax", {"axis": axis}, [x],
                 lambda a, axis=axis: jax.nn.softmax(a, axis=axis), wrt=(0,))
            case("logSoftmax axis=%d %s" % (axis, dt), "Nn.logSoftmax", {"axis": axis}, [x],
                 lambda a, axis=axis: jax.nn.log_softmax(a, axis=axis), wrt=(0,))
        case("softmax -inf masked %s" % dt, "Nn.softmax", {"axis": -1}, [masked],
             lambda a: jax.nn.softmax(a, axis=-1), wrt=(0,))
        case("logsumexp -inf masked %s" % dt, "Nn.logsumexp", {"axis": -1}, [masked],
             lambda a: jax.nn.logsumexp(a, axis=-1), wrt=(0,))
        case("logsumexp axis=0 %s" % dt, "Nn.logsumexp", {"axis": 0}, [x],
             lambda a: jax.nn.logsumexp(a, axis=0), wrt=(0,))
        case("logmeanexp axis=1 %s" % dt, "Nn.logmeanexp", {"axis": 1}, [x],
             lambda a: jax.nn.logmeanexp(a, axis=1), wrt=(0,))
        case("standardize axis=-1 %s" % dt, "Nn.standardize", {"axis": -1}, [x],
             lambda a: jax.nn.standardize(a, axis=-1), wrt=(0,))
        case("glu axis=-1 %s" % dt, "Nn.glu", {"axis": -1}, [x], lambda a: jax.nn.glu(a, axis=-1), wrt=(0,))
        case("glu axis=0 %s" % dt, "Nn.glu", {"axis": 0}, [x[:2]], lambda a: jax.nn.glu(a, axis=0), wrt=(0,))
        # attention: [B, T, N, H] with causal mask and an explicit mask, and grouped-query heads
        q = rng.normal(size=(2, 5, 4, 3)).astype(dt)
        k = rng.normal(size=(2, 6, 2, 3)).astype(dt)
        v = rng.normal(size=(2, 6, 2, 3)).astype(dt)
        kk = rng.normal(size=(2, 5, 4, 3)).astype(dt)
        vv = rng.normal(size=(2, 5, 4, 3)).astype(dt)
        case("attention causal %s" % dt, "Nn.dotProductAttention", {"causal": True}, [q, kk, vv],
             lambda a, b, c: jax.nn.dot_product_attention(a, b, c, is_causal=True), wrt=(0, 1, 2))
        case("attention gqa %s" % dt, "Nn.dotProductAttention", {"causal": False}, [q, k, v],
             lambda a, b, c: jax.nn.dot_product_attention(a, b, c), wrt=(0, 1, 2))
        mask = rng.random((2, 1, 5, 6)) < 0.7
        mask[..., 0] = True
        case("attention mask %s" % dt, "Nn.dotProductAttention", {"causal": False}, [q, k, v, mask],
             lambda a, b, c, m: jax.nn.dot_product_attention(a, b, c, mask=m), wrt=(0, 1, 2))
    idx = np.array([[0, 3, -1], [2, 5, 1]], dtype=I32)
    for axis in (-1, 0, 1):
        case("oneHot axis=%d" % axis, "Nn.oneHot", {"n": 4, "axis": axis}, [idx],
             lambda a, axis=axis: jax.nn.one_hot(a, 4, axis=axis, dtype=jnp.float32))


def special():
    unary("Special.erfc", jss.erfc, lo=-7, hi=27, away=())
    unary("Special.erfinv", jss.erfinv, lo=-1, hi=1, glo=-0.9, ghi=0.9, away=())
    unary("Special.expit", jss.expit, lo=-30, hi=30, away=())
    unary("Special.logit", jss.logit, lo=0, hi=1, glo=0.05, ghi=0.95, away=())
    unary("Special.gammaln", jss.gammaln, lo=-6, hi=40, glo=0.2, ghi=8, away=())
    unary("Special.digamma", jss.digamma, lo=-6, hi=40, grad=False)
    unary("Special.entr", jss.entr, lo=-1, hi=5, glo=0.2, ghi=4, away=())
    unary("Special.ndtr", jss.ndtr, lo=-10, hi=10, away=())
    binary("Special.xlogy", jss.xlogy, second=(0.2, 3.0))
    binary("Special.xlog1py", jss.xlog1py, second=(-0.8, 3.0))
    for dt in FLOATS:
        a = rng.uniform(0.2, 6, (3, 4)).astype(dt)
        b = rng.uniform(0.2, 6, (3, 4)).astype(dt)
        case("betaln " + dt, "Special.betaln", {}, [a, b], jss.betaln, wrt=(0, 1))


def elementwise():
    unary("Np.arcsinh", jnp.arcsinh, lo=-1e3, hi=1e3, away=())
    unary("Np.arccosh", jnp.arccosh, lo=0.5, hi=1e3, glo=1.1, ghi=50, away=())
    unary("Np.arctanh", jnp.arctanh, lo=-1, hi=1, glo=-0.9, ghi=0.9, away=())
    unary("Np.trunc", jnp.trunc, grad=False)
    unary("Np.rint", jnp.rint, grad=False)
    unary("Np.signbit", jnp.signbit, grad=False)
    unary("Np.sinc", jnp.sinc)
    unary("Np.deg2rad", jnp.deg2rad)
    unary("Np.rad2deg", jnp.rad2deg)
    unary("Np.fabs", jnp.fabs, grad=False)
    unary("Np.isneginf", jnp.isneginf, grad=False)
    unary("Np.isposinf", jnp.isposinf, grad=False)
    unary("Np.modf", jnp.modf, grad=False)
    binary("Np.copysign", jnp.copysign, grad=False)
    binary("Np.hypot", jnp.hypot)
    binary("Np.logaddexp", jnp.logaddexp)
    binary("Np.logaddexp2", jnp.logaddexp2)
    binary("Np.heaviside", jnp.heaviside, grad=False)
    binary("Np.fmax", jnp.fmax, grad=False)
    binary("Np.fmin", jnp.fmin, grad=False)
    binary("Np.isclose", jnp.isclose, grad=False)
    binary("Np.fmod", jnp.fmod, grad=False, second=(0.5, 3.0))
    binary("Np.divmod", jnp.divmod, grad=False, second=(0.5, 3.0))
    case("floatPower float64", "Np.floatPower", {}, [smooth(F64, (3, 4), 0.5, 3), smooth(F64, (4,), -2, 2)],
         jnp.float_power, wrt=(0, 1))
    for fn, f in (("Np.fmod", jnp.fmod), ("Np.gcd", jnp.gcd), ("Np.lcm", jnp.lcm), ("Np.divmod", jnp.divmod)):
        a = rng.integers(-40, 41, (5, 6)).astype(I32)
        b = rng.integers(-12, 13, (6,)).astype(I32)
        if fn in ("Np.fmod", "Np.divmod"):
            b[b == 0] = 7
        a[0, 0] = 0
        case(fn + " int32", fn, {}, [a, b], f)


def with_nans(dt, shape):
    x = rng.normal(size=shape).astype(dt) * 2
    x[rng.random(shape) < 0.25] = np.nan
    return x


def reductions():
    for dt in FLOATS:
        x = with_nans(dt, (4, 5))
        x[2, :] = np.nan  # an all-NaN row
        for fn, f in (("Np.nansum", jnp.nansum), ("Np.nanmean", jnp.nanmean), ("Np.nanmax", jnp.nanmax),
                      ("Np.nanmin", jnp.nanmin), ("Np.nanprod", jnp.nanprod), ("Np.nanvar", jnp.nanvar),
                      ("Np.nanstd", jnp.nanstd), ("Np.ptp", jnp.ptp)):
            for axes in (None, (1,), (0,)):
                case("%s axes=%s %s" % (fn, axes, dt), fn, {"axes": axes}, [x],
                     lambda a, f=f, axes=axes: f(a, axis=axes))
        for fn, f in (("Np.nanargmax", jnp.nanargmax), ("Np.nanargmin", jnp.nanargmin)):
            y = x.copy()
            y[2, :] = 1.0
            case("%s axis=1 %s" % (fn, dt), fn, {"axis": 1}, [y], lambda a, f=f: f(a, axis=1).astype(I32))
        case("nancumsum axis=1 " + dt, "Np.nancumsum", {"axis": 1}, [x], lambda a: jnp.nancumsum(a, axis=1))
        y = rng.normal(size=(3, 4)).astype(dt)
        case("nansum grad " + dt, "Np.nansum", {"axes": (1,)}, [y], lambda a: jnp.nansum(a, axis=1), wrt=(0,))
        case("nanmean grad " + dt, "Np.nanmean", {"axes": None}, [y], lambda a: jnp.nanmean(a), wrt=(0,))
        w = rng.uniform(0.1, 2, (4,)).astype(dt)
        case("average weights 1-d " + dt, "Np.average", {"axis": 1}, [y, w],
             lambda a, b: jnp.average(a, axis=1, weights=b), wrt=(0, 1))
        w2 = rng.uniform(0.1, 2, (3, 4)).astype(dt)
        case("average weights all " + dt, "Np.average", {"axis": None}, [y, w2],
             lambda a, b: jnp.average(a, weights=b), wrt=(0, 1))
    z = rng.integers(-2, 3, (4, 5)).astype(I32)
    case("countNonzero all", "Np.countNonzero", {"axes": None}, [z], lambda a: jnp.count_nonzero(a).astype(I32))
    case("countNonzero axis 0", "Np.countNonzero", {"axes": (0,)}, [z],
         lambda a: jnp.count_nonzero(a, axis=0).astype(I32))


def shapes():
    for dt in FLOATS:
        m = rng.normal(size=(4, 5)).astype(dt)
        v = rng.normal(size=(4,)).astype(dt)
        t3 = rng.normal(size=(2, 3, 4)).astype(dt)
        for k in (-2, 0, 1):
            case("diag of vector k=%d %s" % (k, dt), "Np.diag", {"k": k}, [v], lambda a, k=k: jnp.diag(a, k), wrt=(0,))
            case("diag of matrix k=%d %s" % (k, dt), "Np.diag", {"k": k}, [m], lambda a, k=k: jnp.diag(a, k), wrt=(0,))
            case("tril k=%d %s" % (k, dt), "Np.tril", {"k": k}, [t3], lambda a, k=k: jnp.tril(a, k), wrt=(0,))
            case("triu k=%d %s" % (k, dt), "Np.triu", {"k": k}, [t3], lambda a, k=k: jnp.triu(a, k), wrt=(0,))
            case("trace k=%d %s" % (k, dt), "Np.trace", {"k": k}, [m], lambda a, k=k: jnp.trace(a, k), wrt=(0,))
        case("diagonal axes 2,0 offset 1 " + dt, "Np.diagonal", {"offset": 1, "a": 2, "b": 0}, [t3],
             lambda a: jnp.diagonal(a, 1, 2, 0), wrt=(0,))
        for shift, axis in ((2, 1), (-1, 0), (7, None)):
            case("roll %d axis=%s %s" % (shift, axis, dt), "Np.roll", {"shift": shift, "axis": axis}, [m],
                 lambda a, s=shift, ax=axis: jnp.roll(a, s, axis=ax), wrt=(0,))
        for k in (1, 2, 3, -1):
            case("rot90 k=%d %s" % (k, dt), "Np.rot90", {"k": k}, [t3], lambda a, k=k: jnp.rot90(a, k), wrt=(0,))
        b = rng.normal(size=(4, 3, 2)).astype(dt)
        case("tensordot n=1 " + dt, "Np.tensordot", {"n": 1}, [t3, b], lambda a, c: jnp.tensordot(a, c, 1), wrt=(0, 1))
        c = rng.normal(size=(3, 4, 5)).astype(dt)
        case("tensordot n=2 " + dt, "Np.tensordot", {"n": 2}, [t3, c], lambda a, c: jnp.tensordot(a, c, 2), wrt=(0, 1))
        case("inner " + dt, "Np.inner", {}, [m, rng.normal(size=(3, 5)).astype(dt)], jnp.inner, wrt=(0, 1))
        case("vdot " + dt, "Np.vdot", {}, [m, rng.normal(size=(5, 4)).astype(dt)], jnp.vdot, wrt=(0, 1))
        case("kron " + dt, "Np.kron", {}, [rng.normal(size=(2, 3)).astype(dt), rng.normal(size=(3, 2)).astype(dt)],
             jnp.kron, wrt=(0, 1))
        case("cross " + dt, "Np.cross", {}, [rng.normal(size=(4, 3)).astype(dt), rng.normal(size=(3,)).astype(dt)],
             jnp.cross, wrt=(0, 1))
        u = rng.normal(size=(3,)).astype(dt)
        w = rng.normal(size=(3,)).astype(dt)
        case("hstack 1-d " + dt, "Np.hstack", {}, [u, w], lambda *a: jnp.hstack(a), wrt=(0, 1))
        case("vstack 1-d " + dt, "Np.vstack", {}, [u, w], lambda *a: jnp.vstack(a), wrt=(0, 1))
        case("dstack 1-d " + dt, "Np.dstack", {}, [u, w], lambda *a: jnp.dstack(a), wrt=(0, 1))
        case("columnStack " + dt, "Np.columnStack", {}, [u, w], lambda *a: jnp.column_stack(a), wrt=(0, 1))
        case("hstack 2-d " + dt, "Np.hstack", {}, [m, m[:, :2]], lambda *a: jnp.hstack(a))
        for fn, f in (("Np.atleast1d", jnp.atleast_1d), ("Np.atleast2d", jnp.atleast_2d),
                      ("Np.atleast3d", jnp.atleast_3d)):
            for arr in (np.asarray(2.5, dtype=dt), u, m):
                case("%s rank %d %s" % (fn, arr.ndim, dt), fn, {}, [arr], f)
        case("meshgrid xy " + dt, "Np.meshgrid", {"indexing": "xy"}, [u, v, w],
             lambda *a: jnp.meshgrid(*a, indexing="xy"))
        case("meshgrid ij " + dt, "Np.meshgrid", {"indexing": "ij"}, [u, v], lambda *a: jnp.meshgrid(*a, indexing="ij"))
        case("expandDims 0,3 " + dt, "Np.expandDims", {"axes": (0, 3)}, [m], lambda a: jnp.expand_dims(a, (0, 3)))
    case("indices (2,3)", "Np.indices", {"dims": (2, 3)}, [np.zeros((), I32)], lambda _: jnp.indices((2, 3), dtype=I32))
    case("tri 3,4,1", "Np.tri", {"n": 3, "m": 4, "k": 1}, [np.zeros((), I32)],
         lambda _: jnp.tri(3, 4, 1, dtype=jnp.float32))


def main():
    nn()
    special()
    elementwise()
    reductions()
    shapes()
    path = os.path.join(mg.OUT, "breadth.txt")
    with open(path, "w") as f:
        f.write("# JAX %s golden values for Kiln's breadth family, made by"
                " conformance/scripts/make_breadth_goldens.py; do not edit\n" % jax.__version__)
        for line in LINES:
            f.write(line + "\n")
    print("breadth %5d cases %8d bytes" % (len(LINES), os.path.getsize(path)))


if __name__ == "__main__":
    main()
