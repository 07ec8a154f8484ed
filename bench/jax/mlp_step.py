"""Times one jitted SGD step of a 784-512-10 tanh MLP (batch 256, softmax cross-entropy) in JAX.

The same workload as dev.kiln.bench.MlpStep. Run with the venv under build/ (see bench/README.md):
    build/venv/bin/python bench/jax/mlp_step.py
"""
import time

import jax
import jax.numpy as jnp


def loss(params, x, y):
    w1, b1, w2, b2 = params
    h = jnp.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    log_probs = logits - jax.scipy.special.logsumexp(logits, axis=1, keepdims=True)
    return -jnp.mean(jnp.sum(log_probs * jax.nn.one_hot(y, 10), axis=1))


@jax.jit
def step(params, x, y):
    grads = jax.grad(loss)(params, x, y)
    return [p - 0.01 * g for p, g in zip(params, grads)]


def main():
    key = jax.random.PRNGKey(0)
    k1, k2, k3 = jax.random.split(key, 3)
    params = [jax.random.uniform(k1, (784, 512), minval=-0.05, maxval=0.05), jnp.zeros(512),
              jax.random.uniform(k2, (512, 10), minval=-0.05, maxval=0.05), jnp.zeros(10)]
    x = jax.random.uniform(k3, (256, 784), minval=-1, maxval=1)
    y = jnp.arange(256) * 7 % 10
    for _ in range(20):
        jax.block_until_ready(step(params, x, y))
    times = []
    for _ in range(7):
        n = 200
        t = time.perf_counter()
        for _ in range(n):
            out = step(params, x, y)
        jax.block_until_ready(out)
        times.append((time.perf_counter() - t) / n * 1e3)
    times.sort()
    print(f"jax {jax.__version__} mlp_step 784-512-10 batch 256: median {times[len(times) // 2]:.3f} ms/step "
          f"(best {times[0]:.3f})")


if __name__ == "__main__":
    main()
