#!/usr/bin/env python3
"""Writes the JAX golden values of the conformance suite's `fft` family (dev.kiln.Fft, ComplexArray
and the complex functions of Np and Lax) against jax.numpy.fft and JAX's complex64/complex128.

Same line format as make_breadth_goldens.py (whose `case` helper this script uses). Kiln's golden
files hold real arrays only, so complex values travel as their parts:
- a complex input is two real inputs, its real then its imaginary part;
- a complex output is one real output of shape (2, ...): the real part stacked on the imaginary part.
Gradients (of sum(w * output) as in the breadth family) are then those of a real-valued loss of the
transform's output with respect to the real and imaginary parts of its input. Lines named
"... grad wrt z" hold jax.grad with respect to a complex input, JAX's conjugate convention, stacked.

Run from the repository root (about 15 seconds):
    build/venv/bin/python conformance/scripts/make_fft_goldens.py
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_breadth_goldens as mbg  # noqa: E402  (sets jax_enable_x64 and the CPU platform)
import make_goldens as mg  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

F32, F64 = mg.F32, mg.F64
FLOATS = (F32, F64)
CPLX = {F32: jnp.complex64, F64: jnp.complex128}
rng = np.random.default_rng(20261207)
case = mbg.case


def normal(shape, dt):
    return rng.standard_normal(shape).astype(dt)


def stack(z):
    """A complex result as one real array (2, ...): real part, imaginary part."""
    z = jnp.asarray(z)
    if not jnp.iscomplexobj(z):
        return z
    return jnp.stack([jnp.real(z), jnp.imag(z)])


def ax(fn, axes):
    """The 2-d functions take no axes=None; their default is the last two."""
    return (-2, -1) if axes is None and fn.endswith("2") else axes


def cz(x, y):
    return jax.lax.complex(x, y)


def params_of(**kw):
    return {k: v for k, v in kw.items() if v is not None}


def one_d():
    for dt in FLOATS:
        for n in (1, 2, 3, 5, 7, 8, 12, 16, 17, 31):
            x, y = normal((n,), dt), normal((n,), dt)
            grad = (0, 1) if n in (1, 5, 8, 17) else ()
            case("fft %s n=%d" % (dt, n), "Fft.fft", {}, [x, y], lambda a, b: stack(jnp.fft.fft(cz(a, b))), wrt=grad)
            case("ifft %s n=%d" % (dt, n), "Fft.ifft", {}, [x, y], lambda a, b: stack(jnp.fft.ifft(cz(a, b))),
                 wrt=grad)
            case("rfft %s n=%d" % (dt, n), "Fft.rfft", {}, [x], lambda a: stack(jnp.fft.rfft(a)), wrt=grad[:1])
            case("ihfft %s n=%d" % (dt, n), "Fft.ihfft", {}, [x], lambda a: stack(jnp.fft.ihfft(a)))
            m = n // 2 + 1
            hx, hy = normal((m,), dt), normal((m,), dt)
            if n > 1:
                case("irfft %s n=%d" % (dt, n), "Fft.irfft", {"n": n}, [hx, hy],
                     lambda a, b, n=n: jnp.fft.irfft(cz(a, b), n=n), wrt=grad)
                case("hfft %s n=%d" % (dt, n), "Fft.hfft", {"n": n}, [hx, hy],
                     lambda a, b, n=n: jnp.fft.hfft(cz(a, b), n=n))
        # default lengths of irfft/hfft, 2 (m - 1)
        hx, hy = normal((5,), dt), normal((5,), dt)
        case("irfft %s default n" % dt, "Fft.irfft", {}, [hx, hy], lambda a, b: jnp.fft.irfft(cz(a, b)))
        case("hfft %s default n" % dt, "Fft.hfft", {}, [hx, hy], lambda a, b: jnp.fft.hfft(cz(a, b)))
        # norms, padding and truncation, axes
        x, y = normal((3, 6), dt), normal((3, 6), dt)
        for norm in ("backward", "ortho", "forward"):
            for n, axis in ((None, -1), (4, -1), (9, -1), (5, 0), (None, 0)):
                p = params_of(n=n, axis=axis, norm=norm)
                case("fft %s %s n=%s axis=%d" % (dt, norm, n, axis), "Fft.fft", p, [x, y],
                     lambda a, b, n=n, axis=axis, norm=norm: stack(jnp.fft.fft(cz(a, b), n=n, axis=axis, norm=norm)),
                     wrt=(0, 1) if n == 4 else ())
                case("ifft %s %s n=%s axis=%d" % (dt, norm, n, axis), "Fft.ifft", p, [x, y],
                     lambda a, b, n=n, axis=axis, norm=norm: stack(jnp.fft.ifft(cz(a, b), n=n, axis=axis, norm=norm)))
                case("rfft %s %s n=%s axis=%d" % (dt, norm, n, axis), "Fft.rfft", p, [x],
                     lambda a, n=n, axis=axis, norm=norm: stack(jnp.fft.rfft(a, n=n, axis=axis, norm=norm)),
                     wrt=(0,) if n == 9 else ())
                case("irfft %s %s n=%s axis=%d" % (dt, norm, n, axis), "Fft.irfft", p, [x, y],
                     lambda a, b, n=n, axis=axis, norm=norm: jnp.fft.irfft(cz(a, b), n=n, axis=axis, norm=norm))
                case("hfft %s %s n=%s axis=%d" % (dt, norm, n, axis), "Fft.hfft", p, [x, y],
                     lambda a, b, n=n, axis=axis, norm=norm: jnp.fft.hfft(cz(a, b), n=n, axis=axis, norm=norm))
                case("ihfft %s %s n=%s axis=%d" % (dt, norm, n, axis), "Fft.ihfft", p, [x],
                     lambda a, n=n, axis=axis, norm=norm: stack(jnp.fft.ihfft(a, n=n, axis=axis, norm=norm)))
        # integer input computes in complex64
        case("fft int32", "Fft.fft", {}, [np.arange(-3, 4, dtype=np.int32)], lambda a: stack(jnp.fft.fft(a)))


def n_d():
    for dt in FLOATS:
        x, y = normal((2, 3, 5), dt), normal((2, 3, 5), dt)
        for fn, f in (("fft2", jnp.fft.fft2), ("ifft2", jnp.fft.ifft2), ("fftn", jnp.fft.fftn),
                      ("ifftn", jnp.fft.ifftn)):
            for s, axes, norm in ((None, None, None), ((4, 3), None, "ortho"), (None, (0, 2), "forward"),
                                  ((3, 2), (2, 0), None)):
                p = params_of(s=s, axes=axes, norm=norm)
                case("%s %s s=%s axes=%s norm=%s" % (fn, dt, s, axes, norm), "Fft." + fn, p, [x, y],
                     lambda a, b, f=f, fn=fn, s=s, axes=axes, norm=norm: stack(f(cz(a, b), s=s, axes=ax(fn, axes), norm=norm)),
                     wrt=(0, 1) if s == (4, 3) else ())
        for fn, f in (("rfft2", jnp.fft.rfft2), ("rfftn", jnp.fft.rfftn)):
            for s, axes, norm in ((None, None, None), ((4, 3), None, "ortho"), (None, (0, 2), "forward"),
                                  ((3, 6), (2, 1), None)):
                p = params_of(s=s, axes=axes, norm=norm)
                case("%s %s s=%s axes=%s norm=%s" % (fn, dt, s, axes, norm), "Fft." + fn, p, [x],
                     lambda a, f=f, fn=fn, s=s, axes=axes, norm=norm: stack(f(a, s=s, axes=ax(fn, axes), norm=norm)),
                     wrt=(0,) if s == (4, 3) else ())
        hx, hy = normal((2, 3, 4), dt), normal((2, 3, 4), dt)
        for fn, f in (("irfft2", jnp.fft.irfft2), ("irfftn", jnp.fft.irfftn)):
            for s, axes, norm in ((None, None, None), ((4, 5), None, "ortho"), (None, (0, 2), "forward"),
                                  ((3, 6), (2, 1), None)):
                p = params_of(s=s, axes=axes, norm=norm)
                case("%s %s s=%s axes=%s norm=%s" % (fn, dt, s, axes, norm), "Fft." + fn, p, [hx, hy],
                     lambda a, b, f=f, fn=fn, s=s, axes=axes, norm=norm: f(cz(a, b), s=s, axes=ax(fn, axes), norm=norm),
                     wrt=(0, 1) if s == (4, 5) else ())
        # lax.fft over trailing axes
        for t, k in (("FFT", 2), ("IFFT", 1)):
            lens = x.shape[-k:]
            case("lax.fft %s %s" % (t, dt), "Lax.fft", {"type": t, "lengths": list(lens)}, [x, y],
                 lambda a, b, t=t, lens=lens: stack(jax.lax.fft(cz(a, b), t, lens)))
        case("lax.fft RFFT %s" % dt, "Lax.fft", {"type": "RFFT", "lengths": [3, 5]}, [x],
             lambda a: stack(jax.lax.fft(a, "RFFT", (3, 5))))
        case("lax.fft IRFFT %s" % dt, "Lax.fft", {"type": "IRFFT", "lengths": [6]}, [hx, hy],
             lambda a, b: jax.lax.fft(cz(a, b), "IRFFT", (6,)))


def helpers():
    for n, d in ((1, 1.0), (4, 1.0), (5, 0.1), (8, 2.5), (9, 0.3)):
        for dt in FLOATS:
            case("fftfreq n=%d d=%s %s" % (n, d, dt), "Fft.fftfreq", {"n": n}, [np.array(d, dtype=dt)],
                 lambda dd, n=n, dt=dt: jnp.fft.fftfreq(n, float(dd), dtype=dt))
            case("rfftfreq n=%d d=%s %s" % (n, d, dt), "Fft.rfftfreq", {"n": n}, [np.array(d, dtype=dt)],
                 lambda dd, n=n, dt=dt: jnp.fft.rfftfreq(n, float(dd), dtype=dt))
    x = normal((4, 5, 3), F32)
    for axes in (None, (1,), (0, 2)):
        p = params_of(axes=axes)
        case("fftshift axes=%s" % (axes,), "Fft.fftshift", p, [x], lambda a, axes=axes: jnp.fft.fftshift(a, axes))
        case("ifftshift axes=%s" % (axes,), "Fft.ifftshift", p, [x], lambda a, axes=axes: jnp.fft.ifftshift(a, axes))


def complex_values(dt):
    """Real and imaginary parts of corner values: zeros of both signs, inf, nan, tiny and huge, random."""
    fi = np.finfo(dt)
    special = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 2.5, -4.0, float(fi.max) / 4, 1e-20]
    re = np.array([a for a in special for _ in special] + list(rng.uniform(-3, 3, 24)), dtype=dt)
    im = np.array([b for _ in special for b in special] + list(rng.uniform(-3, 3, 24)), dtype=dt)
    return re, im


def arithmetic():
    unary = {
        "exp": jnp.exp, "log": jnp.log, "sqrt": jnp.sqrt, "abs": jnp.abs, "angle": jnp.angle,
        "sin": jnp.sin, "cos": jnp.cos, "tanh": jnp.tanh, "conj": jnp.conj, "negative": jnp.negative,
        "square": jnp.square, "reciprocal": jnp.reciprocal, "isnan": jnp.isnan, "isinf": jnp.isinf,
        "isfinite": jnp.isfinite, "real": jnp.real, "imag": jnp.imag, "power3": lambda z: z ** 3,
    }
    binary = {
        "add": jnp.add, "subtract": jnp.subtract, "multiply": jnp.multiply, "divide": jnp.divide,
        "equal": jnp.equal, "notEqual": jnp.not_equal,
    }
    for dt in FLOATS:
        re, im = complex_values(dt)
        finite = np.isfinite(re) & np.isfinite(im) & (np.abs(re) < 1e10) & (np.abs(im) < 1e10)
        for name, f in unary.items():
            # integer powers that overflow (or of infinite values) give XLA's partial recovery of
            # infinities in complex multiplication, which Kiln does not copy: finite, moderate values only
            r, i = (re[finite], im[finite]) if name == "power3" else (re, im)
            case("complex %s %s corners" % (name, dt), "Complex." + name, {}, [r, i],
                 lambda a, b, f=f: stack(f(cz(a, b))))
        n = len(re)
        perm = rng.permutation(n)
        for name, f in binary.items():
            case("complex %s %s corners" % (name, dt), "Complex." + name, {}, [re, im, re[perm], im[perm]],
                 lambda a, b, c, d, f=f: stack(f(cz(a, b), cz(c, d))))
        # division by small and large numbers, where the naive formula over- or underflows
        fi = np.finfo(dt)
        a = np.array([1.0, 1.0, 3.0, -2.0, 1e-30, fi.max / 8, 1.0], dtype=dt)
        b = np.array([1.0, -2.0, 0.5, 4.0, 1e-30, fi.max / 16, 0.0], dtype=dt)
        c = np.array([1e-30, fi.max / 4, 1e-25, 3.0, 2e-30, fi.max / 4, 1e-36], dtype=dt)
        d = np.array([1e-30, fi.max / 4, -2e-25, 1e-30, -1e-30, fi.max / 8, 0.0], dtype=dt)
        case("complex divide %s scaling" % dt, "Complex.divide", {}, [a, b, c, d],
             lambda a, b, c, d: stack(cz(a, b) / cz(c, d)))
        # smooth values with gradients of sum(w * [re; im]) with respect to the four parts
        x, y, u, v = (rng.uniform(0.5, 2.0, (3, 4)).astype(dt) * rng.choice([-1, 1], (3, 4)).astype(dt)
                      for _ in range(4))
        for name in ("multiply", "divide"):
            case("complex %s %s grad" % (name, dt), "Complex." + name, {}, [x, y, u, v],
                 lambda a, b, c, d, f=binary[name]: stack(f(cz(a, b), cz(c, d))), wrt=(0, 1, 2, 3))
        for name in ("exp", "log", "sqrt", "abs", "sin", "tanh"):
            case("complex %s %s grad" % (name, dt), "Complex." + name, {}, [x, y],
                 lambda a, b, f=unary[name]: stack(f(cz(a, b))), wrt=(0, 1))
        # reductions and products
        case("complex sum %s" % dt, "Complex.sum", {"axis": 1}, [x, y], lambda a, b: stack(jnp.sum(cz(a, b), axis=1)))
        case("complex prod %s" % dt, "Complex.prod", {"axis": 1}, [x, y],
             lambda a, b: stack(jnp.prod(cz(a, b), axis=1)), wrt=(0, 1))
        case("complex mean %s" % dt, "Complex.mean", {}, [x, y], lambda a, b: stack(jnp.mean(cz(a, b))))
        case("complex cumsum %s" % dt, "Complex.cumsum", {"axis": 0}, [x, y],
             lambda a, b: stack(jnp.cumsum(cz(a, b), axis=0)))
        p, q = normal((4, 5), dt), normal((4, 5), dt)
        case("complex matmul %s" % dt, "Complex.matmul", {}, [x, y, p, q],
             lambda a, b, c, d: stack(cz(a, b) @ cz(c, d)), wrt=(0, 1, 2, 3))
        case("complex sort_complex %s" % dt, "Np.sortComplex", {}, [re, im],
             lambda a, b: stack(jnp.sort_complex(cz(a, b))))
        # jax.grad with respect to a complex input: the conjugate of (df/dx, df/dy)
        case("complex abs2 %s grad wrt z" % dt, "Complex.gradAbs2", {}, [x, y],
             lambda a, b: stack(jax.grad(lambda z: jnp.sum(jnp.abs(z) ** 2))(cz(a, b))))
        case("complex fft loss %s grad wrt z" % dt, "Complex.gradFftLoss", {}, [x, y],
             lambda a, b: stack(jax.grad(lambda z: jnp.sum(jnp.real(jnp.fft.fft(z)) * jnp.cos(jnp.arange(4.0))
                                                          + jnp.abs(jnp.fft.fft(z, axis=0)) ** 2))(cz(a, b))))
    # promotion: complex64 with float64 is complex128, with int32 stays complex64
    x, y = normal((3,), F32), normal((3,), F32)
    case("complex add float64 promotes", "Complex.addFloat64", {}, [x, y, normal((3,), F64)],
         lambda a, b, c: stack(cz(a, b) + c))
    case("complex add int32 keeps complex64", "Complex.addInt32", {}, [x, y, np.array([1, -2, 3], np.int32)],
         lambda a, b, c: stack(cz(a, b) + c))


def main():
    one_d()
    n_d()
    helpers()
    arithmetic()
    mg.write_lines("fft", "golden values for Kiln's fft family", "make_fft_goldens.py", mbg.LINES)


if __name__ == "__main__":
    main()
