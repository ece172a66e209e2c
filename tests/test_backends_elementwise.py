"""The elementwise family on duck data, beyond the op table's rows: constants of the
data's library (a 0-d exponent, coordinates, a scalar spacing), NaN and inf entries,
and no data-dependent branch that would compute a Dask graph (docs/backends.md)."""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp
from duckarray import Strict

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")


@contextlib.contextmanager
def no_compute() -> Iterator[None]:
    """Any compute of a Dask graph (bool(), float(), np.asarray) raises inside."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a Dask graph was computed implicitly")

    with dask.config.set(scheduler=refuse):
        yield


def _dask(a: Any) -> Any:
    a = np.asarray(a)
    return da.from_array(a, chunks=tuple(max(1, (n + 1) // 2) for n in a.shape) or ())


def _get(x: Any) -> np.ndarray:
    return x.get() if isinstance(x, Strict) else np.asarray(x.compute(scheduler="sync"))


BACKENDS: list[Callable[[Any], Any]] = [lambda a: Strict(np.asarray(a)), _dask]


@pytest.mark.parametrize("put", BACKENDS, ids=["strict", "dask"])
@pytest.mark.parametrize("exponent", [3.0, 0.0])
def test_power_with_a_0d_exponent_of_the_data_library(put: Any, exponent: float) -> None:
    x = np.array([0.0, 2.0, 1.5])
    f = lambda y: lambda x: fnp.sum(fnp.power(x, y))  # noqa: E731
    with no_compute():
        g = fg.grad(f(put(np.array(exponent))), argnums=0)(put(x))
        h = fg.hvp(f(put(np.array(exponent))), (put(x),), (put(x),))[0]
    np.testing.assert_allclose(_get(g), fg.grad(f(exponent), argnums=0)(x))
    np.testing.assert_allclose(_get(h), fg.hvp(f(exponent), (x,), (x,))[0])


@pytest.mark.parametrize("put", BACKENDS, ids=["strict", "dask"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_to_num_replaces_in_the_data_library(put: Any, dtype: type) -> None:
    x = np.array([1.0, np.nan, np.inf, -np.inf, -2.0], dtype=dtype)
    for kwargs in ({}, {"nan": 3.0, "posinf": 9.0, "neginf": -7.0}):
        with no_compute():
            got = fnp.nan_to_num(put(x), **kwargs)
            g = fg.grad(lambda v: fnp.sum(fnp.nan_to_num(v, **kwargs)), argnums=0)(put(x))
        assert got.dtype == dtype
        np.testing.assert_array_equal(_get(got.data), np.nan_to_num(x, **kwargs))
        np.testing.assert_array_equal(_get(g), np.isfinite(x).astype(dtype))


@pytest.mark.parametrize("put", BACKENDS, ids=["strict", "dask"])
@pytest.mark.parametrize("spacing", [(0.5,), (0.5, 2.0), (0.3, np.array([0.0, 0.5, 1.5, 3.0, 3.2]))], ids=["one", "each", "coordinates"])
@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_spacings_of_the_data_library(put: Any, spacing: tuple[Any, ...], edge_order: int) -> None:
    f = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    with no_compute():
        got = fnp.gradient(put(f), *[put(np.asarray(h)) for h in spacing], edge_order=edge_order)
    for g, w in zip(got, np.gradient(f, *spacing, edge_order=edge_order)):
        assert g.dtype == np.float32
        np.testing.assert_allclose(_get(g.data), w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("put", BACKENDS, ids=["strict", "dask"])
def test_data_dependent_guards_take_the_guarded_form(put: Any) -> None:
    """cumprod with a zero entry, average with weights, std at a constant row: no compute."""
    x = np.array([[1.5, 0.0, 2.0], [0.5, 1.0, 3.0]])
    w = np.array([[1.0, 2.0, 0.5], [3.0, 1.0, 1.0]])
    fns: list[Callable[..., Any]] = [
        lambda x: fnp.sum(fnp.cumprod(x, axis=1)),
        lambda x: fnp.sum(fnp.average(x, axis=1, weights=put(w))),
        lambda x: fnp.sum(fnp.std(x * 0.0 + 1.0, axis=1)),
        lambda x: fnp.sum(fnp.floor(x) * x + fnp.sign(x)),
    ]
    plain: list[Callable[..., Any]] = [
        fns[0],
        lambda x: fnp.sum(fnp.average(x, axis=1, weights=w)),
        fns[2],
        fns[3],
    ]
    for fn, reference in zip(fns, plain):
        with no_compute():
            g = fg.grad(fn, argnums=0)(put(x))
            t = fg.jvp(fn, (put(x),), (put(np.ones_like(x)),))[1]
        np.testing.assert_allclose(_get(g), fg.grad(reference, argnums=0)(x))
        np.testing.assert_allclose(_get(t), fg.jvp(reference, (x,), (np.ones_like(x),))[1])
