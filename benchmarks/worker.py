"""One benchmark job in its own process; prints one JSON line on stdout.

    python -m benchmarks.worker time W1 100 [--quick]
    python -m benchmarks.worker mem W3 funcgrad 1000000
    python -m benchmarks.worker mem W5 numpy

``benchmarks.run`` starts these with the thread variables set to 1 and without
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE; run by hand, a worker measures whatever
environment it is given.
"""

from __future__ import annotations

import gc
import json
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

from benchmarks import workloads


def rel_error(got: list[np.ndarray], want: list[np.ndarray], dtype: Any) -> tuple[float, str]:
    """The worst relative error over the arrays, and a problem (dtype/shape) if any."""
    if len(got) != len(want):
        return float("inf"), f"{len(got)} results, expected {len(want)}"
    worst = 0.0
    for a, b in zip(got, want):
        a = np.asarray(a)
        if a.shape != b.shape:
            return float("inf"), f"shape {a.shape}, expected {b.shape}"
        if a.dtype != np.dtype(dtype):
            return float("inf"), f"dtype {a.dtype}, expected {np.dtype(dtype)}"
        scale = max(float(np.max(np.abs(b))) if b.size else 0.0, np.finfo(np.float64).tiny)
        worst = max(worst, float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))) / scale)
    return worst, ""


def tolerance(dtype: Any) -> float:
    return 1e-4 if np.dtype(dtype) == np.float32 else 1e-8


def blas_info() -> list[dict[str, Any]]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"error": "threadpoolctl not installed (pip install -e '.[bench]')"}]
    keep = ("user_api", "internal_api", "version", "architecture", "num_threads", "threading_layer", "filepath")
    return [{k: v for k, v in info.items() if k in keep} for info in threadpool_info()]


def time_job(name: str, case: str, quick: bool) -> dict[str, Any]:
    make, _ = workloads.WORKLOADS[name]
    w = make(case, quick)
    reference = w.candidates["numpy"]()
    checks: dict[str, dict[str, Any]] = {}
    timed = ["numpy"]
    for cand, fn in w.candidates.items():
        if cand == "numpy":
            continue
        if cand in w.unchecked:
            fn()
            timed.append(cand)
            continue
        try:
            err, problem = rel_error(fn(), reference, w.dtype)
        except Exception as error:  # a peer that cannot run this workload is reported, not fatal
            err, problem = float("inf"), f"{type(error).__name__}: {error}"
        ok = not problem and err <= tolerance(w.dtype)
        checks[cand] = {"rel_error": err, "ok": ok, "problem": problem}
        if ok:
            timed.append(cand)
    samples: dict[str, list[float]] = {cand: [] for cand in timed}
    for rep in range(w.repeats):
        shift = rep % len(timed)  # interleaved, and each candidate takes every slot in turn
        for cand in timed[shift:] + timed[:shift]:
            fn = w.candidates[cand]
            gc.collect()
            t0 = time.perf_counter()
            fn()
            samples[cand].append((time.perf_counter() - t0) * w.unit_scale)
    stats = {
        cand: {"median": statistics.median(s), "min": min(s), "max": max(s), "n": len(s)}
        for cand, s in samples.items()
    }
    # First calls: a freshly made jitted function traces (and checks its plan) on its
    # first call; the eager call beside it, interleaved, is the same-run reference. In ms.
    first: dict[str, list[float]] = {cand: [] for cand in w.first_calls}
    for rep in range(3 if quick else 7):
        for cand, fn in w.first_calls.items():
            gc.collect()
            t0 = time.perf_counter()
            fn()
            first[cand].append((time.perf_counter() - t0) * 1e3)
    first_stats = {cand: {"median": statistics.median(s), "min": min(s), "max": max(s)} for cand, s in first.items()}
    return {
        "workload": w.name, "case": w.case, "unit": w.unit, "dtype": str(np.dtype(w.dtype)),
        "stats": stats, "checks": checks, "notes": w.notes, "blas": blas_info(), "first_calls": first_stats,
    }


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def w3_job(candidate: str, ops: int) -> dict[str, Any]:
    """One W3 chain in this fresh process: seconds and peak RSS above the baseline."""
    x0 = np.array([0.5])
    cycles = ops // 5
    fn: Any
    if candidate == "numpy":
        fn = lambda: workloads.chain_numpy(x0, cycles)  # noqa: E731
    elif candidate == "funcgrad":
        fn = lambda: workloads.chain_funcgrad(x0, cycles)  # noqa: E731
    else:
        candidates = workloads._chain_candidates(x0, cycles, peers=True)
        fn = candidates[candidate]
    # Warm the code paths on a short chain so one-time imports do not count.
    workloads.chain_numpy(x0, 2)
    if candidate == "funcgrad":
        workloads.chain_funcgrad(x0, 2)
    gc.collect()
    base = _maxrss_mb()
    t0 = time.perf_counter()
    got = fn()
    seconds = time.perf_counter() - t0
    peak = _maxrss_mb() - base
    del fn
    err, problem = (0.0, "") if candidate == "numpy" else rel_error(got, workloads.chain_numpy(x0, cycles), np.float64)
    return {"seconds": seconds, "peak_mb": peak, "rel_error": err, "problem": problem,
            "ok": not problem and err <= 1e-8, "blas": blas_info()}


def w5_job(candidate: str) -> dict[str, Any]:
    """Peak traced memory of one W2 float64 gradient above the inputs, in a fresh process."""
    params, X, onehot = workloads.mlp_data(np.float64)
    run = {"numpy": workloads.mlp_numpy, "funcgrad": workloads.mlp_funcgrad}[candidate]
    run(params, X, onehot)  # warm: lazy imports and first-call caches are not the gradient's
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    got = run(params, X, onehot)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    inputs = sum(p.nbytes for p in params) + X.nbytes + onehot.nbytes
    err, problem = rel_error(got, workloads.mlp_numpy(params, X, onehot), np.float64)
    return {"peak_mb": peak / 2**20, "inputs_mb": inputs / 2**20, "rel_error": err, "problem": problem,
            "ok": not problem and err <= 1e-8}


def machine() -> dict[str, Any]:
    return {"python": sys.version.split()[0], "numpy": np.__version__, "platform": platform.platform(),
            "processor": _cpu_model(), "blas": blas_info()}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    args = [a for a in argv if a != "--quick"]
    mode = args[0]
    if mode == "time":
        result = time_job(args[1], args[2], quick)
    elif mode == "mem" and args[1] == "W3":
        result = w3_job(args[2], int(args[3]))
    elif mode == "mem" and args[1] == "W5":
        result = w5_job(args[2])
    elif mode == "machine":
        result = machine()
    else:
        raise SystemExit(f"unknown job {argv}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
