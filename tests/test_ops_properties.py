"""Property tests: hypothesis varies shapes and values for the elementwise and reduction
families; NumPy gives the values and check_grads the derivatives (order 2)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import funcgrad.nn as nn
import funcgrad.numpy as fnp
from funcgrad.testing import check_grads

# Modest counts: the whole CI run must stay well under ten minutes.
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)

#: (op, NumPy reference, domain where it is smooth)
UNARY: list[tuple[Callable[..., Any], Callable[..., Any], tuple[float, float]]] = [
    (fnp.exp, np.exp, (-3.0, 3.0)),
    (fnp.log, np.log, (0.2, 5.0)),
    (fnp.log1p, np.log1p, (-0.5, 3.0)),
    (fnp.expm1, np.expm1, (-3.0, 3.0)),
    (fnp.sqrt, np.sqrt, (0.2, 5.0)),
    (fnp.sin, np.sin, (-3.0, 3.0)),
    (fnp.cos, np.cos, (-3.0, 3.0)),
    (fnp.tan, np.tan, (-1.2, 1.2)),
    (fnp.tanh, np.tanh, (-3.0, 3.0)),
    (fnp.arctan, np.arctan, (-3.0, 3.0)),
    (fnp.square, np.square, (-3.0, 3.0)),
    (fnp.reciprocal, np.reciprocal, (0.3, 3.0)),
    (nn.sigmoid, lambda x: 1 / (1 + np.exp(-x)), (-5.0, 5.0)),
    (nn.softplus, lambda x: np.log1p(np.exp(x)), (-5.0, 5.0)),
]
BINARY = [
    (fnp.add, np.add),
    (fnp.subtract, np.subtract),
    (fnp.multiply, np.multiply),
    (fnp.divide, np.divide),
    (fnp.maximum, np.maximum),
    (fnp.minimum, np.minimum),
]
REDUCTIONS = [
    (fnp.sum, np.sum),
    (fnp.mean, np.mean),
    (fnp.prod, np.prod),
    (fnp.max, np.max),
    (fnp.min, np.min),
    (fnp.var, np.var),
    (fnp.std, np.std),
    (nn.logsumexp, lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))),
]
DTYPES = st.sampled_from([np.float32, np.float64])
SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)


def _uniform(seed: int, shape: tuple[int, ...], low: float, high: float, dtype: type) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def _close(out: Any, expected: Any, dtype: type) -> None:
    assert out.dtype == dtype and out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6 if dtype == np.float32 else 1e-12)


@SETTINGS
@given(case=st.sampled_from(UNARY), shape=SHAPES, dtype=DTYPES, seed=st.integers(0, 2**16))
def test_elementwise_unary_ops_match_numpy_and_finite_differences(case: Any, shape: tuple[int, ...], dtype: type, seed: int) -> None:
    op, reference, (low, high) = case
    x = _uniform(seed, shape, low, high, dtype)
    _close(op(x), reference(x), dtype)
    check_grads(op, x, order=2)


@SETTINGS
@given(case=st.sampled_from(BINARY), shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), dtype=DTYPES, seed=st.integers(0, 2**16))
def test_broadcasting_binary_ops_match_numpy_and_finite_differences(case: Any, shapes: Any, dtype: type, seed: int) -> None:
    op, reference = case
    x = _uniform(seed, shapes.input_shapes[0], 0.5, 2.0, dtype)
    y = _uniform(seed + 1, shapes.input_shapes[1], -2.0, -0.5, dtype) * np.where(op is fnp.divide, -1, 1).astype(dtype)
    out = op(x, y)
    _close(out, reference(x, y), dtype)
    assert out.shape == shapes.result_shape
    check_grads(op, x, y, order=2)


@st.composite
def _reduction_axes(draw: Any) -> tuple[tuple[int, ...], Any, bool]:
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))
    ndim = len(shape)
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        axis: Any = None
    elif kind == "int":
        axis = draw(st.integers(-ndim, ndim - 1))
    else:
        chosen = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
        axis = tuple(a - ndim if draw(st.booleans()) else a for a in chosen)  # negative too
    return shape, axis, draw(st.booleans())


@SETTINGS
@given(case=st.sampled_from(REDUCTIONS), spec=_reduction_axes(), dtype=DTYPES, seed=st.integers(0, 2**16))
def test_reductions_match_numpy_and_finite_differences(case: Any, spec: Any, dtype: type, seed: int) -> None:
    op, reference = case
    shape, axis, keepdims = spec
    # Values spread apart so max/min have no near-ties a finite difference could cross.
    x = (np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape) * 0.25 + 0.5).astype(dtype)
    _close(op(x, axis=axis, keepdims=keepdims), reference(x, axis=axis, keepdims=keepdims), dtype)
    check_grads(lambda a: op(a, axis=axis, keepdims=keepdims), x, order=2)
