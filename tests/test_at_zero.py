"""Derivatives at 0 are exact where they are finite: power to every order (constant and
Tensor exponents), prod when the product underflows or has zero entries, and every
norm at the zero vector (its gradient is 0 by contract)."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import grad, hessian, jacfwd, jacobian


def _nth_derivative(fn: Callable[[Any], Any], n: int) -> Callable[[Any], Any]:
    """d^n/dx^n of a scalar function of a scalar, by nesting grad."""
    for _ in range(n):
        fn = grad(fn, argnums=0)
    return fn


def _falling(p: float, n: int) -> float:
    """p (p-1) ... (p-n+1): the coefficient of x**(p-n) in d^n/dx^n x**p."""
    return math.prod(p - k for k in range(n))


def _exact_at_zero(p: float, n: int) -> float:
    """d^n/dx^n x**p at x = 0, where finite (NaN marks an infinite one)."""
    coefficient = _falling(p, n)
    if coefficient == 0:
        return 0.0
    rest = p - n
    return coefficient if rest == 0 else 0.0 if rest > 0 else np.nan


CASES = [(p, n) for p in (0, 1, 2, 3, 0.5) for n in (1, 2, 3, 4) if not np.isnan(_exact_at_zero(p, n))]


@pytest.mark.parametrize(("p", "n"), CASES)
def test_power_with_constant_exponent_is_exact_at_zero_to_order_four(p: float, n: int) -> None:
    derivative = _nth_derivative(lambda x: x**p, n)(0.0)
    assert float(derivative) == _exact_at_zero(p, n)


@pytest.mark.parametrize(("p", "n"), CASES)
def test_power_with_tensor_exponent_is_exact_at_zero_to_order_four(p: float, n: int) -> None:
    # The exponent is a differentiated argument too, so the rule sees it as a Tensor.
    def f(x: Any, y: Any) -> Any:
        return x**y

    fn: Callable[..., Any] = f
    for _ in range(n):
        fn = grad(fn, argnums=0)
    assert float(fn(0.0, float(p))) == _exact_at_zero(p, n)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # d2/dx2 x**0.5 is infinite at 0
@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, 0.5])
def test_power_exponent_side_derivative_is_zero_at_zero_base(p: float) -> None:
    # d/dy x**y = x**y log x -> 0 at x = 0 (y > 0); its derivatives in x and y too.
    dy = grad(lambda x, y: x**y, argnums=1)
    assert float(dy(0.0, p)) == 0.0
    assert float(grad(dy, argnums=1)(0.0, p)) == 0.0
    h = hessian(lambda xy: fnp.sum(xy[0] ** xy[1]))(np.array([0.0, p]))
    assert h[1, 1] == 0.0
    if p > 1:  # d/dx (x**y log x) = y x**(y-1) log x + x**(y-1) -> 0; infinite for y <= 1
        assert h[0, 1] == h[1, 0] == 0.0


def test_power_reported_cases() -> None:
    assert float(_nth_derivative(lambda x: x**2, 3)(0.0)) == 0.0
    np.testing.assert_array_equal(hessian(lambda x: fnp.sum(x**1))(np.array([0.0])), [[0.0]])
    np.testing.assert_array_equal(grad(lambda x: fnp.sum(x**0), argnums=0)(np.array([0.0])), [0.0])


def test_power_with_array_exponent_is_exact_at_zero() -> None:
    y = np.array([0.0, 1.0, 2.0, 3.0])
    x = np.zeros(4)
    np.testing.assert_array_equal(grad(lambda a: fnp.sum(a**y), argnums=0)(x), [0.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(np.diag(hessian(lambda a: fnp.sum(a**y))(x)), [0.0, 0.0, 2.0, 0.0])


# --- prod ----------------------------------------------------------------------------
def test_prod_gradient_is_exact_when_the_product_underflows() -> None:
    x = np.array([1e-30, 1e-30], np.float32)
    np.testing.assert_array_equal(grad(fnp.prod, argnums=0)(x), x[::-1])


@pytest.mark.parametrize(
    ("x", "want"),
    [
        ([2.0, 0.0, 3.0], [0.0, 6.0, 0.0]),
        ([0.0, 0.0, 3.0], [0.0, 0.0, 0.0]),
        ([2.0, 3.0, 4.0], [12.0, 8.0, 6.0]),
        ([5.0], [1.0]),
    ],
)
def test_prod_gradient_is_exact_with_zero_entries(x: list[float], want: list[float]) -> None:
    np.testing.assert_array_equal(grad(fnp.prod, argnums=0)(np.array(x)), want)


def test_prod_hessian_with_zeros_is_exact() -> None:
    x = np.array([2.0, 0.0, 3.0])
    want = np.array([[0.0, 3.0, 0.0], [3.0, 0.0, 2.0], [0.0, 2.0, 0.0]])
    np.testing.assert_array_equal(hessian(fnp.prod)(x), want)
    np.testing.assert_array_equal(jacfwd(grad(fnp.prod, argnums=0))(x), want)


@pytest.mark.parametrize("axis", [0, 1, (0, 2), None])
@pytest.mark.parametrize("keepdims", [False, True])
def test_prod_jacobians_over_axes_match_products_of_the_others(axis: Any, keepdims: bool) -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0.5, 1.5, (2, 3, 2))
    x[0, 1, 0] = 0.0
    f = lambda a: fnp.prod(a, axis=axis, keepdims=keepdims)  # noqa: E731
    rev, fwd = jacobian(f)(x), jacfwd(f)(x)
    # d prod / dx_i is the product of the others: compute it by replacing x_i with 1.
    out_shape = np.prod(x, axis=axis, keepdims=keepdims).shape
    want = np.zeros(out_shape + x.shape)
    for index in np.ndindex(x.shape):
        y = x.copy()
        y[index] = 1.0
        others = np.prod(y, axis=axis, keepdims=keepdims)
        mask = np.zeros(x.shape)
        mask[index] = 1.0
        # Only outputs whose reduction contains index depend on it.
        touched = np.sum(mask, axis=axis, keepdims=keepdims) > 0
        want[(Ellipsis,) + index] = np.where(touched, others, 0.0)
    np.testing.assert_allclose(rev, want, rtol=1e-12, atol=0)
    np.testing.assert_allclose(fwd, want, rtol=1e-12, atol=0)


# --- norm at the zero vector ---------------------------------------------------------
VECTOR_ORDS = [None, 2, 1, 0, 0.5, 0.25, 3, 1.5, -1, -2, -0.5, np.inf, -np.inf]
MATRIX_ORDS = ["fro", 1, -1, np.inf, -np.inf]


@pytest.mark.parametrize("ord", VECTOR_ORDS)
def test_every_vector_norm_is_zero_with_zero_gradient_at_zero(ord: Any) -> None:
    x = np.zeros(3)
    with np.errstate(divide="ignore"):
        assert float(fnp.linalg.norm(x, ord).data) == np.linalg.norm(x, ord) == 0.0
    f = lambda a: fnp.linalg.norm(a, ord)  # noqa: E731
    np.testing.assert_array_equal(grad(f, argnums=0)(x), np.zeros(3))
    np.testing.assert_array_equal(hessian(f)(x), np.zeros((3, 3)))


@pytest.mark.parametrize("ord", MATRIX_ORDS)
def test_every_matrix_norm_is_zero_with_zero_gradient_at_zero(ord: Any) -> None:
    x = np.zeros((2, 3))
    f = lambda a: fnp.linalg.norm(a, ord)  # noqa: E731
    assert float(f(x).data) == 0.0
    np.testing.assert_array_equal(grad(f, argnums=0)(x), np.zeros((2, 3)))


def test_norm_at_a_zero_row_of_a_batch_keeps_the_other_rows_gradient() -> None:
    x = np.array([[0.0, 0.0], [3.0, 4.0]])
    g = grad(lambda a: fnp.sum(fnp.linalg.norm(a, 0.5, axis=1)), argnums=0)(x)
    assert np.all(g[0] == 0.0)
    want = grad(lambda a: fnp.linalg.norm(a, 0.5), argnums=0)(x[1])
    np.testing.assert_allclose(g[1], want)
