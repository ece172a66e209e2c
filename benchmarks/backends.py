"""W10 (Dask) and W11 (CuPy): funcgrad on other array libraries, against the same
computation written by hand in that library, in the same run.

    python -m benchmarks.backends            # both; writes benchmarks/BACKENDS.md
    python -m benchmarks.backends --quick    # 200 MB of data instead of 2 GB (a check)

W10: the least-squares gradient ``X.T @ (X @ w - y) / n`` over 2 GB of float64 data
(64 features, 16 chunks of 128 MB), on a ``LocalCluster`` of 2 worker processes with
one thread each (the machine's cores), against NumPy in one process with one thread on
the same amount of data held in memory. Two layouts:

- *resident*: the data persisted on the workers first (each holds its half), as a
  training loop over a fixed data set keeps it; throughput of the gradient alone.
- *streamed*: the data made chunk by chunk inside the graph (as it would be read from
  disk); here each worker's peak memory is the point: it must be a few chunks, never
  the array. Peak RSS of each worker process is sampled every 10 ms during the compute,
  reported above its level before the compute.

W11: the W2 MLP gradient (784-512-512-10, batch 256) on CuPy arrays, funcgrad against
the same backward pass written by hand on CuPy (``benchmarks.workloads.mlp_numpy``, which
is written with operators and methods only), float32 and float64, device-synchronised.
Not run where there is no GPU: the table says so.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy's BLAS starts (and inherited by the workers)

import numpy as np  # noqa: E402

FEATURES = 64


def _least_squares(w: Any, X: Any, y: Any) -> Any:
    import funcgrad.numpy as fnp

    r = X @ w - y
    return 0.5 * fnp.sum(r * r) / X.shape[0]


def _by_hand(w: Any, X: Any, y: Any) -> Any:
    return X.T @ (X @ w - y) / X.shape[0]


def _median_time(run: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _sample_peaks(pids: dict[str, int], stop: threading.Event, peaks: dict[str, int]) -> None:
    import psutil

    processes = {w: psutil.Process(pid) for w, pid in pids.items()}
    while not stop.is_set():
        for w, p in processes.items():
            try:
                peaks[w] = max(peaks.get(w, 0), p.memory_info().rss)
            except psutil.Error:
                pass
        time.sleep(0.01)


def w10(total_bytes: int) -> list[str]:
    import dask
    import dask.array as da
    import distributed

    import funcgrad as fg

    rows = total_bytes // (FEATURES * 8)
    chunk_rows = rows // 16
    chunk_mb = chunk_rows * FEATURES * 8 / 2**20
    grad = fg.grad(_least_squares, argnums=0)
    w_np = np.linspace(-1.0, 1.0, FEATURES)
    lines = []

    # NumPy, one process, one thread, on data in memory.
    rng = np.random.default_rng(0)
    X_np = rng.standard_normal((rows, FEATURES))
    y_np = rng.standard_normal(rows)
    t_numpy = _median_time(lambda: _by_hand(w_np, X_np, y_np), 5)
    t_fg_numpy = _median_time(lambda: grad(w_np, X_np, y_np), 5)  # snapshots the writable X
    X_np.setflags(write=False)
    y_np.setflags(write=False)
    t_fg_numpy_ro = _median_time(lambda: grad(w_np, X_np, y_np), 5)  # read-only: nothing to copy
    del X_np, y_np

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None, silence_logs=40,
        memory_limit="8GiB",
    )
    client = distributed.Client(cluster)
    try:
        pids = client.run(os.getpid)
        w = da.from_array(w_np)

        def data() -> tuple[Any, Any]:
            r = da.random.default_rng(0)
            return (r.standard_normal((rows, FEATURES), chunks=(chunk_rows, FEATURES)),
                    r.standard_normal(rows, chunks=chunk_rows))

        X, y = data()
        X, y = client.persist([X, y])
        distributed.wait([X, y])
        t_hand = _median_time(lambda: _by_hand(w, X, y).compute(), 5)
        t_fg = _median_time(lambda: grad(w, X, y).compute(), 5)
        gb = total_bytes / 1e9
        lines += [
            "| layout | NumPy by hand, 1 process (s) | funcgrad on NumPy, writable / read-only data (s) | Dask by hand, cluster (s) | funcgrad on Dask, cluster (s) | **funcgrad / Dask by hand** | funcgrad on Dask, GB/s | peak per worker (MiB) | chunk (MiB) |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| resident ({gb:.1f} GB persisted) | {t_numpy:.3g} | {t_fg_numpy:.3g} / {t_fg_numpy_ro:.3g} | {t_hand:.3g} | {t_fg:.3g} | **{t_fg / t_hand:.2f}x** | {gb / t_fg:.2f} | (holds its half of the data) | {chunk_mb:.0f} |",
        ]
        del X, y
        client.run(lambda: __import__("gc").collect())
        time.sleep(1.0)

        def streamed(fn: Callable[..., Any]) -> tuple[float, dict[str, int]]:
            X, y = data()
            g = fn(w, X, y)
            base = client.run(lambda: __import__("psutil").Process().memory_info().rss)
            peaks: dict[str, int] = {}
            stop = threading.Event()
            sampler = threading.Thread(target=_sample_peaks, args=(pids, stop, peaks))
            sampler.start()
            start = time.perf_counter()
            with dask.config.set(scheduler=client):
                g.compute()
            elapsed = time.perf_counter() - start
            stop.set()
            sampler.join()
            return elapsed, {k: peaks.get(k, 0) - base[k] for k in pids}

        t_hand_s, _ = min((streamed(_by_hand) for _ in range(3)), key=lambda r: r[0])
        t_fg_s, peaks = min((streamed(grad) for _ in range(3)), key=lambda r: r[0])
        peak = max(peaks.values()) / 2**20
        lines.append(
            f"| streamed ({gb:.1f} GB made in chunks) | - | - | {t_hand_s:.3g} | {t_fg_s:.3g} | **{t_fg_s / t_hand_s:.2f}x** | {gb / t_fg_s:.2f} | {peak:.0f} ({peak / chunk_mb:.1f} chunks; the array is {total_bytes / 2**20:.0f}) | {chunk_mb:.0f} |"
        )
    finally:
        client.close()
        cluster.close()
    return lines


def w11() -> list[str]:
    try:
        import cupy
        if cupy.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError("no GPU")
    except Exception as error:  # not installed, or no device
        return [f"Not run: CuPy with a GPU is not available here ({type(error).__name__}: {error})."]
    from benchmarks.workloads import mlp_data, mlp_funcgrad, mlp_numpy

    lines = ["| dtype | CuPy by hand (ms) | funcgrad on CuPy (ms) | **ratio** |", "|---|---|---|---|"]
    for dtype in (np.float32, np.float64):
        params, X, onehot = mlp_data(dtype)
        params = tuple(cupy.asarray(p) for p in params)
        X, onehot = cupy.asarray(X), cupy.asarray(onehot)

        def synced(fn: Callable[..., Any]) -> Callable[[], Any]:
            def run() -> Any:
                out = fn(params, X, onehot)
                cupy.cuda.Device().synchronize()
                return out
            return run

        hand, fg = synced(mlp_numpy), synced(mlp_funcgrad)
        for _ in range(5):
            hand(), fg()
        times: dict[str, list[float]] = {"hand": [], "fg": []}
        for _ in range(51):  # interleaved
            for key, run in (("hand", hand), ("fg", fg)):
                start = time.perf_counter()
                run()
                times[key].append(time.perf_counter() - start)
        th, tf = statistics.median(times["hand"]) * 1e3, statistics.median(times["fg"]) * 1e3
        lines.append(f"| {np.dtype(dtype).name} | {th:.3g} | {tf:.3g} | **{tf / th:.2f}x** |")
    return lines


def main() -> None:
    quick = "--quick" in sys.argv
    total = 200 * 10**6 if quick else 2 * 10**9
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# funcgrad on other array libraries (W10 Dask, W11 CuPy)",
        "",
        f"Generated by `python -m benchmarks.backends{' --quick' if quick else ''}` on {stamp}; "
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, NumPy {np.__version__}. "
        "Threads pinned to 1 per process; see the module docstring for what is measured.",
        "",
        "## W10: least-squares gradient on Dask, local cluster of 2 worker processes",
        "",
        *w10(total),
        "",
        "## W11: W2 MLP gradient on CuPy",
        "",
        *w11(),
        "",
    ]
    text = "\n".join(out)
    print(text)
    if not quick:
        (Path(__file__).resolve().parent / "BACKENDS.md").write_text(text)


if __name__ == "__main__":
    main()
