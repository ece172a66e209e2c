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
_NO_DASK_LINALG = "dask.array.linalg has no {}: the op refuses Dask data rather than compute it into NumPy"
DASK_LACKS: dict[str, str] = {
    "linalg.det": _NO_DASK_LINALG.format("det"),
    "linalg.slogdet": _NO_DASK_LINALG.format("slogdet"),
    "linalg.eigh": _NO_DASK_LINALG.format("eigh"),
    "linalg.eigvalsh": _NO_DASK_LINALG.format("eigh (eigvalsh is eigh's eigenvalues)"),
    "linalg.pinv": _NO_DASK_LINALG.format("pinv"),
    "linalg.lstsq": _NO_DASK_LINALG.format("pinv (lstsq is pinv(a) @ b)"),
    "sort": "Dask has no argsort (the permutation sort gathers through)",
    "msort": "sort along axis 0: Dask has no argsort",
    "partition": "Dask has no argpartition",
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

#: Rows of linear algebra: Dask's wants each matrix in one chunk (batch axes chunked).
MATRIX_ROWS = ("linalg.", "scipy.linalg.", "scipy.stats.multivariate_normal.")


class Backend:
    def __init__(
        self, name: str, kind: type, put: Callable[[np.ndarray], Any], get: Callable[[Any], np.ndarray], tol: float = 1.0,
        put_matrices: Callable[[np.ndarray], Any] | None = None,
    ) -> None:
        self.name, self.kind, self.put, self.get, self.tol = name, kind, put, get, tol
        self.put_matrices = put_matrices

    def for_row(self, row: Row) -> "Backend":
        """This backend, with its layout for matrices where the row is linear algebra."""
        if self.put_matrices is None or not row.name.startswith(MATRIX_ROWS):
            return self
        return Backend(self.name, self.kind, self.put_matrices, self.get, self.tol)


def _strict() -> Backend:
    return Backend("strict", Strict, Strict, lambda x: x.get())


def _dask() -> Backend:
    da = importlib.import_module("dask.array")

    def put(a: np.ndarray) -> Any:  # two chunks along each axis where it has two entries
        return da.from_array(a, chunks=tuple(max(1, (n + 1) // 2) for n in a.shape) or ())

    def put_matrices(a: np.ndarray) -> Any:  # two chunks along each batch axis, each matrix whole
        return da.from_array(a, chunks=tuple(max(1, (n + 1) // 2) for n in a.shape[:-2]) + a.shape[-2:])

    return Backend("dask", da.Array, put, lambda x: np.asarray(x.compute(scheduler="sync")), put_matrices=put_matrices)


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


def on_backend(fn: Callable[..., Any], b: Backend, _depth: int = 0) -> Callable[..., Any]:
    """``fn`` with the float and boolean NumPy arrays it reads from its closure or its
    module moved to the backend, and so for the helpers of its module it calls
    (``_tall(x)``, which adds a constant matrix)."""
    if not isinstance(fn, types.FunctionType):
        return fn

    def move(value: Any) -> Any:
        if isinstance(value, types.FunctionType) and value.__module__ == fn.__module__ and _depth < 3:
            return on_backend(value, b, _depth + 1)
        return _moved(value, b)

    names = fn.__code__.co_names
    moved_globals = {n: move(fn.__globals__[n]) for n in names if n in fn.__globals__}
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
    b = b.for_row(row)
    args = _arguments(row, shapes, dtype, seed=11)
    rng = np.random.default_rng(5)
    op = functools.partial(row.op, **kwargs)
    want = row.op(*args, **kwargs)
    seed = rng.standard_normal(want.shape).astype(dtype)
    tangents = [rng.standard_normal(a.shape).astype(dtype) for a in args]
    argnums = tuple(range(len(args)))
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


# --- a model, as users train one: the W2 MLP's gradient and a jitted training step -----
def _mlp(dtype: type) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    sizes = [20, 16, 16, 4]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params += [(rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(dtype), (0.1 * rng.standard_normal(n_out)).astype(dtype)]
    X = rng.standard_normal((32, sizes[0])).astype(dtype)
    onehot = np.eye(sizes[-1], dtype=dtype)[rng.integers(0, sizes[-1], 32)]
    return params, X, onehot


def _mlp_loss(params: list[Any], X: Any, onehot: Any) -> Any:
    W1, b1, W2, b2, W3, b3 = params
    h = fnp.tanh(X @ W1 + b1)
    h = fnp.tanh(h @ W2 + b2)
    return -fnp.sum(fg.nn.log_softmax(h @ W3 + b3) * onehot) / X.shape[0]


def _sgd_step(params: list[Any], X: Any, onehot: Any) -> list[Any]:
    grads = fg.grad(_mlp_loss, argnums=0)(params, X, onehot)
    return [p - 0.1 * g for p, g in zip(params, grads)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["strict", "dask", "cupy"])
def test_mlp_gradient_and_jitted_training_step(name: str, dtype: type) -> None:
    b = backend(name)
    params, X, onehot = _mlp(dtype)
    moved = [b.put(p) for p in params]
    grads = fg.grad(_mlp_loss, argnums=0)(moved, b.put(X), b.put(onehot))
    for k, (g, w) in enumerate(zip(grads, fg.grad(_mlp_loss, argnums=0)(params, X, onehot))):
        _check(g, w, b, f"gradient of parameter {k}", dtype)
    step = fg.jit(_sgd_step)
    want, got = params, moved
    for _ in range(3):
        want = _sgd_step(want, X, onehot)
        got = step(got, b.put(X), b.put(onehot))
    assert step.trace_count == 1
    for k, (g, w) in enumerate(zip(got, want)):
        _check(g, w, b, f"parameter {k} after 3 jitted steps", dtype)


@pytest.mark.parametrize("name", ["strict", "dask", "cupy"])
def test_two_libraries_in_one_op_are_refused_naming_both(name: str) -> None:
    b = backend(name)
    x = b.put(np.ones(3))
    with pytest.raises(TypeError, match=r"multiply: operands from two array libraries, .*numpy \(numpy.ndarray\)"):
        fnp.multiply(x, np.ones(3))
    with pytest.raises(TypeError, match="two array libraries"):
        fg.grad(lambda w: fnp.sum(w * np.arange(3.0)))(x)
    assert isinstance(fnp.multiply(x, 2.0).data, b.kind)  # numbers are not a backend
    assert isinstance(fnp.multiply(x, np.float32(2.0)).data, b.kind)


@pytest.mark.parametrize("name", ["strict", "dask", "cupy"])
def test_the_caller_changing_their_array_later_changes_nothing(name: str) -> None:
    b = backend(name)
    host = np.array([1.0, 2.0, 3.0])
    x = b.put(host)
    out, pullback = fg.vjp(lambda v: v * v, x)
    t = fg.Tensor(x)
    x[0] = 100.0  # Dask arrays take item assignment too (it replaces their graph)
    (g,) = pullback(b.put(np.ones(3)))
    np.testing.assert_allclose(b.get(g), 2 * host)
    np.testing.assert_allclose(b.get(t.data), host)
    np.testing.assert_allclose(b.get(out), host * host)


def test_dask_results_are_lazy_and_never_computed_by_funcgrad() -> None:
    b = backend("dask")
    da = importlib.import_module("dask.array")
    calls = []

    def counted(block: np.ndarray) -> np.ndarray:
        if block.size:  # Dask calls it on an empty block once to learn the result's type
            calls.append(block.shape)
        return block

    X = b.put(np.arange(12.0).reshape(4, 3)).map_blocks(counted, dtype=float)
    w = b.put(np.ones(3))
    g = fg.grad(lambda w: fnp.sum(fnp.tanh(X @ w)), argnums=0)(w)
    value, tangent = fg.jvp(lambda w: fnp.sum(fnp.exp(X @ w)), (w,), (w,))
    assert calls == [] and all(isinstance(v, da.Array) for v in (g, value, tangent))
    repr(fg.Tensor(X))  # shows the Dask array, computes nothing
    assert calls == []


@pytest.mark.parametrize("name", ["strict", "dask", "cupy"])
def test_jacobians_vmap_and_checkpoint_keep_the_library(name: str) -> None:
    b = backend(name)
    x = np.array([[0.3, -0.5, 0.8], [1.1, 0.2, -0.7]])

    def f(x: Any) -> Any:
        return fnp.tanh(x) * fnp.sum(x * x)

    def total(x: Any) -> Any:
        return fnp.sum(fg.checkpoint(f)(x) ** 2)

    cases = {
        "jacobian": lambda t: fg.jacobian(f)(t)[0],
        "jacfwd": lambda t: fg.jacfwd(f)(t)[0],
        "hessian": lambda t: fg.hessian(total)(t)[0][0],
        "vmap(grad)": lambda t: fg.vmap(fg.grad(lambda r: fnp.sum(f(r) ** 2), argnums=0))(t),
        "grad(checkpoint)": lambda t: fg.grad(total, argnums=0)(t),
    }
    for what, run in cases.items():
        _check(run(b.put(x)), run(x), b, what, np.float64)


def test_docs_list_every_op_a_backend_lacks() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "backends.md").read_text()
    missing = sorted(name for name in {**DASK_LACKS, **CUPY_LACKS} if f"`{name}`" not in page)
    assert not missing, f"docs/backends.md does not name these gaps: {missing}"


@pytest.mark.parametrize("name", ["strict", "dask", "cupy"])
def test_odeint_refuses_duck_data_by_name(name: str) -> None:
    pytest.importorskip("scipy")
    from funcgrad.scipy.integrate import odeint

    b = backend(name)
    with pytest.raises(TypeError, match=r"funcgrad\.scipy\.integrate\.odeint"):
        odeint(lambda y, t: -y, b.put(np.ones(2)), np.linspace(0.0, 1.0, 3))
