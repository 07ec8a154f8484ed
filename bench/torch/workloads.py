"""Times the comparison workloads in PyTorch (CPU), eager and under torch.compile, as JSON.

The same computations as bench/jax/workloads.py and dev.kiln.bench (Workloads.java, MlpStep.java,
Programs.java), in float32, at the same sizes, on as many threads as the machine has cores (the
same as Kiln's CPU backend and XLA). torch.compile uses Inductor, which generates C++ with OpenMP.
A run repeats the call until it lasts at least --run-seconds; the reported time per call is the
median over --runs runs, after a warm-up that includes compilation.

    build/venv/bin/python bench/torch/workloads.py --out build/bench/torch.json [--quick]

dev.kiln.bench.Compare runs this script itself (run "torch").
"""
import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
import traceback

import numpy as np
import torch
import torch.func as tf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "jax"))
import programs as p  # noqa: E402  (the sizes of Programs.java)


def sum_fma(x, y, z):
    return torch.sum(x + y * z)


def tanh_chain(x, y, z):
    return torch.tanh(x + y * z) * 0.5 + x


def softmax(x):
    e = torch.exp(x - torch.amax(x, dim=1, keepdim=True))
    return e / torch.sum(e, dim=1, keepdim=True)


def layer_norm(x, gamma, beta):
    centred = x - torch.mean(x, dim=1, keepdim=True)
    variance = torch.mean(centred * centred, dim=1, keepdim=True)
    return centred * torch.rsqrt(variance + 1e-5) * gamma + beta


def dense(x, w, b):
    return torch.tanh(x @ w + b)


def matmul(a, b):
    return a @ b


def mlp_loss(params, x, y):
    w1, b1, w2, b2 = params
    h = torch.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -torch.mean(torch.sum(log_probs * torch.nn.functional.one_hot(y, 10).float(), dim=1))


def mlp_step(params, x, y):
    grads = tf.grad(mlp_loss)(params, x, y)
    return [w - 0.01 * g for w, g in zip(params, grads)]


def matvec(w, x):
    return w @ x


def tanh_quadratic(a, x):
    return torch.sum(torch.tanh(a @ x))


def hvp(a, x, v):
    return tf.jvp(tf.grad(lambda y: tanh_quadratic(a, y)), (x,), (v,))[1]


def rnn_loss(params, xs):
    w, u, b = params
    h = torch.zeros(p.RNN_BATCH, p.RNN_HIDDEN)
    for t in range(xs.shape[0]):
        h = torch.tanh(h @ w + xs[t] @ u + b)
    return torch.mean(h * h)


def rnn_grad(params, xs):
    return tf.grad(rnn_loss)(params, xs)


def attention(q, k, v):
    s = (q @ k.transpose(1, 2)) * (1.0 / math.sqrt(p.ATT_DIM))
    e = torch.exp(s - torch.amax(s, dim=2, keepdim=True))
    return (e / torch.sum(e, dim=2, keepdim=True)) @ v


def gelu(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)))


def gelu_mlp_loss(params, x):
    w1, b1, w2, b2 = params
    out = gelu(x @ w1 + b1) @ w2 + b2
    return torch.mean(out * out)


def gelu_mlp_grad(params, x):
    return tf.grad(gelu_mlp_loss)(params, x)


def example_loss(params, xy):
    w1, b1, w2, b2 = params
    x, y = xy[:p.PEX_IN], xy[p.PEX_IN:]
    out = torch.tanh(x @ w1 + b1) @ w2 + b2
    return torch.sum((out - y) ** 2)


def per_example_grads(params, batch):
    return tf.vmap(tf.grad(example_loss), in_dims=(None, 0))(params, batch)


def add(x, y):
    return x + y


def uniform(rng, shape, scale=1.0):
    return torch.from_numpy(rng.uniform(-scale, scale, size=shape).astype(np.float32))


def workloads(rng, sizes):
    """(key, function, arguments) for every workload, keyed as in jax/workloads.py."""
    n = 1 << 24
    x, y, z = uniform(rng, (n,)), uniform(rng, (n,)), uniform(rng, (n,))
    m = uniform(rng, (4096, 1024), 4.0)
    gamma, beta = uniform(rng, (1024,)), uniform(rng, (1024,))
    out = [("sum_fma_16M", sum_fma, (x, y, z)), ("tanh_chain_16M", tanh_chain, (x, y, z)),
           ("softmax_4096x1024", softmax, (m,)), ("layernorm_4096x1024", layer_norm, (m, gamma, beta))]
    for s in sizes:
        out.append((f"matmul_{s}", matmul, (uniform(rng, (s, s)), uniform(rng, (s, s)))))
    d = 1024
    out.append(("dense_1024", dense, (uniform(rng, (d, d)), uniform(rng, (d, d), d ** -0.5), uniform(rng, (d,)))))
    params = [uniform(rng, (784, 512), 0.05), torch.zeros(512), uniform(rng, (512, 10), 0.05), torch.zeros(10)]
    labels = torch.arange(256) * 7 % 10
    out.append(("mlp_step", mlp_step, (params, uniform(rng, (256, 784)), labels)))
    out.append(("dispatch_add8", add, (uniform(rng, (8,)), uniform(rng, (8,)))))
    mv, hv = p.MATVEC, p.HVP
    out.append(("matvec_4096", matvec, (uniform(rng, (mv, mv)), uniform(rng, (mv,)))))
    out.append(("hvp_2048", hvp, (uniform(rng, (hv, hv), hv ** -0.5), uniform(rng, (hv,)), uniform(rng, (hv,)))))
    rnn = (uniform(rng, (p.RNN_HIDDEN, p.RNN_HIDDEN), p.RNN_HIDDEN ** -0.5),
           uniform(rng, (p.RNN_IN, p.RNN_HIDDEN), p.RNN_IN ** -0.5), torch.zeros(p.RNN_HIDDEN))
    out.append(("rnn_grad", rnn_grad, (rnn, uniform(rng, (p.RNN_STEPS, p.RNN_BATCH, p.RNN_IN)))))
    qkv = (p.ATT_BATCH, p.ATT_SEQ, p.ATT_DIM)
    out.append(("attention", attention, (uniform(rng, qkv), uniform(rng, qkv), uniform(rng, qkv))))
    mlp = (uniform(rng, (p.GELU_IO, p.GELU_HIDDEN), p.GELU_IO ** -0.5), torch.zeros(p.GELU_HIDDEN),
           uniform(rng, (p.GELU_HIDDEN, p.GELU_IO), p.GELU_HIDDEN ** -0.5), torch.zeros(p.GELU_IO))
    out.append(("gelu_mlp_grad", gelu_mlp_grad, (mlp, uniform(rng, (p.GELU_BATCH, p.GELU_IO)))))
    pex = (uniform(rng, (p.PEX_IN, p.PEX_HIDDEN), p.PEX_IN ** -0.5), torch.zeros(p.PEX_HIDDEN),
           uniform(rng, (p.PEX_HIDDEN,), p.PEX_HIDDEN ** -0.5), torch.zeros(()))
    out.append(("per_example_grads", per_example_grads, (pex, uniform(rng, (p.PEX_BATCH, p.PEX_IN + 1)))))
    return out


def median_time(fn, args, runs, run_seconds, warmup_seconds):
    """Median seconds per call of fn(*args) (CPU tensors: every call has finished when it returns).

    Runs under no_grad: forward-only work builds no autograd graph, and the torch.func transforms
    compute their derivatives regardless of an outer no_grad.
    """
    with torch.no_grad():
        start = time.perf_counter()
        calls = 0
        while calls < 3 or time.perf_counter() - start < warmup_seconds:
            fn(*args)
            calls += 1
        per_call = (time.perf_counter() - start) / calls
        repeat = max(1, int(run_seconds / max(per_call, 1e-9)))
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            for _ in range(repeat):
                fn(*args)
            times.append((time.perf_counter() - t) / repeat)
    return {"median_s": statistics.median(times), "runs_s": times, "calls_per_run": repeat}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="JSON file to write")
    ap.add_argument("--quick", action="store_true", help="fewer and shorter runs, matmul up to 1024")
    ap.add_argument("--only", default=None, help="regular expression: time only the workloads it matches")
    args = ap.parse_args()
    runs, run_seconds, warmup_seconds = (5, 0.2, 0.5) if args.quick else (11, 0.5, 2.0)
    sizes = [256, 1024] if args.quick else [256, 1024, 2048]
    torch.set_num_threads(os.cpu_count())
    rng = np.random.default_rng(0)
    only = None
    if args.only:
        import re
        only = re.compile(args.only)
    results = {}
    for key, fn, fargs in workloads(rng, sizes):
        if only and not only.search(key):
            continue
        entry = {}
        entry["eager"] = median_time(fn, fargs, runs, run_seconds, warmup_seconds)
        try:
            compiled = torch.compile(fn)
            entry["compiled"] = median_time(compiled, fargs, runs, run_seconds, warmup_seconds)
        except Exception as e:  # noqa: BLE001 - a program Inductor cannot compile is reported, not fatal
            entry["compiled_error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
            traceback.print_exc(limit=2)
        results[key] = entry
        c = entry.get("compiled")
        print(f"torch {key}: eager {entry['eager']['median_s'] * 1e3:.4f} ms, compiled "
              f"{c['median_s'] * 1e3:.4f} ms" if c else f"torch {key}: eager "
              f"{entry['eager']['median_s'] * 1e3:.4f} ms, compiled failed: {entry['compiled_error']}", flush=True)
    report = {
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "mode": "quick" if args.quick else "full",
        "method": f"median of {runs} runs of >= {run_seconds}s each after {warmup_seconds}s warm-up "
                  "(compilation included in the warm-up)",
        "results": results,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
