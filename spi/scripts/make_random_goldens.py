#!/usr/bin/env python3
"""Writes the JAX golden values that dev.kiln.Random is checked against.

Output: spi/src/test/resources/dev/kiln/random/goldens.txt, one case per line, fields separated
by single spaces, each "name=value":

    op=<function> key=<k0>:<k1> [params...] out=<dtype>[<d0>,<d1>,...]:<values>

- key is the raw uint32 pair of a legacy JAX key (jax.random.PRNGKey), in hex.
- params depend on op (seed, num, data, shape, dtype, minval, maxval, p, lower, upper, axis,
  logits, n); shapes are comma-separated ("" for a scalar); doubles are Python reprs.
- values are comma-separated: uint32 and float bits as hex (8 digits for 32-bit types, 16 for
  float64), int32 as decimal, bool as 0/1.

JAX runs in its default 32-bit mode with its default PRNG (threefry2x32, with
jax_threefry_partitionable on, the 0.10.2 default). Two groups of cases need 64-bit types and are
produced by a child process with JAX_ENABLE_X64=1: float64 samples, and keys from seeds outside
[0, 2^32), where Kiln follows x64 mode (the whole 64-bit seed becomes the key; 32-bit mode keeps
only the low 32 bits).

Usage, from the repository root:
    build/venv/bin/python spi/scripts/make_random_goldens.py
"""

import os
import subprocess
import sys

import numpy as np

X64 = "--x64" in sys.argv
if X64:
    os.environ["JAX_ENABLE_X64"] = "1"

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

assert jax.__version__ == "0.10.2", jax.__version__
assert jax.config.jax_default_prng_impl == "threefry2x32"
assert jax.config.jax_threefry_partitionable

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources",
                   "dev", "kiln", "random", "goldens.txt")

KEYS = [
    np.array([0, 0], np.uint32),  # PRNGKey(0)
    np.array([0, 42], np.uint32),  # PRNGKey(42)
    np.array([0, 2**31 + 7], np.uint32),
    np.array([0xDEADBEEF, 0x0BADF00D], np.uint32),
    np.array([0xFFFFFFFF, 0xFFFFFFFF], np.uint32),
]


def fmt_key(k):
    k = np.asarray(k, np.uint32)
    return f"{int(k[0]):08x}:{int(k[1]):08x}"


def fmt_shape(shape):
    return ",".join(str(d) for d in shape)


def fmt_array(a):
    a = np.asarray(a)
    name = a.dtype.name
    flat = a.reshape(-1)
    if name == "uint32":
        vals = [f"{int(v):08x}" for v in flat]
    elif name == "float32":
        vals = [f"{int(v):08x}" for v in flat.view(np.uint32)]
    elif name == "float64":
        vals = [f"{int(v):016x}" for v in flat.view(np.uint64)]
    elif name == "int32":
        vals = [str(int(v)) for v in flat]
    elif name == "bool":
        vals = ["1" if v else "0" for v in flat]
    else:
        raise TypeError(name)
    return f"{name}[{fmt_shape(a.shape)}]:" + ",".join(vals)


def line(op, key, out, **params):
    parts = [f"op={op}"]
    if key is not None:
        parts.append(f"key={fmt_key(key)}")
    for k, v in params.items():
        if isinstance(v, tuple):
            v = fmt_shape(v)
        elif isinstance(v, float):
            v = repr(v)
        parts.append(f"{k}={v}")
    parts.append("out=" + fmt_array(out))
    return " ".join(parts)


def check_float_trick():
    """(bits >> 9) * 2^-23 equals JAX's bit trick (mantissa | 1.0's bits) - 1 for every mantissa."""
    m = np.arange(2**23, dtype=np.uint32)
    trick = (m | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)
    arith = m.astype(np.float32) * np.float32(2.0**-23)
    assert (trick.view(np.uint32) == arith.view(np.uint32)).all()


def cases_x32():
    r = jax.random
    out = []
    for seed in [0, 1, 42, 2**31 - 1, 2**31, 2**32 - 1]:
        out.append(line("key", None, r.PRNGKey(seed), seed=seed))
    for k in KEYS:
        out.append(line("split", k, r.split(k)))
        for num in [1, 3, 7]:
            out.append(line("split", k, r.split(k, num), num=num))
        for data in [0, 1, 7, 2**31, 2**32 - 1]:
            out.append(line("foldIn", k, r.fold_in(k, data), data=data))
    bit_shapes = [(), (1,), (3,), (7,), (1000,), (3, 7), (2, 3, 5), (0,)]
    for i, k in enumerate(KEYS):
        for shape in bit_shapes if i < 2 else [(7,), (1000,)]:
            out.append(line("bits", k, r.bits(k, shape, jnp.uint32), shape=shape))
    for i, k in enumerate(KEYS):
        for shape in [(), (1,), (3,), (7,), (1000,), (4, 5)] if i < 2 else [(300,)]:
            out.append(line("uniform", k, r.uniform(k, shape, jnp.float32), shape=shape))
    for lo, hi in [(0.3, 2.7), (-5.1, 1e-3), (1e-3, 1e6), (-1.0, 1.0), (2.0, 2.0)]:
        for k in KEYS[:2]:
            out.append(line("uniform", k, r.uniform(k, (300,), jnp.float32, lo, hi), shape=(300,),
                            dtype="float32", minval=lo, maxval=hi))
    for i, k in enumerate(KEYS):
        for shape in [(), (1,), (3,), (7,), (1000,), (10, 10)] if i < 2 else [(300,)]:
            out.append(line("normal", k, r.normal(k, shape, jnp.float32), shape=shape))
    for p in [0.0, 0.3, 0.5, 0.999, 1.0]:
        for shape in [(7,), (1000,)]:
            out.append(line("bernoulli", KEYS[1], r.bernoulli(KEYS[1], np.float32(p), shape), p=p, shape=shape))
    ranges = [(0, 10), (-5, 5), (0, 1), (5, 5), (7, 3), (-2**31, 2**31 - 1), (0, 2**31 - 1),
              (-100, 1000), (-2**31, 0), (3, 2**31 - 1)]
    for lo, hi in ranges:
        for k in KEYS[:2]:
            out.append(line("randint", k, r.randint(k, (300,), lo, hi, jnp.int32), minval=lo, maxval=hi,
                            shape=(300,)))
    for shape in [(), (3,), (7,), (2, 5)]:
        out.append(line("randint", KEYS[0], r.randint(KEYS[0], shape, -3, 17, jnp.int32), minval=-3, maxval=17,
                        shape=shape))
    rng = np.random.default_rng(7)
    for shape, axis in [((10,), -1), ((10,), 0), ((5, 7), -1), ((5, 7), 0), ((100, 3), 1), ((4, 6, 5), 1),
                        ((300, 2), 1), ((3, 1), 1)]:
        logits = rng.normal(size=shape).astype(np.float32) * np.float32(2)
        for k in KEYS[:3]:
            res = r.categorical(k, logits, axis=axis)
            out.append(line("categorical", k, res, axis=axis, logits=fmt_array(logits)))
    for n in [0, 1, 2, 3, 7, 10, 1000, 1700, 5000]:
        for k in KEYS[:2] if n < 1000 else KEYS[:1]:
            out.append(line("permutation", k, r.permutation(k, n), n=n))
    for lo, hi in [(-2.0, 2.0), (0.0, 1.0), (1.5, 3.0), (-0.5, 0.5), (-1.0, float("inf")),
                   (float("-inf"), float("inf")), (-3.7, -3.6), (4.0, 5.0)]:
        for k in KEYS[:2]:
            res = r.truncated_normal(k, np.float32(lo), np.float32(hi), (300,), jnp.float32)
            out.append(line("truncatedNormal", k, res, lower=lo, upper=hi, shape=(300,)))
    out.append(line("truncatedNormal", KEYS[0], r.truncated_normal(KEYS[0], -1.0, 1.0, (7,), jnp.float32),
                    lower=-1.0, upper=1.0, shape=(7,)))
    return out


def cases_x64():
    r = jax.random
    out = []
    for seed in [-1, 2**32, 2**32 + 5, -2**40, 2**63 - 1, -2**63, 1234567890123456789]:
        out.append(line("key", None, r.PRNGKey(seed), seed=seed))
    for k in KEYS[:3]:
        out.append(line("uniform", k, r.uniform(k, (300,), jnp.float64), shape=(300,), dtype="float64"))
        out.append(line("uniform", k, r.uniform(k, (300,), jnp.float64, -3.25, 7.5), shape=(300,),
                        dtype="float64", minval=-3.25, maxval=7.5))
        out.append(line("normal", k, r.normal(k, (300,), jnp.float64), shape=(300,), dtype="float64"))
    for k in KEYS[:2]:
        out.append(line("uniform", k, r.uniform(k, (7,), jnp.float64), shape=(7,), dtype="float64"))
        out.append(line("normal", k, r.normal(k, (3, 3), jnp.float64), shape=(3, 3), dtype="float64"))
    return out


def main():
    if X64:
        print("\n".join(cases_x64()))
        return
    check_float_trick()
    lines = cases_x32()
    child = subprocess.run([sys.executable, os.path.abspath(__file__), "--x64"], check=True,
                           capture_output=True, text=True)
    lines += child.stdout.strip().splitlines()
    header = [
        "# Golden values of jax.random (JAX 0.10.2, threefry2x32, partitionable) for dev.kiln.Random.",
        "# Written by spi/scripts/make_random_goldens.py; see its docstring for the format.",
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(header + lines) + "\n")
    print(f"wrote {len(lines)} cases, {os.path.getsize(OUT)} bytes to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
