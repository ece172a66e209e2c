"""The conventions where a derivative is undefined (API.md "Conventions"), one test each.

Expected values are the documented choices, derived by hand, never read off funcgrad.
"""

from __future__ import annotations

import numpy as np
import pytest

import funcgrad.nn as nn
import funcgrad.numpy as fnp
from funcgrad import grad, jvp


def test_abs_has_zero_derivative_at_zero() -> None:
    g = grad(lambda x: fnp.sum(fnp.abs(x)), argnums=0)(np.array([-2.0, 0.0, 3.0]))
    np.testing.assert_array_equal(g, [-1.0, 0.0, 1.0])


def test_abs_forward_mode_agrees_at_zero() -> None:
    _, t = jvp(fnp.abs, (np.array([0.0, -1.0]),), (np.array([1.0, 1.0]),))
    np.testing.assert_array_equal(t, [0.0, -1.0])


def test_sign_has_zero_derivative_everywhere() -> None:
    g = grad(lambda x: fnp.sum(fnp.sign(x)), argnums=0)(np.array([-2.0, 0.0, 3.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0])


def test_relu_has_zero_derivative_at_zero() -> None:
    g = grad(lambda x: fnp.sum(nn.relu(x)), argnums=0)(np.array([-1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 1.0])


@pytest.mark.parametrize("op", [fnp.maximum, fnp.minimum])
def test_maximum_and_minimum_split_a_tie_in_half(op: object) -> None:
    x, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, 0.0])
    gx, gy = grad(lambda a, b: fnp.sum(op(a, b)))(x, y)  # type: ignore[operator]
    x_wins = [1.0, 0.0, 1.0] if op is fnp.maximum else [0.0, 1.0, 0.0]
    np.testing.assert_array_equal(gx, [0.5, *x_wins[1:]])
    np.testing.assert_array_equal(gy, [0.5, *(1.0 - np.array(x_wins[1:]))])


@pytest.mark.parametrize("op", [fnp.max, fnp.min])
def test_max_and_min_reductions_split_evenly_among_ties(op: object) -> None:
    x = np.array([[3.0, 1.0, 3.0, 3.0], [0.0, 2.0, 2.0, 0.0]])
    extreme = (np.max if op is fnp.max else np.min)(x, axis=1, keepdims=True)
    hits = (x == extreme).astype(float)
    g = grad(lambda a: fnp.sum(op(a, axis=1)), argnums=0)(x)  # type: ignore[operator]
    np.testing.assert_allclose(g, hits / hits.sum(axis=1, keepdims=True))


def test_max_of_all_equal_entries_gives_each_an_equal_share() -> None:
    g = grad(lambda a: fnp.max(a), argnums=0)(np.full((2, 2), 7.0))
    np.testing.assert_array_equal(g, np.full((2, 2), 0.25))


def test_clip_passes_the_gradient_on_the_closed_interval() -> None:
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    g = grad(lambda a: fnp.sum(fnp.clip(a, 0.0, 1.0)), argnums=0)(x)
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0, 1.0, 0.0])


def test_clip_bounds_get_the_gradient_strictly_outside() -> None:
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    g_low, g_high = grad(lambda lo, hi: fnp.sum(fnp.clip(x, lo, hi)))(np.array(0.0), np.array(1.0))
    assert (g_low, g_high) == (1.0, 1.0)


@pytest.mark.parametrize("ord", [None, 1, 2, 3, np.inf, -np.inf])
def test_vector_norm_has_zero_gradient_at_zero(ord: object) -> None:
    g = grad(lambda a: fnp.linalg.norm(a, ord=ord), argnums=0)(np.zeros(3))
    np.testing.assert_array_equal(g, np.zeros(3))


@pytest.mark.parametrize("ord", [None, "fro", 1, np.inf])
def test_matrix_norm_has_zero_gradient_at_zero(ord: object) -> None:
    g = grad(lambda a: fnp.linalg.norm(a, ord=ord), argnums=0)(np.zeros((2, 3)))
    np.testing.assert_array_equal(g, np.zeros((2, 3)))


def test_norm_gradient_away_from_zero_is_x_over_norm() -> None:
    x = np.array([3.0, 0.0, -4.0])
    np.testing.assert_allclose(grad(fnp.linalg.norm, argnums=0)(x), x / 5.0)


def test_sqrt_at_zero_gives_an_infinite_gradient() -> None:
    with np.errstate(divide="ignore"):
        g = grad(lambda a: fnp.sum(fnp.sqrt(a)), argnums=0)(np.array([0.0, 4.0]))
    assert g[0] == np.inf
    assert g[1] == 0.25


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        ([2.0, 0.0, 3.0, 4.0], [0.0, 24.0, 0.0, 0.0]),  # one zero: the product of the rest
        ([2.0, 0.0, 3.0, 0.0], [0.0, 0.0, 0.0, 0.0]),  # several zeros: all zero
        ([2.0, 5.0, 3.0, 4.0], [60.0, 24.0, 40.0, 30.0]),
    ],
)
def test_prod_gradient_is_exact_with_zeros(x: list[float], expected: list[float]) -> None:
    g = grad(lambda a: fnp.prod(a), argnums=0)(np.array(x))
    np.testing.assert_array_equal(g, expected)


def test_prod_second_derivative_is_exact_with_one_zero() -> None:
    # d2/dxi dxj prod(x) = product of the entries other than i and j (0 on the diagonal).
    x = np.array([2.0, 0.0, 3.0])
    hessian_row_of_zero = grad(lambda a: grad(lambda b: fnp.prod(b), argnums=0)(a)[1], argnums=0)(x)
    np.testing.assert_array_equal(hessian_row_of_zero, [3.0, 0.0, 2.0])


def test_prod_gradient_with_zeros_along_an_axis() -> None:
    x = np.array([[0.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    g = grad(lambda a: fnp.sum(fnp.prod(a, axis=1)), argnums=0)(x)
    np.testing.assert_array_equal(g, [[6.0, 0.0, 0.0], [6.0, 3.0, 2.0]])


def test_where_selected_gradient_goes_to_the_chosen_branch() -> None:
    condition = np.array([True, False])
    gx, gy = grad(lambda a, b: fnp.sum(fnp.where(condition, a, b)))(np.ones(2), np.ones(2))
    np.testing.assert_array_equal(gx, [1.0, 0.0])
    np.testing.assert_array_equal(gy, [0.0, 1.0])


@pytest.mark.parametrize("x", [np.array([2.0]), np.array([2.0, 2.0, 2.0])])
def test_std_of_constant_entries_has_zero_gradient_like_a_norm_at_zero(x: np.ndarray) -> None:
    g = grad(lambda a: fnp.std(a), argnums=0)(x)
    np.testing.assert_array_equal(g, np.zeros_like(x))
