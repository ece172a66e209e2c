"""Every gradient-table row under the batched transforms: ``jacobian`` (reverse),
``jacfwd`` and ``hessian`` pull back or push forward many rows at once through each
op's rules, so they check that the rules keep leading batch axes. References are
float64 central differences of the op (Jacobians) and of its gradient (Hessians)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import grad, hessian, jacfwd, jacobian
from test_ops_table import CASES, Row, Shapes, _arguments

STEP = 1e-6


def _differences(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """d f / d x by central differences, laid out as ``f(x).shape + x.shape``."""
    out_shape = np.shape(f(x))
    result = np.zeros(out_shape + x.shape)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += STEP
        minus[index] -= STEP
        result[(...,) + index] = (f(plus) - f(minus)) / (2 * STEP)
    return result


@pytest.mark.parametrize(("row", "shapes", "kwargs"), CASES)
def test_jacobians_and_hessians_match_finite_differences(row: Row, shapes: Shapes, kwargs: dict[str, Any]) -> None:
    args = _arguments(row, shapes, np.float64, seed=11)
    for position in range(len(args)):

        def f(x: Any, position: int = position) -> Any:
            return row.op(*args[:position], x, *args[position + 1 :], **kwargs)

        x = args[position]
        weights = np.cos(np.arange(np.size(f(x).data))).reshape(f(x).shape)

        def scalar(x: Any, position: int = position) -> Any:
            return fnp.sum(f(x) * weights)

        expected = _differences(lambda z: np.asarray(f(z).data), x)
        np.testing.assert_allclose(jacobian(f)(x), expected, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(jacfwd(f)(x), expected, rtol=1e-6, atol=1e-6)
        expected_hessian = _differences(lambda z: np.asarray(grad(scalar, argnums=0)(z)), x)
        np.testing.assert_allclose(hessian(scalar)(x), expected_hessian, rtol=1e-5, atol=1e-5)
