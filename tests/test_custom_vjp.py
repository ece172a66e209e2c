"""custom_vjp: a user rule is used by every transform, including forward mode (derived
from bwd by transposition) and higher orders (bwd differentiated). The rules here are
deliberately not the true derivative, so their use is observable."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import Tensor, backward, custom_vjp, grad, hessian, hvp, jacfwd, jacobian, jvp, value_and_grad, vjp


def make_cube() -> Any:
    """cube(x) = x^3, whose rule claims the derivative is 5 x^2 (not 3 x^2)."""

    @custom_vjp
    def cube(x: Any) -> Any:
        return x * x * x

    def fwd(x: Any) -> tuple[Any, Any]:
        return x * x * x, x

    def bwd(x: Any, g: Any) -> tuple[Any]:
        return (5.0 * x * x * g,)

    cube.defvjp(fwd, bwd)
    return cube


X = np.array([0.5, -1.0, 2.0])


def test_values_are_fns_and_the_rule_gives_first_derivatives() -> None:
    cube = make_cube()
    np.testing.assert_allclose(np.asarray(cube(Tensor(X))), X**3)
    np.testing.assert_allclose(cube(X), X**3)  # nothing traced: fn itself
    np.testing.assert_allclose(grad(lambda x: cube(x).sum(), argnums=0)(X), 5 * X**2)
    value, g = value_and_grad(lambda x: cube(x).sum(), argnums=0)(X)
    np.testing.assert_allclose(value, (X**3).sum())
    np.testing.assert_allclose(vjp(cube, X)[1](np.ones(3))[0], 5 * X**2)
    t = Tensor(X)
    np.testing.assert_allclose(backward(cube(t).sum())[t], 5 * X**2)


def test_forward_mode_uses_the_rule_transposed() -> None:
    cube = make_cube()
    v = np.array([1.0, 2.0, -1.0])
    np.testing.assert_allclose(jvp(cube, (X,), (v,))[1], 5 * X**2 * v)
    np.testing.assert_allclose(jacfwd(cube)(X), np.diag(5 * X**2))
    np.testing.assert_allclose(jacobian(cube)(X), np.diag(5 * X**2))


def test_higher_orders_differentiate_bwd() -> None:
    cube = make_cube()
    f = lambda x: cube(x).sum()  # noqa: E731
    # d/dx of the rule 5 x^2 is 10 x; once more, 10.
    np.testing.assert_allclose(grad(grad(f, argnums=0), argnums=0)(X), 10 * X)
    np.testing.assert_allclose(grad(grad(grad(f, argnums=0), argnums=0), argnums=0)(X), np.full(3, 10.0))
    np.testing.assert_allclose(hessian(f)(X), np.diag(10 * X))
    v = np.array([1.0, 0.0, 3.0])
    np.testing.assert_allclose(hvp(f, (X,), (v,))[0], 10 * X * v)


def test_inner_use_with_the_outer_variable_closed_over() -> None:
    cube = make_cube()
    # k(x) = d/dy [x * cube(y)]_{y=x} = x * 5 x^2 = 5 x^3 by the rule, so k'(x) = 15 x^2.
    k = lambda x: grad(lambda y: (x * cube(y)).sum(), argnums=0)(x).sum()  # noqa: E731
    np.testing.assert_allclose(grad(k, argnums=0)(X), 15 * X**2)


def test_several_pytree_arguments_and_none_cotangents() -> None:
    @custom_vjp
    def scaled(p: Any, x: Any, label: str) -> Any:
        return p["a"] * fnp.sin(x)

    def fwd(p: Any, x: Any, label: str) -> tuple[Any, Any]:
        return p["a"] * fnp.sin(x), (p["a"], x)

    def bwd(res: Any, g: Any) -> tuple[Any, ...]:
        a, x = res
        # The true cotangents would be (sin x g, a cos x g); this rule doubles the first
        # and gives x zero cotangent (None).
        return ({"a": 2.0 * fnp.sin(x) * g}, None, None)

    scaled.defvjp(fwd, bwd)
    a, x = np.array([1.5, 2.0]), np.array([0.3, -0.2])
    ga, gx = grad(lambda p, x: scaled(p, x, "tag").sum(), argnums=(0, 1))({"a": a}, x)
    np.testing.assert_allclose(ga["a"], 2 * np.sin(x))
    np.testing.assert_allclose(gx, np.zeros(2))
    # d/dx of the rule's cotangent for a: sum(2 sin x) -> 2 cos x
    mixed = grad(lambda x: grad(lambda p: scaled(p, x, "t").sum(), argnums=0)({"a": a})["a"].sum(), argnums=0)(x)
    np.testing.assert_allclose(mixed, 2 * np.cos(x))
    # keyword arguments bind to their positions
    np.testing.assert_allclose(grad(lambda p: scaled(p, x=x, label="k").sum(), argnums=0)({"a": a})["a"], 2 * np.sin(x))


def test_a_rule_with_a_matrix_cotangent_sees_unbatched_cotangents_under_jacobians() -> None:
    # bwd uses g's shape as the output's (a matmul); jacobian rows reach it one at a time.
    w = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])

    @custom_vjp
    def project(x: Any) -> Any:
        return x @ w

    def bwd(x: Any, g: Any) -> tuple[Any]:
        assert g.shape == (2,)
        return (2.0 * (w @ g),)  # twice the true pullback

    project.defvjp(lambda x: (x @ w, x), bwd)
    x = np.array([1.0, -1.0, 0.5])
    np.testing.assert_allclose(jacobian(project)(x), 2 * w.T)
    np.testing.assert_allclose(jacfwd(project)(x), 2 * w.T)


def test_misuse_is_reported_clearly() -> None:
    cube = make_cube()
    with pytest.raises(ValueError, match="custom_vjp: cube already has a rule"):
        cube.defvjp(lambda x: (x, x), lambda r, g: (g,))

    @custom_vjp
    def bad(x: Any) -> Any:
        return x * 2.0

    bad.defvjp(lambda x: (x * 2.0, None), lambda r, g: g)
    with pytest.raises(TypeError, match=r"custom_vjp\(bad\): bwd \(<lambda>\) must return a tuple of 1 cotangent, one per positional argument, got"):
        grad(lambda x: bad(x).sum(), argnums=0)(X)


def test_without_a_rule_the_function_is_differentiated_as_written() -> None:
    @custom_vjp
    def square(x: Any) -> Any:
        return x * x

    np.testing.assert_allclose(grad(lambda x: square(x).sum(), argnums=0)(X), 2 * X)
    assert square.__name__ == "square"


def test_fwd_that_forgets_the_residuals_is_refused_naming_fwd_and_fn() -> None:
    @custom_vjp
    def double(x: Any) -> Any:
        return 2.0 * x

    def forgetful_fwd(x: Any) -> Any:
        return 2.0 * x  # not (out, residuals): would unpack into out[0], out[1]

    double.defvjp(forgetful_fwd, lambda r, g: (2.0 * g,))
    with pytest.raises(TypeError, match=r"custom_vjp\(double\): fwd \(forgetful_fwd\) must return a pair \(out, residuals\), got a Tensor of shape \(2,\)"):
        grad(lambda x: double(x).sum(), argnums=0)(np.array([1.0, 2.0]))


def test_bwd_cotangent_of_the_wrong_shape_is_refused_naming_bwd_and_shapes() -> None:
    @custom_vjp
    def f(x: Any, y: Any) -> Any:
        return x * y

    def bad_bwd(r: Any, g: Any) -> Any:
        return (g, fnp.sum(g))  # y's cotangent should have y's shape (3,), not ()

    f.defvjp(lambda x, y: (x * y, None), bad_bwd)
    with pytest.raises(ValueError, match=r"custom_vjp\(f\): bwd \(bad_bwd\) returned cotangent 1 of shape \(\), but its argument has shape \(3,\)"):
        grad(lambda x, y: f(x, y).sum())(np.ones(3), np.ones(3))


def test_bwd_that_returns_a_bare_array_is_refused_naming_bwd() -> None:
    @custom_vjp
    def f(x: Any) -> Any:
        return 3.0 * x

    f.defvjp(lambda x: (3.0 * x, None), lambda r, g: 3.0 * g)
    with pytest.raises(TypeError, match=r"bwd \(<lambda>\) must return a tuple of 1 cotangent, one per positional argument"):
        grad(lambda x: f(x).sum(), argnums=0)(np.ones(2))
