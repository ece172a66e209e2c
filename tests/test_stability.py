"""nn functions stay finite and correct for inputs of magnitude 1000.

References are analytic: at such magnitudes the exact values are known in closed form
(e.g. sigmoid(1000) = 1, softplus(-1000) = e**-1000 = 0 in floating point).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import funcgrad.nn as nn
import funcgrad.numpy as fnp
from funcgrad import grad

BIG = np.array([1000.0, -1000.0, 0.0])


@pytest.fixture(autouse=True)
def _no_numpy_warnings() -> object:
    # An overflow warning means an inf was computed somewhere, even if it was masked later.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_finite_and_exact_at_magnitude_1000(dtype: type) -> None:
    x = BIG.astype(dtype)
    np.testing.assert_array_equal(nn.sigmoid(x).data, np.array([1.0, 0.0, 0.5], dtype))
    g = grad(lambda a: fnp.sum(nn.sigmoid(a)), argnums=0)(x)
    np.testing.assert_array_equal(g, np.array([0.0, 0.0, 0.25], dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softplus_is_finite_and_exact_at_magnitude_1000(dtype: type) -> None:
    x = BIG.astype(dtype)
    np.testing.assert_allclose(nn.softplus(x).data, [1000.0, 0.0, np.log(2.0)], rtol=1e-6)
    g = grad(lambda a: fnp.sum(nn.softplus(a)), argnums=0)(x)
    np.testing.assert_array_equal(g, np.array([1.0, 0.0, 0.5], dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logsumexp_is_finite_and_exact_at_magnitude_1000(dtype: type) -> None:
    x = np.array([1000.0, 1000.0, -1000.0], dtype)
    np.testing.assert_allclose(nn.logsumexp(x).data, 1000.0 + np.log(2.0), rtol=1e-6)
    g = grad(lambda a: nn.logsumexp(a), argnums=0)(x)
    np.testing.assert_allclose(g, [0.5, 0.5, 0.0], atol=1e-7)


def test_logsumexp_second_derivative_is_finite_at_magnitude_1000() -> None:
    x = np.array([1000.0, 1000.0])
    h = grad(lambda a: grad(lambda b: nn.logsumexp(b), argnums=0)(a)[0], argnums=0)(x)
    np.testing.assert_allclose(h, [0.25, -0.25])  # d/dx softmax_0 = s0(1 - s0), -s0 s1


def test_logsumexp_of_all_minus_infinity_is_minus_infinity() -> None:
    assert nn.logsumexp(np.array([-np.inf, -np.inf])).data == -np.inf


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_is_finite_and_exact_at_magnitude_1000(dtype: type) -> None:
    x = np.array([[1000.0, 1000.0, -1000.0], [-1000.0, -1000.0, -1000.0]], dtype)
    s = nn.softmax(x, axis=-1)
    np.testing.assert_allclose(s.data, [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-6)
    weights = np.array([1.0, 2.0, 3.0], dtype)
    g = grad(lambda a: fnp.sum(nn.softmax(a) * weights), argnums=0)(x)
    # d/dx_j sum_i w_i s_i = s_j (w_j - sum_i w_i s_i)
    expected = s.data * (weights - np.sum(s.data * weights, axis=1, keepdims=True))
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_is_finite_and_exact_at_magnitude_1000(dtype: type) -> None:
    x = np.array([1000.0, 1000.0, -1000.0], dtype)
    np.testing.assert_allclose(nn.log_softmax(x).data, [-np.log(2.0), -np.log(2.0), -2000.0 - np.log(2.0)], rtol=1e-6)
    g = grad(lambda a: nn.log_softmax(a)[2], argnums=0)(x)
    # d/dx_j log s_2 = delta_2j - s_j
    np.testing.assert_allclose(g, [-0.5, -0.5, 1.0], atol=1e-7)
