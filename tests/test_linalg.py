"""linalg: gradients against analytic formulas and finite differences on well-conditioned
random matrices and batched stacks; a singular matrix raises LinAlgError, never a NaN."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import grad
from funcgrad.testing import check_grads


def _well_conditioned(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = shape[-1]
    q, _ = np.linalg.qr(rng.standard_normal(shape))
    # Q diag(s) Q^T with singular values in [1, 2]: condition number at most 2.
    s = rng.uniform(1.0, 2.0, shape[:-1])
    return np.einsum("...ij,...j,...kj->...ik", q, s, q) + rng.uniform(-0.1, 0.1, shape) / n


SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])


def test_det_gradient_is_det_times_inverse_transpose() -> None:
    a = _well_conditioned((3, 3))
    np.testing.assert_allclose(grad(fnp.linalg.det, argnums=0)(a), np.linalg.det(a) * np.linalg.inv(a).T, rtol=1e-10)


def test_inv_gradient_matches_the_analytic_formula() -> None:
    a = _well_conditioned((3, 3), seed=1)
    w = np.random.default_rng(2).standard_normal((3, 3))
    inverse = np.linalg.inv(a)
    expected = -inverse.T @ w @ inverse.T
    np.testing.assert_allclose(grad(lambda m: fnp.sum(fnp.linalg.inv(m) * w), argnums=0)(a), expected, rtol=1e-10)


def test_solve_gradients_match_the_analytic_formulas() -> None:
    a, b = _well_conditioned((3, 3), seed=3), np.random.default_rng(4).standard_normal(3)
    w = np.random.default_rng(5).standard_normal(3)
    x = np.linalg.solve(a, b)
    ga, gb = grad(lambda m, v: fnp.sum(fnp.linalg.solve(m, v) * w))(a, b)
    adjoint = np.linalg.solve(a.T, w)
    np.testing.assert_allclose(gb, adjoint, rtol=1e-10)
    np.testing.assert_allclose(ga, -np.outer(adjoint, x), rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("op", "shapes"),
    [
        (fnp.linalg.det, [(4, 3, 3)]),
        (fnp.linalg.inv, [(2, 2, 3, 3)]),
        (fnp.linalg.solve, [(3, 3, 3), (3, 3, 2)]),
        (fnp.linalg.solve, [(2, 3, 3), (3,)]),
        (fnp.linalg.solve, [(3, 3), (2, 3, 1)]),
    ],
)
def test_batched_stacks_have_second_order_gradients(op: Callable[..., Any], shapes: list[tuple[int, ...]], dtype: type) -> None:
    args = [
        _well_conditioned(s, seed=k) if len(s) >= 2 and s[-1] == s[-2] else np.random.default_rng(k).standard_normal(s)
        for k, s in enumerate(shapes)
    ]
    check_grads(op, *[a.astype(dtype) for a in args], order=2)


def test_batched_det_is_the_det_of_each_matrix() -> None:
    a = _well_conditioned((4, 3, 3))
    g = grad(lambda m: fnp.sum(fnp.linalg.det(m)), argnums=0)(a)
    for k in range(4):
        np.testing.assert_allclose(g[k], grad(fnp.linalg.det, argnums=0)(a[k]), rtol=1e-12)


def test_singular_inverse_raises_linalg_error() -> None:
    with pytest.raises(np.linalg.LinAlgError):
        fnp.linalg.inv(SINGULAR)


def test_singular_solve_raises_linalg_error() -> None:
    with pytest.raises(np.linalg.LinAlgError):
        fnp.linalg.solve(SINGULAR, np.ones(2))


def test_det_of_a_singular_matrix_is_zero_but_its_gradient_raises() -> None:
    assert fnp.linalg.det(SINGULAR).data == 0.0
    with pytest.raises(np.linalg.LinAlgError):
        grad(fnp.linalg.det, argnums=0)(SINGULAR)


def test_singular_matrix_in_a_stack_raises() -> None:
    stack = np.stack([np.eye(2), SINGULAR])
    with pytest.raises(np.linalg.LinAlgError):
        grad(lambda m: fnp.sum(fnp.linalg.inv(m)), argnums=0)(stack)


def test_frobenius_norm_gradient_is_x_over_norm() -> None:
    x = np.random.default_rng(6).standard_normal((3, 4))
    np.testing.assert_allclose(grad(lambda m: fnp.linalg.norm(m, "fro"), argnums=0)(x), x / np.linalg.norm(x), rtol=1e-12)


@pytest.mark.parametrize("ord", ["nuc", 2, -2])
def test_matrix_norms_from_singular_values_match_numpy(ord: object) -> None:
    x = np.random.default_rng(7).standard_normal((3, 4))
    np.testing.assert_allclose(fnp.linalg.norm(x, ord=ord).data, np.linalg.norm(x, ord=ord), rtol=1e-12)
