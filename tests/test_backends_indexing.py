"""Dask's indexing gaps, filled lazily: several index arrays (NumPy's "nd fancy
indexing", which Dask refuses) gather through one flat axis, and the scatter-add of the
gradient (NumPy's ``ufunc.at``, which Dask lacks) is a weighted bincount, so repeated
indices accumulate. Every index form must mean what it means to NumPy, batched
cotangents (a Jacobian) included."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import funcgrad as fg
import funcgrad.numpy as fnp

da: Any = pytest.importorskip("dask.array")

I = np.array([0, 2, 2, 1])
J = np.array([[1, 1], [4, 0]])
INDICES: list[Any] = [
    (I, slice(None), np.array([0, 4, 4, 3])),  # non-adjacent arrays: their axis goes first
    (slice(None), I[:2], np.array([1, 1])),
    (I[:, None], np.array([0, 0, 3])),  # broadcast against each other
    (Ellipsis, J),
    (None, I, J[:1, :1], slice(1, 3)),
    (np.array([True, False, True]), slice(None), 2),
    (1, I, I),
    (J % 3,),
]


@pytest.mark.parametrize("index", INDICES, ids=range(len(INDICES)))
def test_dask_fancy_index(index: Any) -> None:
    x = np.random.default_rng(0).standard_normal((3, 4, 5))
    dx = da.from_array(x, chunks=(2, 3, 2))

    def f(a: Any) -> Any:
        return fnp.sum(fnp.sin(fnp.asarray(a)[index]) * 2.0)

    for got, want in (
        (fg.grad(f, argnums=0)(dx), fg.grad(f, argnums=0)(x)),
        (fg.hvp(f, (dx,), (dx,))[0], fg.hvp(f, (x,), (x,))[0]),
        (fg.jacobian(lambda a: fnp.asarray(a)[index] ** 2)(dx), fg.jacobian(lambda a: fnp.asarray(a)[index] ** 2)(x)),
    ):
        assert isinstance(got, da.Array)
        np.testing.assert_allclose(got.compute(scheduler="sync"), want)


def test_dask_scatter_keeps_float32() -> None:
    x = da.from_array(np.ones((4, 3), dtype=np.float32), chunks=2)
    g = fg.grad(lambda a: fnp.sum(fnp.asarray(a)[I] * 3.0), argnums=0)(x)
    assert isinstance(g, da.Array) and g.dtype == np.float32
    np.testing.assert_allclose(g.compute(scheduler="sync"), np.array([3, 3, 6, 0])[:, None] * np.ones((4, 3)))
