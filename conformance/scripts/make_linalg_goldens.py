#!/usr/bin/env python3
"""Writes the JAX golden values of the conformance suite's `linalg` family (dev.kiln.Linalg against
jax.numpy.linalg and jax.scipy.linalg.solve_triangular).

Same line format as make_breadth_goldens.py (whose `case` helper this script uses): name, Kiln
function, params, inputs, outputs, and the gradient of sum(w * f(inputs)) with w[i] = cos(1 + i)
for the inputs listed in `wrt`. Functions with several results have one value line (all results)
and gradient lines for one result at a time, named "Linalg.slogdet.logabsdet", "Linalg.qr.q", ...

Matrices are made well conditioned (random orthogonal factors with singular values in [1, 3], or
A A^T + n I for positive definite ones), so a tolerance a few times n eps covers both sides'
rounding. Eigenvectors (whose signs are arbitrary) are compared with each column's largest
entry made positive, on both sides.

Run from the repository root (about 20 seconds):
    build/venv/bin/python conformance/scripts/make_linalg_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_breadth_goldens as mbg  # noqa: E402  (sets jax_enable_x64 and the CPU platform)
import make_goldens as mg  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.scipy.linalg as jsl  # noqa: E402

F32, F64 = mg.F32, mg.F64
FLOATS = (F32, F64)
rng = np.random.default_rng(20261207)
case = mbg.case


def orthogonal(n):
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return q


def wellcond(shape, dt):
    """Random matrices (..., n, n) with singular values in [1, 3] and random signs of determinant."""
    *b, n, _ = shape
    out = np.empty(shape)
    for idx in np.ndindex(*b):
        s = rng.uniform(1.0, 3.0, n)
        out[idx] = orthogonal(n) @ np.diag(s) @ orthogonal(n).T
    return out.astype(dt)


def spd(shape, dt):
    *b, n, _ = shape
    out = np.empty(shape)
    for idx in np.ndindex(*b):
        m = rng.standard_normal((n, n))
        out[idx] = m @ m.T / n + np.eye(n)
    return out.astype(dt)


def symmetric(shape, dt):
    """Symmetric matrices with well separated eigenvalues (eigenvector derivatives need that)."""
    *b, n, _ = shape
    out = np.empty(shape)
    for idx in np.ndindex(*b):
        w = np.arange(n) * 1.5 - n * 0.5 + rng.uniform(-0.3, 0.3, n)
        q = orthogonal(n)
        out[idx] = q @ np.diag(w) @ q.T
    return out.astype(dt)


def triangular(shape, dt, lower):
    m = rng.uniform(-1, 1, shape)
    n = shape[-1]
    m = m + np.eye(n) * (2.0 + rng.uniform(0, 1, shape[:-1]))[..., None] * np.sign(rng.uniform(-1, 1, shape[:-1]))[..., None]
    return (np.tril(m) if lower else np.triu(m)).astype(dt)


def normal(shape, dt):
    return rng.standard_normal(shape).astype(dt)


def separated(shape, dt):
    """Random (..., M, N) with singular values about K, K - 1, ..., 1 (times 0.8, jittered):
    well separated, so singular vectors are well conditioned."""
    *b, m, n = shape
    k = min(m, n)
    out = np.empty(shape)
    for idx in np.ndindex(*b):
        s = (np.arange(k, 0, -1) + rng.uniform(-0.2, 0.2, k)) * 0.8
        out[idx] = orthogonal(m)[:, :k] @ np.diag(s) @ orthogonal(n)[:, :k].T
    return out.astype(dt)


def signfix(v):
    """Each column with its largest-magnitude entry made positive (eigenvector signs are arbitrary)."""
    idx = jnp.argmax(jnp.abs(v), axis=-2, keepdims=True)
    s = jnp.sign(jnp.take_along_axis(v, idx, axis=-2))
    return v * s


def solves():
    for dt in FLOATS:
        for shape in [(1, 1), (3, 3), (5, 5), (2, 4, 4)]:
            tag = "x".join(map(str, shape))
            a = spd(shape, dt)
            case("cholesky %s %s" % (dt, tag), "Linalg.cholesky", {}, [a], jnp.linalg.cholesky, wrt=(0,))
            a = wellcond(shape, dt)
            case("det %s %s" % (dt, tag), "Linalg.det", {}, [a], jnp.linalg.det, wrt=(0,))
            case("inv %s %s" % (dt, tag), "Linalg.inv", {}, [a], jnp.linalg.inv, wrt=(0,))
            case("slogdet %s %s" % (dt, tag), "Linalg.slogdet", {}, [a], lambda x: tuple(jnp.linalg.slogdet(x)))
            case("slogdet logabsdet %s %s" % (dt, tag), "Linalg.slogdet.logabsdet", {}, [a],
                 lambda x: jnp.linalg.slogdet(x)[1], wrt=(0,))
        # solve: vector, several right-hand sides, batched with broadcasting
        a = wellcond((3, 3), dt)
        case("solve %s vector" % dt, "Linalg.solve", {}, [a, normal((3,), dt)], jnp.linalg.solve, wrt=(0, 1))
        a = wellcond((5, 5), dt)
        case("solve %s 5x5 by 5x2" % dt, "Linalg.solve", {}, [a, normal((5, 2), dt)], jnp.linalg.solve, wrt=(0, 1))
        a = wellcond((2, 4, 4), dt)
        case("solve %s batched" % dt, "Linalg.solve", {}, [a, normal((2, 4, 3), dt)], jnp.linalg.solve, wrt=(0, 1))
        case("solve %s 1x1" % dt, "Linalg.solve", {}, [wellcond((1, 1), dt), normal((1, 1), dt)], jnp.linalg.solve,
             wrt=(0, 1))
        # a singular matrix: determinant 0, slogdet (0, -inf)
        s = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]], dtype=dt)
        case("det %s singular" % dt, "Linalg.det", {}, [s], jnp.linalg.det)
        case("slogdet %s singular" % dt, "Linalg.slogdet", {}, [s], lambda x: tuple(jnp.linalg.slogdet(x)))
        # not positive definite: NaNs
        case("cholesky %s not positive definite" % dt, "Linalg.cholesky", {},
             [np.array([[1.0, 2.0], [2.0, 1.0]], dtype=dt)], jnp.linalg.cholesky)
        # triangular solves
        for lower in (True, False):
            for trans in (0, 1):
                for unit in (False, True):
                    t = triangular((4, 4), dt, lower)
                    b = normal((4, 2), dt)
                    p = {"lower": lower, "trans": trans, "unit": unit}
                    case("solveTriangular %s lower=%s trans=%d unit=%s" % (dt, lower, trans, unit),
                         "Linalg.solveTriangular", p, [t, b],
                         lambda x, y, lower=lower, trans=trans, unit=unit: jsl.solve_triangular(
                             x, y, trans=trans, lower=lower, unit_diagonal=unit), wrt=(0, 1))
        t = triangular((2, 3, 3), dt, True)
        case("solveTriangular %s batched vector" % dt, "Linalg.solveTriangular",
             {"lower": True, "trans": 0, "unit": False}, [t, normal((2, 3), dt)],
             lambda x, y: jsl.solve_triangular(x, y, lower=True), wrt=(0, 1))


def norms():
    for dt in FLOATS:
        v = normal((7,), dt)
        for ord_ in [None, 1, 2, 3, 0.5, np.inf, -np.inf, 0]:
            grad = (0,) if ord_ not in (0, -np.inf) else ()
            case("norm %s vector ord=%s" % (dt, ord_), "Linalg.norm", {"ord": ord_, "axis": None, "keepdims": False},
                 [v], lambda x, o=ord_: jnp.linalg.norm(x, ord=o), wrt=grad)
        m = normal((3, 5), dt)
        for ord_ in [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]:
            grad = (0,) if ord_ in (None, "fro", 2, "nuc") else ()
            case("norm %s matrix ord=%s" % (dt, ord_), "Linalg.norm", {"ord": ord_, "axis": None, "keepdims": False},
                 [m], lambda x, o=ord_: jnp.linalg.norm(x, ord=o), wrt=grad)
        t = normal((2, 3, 4), dt)
        case("norm %s axis=1 keepdims" % dt, "Linalg.norm", {"ord": 3, "axis": [1], "keepdims": True}, [t],
             lambda x: jnp.linalg.norm(x, ord=3, axis=1, keepdims=True), wrt=(0,))
        case("norm %s axes=2,0 ord=1" % dt, "Linalg.norm", {"ord": 1, "axis": [2, 0], "keepdims": False}, [t],
             lambda x: jnp.linalg.norm(x, ord=1, axis=(2, 0)))
        case("norm %s 3-d no ord" % dt, "Linalg.norm", {"ord": None, "axis": None, "keepdims": True}, [t],
             lambda x: jnp.linalg.norm(x, keepdims=True), wrt=(0,))
        case("vectorNorm %s axes=0,2" % dt, "Linalg.vectorNorm", {"ord": 2, "axis": [0, 2], "keepdims": True}, [t],
             lambda x: jnp.linalg.vector_norm(x, ord=2, axis=(0, 2), keepdims=True), wrt=(0,))
        case("vectorNorm %s all ord=inf" % dt, "Linalg.vectorNorm", {"ord": np.inf, "axis": None, "keepdims": False},
             [t], lambda x: jnp.linalg.vector_norm(x, ord=np.inf))
        case("matrixNorm %s batched fro" % dt, "Linalg.matrixNorm", {"ord": "fro", "keepdims": False}, [t],
             lambda x: jnp.linalg.matrix_norm(x, ord="fro"), wrt=(0,))
        case("matrixNorm %s batched ord=2" % dt, "Linalg.matrixNorm", {"ord": 2, "keepdims": True}, [t],
             lambda x: jnp.linalg.matrix_norm(x, ord=2, keepdims=True))
        case("matrixNorm %s batched ord=-inf" % dt, "Linalg.matrixNorm", {"ord": -np.inf, "keepdims": False}, [t],
             lambda x: jnp.linalg.matrix_norm(x, ord=-np.inf))


def products():
    for dt in FLOATS:
        a = wellcond((3, 3), dt)
        for n in [0, 1, 3, -2]:
            case("matrixPower %s n=%d" % (dt, n), "Linalg.matrixPower", {"n": n}, [a],
                 lambda x, n=n: jnp.linalg.matrix_power(x, n), wrt=(0,) if n != 0 else ())
        b = wellcond((2, 4, 4), dt)
        case("matrixPower %s batched n=5" % dt, "Linalg.matrixPower", {"n": 5}, [b],
             lambda x: jnp.linalg.matrix_power(x, 5))
        xs = [normal((4,), dt), normal((4, 6), dt), normal((6, 2), dt), normal((2,), dt)]
        case("multiDot %s vector ends" % dt, "Linalg.multiDot", {}, xs, lambda *x: jnp.linalg.multi_dot(x),
             wrt=(0, 1))
        xs = [normal((5, 2), dt), normal((2, 7), dt), normal((7, 3), dt)]
        case("multiDot %s matrices" % dt, "Linalg.multiDot", {}, xs, lambda *x: jnp.linalg.multi_dot(x), wrt=(1,))
        t = normal((2, 3, 4), dt)
        case("trace %s batched offset=1" % dt, "Linalg.trace", {"offset": 1}, [t],
             lambda x: jnp.linalg.trace(x, offset=1), wrt=(0,))
        case("diagonal %s batched offset=-1" % dt, "Linalg.diagonal", {"offset": -1}, [t],
             lambda x: jnp.linalg.diagonal(x, offset=-1), wrt=(0,))
        case("outer %s" % dt, "Linalg.outer", {}, [normal((3,), dt), normal((4,), dt)], jnp.linalg.outer, wrt=(0, 1))
        case("cross %s" % dt, "Linalg.cross", {}, [normal((2, 3), dt), normal((2, 3), dt)], jnp.linalg.cross,
             wrt=(0, 1))
        case("matmul %s batched" % dt, "Linalg.matmul", {}, [normal((2, 3, 4), dt), normal((4, 5), dt)],
             jnp.linalg.matmul, wrt=(0, 1))
        case("tensordot %s axes=2" % dt, "Linalg.tensordot", {"axes": 2}, [normal((2, 3, 4), dt), normal((3, 4, 2), dt)],
             lambda x, y: jnp.linalg.tensordot(x, y, axes=2), wrt=(0,))
        case("vecdot %s" % dt, "Linalg.vecdot", {}, [normal((2, 5), dt), normal((5,), dt)], jnp.linalg.vecdot,
             wrt=(0, 1))
        case("matrixTranspose %s" % dt, "Linalg.matrixTranspose", {}, [normal((2, 3, 4), dt)],
             jnp.linalg.matrix_transpose)


def factorizations():
    for dt in FLOATS:
        for shape in [(7, 3), (3, 3), (3, 5), (2, 4, 3), (1, 1)]:
            tag = "x".join(map(str, shape))
            a = separated(shape, dt) * np.asarray(1.5, dt)  # QR's derivative solves with r
            case("qr %s %s" % (dt, tag), "Linalg.qr", {"mode": "reduced"}, [a], lambda x: tuple(jnp.linalg.qr(x)))
            if shape[-2] >= shape[-1]:
                case("qr q %s %s" % (dt, tag), "Linalg.qr.q", {"mode": "reduced"}, [a],
                     lambda x: jnp.linalg.qr(x)[0], wrt=(0,))
                case("qr r %s %s" % (dt, tag), "Linalg.qr.r", {"mode": "reduced"}, [a],
                     lambda x: jnp.linalg.qr(x)[1], wrt=(0,))
        a = separated((4, 3), dt)
        case("qr %s complete 4x3" % dt, "Linalg.qr", {"mode": "complete"}, [a],
             lambda x: tuple(jnp.linalg.qr(x, mode="complete")))
        case("qr %s r only 4x3" % dt, "Linalg.qr.r", {"mode": "r"}, [a], lambda x: jnp.linalg.qr(x, mode="r"))
        for shape in [(1, 1), (3, 3), (5, 5), (2, 4, 4)]:
            tag = "x".join(map(str, shape))
            a = symmetric(shape, dt)
            case("eigh %s %s" % (dt, tag), "Linalg.eigh", {}, [a],
                 lambda x: (jnp.linalg.eigh(x)[0], signfix(jnp.linalg.eigh(x)[1])))
            case("eigvalsh %s %s" % (dt, tag), "Linalg.eigvalsh", {}, [a], jnp.linalg.eigvalsh, wrt=(0,))
            case("eigh vectors %s %s" % (dt, tag), "Linalg.eigh.v", {}, [a],
                 lambda x: signfix(jnp.linalg.eigh(x)[1]), wrt=(0,))


def svdfix(x):
    """JAX's SVD with each u column's largest entry made positive (and vh's row flipped with it)."""
    u, s, vh = jnp.linalg.svd(x, full_matrices=False)
    idx = jnp.argmax(jnp.abs(u), axis=-2, keepdims=True)
    sg = jnp.sign(jnp.take_along_axis(u, idx, axis=-2))
    return u * sg, s, vh * jnp.swapaxes(sg, -1, -2)


def rank32(x):
    return jnp.linalg.matrix_rank(x).astype(jnp.int32)


def lstsq32(x, y):
    r = jnp.linalg.lstsq(x, y)
    return r[0], r[1], r[2].astype(jnp.int32), r[3]


def singular():
    for dt in FLOATS:
        for shape in [(1, 1), (3, 3), (7, 3), (3, 5), (2, 4, 3)]:
            tag = "x".join(map(str, shape))
            a = separated(shape, dt)
            case("svd %s %s" % (dt, tag), "Linalg.svd", {}, [a], svdfix)
            case("svdvals %s %s" % (dt, tag), "Linalg.svdvals", {}, [a], jnp.linalg.svdvals, wrt=(0,))
            case("svd u %s %s" % (dt, tag), "Linalg.svd.u", {}, [a], lambda x: svdfix(x)[0], wrt=(0,))
            case("svd vh %s %s" % (dt, tag), "Linalg.svd.vh", {}, [a], lambda x: svdfix(x)[2], wrt=(0,))
            case("pinv %s %s" % (dt, tag), "Linalg.pinv", {}, [a], jnp.linalg.pinv, wrt=(0,))
            case("cond %s %s" % (dt, tag), "Linalg.cond", {}, [a], jnp.linalg.cond)
            case("matrixRank %s %s" % (dt, tag), "Linalg.matrixRank", {}, [a], rank32)
        low = (normal((6, 2), dt) @ normal((2, 4), dt)).astype(dt)
        case("matrixRank %s rank 2 of 6x4" % dt, "Linalg.matrixRank", {}, [low], rank32)
        case("pinv %s rank 2 of 6x4" % dt, "Linalg.pinv", {}, [low], jnp.linalg.pinv)
        a = separated((7, 3), dt)
        for b in [normal((7,), dt), normal((7, 2), dt)]:
            case("lstsq %s 7x3 b%s" % (dt, b.shape), "Linalg.lstsq", {}, [a, b],
                 lstsq32)
            case("lstsq x %s 7x3 b%s" % (dt, b.shape), "Linalg.lstsq.x", {}, [a, b],
                 lambda x, y: jnp.linalg.lstsq(x, y)[0], wrt=(0, 1))
        case("lstsq %s 3x5" % dt, "Linalg.lstsq", {}, [separated((3, 5), dt), normal((3,), dt)],
             lstsq32)
        t = wellcond((6, 6), dt).reshape(2, 3, 6)
        case("tensorsolve %s" % dt, "Linalg.tensorsolve", {}, [t.reshape(2, 3, 3, 2), normal((2, 3), dt)],
             jnp.linalg.tensorsolve, wrt=(0, 1))
        case("tensorinv %s ind=2" % dt, "Linalg.tensorinv", {"ind": 2}, [wellcond((6, 6), dt).reshape(3, 2, 6)],
             lambda x: jnp.linalg.tensorinv(x, ind=2), wrt=(0,))


def parts(z):
    """A complex result as one real array of shape (2, ...): its real part, then its imaginary part."""
    z = jnp.asarray(z)
    return jnp.stack([jnp.real(z), jnp.imag(z)])


def eigvals_symmetric(x):
    """sum |w| and Re(sum w^3) over each matrix's eigenvalues: order-free, so Kiln's order can differ."""
    w = jnp.linalg.eigvals(x)
    return jnp.stack([jnp.sum(jnp.abs(w), -1), jnp.real(jnp.sum(w ** 3, -1))], -1)


def general():
    """jnp.linalg.eig / eigvals and jnp.roots. Eigenvalues come in LAPACK's order, which Kiln's
    need not share: the Java side pairs each JAX eigenvalue with the nearest of Kiln's, checks A v =
    w v for Kiln's vectors and that each spans the same line as JAX's (|v_jax^H v| = 1)."""
    for dt in FLOATS:
        mats = {
            "1x1": normal((1, 1), dt),
            "2x2": normal((2, 2), dt),
            "3x3": normal((3, 3), dt),
            "5x5": normal((5, 5), dt),
            "8x8": normal((8, 8), dt),
            "2x4x4 batch": normal((2, 4, 4), dt),
            "rotation": np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 2.0]], dtype=dt),
            "upper triangular": np.triu(normal((4, 4), dt) + np.diag(np.arange(4.0)).astype(dt) * 3).astype(dt),
            "diagonal with negatives": np.diag(np.array([-3.0, 0.5, 2.0, -0.25], dtype=dt)),
            "zeros": np.zeros((3, 3), dtype=dt),
            "cyclic permutation": np.roll(np.eye(5), 1, axis=0).astype(dt),
            # float32 stays within LAPACK's unscaled range (|A| ~ 5e11 down to 2e-12): JAX 0.10.2's
            # float32 eig of a matrix scaled beyond it is wrong (by a factor ~1000 at |A| = 2e15)
            "large entries": (normal((3, 3), dt) * np.asarray(1e15 if dt == F64 else 1e8, dt)).astype(dt),
            "tiny entries": (normal((3, 3), dt) * np.asarray(1e-15 if dt == F64 else 1e-8, dt)).astype(dt),
            "nan": np.array([[1.0, np.nan], [0.0, 1.0]], dtype=dt),
            "inf": np.array([[1.0, np.inf], [0.0, 1.0]], dtype=dt),
            "-inf 3x3": np.array([[1.0, 2.0, 0.0], [0.0, -np.inf, 1.0], [3.0, 0.0, 1.0]], dtype=dt),
        }
        for tag, a in mats.items():
            case("eig %s %s" % (dt, tag), "Linalg.eig", {}, [a],
                 lambda x: (parts(jnp.linalg.eig(x)[0]), parts(jnp.linalg.eig(x)[1])))
            case("eigvals %s %s" % (dt, tag), "Linalg.eigvals", {}, [a], lambda x: parts(jnp.linalg.eigvals(x)))
            if tag in ("2x2", "3x3", "5x5", "2x4x4 batch", "upper triangular"):
                # derivatives of eigenvalues (JAX has them for eigvals, not for eig's vectors),
                # through functions of all eigenvalues that do not depend on their order
                case("eigvals derivatives %s %s" % (dt, tag), "Linalg.eigvals.sym", {}, [a],
                     lambda x: eigvals_symmetric(x), wrt=(0,))
        polys = {
            "cubic 1 2 3": [1.0, -6.0, 11.0, -6.0],
            "complex pair": [1.0, 0.0, 1.0],
            "leading zeros": [0.0, 0.0, 2.0, -3.0, 1.0],
            "trailing zeros": [1.0, 2.0, 0.0, 0.0],
            "leading and trailing zeros": [0.0, 3.0, -1.0, 0.0],
            "constant": [4.0],
            "linear": [2.0, 5.0],
            "all zeros": [0.0, 0.0, 0.0],
            "degree 6": list(rng.standard_normal(7)),
            "negative leading": [-2.0, 1.0, 0.5, -3.0],
        }
        for tag, c in polys.items():
            p = np.array(c, dtype=dt)
            for strip in (True, False):
                if strip and tag == "all zeros":
                    pass
                case("roots %s %s strip=%s" % (dt, tag, strip), "Np.roots", {"strip": strip}, [p],
                     lambda x, strip=strip: parts(jnp.roots(x, strip_zeros=strip)))


def singular_solves():
    """inv and solve of exactly singular matrices: JAX's CPU LU and triangular solves (OpenBLAS trsm,
    multiplying by each pivot's reciprocal) give a pattern of infinities and NaNs that Kiln repeats."""
    for dt in FLOATS:
        mats = {
            "rank 2 3x3": [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]],
            "rank 1 2x2": [[1.0, 2.0], [2.0, 4.0]],
            "zeros 2x2": [[0.0, 0.0], [0.0, 0.0]],
            "zero column 3x3": [[1.0, 0.0, 2.0], [3.0, 0.0, -1.0], [0.5, 0.0, 4.0]],
        }
        for tag, m in mats.items():
            a = np.array(m, dtype=dt)
            case("inv %s singular %s" % (dt, tag), "Linalg.inv", {}, [a], jnp.linalg.inv)
            b = np.arange(1, a.shape[0] + 1, dtype=dt)
            case("solve %s singular %s" % (dt, tag), "Linalg.solve", {}, [a, b], jnp.linalg.solve)


def main():
    solves()
    singular()
    norms()
    products()
    factorizations()
    general()
    singular_solves()
    mg.write_lines("linalg", "golden values for Kiln's linalg family", "make_linalg_goldens.py", mbg.LINES)


if __name__ == "__main__":
    main()
