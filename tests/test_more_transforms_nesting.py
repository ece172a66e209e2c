"""Every new transform nested inside every existing one (and the new ones around the
existing ones), each result checked against central finite differences in float64.

A row of INNER is a function ``h: R^3 -> R^3`` built with one new transform; a row of
OUTER applies one existing transform to it and says what finite differences of ``h``
predict. The table is the product, so a transform added to either side is checked
against all of the other side.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import (
    Tensor,
    checkpoint,
    custom_jvp,
    custom_vjp,
    elementwise_grad,
    fixed_point,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jvp,
    linearize,
    make_ggnvp,
    tensor_jacobian_product,
    value_and_grad,
    vjp,
)

X = np.array([0.3, -0.7, 1.1])
C = np.array([0.5, -1.5, 2.0])  # a fixed output weighting, so scalar losses use every output
V = np.array([1.0, 0.25, -0.5])  # a tangent
W = np.array([[0.2, -0.1, 0.05], [0.1, 0.3, -0.2], [0.0, 0.15, 0.25]])


def value(r: Any) -> Any:
    return r.data if isinstance(r, Tensor) else np.asarray(r)


def fd_jacobian(fun: Callable[[Any], Any], x: Any, eps: float = 1e-6) -> Any:
    """``d fun / d x`` by central differences, laid out as ``out.shape + x.shape``."""
    x = np.asarray(x, dtype=np.float64)
    cols = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        e = e.reshape(x.shape)
        cols.append((np.asarray(fun(x + e), dtype=np.float64) - np.asarray(fun(x - e), dtype=np.float64)) / (2 * eps))
    return np.stack(cols, axis=-1).reshape(np.shape(fun(x)) + x.shape)


# --- the new transforms, each making a function R^3 -> R^3 ------------------------------
def _softplus(x: Any) -> Any:
    return fnp.log1p(fnp.exp(x))


softplus = custom_jvp(_softplus)


@softplus.defjvp
def _softplus_jvp(primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
    (x,), (t,) = primals, tangents
    return softplus(x), t / (1.0 + fnp.exp(-x))


def _distance(x: Any, y: Any) -> Any:
    return fnp.max(fnp.abs(x - y))


def _block(x: Any) -> Any:
    return x + fnp.tanh(fnp.matmul(W, x) * x)


INNER: dict[str, Callable[[Any], Any]] = {
    "elementwise_grad": lambda x: elementwise_grad(lambda y: fnp.sin(y) * y * y)(x),
    "checkpoint": lambda x: checkpoint(_block)(x) * x,
    "checkpoint_closure": lambda x: checkpoint(lambda y: fnp.tanh(y * x[0]) + y)(x * 2.0),
    "linearize": lambda x: linearize(lambda y: fnp.sin(y) * y[0], x)[1](x * 0.5 + 1.0),
    "custom_jvp": lambda x: softplus(x * x) * x,
    "fixed_point": lambda x: fixed_point(
        lambda a, z: 0.5 * fnp.tanh(fnp.matmul(W, z) + a), x, np.zeros(3), _distance, 1e-14
    ),
    "tensor_jacobian_product": lambda x: tensor_jacobian_product(lambda y: fnp.sin(y) * y[1])(x, x * x),
    "make_ggnvp": lambda x: make_ggnvp(lambda y: fnp.sin(y) * y[0])(x)(V),
}


def _h_values(h: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda x: value(h(x))


def _via_custom_vjp(h: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``h`` behind a custom_vjp whose rule is ``h``'s own vjp."""
    f = custom_vjp(lambda x: h(x))
    f.defvjp(lambda x: (h(x), x), lambda x, g: (vjp(h, x)[1](g)[0],))
    return f


# --- the existing transforms around them: (computed, predicted by finite differences) -----
def _outer_rows() -> dict[str, Callable[[Callable[[Any], Any]], tuple[Any, Any]]]:
    def loss(h: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return lambda x: (h(x) * C).sum()

    def fd_grad(h: Callable[[Any], Any]) -> Any:
        return fd_jacobian(lambda x: np.dot(value(h(x)), C), X)

    def fd_hessian(h: Callable[[Any], Any]) -> Any:
        return fd_jacobian(lambda x: fd_jacobian(lambda y: np.dot(value(h(y)), C), x, 1e-4), X, 1e-4)

    return {
        "grad": lambda h: (grad(loss(h), argnums=0)(X), fd_grad(h)),
        "value_and_grad": lambda h: (
            np.concatenate([np.atleast_1d(r) for r in value_and_grad(loss(h), argnums=0)(X)]),
            np.concatenate([[np.dot(value(h(X)), C)], fd_grad(h)]),
        ),
        "vjp": lambda h: (vjp(h, X)[1](C)[0], fd_jacobian(_h_values(h), X).T @ C),
        "jvp": lambda h: (jvp(h, (X,), (V,))[1], fd_jacobian(_h_values(h), X) @ V),
        "jacobian": lambda h: (jacobian(h)(X), fd_jacobian(_h_values(h), X)),
        "jacfwd": lambda h: (jacfwd(h)(X), fd_jacobian(_h_values(h), X)),
        "hessian": lambda h: (hessian(loss(h))(X), fd_hessian(h)),
        "hvp": lambda h: (hvp(loss(h), (X,), (V,))[0], fd_hessian(h) @ V),
        "custom_vjp": lambda h: (grad(loss(_via_custom_vjp(h)), argnums=0)(X), fd_grad(h)),
        "grad_of_grad": lambda h: (
            grad(lambda x: (grad(loss(h), argnums=0)(x) * V).sum(), argnums=0)(X),
            fd_hessian(h) @ V,
        ),
    }


OUTER = _outer_rows()
PAIRS = [(o, i) for o in OUTER for i in INNER]


@pytest.mark.parametrize("outer, inner", PAIRS, ids=[f"{o}-of-{i}" for o, i in PAIRS])
def test_existing_transform_of_new_transform_matches_finite_differences(outer: str, inner: str) -> None:
    computed, predicted = OUTER[outer](INNER[inner])
    assert isinstance(computed, np.ndarray)  # a top-level call returns arrays
    tol = 1e-4 if outer in ("hessian", "hvp", "grad_of_grad") else 1e-6
    np.testing.assert_allclose(computed, predicted, rtol=tol, atol=tol)


# --- the new transforms around the existing ones ---------------------------------------------
def _energy(y: Any) -> Any:
    return (fnp.sin(y) * y).sum() + (y * y * y).sum()


def _energy_grad(y: Any) -> Any:  # d/dy of _energy, written out: the reference
    return np.cos(y) * y + np.sin(y) + 3 * y * y


def _column_sums(y: Any) -> Any:  # the Jacobian of sin(y) * y[0], summed over its rows
    return np.cos(y) * y[0] + np.eye(3)[0] * np.sin(y).sum()


def _inner_existing() -> dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]]:
    """An existing transform as a function R^3 -> R^3, and the same function in NumPy."""
    return {
        "grad": (lambda x: grad(_energy, argnums=0)(x), _energy_grad),
        "value_and_grad": (lambda x: value_and_grad(_energy, argnums=0)(x)[1] * 2.0, lambda x: 2.0 * _energy_grad(x)),
        "vjp": (lambda x: vjp(lambda y: fnp.sin(y) * y, x)[1](C)[0], lambda x: (np.cos(x) * x + np.sin(x)) * C),
        "jvp": (lambda x: jvp(lambda y: fnp.sin(y) * y, (x,), (V,))[1], lambda x: (np.cos(x) * x + np.sin(x)) * V),
        "jacobian": (lambda x: jacobian(lambda y: fnp.sin(y) * y[0])(x).sum(axis=0), _column_sums),
        "jacfwd": (lambda x: jacfwd(lambda y: fnp.sin(y) * y[0])(x).sum(axis=0), _column_sums),
        "hessian": (lambda x: hessian(_energy)(x) @ V, lambda x: (2 * np.cos(x) - np.sin(x) * x + 6 * x) * V),
        "hvp": (lambda x: hvp(_energy, (x,), (V,))[0], lambda x: (2 * np.cos(x) - np.sin(x) * x + 6 * x) * V),
        "custom_vjp": (lambda x: _via_custom_vjp(lambda y: fnp.sin(y) * y)(x), lambda x: np.sin(x) * x),
    }


INNER_EXISTING = _inner_existing()


def _new_outer() -> dict[str, Callable[[Callable[[Any], Any]], Any]]:
    """A new transform applied to ``u: R^3 -> R^3``, as an array at X."""
    return {
        "elementwise_grad": lambda u: elementwise_grad(lambda x: u(x) * C)(X),
        "checkpoint": lambda u: grad(lambda x: (checkpoint(u)(x) * C).sum(), argnums=0)(X),
        "linearize": lambda u: linearize(u, X)[1](V),
        "custom_jvp": lambda u: grad(lambda x: (_custom_jvp_of(u)(x) * C).sum(), argnums=0)(X),
        "fixed_point": lambda u: jacobian(
            lambda a: fixed_point(lambda a, z: 0.1 * fnp.tanh(u(a) + z), a, np.zeros(3), _distance, 1e-14)
        )(X),
        "tensor_jacobian_product": lambda u: tensor_jacobian_product(u)(X, C),
    }


def _custom_jvp_of(u: Callable[[Any], Any]) -> Any:
    f = custom_jvp(lambda x: u(x))
    f.defjvp(lambda p, t: (u(p[0]), jvp(u, p, t)[1]))
    return f


def _new_outer_predicted(name: str, u_np: Callable[[Any], Any]) -> Any:
    J = fd_jacobian(u_np, X)
    if name in ("elementwise_grad", "checkpoint", "custom_jvp", "tensor_jacobian_product"):
        return J.T @ C
    if name == "linearize":
        return J @ V
    # fixed_point of z = 0.1 tanh(u(a) + z): differentiate the solution map numerically
    def solve(a: Any) -> Any:
        z = np.zeros(3)
        for _ in range(200):
            z = 0.1 * np.tanh(u_np(a) + z)
        return z

    return fd_jacobian(solve, X)


NEW_OUTER = _new_outer()
REVERSED = [(o, i) for o in NEW_OUTER for i in INNER_EXISTING]


@pytest.mark.parametrize("outer, inner", REVERSED, ids=[f"{o}-of-{i}" for o, i in REVERSED])
def test_new_transform_of_existing_transform_matches_finite_differences(outer: str, inner: str) -> None:
    u, u_np = INNER_EXISTING[inner]
    computed = NEW_OUTER[outer](u)
    np.testing.assert_allclose(value(computed), _new_outer_predicted(outer, u_np), rtol=1e-5, atol=1e-6)
