"""Am I nested? Every pairing of an outer and an inner transform, in both closure
directions, gives arrays (never Tensors) at the top level and the right numbers; a
transform that has returned never looks like an enclosing one; threads agree."""

from __future__ import annotations

import concurrent.futures
from typing import Any, Callable

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import Tensor, grad, hessian, jacfwd, jacobian, jvp, value_and_grad, vjp

X0 = np.array([0.7, -0.4])
Y0 = np.array([0.3, 1.1])
V = np.array([0.5, -1.5])


def f_vec(x: Any, y: Any) -> Any:
    return fnp.sin(x * y) * y + x * x


def f(x: Any, y: Any) -> Any:
    return fnp.sum(f_vec(x, y))


#: Inner transforms, each a function of (x, y) computed by differentiating in y.
INNER: dict[str, Callable[[Any, Any], Any]] = {
    "grad": lambda x, y: grad(lambda b: f(x, b), argnums=0)(y),
    "value_and_grad": lambda x, y: (lambda vg: vg[0] + vg[1])(value_and_grad(lambda b: f(x, b), argnums=0)(y)),
    "jacobian": lambda x, y: jacobian(lambda b: f_vec(x, b))(y),
    "jacfwd": lambda x, y: jacfwd(lambda b: f_vec(x, b))(y),
    "hessian": lambda x, y: hessian(lambda b: f(x, b))(y),
    "jvp": lambda x, y: jvp(lambda b: f_vec(x, b), (y,), (V,))[1],
    "vjp": lambda x, y: vjp(lambda b: f_vec(x, b), y)[1](V)[0],
}


def outer_function(inner: str, closes_over_outer: bool) -> Callable[[Any], Any]:
    """F(x): the inner transform either runs on a plain array and closes over the outer
    argument (``closes_over_outer``), or runs on the outer argument itself."""

    def F(x: Any) -> Any:
        if closes_over_outer:
            value = INNER[inner](x, Y0)
        else:
            value = INNER[inner](Y0 * 0.5, x * x)
        return fnp.sum(fnp.sin(value) * 1.3)

    return F


def _differences(F: Callable[[Any], Any], x: np.ndarray) -> np.ndarray:
    step = 1e-6
    result = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = step
        result[i] = (np.asarray(F(x + e).data) - np.asarray(F(x - e).data)) / (2 * step)
    return result


#: Outer transforms: each returns the gradient of a scalar F (in its own layout).
OUTER: dict[str, Callable[[Callable[[Any], Any], np.ndarray], Any]] = {
    "grad": lambda F, x: grad(F, argnums=0)(x),
    "value_and_grad": lambda F, x: value_and_grad(F, argnums=0)(x)[1],
    "jacobian": lambda F, x: jacobian(F)(x),
    "jacfwd": lambda F, x: jacfwd(F)(x),
    "vjp": lambda F, x: vjp(F, x)[1](np.array(1.0))[0],
    "jvp (rows)": lambda F, x: np.array([jvp(F, (x,), (e,))[1] for e in np.eye(x.size)]),
}


@pytest.mark.parametrize("closes_over_outer", [True, False], ids=["inner-closes-over-outer", "inner-on-outer-argument"])
@pytest.mark.parametrize("inner", list(INNER))
@pytest.mark.parametrize("outer", list(OUTER))
def test_every_pairing_returns_arrays_and_the_right_derivative(outer: str, inner: str, closes_over_outer: bool) -> None:
    F = outer_function(inner, closes_over_outer)
    result = OUTER[outer](F, X0)
    assert type(result) is np.ndarray, f"{outer} of {inner} returned {type(result).__name__}"
    np.testing.assert_allclose(result, _differences(F, X0), rtol=1e-5, atol=1e-7)


def test_inner_gradient_of_a_plain_array_closing_over_the_outer_argument() -> None:
    r = np.array([1.0, -1.0])

    def H(x: Any) -> Any:
        g = grad(lambda y: fnp.sum(x * y**2), argnums=0)(np.array([1.0, 2.0]))  # 2 x y
        return fnp.sum(g * r)

    result = grad(H, argnums=0)(np.array([1.5, -2.0]))
    assert type(result) is np.ndarray
    np.testing.assert_allclose(result, 2 * np.array([1.0, 2.0]) * r)


def test_an_optimizer_loop_over_an_inner_gradient_does_not_grow_a_graph() -> None:
    y0 = np.array([1.0, 2.0])

    def loss(x: Any) -> Any:
        g = grad(lambda y: fnp.sum(x * y**2), argnums=0)(y0)
        return fnp.sum((g - 1.0) ** 2)

    x = np.array([1.0, 1.0])
    for _ in range(300):
        step = grad(loss, argnums=0)(x)
        assert type(step) is np.ndarray  # a Tensor here would chain every step's graph
        x = x - 0.01 * step
    assert np.isfinite(x).all()


def test_a_tensor_escaped_from_a_returned_call_is_a_constant_to_a_later_call() -> None:
    escaped: list[Tensor] = []
    grad(lambda y: (escaped.append(y * 3.0), fnp.sum(y))[1], argnums=0)(np.array([1.0, 2.0]))
    # Differentiating a function that uses it: it is a constant, and the result an array.
    result = grad(lambda x: fnp.sum(x * escaped[0]), argnums=0)(np.array([1.0, 1.0]))
    assert type(result) is np.ndarray
    np.testing.assert_array_equal(result, [3.0, 6.0])


def test_nested_results_agree_across_threads() -> None:
    cases = [(outer, inner, flag) for outer in ("grad", "jacfwd", "vjp") for inner in INNER for flag in (True, False)]
    expected = [OUTER[o](outer_function(i, c), X0) for o, i, c in cases]

    def run(k: int) -> list[np.ndarray]:
        x = X0 + 0.0
        return [OUTER[o](outer_function(i, c), x) for o, i, c in cases[k % 3 :: 3]]

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(run, range(12)))
    for k, got in enumerate(results):
        for value, want in zip(got, expected[k % 3 :: 3]):
            assert type(value) is np.ndarray
            np.testing.assert_allclose(value, want, rtol=1e-12)
