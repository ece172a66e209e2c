"""Before/after ratios of a hot-path change, in one process, interleaved.

    python -m benchmarks.ab REV          # W1 (shapes (1,) and (100,)) and W2 (float64, float32)

The funcgrad of git revision ``REV`` is exported to a temporary folder as the package
``funcgrad_base`` (every ``funcgrad`` name in it renamed) and imported beside the working
tree's ``funcgrad``. Both versions then run the same workloads, alternating call by call,
so the machine's noise (other processes, frequency changes) falls on both alike; separate
processes on a shared machine scatter by several percent. Ratios are working tree over
``REV`` (median and minimum of the per-call times); 1.00 is no change.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import importlib  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tarfile  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def export(rev: str, into: Path) -> None:
    """``rev``'s funcgrad/ as ``into/funcgrad_base``."""
    archive = subprocess.run(["git", "archive", rev, "funcgrad"], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    package = into / "funcgrad_base"
    (into / "funcgrad").rename(package)
    for path in package.rglob("*.py"):
        path.write_text(re.sub(r"\bfuncgrad\b", "funcgrad_base", path.read_text()))


def workloads(name: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    fg = importlib.import_module(name)
    fnp = importlib.import_module(f"{name}.numpy")
    nn = importlib.import_module(f"{name}.nn")

    def mlp(params: Any, X: Any, onehot: Any) -> Any:
        W1, b1, W2, b2, W3, b3 = params
        h1 = fnp.tanh(X @ W1 + b1)
        h2 = fnp.tanh(h1 @ W2 + b2)
        return (nn.log_softmax(h2 @ W3 + b3) * onehot).sum() * (-1.0 / X.shape[0])

    def chain(x: Any) -> Any:
        for _ in range(200):
            x = fnp.exp(fnp.tanh(fnp.sin(x * 0.999 - 0.999)))
        return x.sum()

    return fg.grad(chain, argnums=0), fg.grad(mlp, argnums=0)


def compare(label: str, new: Callable[[], Any], old: Callable[[], Any], calls: int) -> str:
    for _ in range(3):  # warm-up: first calls fill caches and page in code
        new(), old()
    times: dict[str, list[float]] = {"new": [], "old": []}
    for k in range(calls):
        for key, fn in (("new", new), ("old", old)) if k % 2 else (("old", old), ("new", new)):
            start = time.perf_counter()
            fn()
            times[key].append(time.perf_counter() - start)
    median = statistics.median(times["new"]) / statistics.median(times["old"])
    best = min(times["new"]) / min(times["old"])
    return f"| {label} | {statistics.median(times['old']) * 1e3:.3g} | {statistics.median(times['new']) * 1e3:.3g} | **{median:.3f}** | {best:.3f} |"


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    from benchmarks.workloads import mlp_data

    with tempfile.TemporaryDirectory() as folder:
        export(sys.argv[1], Path(folder))
        sys.path.insert(0, folder)
        (chain_new, mlp_new), (chain_old, mlp_old) = workloads("funcgrad"), workloads("funcgrad_base")
        lines = [f"| workload | {sys.argv[1]} (ms) | working tree (ms) | median ratio | min ratio |", "|---|---|---|---|---|"]
        for n in (1, 100):
            x = np.linspace(0.1, 0.9, n)
            lines.append(compare(f"W1 shape ({n},), 200 cycles", lambda: chain_new(x), lambda: chain_old(x), 600))
        for dtype in (np.float64, np.float32):
            params, X, onehot = mlp_data(dtype)
            lines.append(compare(f"W2 {np.dtype(dtype).name}", lambda: mlp_new(params, X, onehot), lambda: mlp_old(params, X, onehot), 120))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
