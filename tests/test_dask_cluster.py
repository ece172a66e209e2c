"""funcgrad's transforms on Dask arrays, computed on a real multi-process cluster.

The module starts a ``dask.distributed.LocalCluster`` of worker processes on loopback
(and stops it at the end). The data is made on the workers, in chunks, twenty times a
chunk in all; a gradient is a lazy Dask array whose graph holds no copy of the data,
and its ``compute()`` runs on the cluster and agrees with the same gradient on NumPy.
"""

from __future__ import annotations

import os
import time
from typing import Any, Iterator

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp

da = pytest.importorskip("dask.array", reason="Dask is not installed (pip install 'funcgrad[dask]')")
distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install 'funcgrad[dask]')")
cloudpickle = pytest.importorskip("cloudpickle")

ROWS, FEATURES, CHUNK = 20_000, 8, 1_000  # 20 chunks of 1,000 rows


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None, silence_logs=40
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def data(seed: int = 0) -> tuple[Any, Any, Any]:
    """Features, targets and +-1 labels, generated chunk by chunk on the workers."""
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((ROWS, FEATURES), chunks=(CHUNK, FEATURES))
    y = X @ da.from_array(np.linspace(-1.0, 1.0, FEATURES)) + 0.1 * rng.standard_normal(ROWS, chunks=CHUNK)
    labels = da.sign(y + 0.05)
    return X, y, labels


def least_squares(w: Any, X: Any, y: Any) -> Any:
    r = X @ w - y
    return 0.5 * fnp.sum(r * r) / X.shape[0]


def logistic(w: Any, X: Any, labels: Any) -> Any:
    return fnp.mean(fnp.logaddexp(0.0, -labels * (X @ w)))


def weights() -> np.ndarray:
    return np.random.default_rng(1).standard_normal(FEATURES) * 0.3


def test_data_is_chunked_ten_times_over() -> None:
    X, _, _ = data()
    assert X.numblocks[0] >= 10 and X.chunks[0][0] == CHUNK


@pytest.mark.parametrize("loss", [least_squares, logistic])
def test_gradient_is_lazy_runs_on_the_cluster_and_matches_numpy(client: Any, loss: Any) -> None:
    X, y, labels = data()
    target = y if loss is least_squares else labels
    w = weights()
    g = fg.grad(loss, argnums=0)(da.from_array(w), X, target)
    assert isinstance(g, da.Array)  # nothing computed yet
    with distributed.get_task_stream(client) as stream:
        got = g.compute()
    assert {task["worker"] for task in stream.data} == set(client.scheduler_info()["workers"])
    X_np, target_np = client.compute([X, target], sync=True)
    want = fg.grad(loss, argnums=0)(w, X_np, target_np)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_value_and_grad_vjp_jvp_hvp_and_jit_stay_lazy(client: Any) -> None:
    X, y, _ = data()
    w, v = weights(), np.ones(FEATURES)
    wd, vd = da.from_array(w), da.from_array(v)
    X_np, y_np = client.compute([X, y], sync=True)

    def loss_d(w: Any) -> Any:
        return least_squares(w, X, y)

    def loss_np(w: Any) -> Any:
        return least_squares(w, X_np, y_np)

    value, g = fg.value_and_grad(loss_d, argnums=0)(wd)
    out, pullback = fg.vjp(lambda w: X @ w, wd)
    (pulled,) = pullback(da.ones(ROWS, chunks=CHUNK))
    _, tangent = fg.jvp(loss_d, (wd,), (vd,))
    (hv,) = fg.hvp(loss_d, (wd,), (vd,))
    step = fg.jit(fg.grad(loss_d, argnums=0))
    jitted = [step(wd), step(wd + 1.0)]
    lazy = [value, g, out, pulled, tangent, hv, *jitted]
    assert all(isinstance(x, da.Array) for x in lazy)
    assert step.trace_count == 1  # the second call replayed the trace
    got = client.compute(lazy, sync=True)
    want = [
        *fg.value_and_grad(loss_np, argnums=0)(w),
        X_np @ w,
        X_np.sum(axis=0),
        fg.jvp(loss_np, (w,), (v,))[1],
        fg.hvp(loss_np, (w,), (v,))[0],
        fg.grad(loss_np, argnums=0)(w),
        fg.grad(loss_np, argnums=0)(w + 1.0),
    ]
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_the_graph_holds_no_copy_of_the_data(client: Any) -> None:
    X, y, _ = data()
    g = fg.grad(least_squares, argnums=0)(da.from_array(weights()), X, y)
    graph_bytes = len(cloudpickle.dumps(dict(g.__dask_graph__())))
    assert graph_bytes < X.nbytes / 20, f"the gradient's graph is {graph_bytes} bytes for {X.nbytes} bytes of data"


def _slow(block: np.ndarray) -> np.ndarray:
    time.sleep(0.1)
    return block


def test_a_worker_killed_mid_computation_is_survived(client: Any) -> None:
    X, y, _ = data(seed=3)
    X = X.map_blocks(_slow, dtype=X.dtype)  # 20 chunks at 0.1 s each: about a second per worker
    w = weights()
    g = fg.grad(least_squares, argnums=0)(da.from_array(w), X, y)
    future = client.compute(g)
    deadline = time.monotonic() + 30
    while sum(len(keys) for keys in client.has_what().values()) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)  # until some results are held by the workers: mid-computation
    assert not future.done()
    victim = next(iter(client.scheduler_info()["workers"]))
    try:
        client.run(os._exit, 1, workers=[victim])  # the worker process dies; its nanny restarts it
    except Exception:
        pass  # the run's own connection dies with the worker
    got = future.result(timeout=120)
    assert victim not in client.scheduler_info()["workers"]  # it did die (its nanny started a new one)
    X_np, y_np = client.compute([X, y], sync=True)
    np.testing.assert_allclose(got, fg.grad(least_squares, argnums=0)(w, X_np, y_np), rtol=1e-10, atol=1e-12)


def test_the_docs_dask_example_runs_and_fits(tmp_path: Any) -> None:
    """docs/backends.md's example, as a user runs it: a script that starts its own cluster."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "backends.md").read_text()
    script = tmp_path / "example.py"
    script.write_text(re.findall(r"```python\n(.*?)```", page, re.S)[0])
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    loss = float(re.search(r"loss ([0-9.]+)", result.stdout).group(1))  # type: ignore[union-attr]
    assert 0.004 < loss < 0.006  # the noise's variance / 2: the fit found the weights
    assert "w: [-1.   -0.87" in result.stdout
