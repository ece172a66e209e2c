"""Gradient-table rows for the decompositions and solvers of ``funcgrad.numpy.linalg``.

Inputs are built so that every derivative is well defined and well conditioned whatever
the table's seed: ``make=`` draws square matrices with well-separated eigenvalues or
singular values; rectangular ones are a small random perturbation (``domain``) of a
fixed matrix with separated singular values (``TALL``, ``WIDE``). Tuple results get one
row per output; eigenvectors and singular vectors enter through ``v * v``, which does
not depend on their signs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import funcgrad.numpy as fnp
from test_ops_table import Row

la = fnp.linalg


def _spread(rng: np.random.Generator, batch: tuple[int, ...], n: int) -> np.ndarray:
    """Values 1, 1.6, 2.2, ... (jittered): gaps of at least 0.5 between neighbours."""
    return 1.0 + 0.6 * np.arange(n) + rng.uniform(0.0, 0.1, batch + (n,))


def _orthogonal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    q, _ = np.linalg.qr(rng.standard_normal(shape))
    return q


def _spd(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Symmetric positive definite, eigenvalues in [1, 2.3] and apart."""
    q = _orthogonal(rng, shape)
    return np.einsum("...ij,...j,...kj->...ik", q, _spread(rng, shape[:-2], shape[-1]), q)


def _separated(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """General square matrices with singular values in [1, 2.3] and apart, either sign of det."""
    u, v = _orthogonal(rng, shape), _orthogonal(rng, shape)
    return np.einsum("...ij,...j,...kj->...ik", u, _spread(rng, shape[:-2], shape[-1]), v)


TALL = np.array([[2.0, 0.3], [0.1, 1.0], [0.4, -0.2]])  # singular values about 2.1 and 1.0
WIDE = TALL.T.copy()
SMALL = (-0.1, 0.1)  # the perturbation added to TALL / WIDE


def _tall(x: Any) -> Any:
    return x + TALL.astype(getattr(x, "dtype", np.float64))  # x may be a list


def _wide(x: Any) -> Any:
    return x + WIDE.astype(getattr(x, "dtype", np.float64))


SQUARE = (((3, 3),), ((2, 3, 3),))

ROWS = (
    Row("linalg.cholesky", la.cholesky, np.linalg.cholesky, SQUARE, kwargs=({}, {"upper": True}), make=_spd),
    Row("linalg.eigh", lambda x, **k: la.eigh(x, **k)[0], lambda x, **k: np.linalg.eigh(x, **k)[0], SQUARE, kwargs=({}, {"UPLO": "U"}), make=_spd),
    Row("linalg.eigh", lambda x, **k: la.eigh(x, **k)[1] ** 2, lambda x, **k: np.linalg.eigh(x, **k)[1] ** 2, SQUARE, kwargs=({}, {"UPLO": "U"}), make=_spd),
    Row("linalg.eigvalsh", la.eigvalsh, np.linalg.eigvalsh, SQUARE, kwargs=({}, {"UPLO": "U"}), make=_spd),
    # svd: singular values (every shape, full matrices or not), then U and Vh
    Row("linalg.svd", lambda x, **k: la.svd(x, **k)[1], lambda x, **k: np.linalg.svd(x, **k)[1], SQUARE, kwargs=({}, {"full_matrices": False}), make=_separated),
    Row("linalg.svd", lambda x: la.svd(x, compute_uv=False), lambda x: np.linalg.svd(x, compute_uv=False), SQUARE, make=_separated),
    Row("linalg.svd", lambda x, **k: la.svd(_tall(x), **k)[1], lambda x, **k: np.linalg.svd(_tall(x), **k)[1], (((3, 2),), ((2, 3, 2),)), domain=SMALL, kwargs=({}, {"full_matrices": False})),
    Row("linalg.svd", lambda x: la.svd(_wide(x), compute_uv=False), lambda x: np.linalg.svd(_wide(x), compute_uv=False), (((2, 3),),), domain=SMALL),
    Row("linalg.svd", lambda x, **k: la.svd(x, **k)[0] ** 2, lambda x, **k: np.linalg.svd(x, **k)[0] ** 2, SQUARE, kwargs=({}, {"full_matrices": False}), make=_separated),
    Row("linalg.svd", lambda x: la.svd(x)[2] ** 2, lambda x: np.linalg.svd(x)[2] ** 2, SQUARE, make=_separated),
    Row("linalg.svd", lambda x: la.svd(_tall(x), full_matrices=False)[0] ** 2, lambda x: np.linalg.svd(_tall(x), full_matrices=False)[0] ** 2, (((3, 2),), ((2, 3, 2),)), domain=SMALL),
    Row("linalg.svd", lambda x: la.svd(_tall(x), full_matrices=False)[2] ** 2, lambda x: np.linalg.svd(_tall(x), full_matrices=False)[2] ** 2, (((3, 2),),), domain=SMALL),
    Row("linalg.svd", lambda x: la.svd(_wide(x), full_matrices=False)[0] ** 2, lambda x: np.linalg.svd(_wide(x), full_matrices=False)[0] ** 2, (((2, 3),),), domain=SMALL),
    Row("linalg.svd", lambda x: la.svd(_wide(x), full_matrices=False)[2] ** 2, lambda x: np.linalg.svd(_wide(x), full_matrices=False)[2] ** 2, (((2, 3),), ((2, 2, 3),)), domain=SMALL),
    # full_matrices=True of a rectangular matrix: one extra column (row), unique up to sign
    Row("linalg.svd", lambda x: la.svd(_tall(x))[0] ** 2, lambda x: np.linalg.svd(_tall(x))[0] ** 2, (((3, 2),), ((2, 3, 2),)), domain=SMALL),
    Row("linalg.svd", lambda x: la.svd(_wide(x))[2] ** 2, lambda x: np.linalg.svd(_wide(x))[2] ** 2, (((2, 3),),), domain=SMALL),
    # qr: Q and R of square, tall and wide matrices; mode 'r'
    Row("linalg.qr", lambda x: la.qr(x)[0], lambda x: np.linalg.qr(x)[0], SQUARE, make=_separated),
    Row("linalg.qr", lambda x: la.qr(x)[1], lambda x: np.linalg.qr(x)[1], SQUARE, make=_separated),
    Row("linalg.qr", lambda x: la.qr(_tall(x))[0], lambda x: np.linalg.qr(_tall(x))[0], (((3, 2),), ((2, 3, 2),)), domain=SMALL),
    Row("linalg.qr", lambda x: la.qr(_tall(x), mode="r"), lambda x: np.linalg.qr(_tall(x), mode="r"), (((3, 2),),), domain=SMALL),
    Row("linalg.qr", lambda x: la.qr(_wide(x))[0], lambda x: np.linalg.qr(_wide(x))[0], (((2, 3),),), domain=SMALL),
    Row("linalg.qr", lambda x: la.qr(_wide(x))[1], lambda x: np.linalg.qr(_wide(x))[1], (((2, 3),), ((2, 2, 3),)), domain=SMALL),
    Row("linalg.slogdet", lambda x: la.slogdet(x)[1], lambda x: np.linalg.slogdet(x)[1], SQUARE, make=_separated),
    Row("linalg.slogdet", lambda x: la.slogdet(x)[0] * la.slogdet(x)[1], lambda x: np.prod(np.linalg.slogdet(x), axis=0), SQUARE, make=_separated),
    Row("linalg.pinv", la.pinv, np.linalg.pinv, SQUARE, make=_separated),
    Row("linalg.pinv", lambda x: la.pinv(_tall(x)), lambda x: np.linalg.pinv(_tall(x)), (((3, 2),), ((2, 3, 2),)), domain=SMALL),
    Row("linalg.pinv", lambda x: la.pinv(_wide(x)), lambda x: np.linalg.pinv(_wide(x)), (((2, 3),),), domain=SMALL),
    Row("linalg.matrix_power", la.matrix_power, np.linalg.matrix_power, SQUARE, kwargs=tuple({"n": n} for n in (0, 1, 2, 3, 5, -1, -3)), make=_separated),
    # lstsq: each output of the tuple (rank is a plain int)
    Row("linalg.lstsq", lambda a, b: la.lstsq(_tall(a), b)[0], lambda a, b: np.linalg.lstsq(_tall(a), b)[0], (((3, 2), (3,)), ((3, 2), (3, 2))), domain=SMALL),
    Row("linalg.lstsq", lambda a, b: la.lstsq(_tall(a), b)[1], lambda a, b: np.linalg.lstsq(_tall(a), b)[1], (((3, 2), (3,)), ((3, 2), (3, 2))), domain=SMALL),
    Row("linalg.lstsq", lambda a, b: la.lstsq(_tall(a), b)[3], lambda a, b: np.linalg.lstsq(_tall(a), b)[3], (((3, 2), (3,)),), domain=SMALL),
    Row("linalg.lstsq", lambda a, b: la.lstsq(_wide(a), b)[0], lambda a, b: np.linalg.lstsq(_wide(a), b)[0], (((2, 3), (2,)),), domain=SMALL),
    Row("linalg.multi_dot", lambda *xs: la.multi_dot(xs), lambda *xs: np.linalg.multi_dot(xs), (((3,), (3, 2), (2, 4), (4,)), ((2, 3), (3, 2), (2, 2)), ((2, 3), (3,)), ((4, 1), (1, 3), (3, 2), (2, 3)))),
    # matrix norms from singular values
    Row("linalg.norm", lambda x, **k: la.norm(_wide(x), **k), lambda x, **k: np.linalg.norm(_wide(x), **k), (((2, 3),),), domain=SMALL, kwargs=({"ord": 2}, {"ord": -2}, {"ord": "nuc"}, {"ord": 2, "keepdims": True}, {"ord": "nuc", "axis": (1, 0)})),
    Row("linalg.norm", lambda x, **k: la.norm(_tall(x), **k), lambda x, **k: np.linalg.norm(_tall(x), **k), (((2, 3, 2),),), domain=SMALL, kwargs=({"ord": 2, "axis": (1, 2)}, {"ord": -2, "axis": (2, 1), "keepdims": True}, {"ord": "nuc", "axis": (-2, -1)})),
)
