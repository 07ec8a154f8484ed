"""Times the comparison workloads in JAX, jitted and op by op, and writes the medians as JSON.

The same computations as dev.kiln.bench (Workloads.java, MlpStep.java, CompileLatency.java,
Dispatch.java), in float32, at the same sizes. Every timed run ends with block_until_ready; a run
repeats the call until it lasts at least --run-seconds, and the reported time per call is the
median over --runs runs, after a warm-up that includes compilation.

    build/venv/bin/python bench/jax/workloads.py --out build/bench/jax.json [--quick]

dev.kiln.bench.Compare runs this script itself; run it by hand to look at JAX alone.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

import jax
import jax.numpy as jnp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mlp_step  # noqa: E402  (the MLP step as bench/jax/mlp_step.py defines it)
import programs  # noqa: E402  (the sizes of Programs.java)


def sum_fma(x, y, z):
    return jnp.sum(x + y * z)


def tanh_chain(x, y, z):
    return jnp.tanh(x + y * z) * 0.5 + x


def softmax(x):
    e = jnp.exp(x - jnp.max(x, axis=1, keepdims=True))
    return e / jnp.sum(e, axis=1, keepdims=True)


def layer_norm(x, gamma, beta):
    centred = x - jnp.mean(x, axis=1, keepdims=True)
    variance = jnp.mean(jnp.square(centred), axis=1, keepdims=True)
    return centred * jax.lax.rsqrt(variance + 1e-5) * gamma + beta


def dense(x, w, b):
    return jnp.tanh(x @ w + b)


def matmul(a, b):
    return a @ b


def sgd_eager(params, x, y):
    grads = jax.grad(mlp_step.loss)(params, x, y)
    return [p - 0.01 * g for p, g in zip(params, grads)]


# ---- typical programs (bench/src/main/java/dev/kiln/bench/Programs.java; sizes in programs.py)

def matvec(w, x):
    return w @ x


def tanh_quadratic(a, x):
    return jnp.sum(jnp.tanh(a @ x))


def hvp(a, x, v):
    return jax.jvp(jax.grad(lambda y: tanh_quadratic(a, y)), (x,), (v,))[1]


def rnn_loss(params, xs):
    w, u, b = params
    h0 = jnp.zeros((programs.RNN_BATCH, programs.RNN_HIDDEN), jnp.float32)

    def step(h, x):
        return jnp.tanh(h @ w + x @ u + b), None

    last, _ = jax.lax.scan(step, h0, xs)
    return jnp.mean(jnp.square(last))


def rnn_grad(params, xs):
    return jax.grad(rnn_loss)(params, xs)


def attention(q, k, v):
    s = (q @ jnp.swapaxes(k, 1, 2)) * (1.0 / np.sqrt(programs.ATT_DIM))
    e = jnp.exp(s - jnp.max(s, axis=2, keepdims=True))
    return (e / jnp.sum(e, axis=2, keepdims=True)) @ v


def gelu(x):
    return 0.5 * x * (1.0 + jnp.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x * x * x)))


def gelu_mlp_loss(params, x):
    w1, b1, w2, b2 = params
    out = gelu(x @ w1 + b1) @ w2 + b2
    return jnp.mean(jnp.square(out))


def gelu_mlp_grad(params, x):
    return jax.grad(gelu_mlp_loss)(params, x)


def example_loss(params, xy):
    w1, b1, w2, b2 = params
    x, y = xy[:programs.PEX_IN], xy[programs.PEX_IN:]
    out = jnp.tanh(x @ w1 + b1) @ w2 + b2
    return jnp.sum(jnp.square(out - y))


def per_example_grads(params, batch):
    return jax.vmap(jax.grad(example_loss), in_axes=(None, 0))(params, batch)


def tf_layer_norm(x, scale, bias):
    return jax.nn.standardize(x, axis=-1, epsilon=1e-5) * scale + bias


def tf_block(p, x):
    """The examples' transformer block (dev.kiln.examples.TransformerBlock)."""
    b, t, d = x.shape
    heads = lambda y: y.reshape(b, t, programs.TF_HEADS, d // programs.TF_HEADS)
    ln1s, ln1b, wq, wk, wv, wo, ln2s, ln2b, w1, b1, w2, b2 = p
    h = tf_layer_norm(x, ln1s, ln1b)
    a = jax.nn.dot_product_attention(heads(h @ wq), heads(h @ wk), heads(h @ wv), is_causal=True)
    x = x + a.reshape(b, t, d) @ wo
    h = tf_layer_norm(x, ln2s, ln2b)
    return x + jax.nn.gelu(h @ w1 + b1) @ w2 + b2


def tf_loss(p, x, target):
    return jnp.mean(jnp.square(tf_block(p, x) - target))


def transformer_step(p, x, target):
    """One SGD step: the loss, its gradient over every weight, and p - 0.01 g."""
    loss, g = jax.value_and_grad(tf_loss)(p, x, target)
    return [w - 0.01 * gw for w, gw in zip(p, g)], loss


def uniform(rng, shape, scale=1.0):
    return jnp.asarray(rng.uniform(-scale, scale, size=shape).astype(np.float32))


def median_time(fn, args, runs, run_seconds, warmup_seconds):
    """Median seconds per call of fn(*args), each run timed as a whole and ended by block_until_ready."""
    start = time.perf_counter()
    calls = 0
    # warm-up: compiles, and lets the first calls' allocations settle
    while calls < 3 or time.perf_counter() - start < warmup_seconds:
        jax.block_until_ready(fn(*args))
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    repeat = max(1, int(run_seconds / max(per_call, 1e-9)))
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = None
        for _ in range(repeat):
            out = fn(*args)
        jax.block_until_ready(out)
        times.append((time.perf_counter() - t) / repeat)
    return {"median_s": statistics.median(times), "runs_s": times, "calls_per_run": repeat}


def first_call_times(count, warmup, fresh):
    """Seconds of the first call of a newly jitted sum(tanh(x*c + 1)), as CompileLatency does it.

    fresh: every function gets a new constant c and a new input length (nothing cached can
    answer); otherwise only the function object is new.
    """
    rng = np.random.default_rng(17)
    times = []
    for i in range(1, warmup + count + 1):
        n = 4096 + i if fresh else 4096
        c = 1.0 + i * 1e-3 if fresh else 1.5
        x = uniform(rng, (n,))
        jax.block_until_ready(x)
        f = jax.jit(lambda a, c=c: jnp.sum(jnp.tanh(a * c + 1.0)))
        t = time.perf_counter()
        jax.block_until_ready(f(x))
        if i > warmup:
            times.append(time.perf_counter() - t)
    return {"median_s": statistics.median(times), "runs_s": times, "calls_per_run": 1}


def workloads(rng, sizes):
    """(key, function, arguments) for every workload timed jitted and op by op."""
    n = 1 << 24
    x, y, z = uniform(rng, (n,)), uniform(rng, (n,)), uniform(rng, (n,))
    rows, cols = 4096, 1024
    m = uniform(rng, (rows, cols), 4.0)
    gamma, beta = uniform(rng, (cols,)), uniform(rng, (cols,))
    out = [
        ("sum_fma_16M", sum_fma, (x, y, z)),
        ("tanh_chain_16M", tanh_chain, (x, y, z)),
        ("softmax_4096x1024", softmax, (m,)),
        ("layernorm_4096x1024", layer_norm, (m, gamma, beta)),
    ]
    for s in sizes:
        out.append((f"matmul_{s}", matmul, (uniform(rng, (s, s)), uniform(rng, (s, s)))))
    d = 1024
    out.append(("dense_1024", dense, (uniform(rng, (d, d)), uniform(rng, (d, d), d ** -0.5), uniform(rng, (d,)))))
    params = [uniform(rng, (784, 512), 0.05), jnp.zeros(512, jnp.float32),
              uniform(rng, (512, 10), 0.05), jnp.zeros(10, jnp.float32)]
    batch = uniform(rng, (256, 784))
    labels = jnp.arange(256) * 7 % 10
    out.append(("mlp_step", sgd_eager, (params, batch, labels)))
    out.append(("dispatch_add8", jnp.add, (uniform(rng, (8,)), uniform(rng, (8,)))))
    out.extend(program_workloads(rng))
    return out


def program_workloads(rng):
    """The typical programs of Programs.java, at its sizes."""
    p = programs
    mv = p.MATVEC
    hv = p.HVP
    out = [("matvec_4096", matvec, (uniform(rng, (mv, mv)), uniform(rng, (mv,)))),
           ("hvp_2048", hvp, (uniform(rng, (hv, hv), hv ** -0.5), uniform(rng, (hv,)), uniform(rng, (hv,))))]
    rnn = (uniform(rng, (p.RNN_HIDDEN, p.RNN_HIDDEN), p.RNN_HIDDEN ** -0.5),
           uniform(rng, (p.RNN_IN, p.RNN_HIDDEN), p.RNN_IN ** -0.5),
           jnp.zeros(p.RNN_HIDDEN, jnp.float32))
    out.append(("rnn_grad", rnn_grad, (rnn, uniform(rng, (p.RNN_STEPS, p.RNN_BATCH, p.RNN_IN)))))
    qkv = (p.ATT_BATCH, p.ATT_SEQ, p.ATT_DIM)
    out.append(("attention", attention, (uniform(rng, qkv), uniform(rng, qkv), uniform(rng, qkv))))
    mlp = (uniform(rng, (p.GELU_IO, p.GELU_HIDDEN), p.GELU_IO ** -0.5), jnp.zeros(p.GELU_HIDDEN, jnp.float32),
           uniform(rng, (p.GELU_HIDDEN, p.GELU_IO), p.GELU_HIDDEN ** -0.5), jnp.zeros(p.GELU_IO, jnp.float32))
    out.append(("gelu_mlp_grad", gelu_mlp_grad, (mlp, uniform(rng, (p.GELU_BATCH, p.GELU_IO)))))
    pex = (uniform(rng, (p.PEX_IN, p.PEX_HIDDEN), p.PEX_IN ** -0.5), jnp.zeros(p.PEX_HIDDEN, jnp.float32),
           uniform(rng, (p.PEX_HIDDEN,), p.PEX_HIDDEN ** -0.5), jnp.zeros((), jnp.float32))
    out.append(("per_example_grads", per_example_grads, (pex, uniform(rng, (p.PEX_BATCH, p.PEX_IN + 1)))))
    d, f = p.TF_DIM, p.TF_HIDDEN
    tf = [jnp.ones(d, jnp.float32), jnp.zeros(d, jnp.float32)] + [uniform(rng, (d, d), d ** -0.5) for _ in range(4)] \
        + [jnp.ones(d, jnp.float32), jnp.zeros(d, jnp.float32), uniform(rng, (d, f), d ** -0.5),
           jnp.zeros(f, jnp.float32), uniform(rng, (f, d), f ** -0.5), jnp.zeros(d, jnp.float32)]
    tokens = (p.TF_BATCH, p.TF_SEQ, p.TF_DIM)
    out.append(("transformer_step", transformer_step, (tf, uniform(rng, tokens), uniform(rng, tokens))))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="JSON file to write")
    ap.add_argument("--quick", action="store_true", help="fewer and shorter runs, matmul up to 1024")
    ap.add_argument("--only", default=None, help="regular expression: time only the workloads it matches")
    args = ap.parse_args()
    runs, run_seconds, warmup_seconds = (5, 0.2, 0.5) if args.quick else (11, 0.5, 2.0)
    sizes = [256, 1024] if args.quick else [256, 1024, 2048]
    rng = np.random.default_rng(0)
    only = None
    if args.only:
        import re
        only = re.compile(args.only)

    results = {}
    for key, fn, fargs in workloads(rng, sizes):
        if only and not only.search(key):
            continue
        jitted = mlp_step.step if key == "mlp_step" else jax.jit(fn)
        entry = {"jit": median_time(jitted, fargs, runs, run_seconds, warmup_seconds),
                 "eager": median_time(fn, fargs, runs, run_seconds, warmup_seconds)}
        results[key] = entry
        print(f"jax {key}: jit {entry['jit']['median_s'] * 1e3:.4f} ms, "
              f"eager {entry['eager']['median_s'] * 1e3:.4f} ms", flush=True)
    if not only or only.search("compile_latency"):
        count, warmup = (20, 5) if args.quick else (60, 20)
        results["compile_latency"] = {"jit": first_call_times(count, warmup, fresh=True)}
        results["compile_latency_cached"] = {"jit": first_call_times(count, warmup, fresh=False)}
        print(f"jax compile_latency: {results['compile_latency']['jit']['median_s'] * 1e3:.3f} ms "
              f"(same structure: {results['compile_latency_cached']['jit']['median_s'] * 1e3:.3f} ms)", flush=True)

    report = {
        "jax_version": jax.__version__,
        "jaxlib_version": getattr(jax.lib, "__version__", None) or __import__("jaxlib").__version__,
        "backend": jax.default_backend(),
        "devices": [str(d) for d in jax.devices()],
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "xla_flags": os.environ.get("XLA_FLAGS", ""),
        "mode": "quick" if args.quick else "full",
        "method": f"median of {runs} runs of >= {run_seconds}s each after {warmup_seconds}s warm-up; "
                  "compile latency: median first call over fresh functions",
        "results": results,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
