"""W8: what ``checkpoint`` saves and costs on a 100-block residual chain.

    python -m benchmarks.checkpoint_memory            # the table (fresh processes), a minute or so
    python -m benchmarks.checkpoint_memory worker mem plain      # one measurement, JSON

Each block is ``x + tanh(tanh(x @ W1) @ W2)`` on a (256, 64) float64 batch: five
intermediates of one batch's size per block. The gradient is taken w.r.t. the input and
all 200 weight matrices. Measured as W5 is: tracemalloc's peak above the inputs in a
fresh process per cell (after a warm-up call), threads pinned to 1; time is the median
of 11 interleaved runs of each version in another fresh process, without tracemalloc. A checkpointed chain must keep
each block's output (the next block's input) and, during the backward pass, one block's
recomputed intermediates at a time; the plain chain keeps every intermediate of every
block until the backward pass reaches it.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

BLOCKS, BATCH, WIDTH = 100, 256, 64


def _data() -> tuple[np.ndarray, list[np.ndarray]]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, WIDTH))
    ws = [rng.normal(size=(WIDTH, WIDTH)) / np.sqrt(WIDTH) * 0.5 for _ in range(2 * BLOCKS)]
    return x, ws


def _gradient(mode: str, x: np.ndarray, ws: list[np.ndarray]) -> Any:
    import funcgrad.numpy as fnp
    from funcgrad import checkpoint, grad

    def block(h: Any, w1: Any, w2: Any) -> Any:
        return h + fnp.tanh(fnp.matmul(fnp.tanh(fnp.matmul(h, w1)), w2))

    step = checkpoint(block) if mode == "checkpoint" else block

    def loss(h: Any, ws: list[Any]) -> Any:
        for k in range(BLOCKS):
            h = step(h, ws[2 * k], ws[2 * k + 1])
        return (h * h).sum()

    if mode == "forward":  # the forward pass alone, as a unit of cost
        return loss(x, ws)
    return grad(loss)(x, ws)


def _worker(kind: str, mode: str) -> dict[str, Any]:
    x, ws = _data()
    _gradient(mode, x[:2], ws)  # warm: imports and first-call caches are not the gradient's
    gc.collect()
    if kind == "mem":
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        gx, gws = _gradient(mode, x, ws)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        return {"peak_mb": peak / 2**20, "check": float(np.abs(gx).sum() + sum(np.abs(g).sum() for g in gws))}
    # Interleaved, rotating which goes first: same-run ratios, not absolute times.
    modes = ["plain", "checkpoint", "forward"]
    for m in modes:
        _gradient(m, x[:2], ws)
    samples: dict[str, list[float]] = {m: [] for m in modes}
    for r in range(11):
        for m in modes[r % 3 :] + modes[: r % 3]:
            gc.collect()
            t0 = time.perf_counter()
            _gradient(m, x, ws)
            samples[m].append(time.perf_counter() - t0)
    return {m: float(np.median(v)) for m, v in samples.items()}


def _run(kind: str, mode: str) -> dict[str, Any]:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.checkpoint_memory", "worker", kind, mode],
        capture_output=True, text=True, env=env, check=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def main() -> None:
    batch_mb = BATCH * WIDTH * 8 / 2**20
    mem = {mode: _run("mem", mode) for mode in ("plain", "checkpoint")}
    assert np.isclose(mem["plain"]["check"], mem["checkpoint"]["check"], rtol=1e-10), mem
    times = _run("time", "all")
    plain, ckpt = mem["plain"]["peak_mb"], mem["checkpoint"]["peak_mb"]
    outputs = BLOCKS * batch_mb  # what a checkpointed chain must keep: each block's output
    grads = 2 * BLOCKS * WIDTH * WIDTH * 8 / 2**20  # the weight gradients returned
    print(f"## W8 checkpoint: {BLOCKS} residual blocks x + tanh(tanh(x @ W1) @ W2), batch ({BATCH}, {WIDTH}) float64")
    print()
    print("| measure | plain | checkpoint | ratio |")
    print("|---|---|---|---|")
    print(f"| peak memory above the inputs (MB) | {plain:.1f} | {ckpt:.1f} | **{ckpt / plain:.2f}x** |")
    print(f"| beyond the {BLOCKS} block outputs ({outputs:.1f} MB) and the weight gradients ({grads:.1f} MB), "
          f"in batch-sized arrays ({batch_mb:.3f} MB) | "
          f"{(plain - outputs - grads) / batch_mb:.0f} | {(ckpt - outputs - grads) / batch_mb:.0f} | - |")
    print(f"| gradient time (s, median of 11, interleaved) | {times['plain']:.3f} | {times['checkpoint']:.3f} | "
          f"**{times['checkpoint'] / times['plain']:.2f}x** |")
    extra = (times["checkpoint"] - times["plain"]) / times["forward"]
    print(f"| forward pass alone (s) | {times['forward']:.3f} | - | - |")
    print(f"| checkpoint's extra time, in forward passes | - | {extra:.2f} | - |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        print(json.dumps(_worker(sys.argv[2], sys.argv[3])))
    else:
        main()
