"""Regression tests for defects in the transforms' handling of their inputs: duplicate
argnums, complex/object/string seeds, weak integer constants, keyword-only calls."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import Tensor, custom_vjp, grad, hvp, jacfwd, jacobian, jvp, value_and_grad, vjp

X = np.array([1.0, 2.0])
Y = np.array([3.0, -1.0])


def f(a: Any, b: Any) -> Any:
    return fnp.sum(a * b * b)


@pytest.mark.parametrize("argnums", [(0, 0), (0, -2), (1, 0, 1)])
def test_a_position_named_twice_gets_the_same_gradient_in_both_places(argnums: tuple[int, ...]) -> None:
    full = {0: Y * Y, 1: 2 * X * Y}
    for got, n in zip(grad(f, argnums=argnums)(X, Y), argnums):
        np.testing.assert_allclose(got, full[n % 2])
    _, grads = value_and_grad(f, argnums=argnums)(X, Y)
    for got, n in zip(grads, argnums):
        np.testing.assert_allclose(got, full[n % 2])
    vec = lambda a, b: a * b * b  # noqa: E731
    for transform in (jacobian, jacfwd):
        for got, n in zip(transform(vec, argnums=argnums)(X, Y), argnums):
            np.testing.assert_allclose(got, np.diag(full[n % 2]))


def test_duplicate_gradients_are_distinct_arrays() -> None:
    a, b = grad(f, argnums=(0, 0))(X, Y)
    assert a is not b
    a[0] = 100.0
    assert b[0] != 100.0


BAD_SEEDS: list[tuple[str, Any]] = [
    ("complex", np.array([1.0 + 1j, 0.0])),
    ("object", np.array([None, 1.0], dtype=object)),
    ("string", np.array(["a", "b"])),
]


@pytest.mark.parametrize(("kind", "seed"), BAD_SEEDS, ids=[k for k, _ in BAD_SEEDS])
def test_bad_tangents_and_cotangents_are_refused_naming_them(kind: str, seed: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ComplexWarning would mean a silent cast
        with pytest.raises(TypeError, match="jvp: tangent 0"):
            jvp(fnp.sin, (X,), (seed,))
        with pytest.raises(TypeError, match="vjp: cotangent"):
            vjp(fnp.sin, X)[1](seed)
        with pytest.raises(TypeError, match="tangent 0"):
            hvp(lambda x: fnp.sum(x**3), (X,), (seed,))
        with pytest.raises(TypeError, match="ab|cotangent"):
            vjp(fnp.sin, X)[1]("ab")


def test_a_complex_cotangent_from_custom_bwd_is_refused_naming_bwd() -> None:
    @custom_vjp
    def g(x: Any) -> Any:
        return x * 2.0

    g.defvjp(lambda x: (x * 2.0, None), lambda r, c: (c * (1 + 1j),))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match="bwd's cotangent 0"):
            grad(lambda x: fnp.sum(g(x)), argnums=0)(np.ones(2))


INTEGER_CONSTANTS: list[tuple[str, Callable[[Any], Any]]] = [
    ("multiply", lambda x: x * np.array([1, 2])),
    ("add", lambda x: x + np.array([1, 2])),
    ("divide", lambda x: np.array([3, 4]) / (x + 2.0)),
    ("bool", lambda x: fnp.where(np.array([True, False]), x, 0.0) * np.array([True, True])),
    ("matmul", lambda x: np.array([[1, 2], [3, 4]]) @ x),
    ("list of ints", lambda x: x * [2, 3]),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("label", "fn"), INTEGER_CONSTANTS, ids=[label for label, _ in INTEGER_CONSTANTS])
def test_integer_constants_take_the_float_operands_dtype(label: str, fn: Callable[[Any], Any], dtype: Any) -> None:
    x = np.array([0.5, 1.5], dtype=dtype)
    assert fn(Tensor(x)).dtype == dtype
    value, gradient = value_and_grad(lambda t: fnp.sum(fn(t)), argnums=0)(x)
    assert value.dtype == dtype and gradient.dtype == dtype


def test_integer_constants_alone_give_float64() -> None:
    assert fnp.multiply(np.array([1, 2]), np.array([3, 4])).dtype == np.float64


def test_keyword_only_calls_are_refused_saying_how_to_pass_positionally() -> None:
    for transform in (grad, value_and_grad, jacobian, jacfwd):
        with pytest.raises(TypeError, match=r"keyword arguments \(x\) are passed through undifferentiated.*positionally"):
            transform(lambda x: fnp.sum(x * x))(x=X)


@pytest.mark.parametrize("output", [lambda x, y: x == y, lambda x, y: x > 0.0, lambda x, y: np.isnan(x)])
def test_a_comparison_output_has_a_zero_gradient(output: Callable[[Any, Any], Any]) -> None:
    gx, gy = grad(output)(X, Y)
    np.testing.assert_array_equal(gx, np.zeros(2))
    np.testing.assert_array_equal(gy, np.zeros(2))
