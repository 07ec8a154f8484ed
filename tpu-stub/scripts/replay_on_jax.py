"""Compile a StableHLO module that the pjrt backend wrote (-Dkiln.pjrt.dump-dir) with the XLA inside
jaxlib, run it on random inputs of its own argument types, and print the time per call.

It separates what Kiln's lowering costs from what the plugin's compiler costs: the same module text
timed here (JAX's XLA) and under the pjrt backend (the plugin's XLA) differ only in the compiler.

    build/venv/bin/python tpu-stub/scripts/replay_on_jax.py DIR/module-0.mlir [calls]
"""

import re
import sys
import time

import numpy as np
import jax
from jax._src import xla_bridge
from jax._src.lib import xla_client

DTYPES = {"f32": np.float32, "f64": np.float64, "i32": np.int32, "i64": np.int64, "ui32": np.uint32, "i1": np.bool_}


def argument_types(text):
    """(shape, numpy dtype) of each argument of @main, from its signature."""
    signature = re.search(r"func\.func public @main\((.*?)\)\s*->", text, re.S).group(1)
    types = []
    for body in re.findall(r"tensor<([^>]*)>", signature):
        parts = body.split("x")
        types.append((tuple(int(p) for p in parts[:-1]), DTYPES[parts[-1]]))
    return types


def main():
    path = sys.argv[1]
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    text = open(path).read()
    backend = xla_bridge.get_backend("cpu")
    device = backend.local_devices()[0]
    rng = np.random.default_rng(1)
    args = []
    for shape, dtype in argument_types(text):
        value = rng.random(shape) if np.issubdtype(dtype, np.floating) else rng.integers(0, 100, shape)
        args.append(jax.device_put(np.asarray(value, dtype=dtype), device))
    t0 = time.perf_counter()
    exe = backend.compile_and_load(text, xla_client.DeviceList((device,)), xla_client.CompileOptions())
    print(f"{path}: compiled by jaxlib {jax.__version__}'s XLA in {(time.perf_counter() - t0) * 1e3:.1f} ms")

    def run():
        outputs = exe.execute_sharded(args).disassemble_into_single_device_arrays()
        for out in outputs:
            out[0].block_until_ready()

    run()
    rounds = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(calls):
            run()
        rounds.append((time.perf_counter() - t0) / calls * 1e3)
    print(f"per call: fastest {min(rounds):.3f} ms, median {sorted(rounds)[2]:.3f} ms over 5 rounds of {calls}")


if __name__ == "__main__":
    main()
