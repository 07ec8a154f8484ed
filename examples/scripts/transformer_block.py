#!/usr/bin/env python3
"""The transformer block of dev.kiln.examples.TransformerBlock in JAX, on the same weights, writing
its forward output, loss and gradients for TransformerBlockTest.

Run from the repository root with the JAX venv (a few seconds):
    build/venv/bin/python examples/scripts/transformer_block.py
"""

import os

import jax
import jax.numpy as jnp
import numpy as np

BATCH, SEQ, DIM, HEADS, HIDDEN = 2, 8, 16, 4, 64
NAMES = ["ln1Scale", "ln1Bias", "wq", "wk", "wv", "wo", "ln2Scale", "ln2Bias", "w1", "b1", "w2", "b2"]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "dev", "kiln",
                   "examples", "transformer_block.txt")


def values(n, scale, *shape):
    """scale * sin(1 + 0.37 i + 1.7 n) as float32 (the sine in float64, as Java's Math.sin)."""
    i = np.arange(int(np.prod(shape)), dtype=np.float64)
    return (scale * np.sin(1 + 0.37 * i + 1.7 * n)).astype(np.float32).reshape(shape)


def init(dim, hidden):
    wd, wh = 1 / np.sqrt(dim), 1 / np.sqrt(hidden)
    return {
        "ln1Scale": (1 + values(0, 0.1, dim)).astype(np.float32), "ln1Bias": values(1, 0.1, dim),
        "wq": values(2, wd, dim, dim), "wk": values(3, wd, dim, dim), "wv": values(4, wd, dim, dim),
        "wo": values(5, wd, dim, dim),
        "ln2Scale": (1 + values(6, 0.1, dim)).astype(np.float32), "ln2Bias": values(7, 0.1, dim),
        "w1": values(8, wd, dim, hidden), "b1": values(9, 0.1, hidden),
        "w2": values(10, wh, hidden, dim), "b2": values(11, 0.1, dim),
    }


def layer_norm(x, scale, bias):
    return jax.nn.standardize(x, axis=-1, epsilon=1e-5) * scale + bias


def block(p, x):
    b, t, d = x.shape
    heads = lambda y: y.reshape(b, t, HEADS, d // HEADS)
    h = layer_norm(x, p["ln1Scale"], p["ln1Bias"])
    q, k, v = (heads(h @ p[w]) for w in ("wq", "wk", "wv"))
    a = jax.nn.dot_product_attention(q, k, v, is_causal=True).reshape(b, t, d)
    x = x + a @ p["wo"]
    h = layer_norm(x, p["ln2Scale"], p["ln2Bias"])
    return x + jax.nn.gelu(h @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]


def loss(p, x, target):
    return jnp.mean(jnp.square(block(p, x) - target))


def main():
    p = {k: jnp.asarray(v) for k, v in init(DIM, HIDDEN).items()}
    x = jnp.asarray(values(20, 1.0, BATCH, SEQ, DIM))
    target = jnp.asarray(values(21, 1.0, BATCH, SEQ, DIM))
    with jax.default_matmul_precision("highest"):
        out = block(p, x)
        value, grads = jax.value_and_grad(loss)(p, x, target)
    with open(OUT, "w") as f:
        f.write("# JAX %s values of examples/scripts/transformer_block.py; do not edit\n" % jax.__version__)
        f.write("sizes %d %d %d %d %d\n" % (BATCH, SEQ, DIM, HEADS, HIDDEN))
        f.write("forward " + " ".join(repr(float(v)) for v in np.asarray(out).ravel()) + "\n")
        f.write("loss " + repr(float(value)) + "\n")
        for name in NAMES:
            f.write("grad." + name + " " + " ".join(repr(float(v)) for v in np.asarray(grads[name]).ravel()) + "\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
