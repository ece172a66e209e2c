"""Every op of the gradient table on other array libraries' data (docs/backends.md).

Each row of ``tests/test_ops_table.py`` runs on the data of each backend: ``strict``
(``tests/duckarray.py``, a CuPy stand-in that refuses any conversion to NumPy, so it
runs everywhere), ``dask`` (chunked arrays, every row at its first shapes) and ``cupy``
(where a GPU is present; skipped, with the reason, elsewhere). The value, the gradient
(reverse mode), the tangent (forward mode) and, for rows of order 2, a Hessian-vector
product must be arrays of the data's library and equal what the same op gives on NumPy
data. Float constants a row closes over move to the backend with the data, as a user's
constants must (two libraries in one op are refused); integer indices stay NumPy.
"""

from __future__ import annotations

import functools
import importlib
import types
import warnings
from typing import Any, Callable

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from funcgrad import _backend
from duckarray import Strict
from test_ops_table import CASES, Row, _arguments


#: Rows Dask cannot run (row name -> why): test_dask asserts the clear TypeError naming
#: the public op and what the Dask backend lacks, never a silent compute into NumPy.
DASK_LACKS: dict[str, str] = {
    "scipy.linalg.expm": "no scipy.linalg.expm for Dask",
    "scipy.linalg.sqrtm": "no scipy.linalg.sqrtm for Dask",
    "scipy.linalg.solve_sylvester": "no scipy.linalg.solve_sylvester for Dask",
    "scipy.linalg.solve_banded": "no scipy.linalg.solve_banded for Dask",
    "scipy.signal.convolve": "no scipy.signal.convolve for Dask (not a ufunc)",
}

#: Rows CuPy cannot run (row name -> why), so neither can its stand-in ``strict``
#: (tests/duckarray.py offers only what ``cupyx.scipy`` has): the clear TypeError instead.
CUPY_LACKS: dict[str, str] = {
    "scipy.special.iv": "cupyx.scipy.special has no iv",
    "scipy.special.ive": "cupyx.scipy.special has no ive",
    "scipy.special.jn": "cupyx.scipy.special has no jv",
    "scipy.linalg.sqrtm": "cupyx.scipy.linalg has no sqrtm",
    "scipy.linalg.solve_sylvester": "cupyx.scipy.linalg has no solve_sylvester",
    "scipy.linalg.solve_banded": "cupyx.scipy.linalg has no solve_banded",
}

#: Rows whose matrices Dask's linalg needs whole: one chunk over the last two axes.
MATRIX_ROWS = ("scipy.linalg.", "scipy.stats.multivariate_normal.")


class Backend:
    def __init__(
        self, name: str, kind: type, put: Callable[[np.ndarray], Any], get: Callable[[Any], np.ndarray], tol: float = 1.0,
        matrix_put: Any = None,
    ) -> None:
        self.name, self.kind, self.put, self.get, self.tol = name, kind, put, get, tol
        self.matrix_put = matrix_put or put  # for MATRIX_ROWS


def _strict() -> Backend:
    return Backend("strict", Strict, Strict, lambda x: x.get())


def _dask() -> Backend:
    da = importlib.import_module("dask.array")

    def put(a: np.ndarray) -> Any:  # two chunks along each axis where it has two entries
        return da.from_array(a, chunks=tuple(max(1, (n + 1) // 2) for n in a.shape) or ())

    def matrix_put(a: np.ndarray) -> Any:  # chunked only before the last two axes
        return da.from_array(a, chunks=tuple(max(1, (n + 1) // 2) if k < a.ndim - 2 else n for k, n in enumerate(a.shape)) or ())

    return Backend("dask", da.Array, put, lambda x: np.asarray(x.compute(scheduler="sync")), matrix_put=matrix_put)


def _cupy() -> Backend:
    cupy = importlib.import_module("cupy")
    return Backend("cupy", cupy.ndarray, cupy.asarray, cupy.asnumpy, tol=10.0)


def cupy_missing() -> str:
    """Why the CuPy backend cannot run here, or "" when it can."""
    try:
        cupy = importlib.import_module("cupy")
    except ImportError:
        return "CuPy is not installed (pip install 'funcgrad[cuda]' on a machine with an NVIDIA GPU)"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return "CuPy found no GPU"
    except Exception as error:  # CUDA driver missing or broken: CuPy raises its own errors
        return f"CuPy found no usable GPU ({type(error).__name__}: {error})"
    return ""


def dask_missing() -> str:
    try:
        importlib.import_module("dask.array")
    except ImportError:
        return "Dask is not installed (pip install 'funcgrad[dask]')"
    return ""


@functools.cache
def backend(name: str) -> Backend:
    reason = {"strict": "", "dask": dask_missing(), "cupy": cupy_missing()}[name]
    if reason:
        pytest.skip(f"backend {name} not run: {reason}")
    return {"strict": _strict, "dask": _dask, "cupy": _cupy}[name]()


def _moved(value: Any, b: Backend) -> Any:
    if isinstance(value, np.ndarray) and value.ndim > 0 and value.dtype.kind in "fb":
        return b.put(value)
    return value


def on_backend(fn: Callable[..., Any], b: Backend) -> Callable[..., Any]:
    """``fn`` with the float and boolean NumPy arrays it reads from its closure or its
    module moved to the backend."""
    if not isinstance(fn, types.FunctionType):
        return fn
    names = fn.__code__.co_names
    moved_globals = {n: _moved(fn.__globals__[n], b) for n in names if n in fn.__globals__}
    closure = None
    if fn.__closure__:
        closure = tuple(types.CellType(_moved(cell.cell_contents, b)) for cell in fn.__closure__)
    if closure is None and all(moved_globals[n] is fn.__globals__[n] for n in moved_globals):
        return fn
    moved = types.FunctionType(fn.__code__, {**fn.__globals__, **moved_globals}, fn.__name__, fn.__defaults__, closure)
    moved.__kwdefaults__ = fn.__kwdefaults__
    return moved


def _check(got: Any, want: Any, b: Backend, what: str, dtype: type) -> None:
    assert _backend.name(got) == b.name or isinstance(got, b.kind), f"{what}: a {type(got).__module__}.{type(got).__name__}, not a {b.name} array"
    rtol = (2e-4 if dtype == np.float32 else 1e-9) * b.tol
    np.testing.assert_allclose(b.get(got), np.asarray(want), rtol=rtol, atol=rtol, err_msg=what)


def _total(fn: Callable[..., Any], seed: Any) -> Callable[..., Any]:
    return lambda *xs: fnp.sum(fn(*xs) * seed)


def run_row(row: Row, shapes: Any, kwargs: dict[str, Any], dtype: type, b: Backend) -> None:
    args = _arguments(row, shapes, dtype, seed=11)
    rng = np.random.default_rng(5)
    op = functools.partial(row.op, **kwargs)
    want = row.op(*args, **kwargs)
    seed = rng.standard_normal(want.shape).astype(dtype)
    tangents = [rng.standard_normal(a.shape).astype(dtype) for a in args]
    argnums = tuple(range(len(args)))
    if row.name.startswith(MATRIX_ROWS):
        b = Backend(b.name, b.kind, b.matrix_put, b.get, b.tol)
    moved = functools.partial(on_backend(row.op, b), **kwargs)
    bargs = [b.put(a) for a in args]
    with warnings.catch_warnings():
        # Dask computes a function it lacks into NumPy with this warning: a silent conversion.
        warnings.filterwarnings("error", category=FutureWarning, message=".*not implemented by Dask")
        out = moved(*bargs)
        assert isinstance(out, fg.Tensor)
        _check(out.data, want.data, b, "value", dtype)
        grads = fg.grad(_total(moved, b.put(seed) if seed.ndim else seed), argnums=argnums)(*bargs)
        for k, (g, w) in enumerate(zip(grads, fg.grad(_total(op, seed), argnums=argnums)(*args))):
            _check(g, w, b, f"gradient {k}", dtype)
        _, tangent = fg.jvp(moved, tuple(bargs), tuple(b.put(t) if t.ndim else t for t in tangents))
        _check(tangent, fg.jvp(op, tuple(args), tuple(tangents))[1], b, "tangent", dtype)
        if row.order >= 2:
            total = _total(moved, b.put(seed) if seed.ndim else seed)
            got = fg.hvp(total, tuple(bargs), tuple(b.put(t) if t.ndim else t for t in tangents))
            expected = fg.hvp(_total(op, seed), tuple(args), tuple(tangents))
            for k, (g, w) in enumerate(zip(got, expected)):
                _check(g, w, b, f"Hessian-vector product {k}", dtype)


def _first_cases() -> list[Any]:
    """Each row once, at its first shapes and keywords (Dask's graphs are slow to build)."""
    seen: set[int] = set()
    first = []
    for case in CASES:
        row = case.values[0]
        if id(row) not in seen:
            seen.add(id(row))
            first.append(case)
    return first


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("row", "shapes", "kwargs"), CASES)
def test_strict_duck_array(row: Row, shapes: Any, kwargs: dict[str, Any], dtype: type) -> None:
    _run_or_lacks(row, shapes, kwargs, dtype, backend("strict"), CUPY_LACKS)


def _run_or_lacks(row: Row, shapes: Any, kwargs: dict[str, Any], dtype: type, b: Backend, lacks: dict[str, str]) -> None:
    if row.name not in lacks:
        run_row(row, shapes, kwargs, dtype, b)
        return
    with pytest.raises(TypeError, match=rf"funcgrad\.[\w.]+: the {_backend.name(b.put(np.zeros(1)))} backend has no "):
        run_row(row, shapes, kwargs, dtype, b)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("row", "shapes", "kwargs"), _first_cases())
def test_dask(row: Row, shapes: Any, kwargs: dict[str, Any], dtype: type) -> None:
    _run_or_lacks(row, shapes, kwargs, dtype, backend("dask"), DASK_LACKS)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("row", "shapes", "kwargs"), CASES)
def test_cupy(row: Row, shapes: Any, kwargs: dict[str, Any], dtype: type) -> None:
    _run_or_lacks(row, shapes, kwargs, dtype, backend("cupy"), CUPY_LACKS)
