"""The core primitives behind Tensor's operators, one row each, one checker.

Each row is checked for forward values against NumPy, and for first and second
derivatives (reverse mode) and the first derivative in forward mode against central
finite differences computed in float64, for float32 and float64 inputs.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import attrs
import numpy as np
import pytest

from funcgrad import Tensor, grad, jvp
from funcgrad import _core_ops as ops
from funcgrad._tensor import apply


@attrs.frozen
class Row:
    name: str
    fn: Callable[..., Any]  # on Tensors
    reference: Callable[..., Any]  # the same on NumPy arrays
    shapes: Sequence[tuple[int, ...]]
    low: float = -2.0
    high: float = 2.0


ROWS = [
    Row("add", lambda x, y: x + y, np.add, [(3,), (3,)]),
    Row("add-broadcast-right", lambda x, y: x + y, np.add, [(2, 3), (3,)]),
    Row("add-broadcast-left", lambda x, y: x + y, np.add, [(1, 3), (2, 1)]),
    Row("add-0d", lambda x, y: x + y, np.add, [(), (2, 3)]),
    Row("subtract", lambda x, y: x - y, np.subtract, [(2, 3), (2, 1)]),
    Row("multiply", lambda x, y: x * y, np.multiply, [(2, 3), (3,)]),
    Row("multiply-0d", lambda x, y: x * y, np.multiply, [(4,), ()]),
    Row("divide", lambda x, y: x / y, np.divide, [(2, 3), (3,)], 0.5, 2.0),
    Row("divide-broadcast-left", lambda x, y: x / y, np.divide, [(3,), (2, 3)], 0.5, 2.0),
    Row("negative", lambda x: -x, np.negative, [(2, 3)]),
    Row("power-constant", lambda x: x ** 3, lambda x: x ** 3, [(2, 3)]),
    Row("power-both", lambda x, y: x ** y, np.power, [(2, 3), (3,)], 0.5, 2.0),
    Row("rpower", lambda y: 2.0 ** y, lambda y: 2.0 ** y, [(4,)]),
    Row("exp", lambda x: ops.exp(x), np.exp, [(2, 3)]),
    Row("log", lambda x: ops.log(x), np.log, [(2, 3)], 0.5, 3.0),
    Row("matmul", lambda x, y: x @ y, np.matmul, [(2, 3), (3, 4)]),
    Row("matmul-vector-matrix", lambda x, y: x @ y, np.matmul, [(3,), (3, 4)]),
    Row("matmul-matrix-vector", lambda x, y: x @ y, np.matmul, [(2, 3), (3,)]),
    Row("matmul-vector-vector", lambda x, y: x @ y, np.matmul, [(3,), (3,)]),
    Row("matmul-batched-broadcast", lambda x, y: x @ y, np.matmul, [(2, 2, 3), (3, 4)]),
    Row("matmul-vector-batched", lambda x, y: x @ y, np.matmul, [(3,), (2, 3, 4)]),
    Row("sum-all", lambda x: x.sum(), np.sum, [(2, 3)]),
    Row("sum-axis", lambda x: x.sum(axis=-1), lambda x: x.sum(axis=-1), [(2, 3)]),
    Row("sum-axes-keepdims", lambda x: x.sum(axis=(0, 2), keepdims=True), lambda x: x.sum(axis=(0, 2), keepdims=True), [(2, 3, 2)]),
    Row("mean", lambda x: x.mean(axis=0), lambda x: x.mean(axis=0), [(2, 3)]),
    Row("reshape", lambda x: x.reshape(3, 2), lambda x: x.reshape(3, 2), [(2, 3)]),
    Row("transpose", lambda x: x.transpose(2, 0, 1), lambda x: x.transpose(2, 0, 1), [(2, 3, 4)]),
    Row("T", lambda x: x.T, lambda x: x.T, [(2, 3)]),
    Row("broadcast_to", lambda x: apply(ops.broadcast_to_p, x, shape=(2, 4, 3)), lambda x: np.broadcast_to(x, (2, 4, 3)), [(4, 1)]),
    Row("getitem-int", lambda x: x[1], lambda x: x[1], [(3, 2)]),
    Row("getitem-slice", lambda x: x[:, 1:], lambda x: x[:, 1:], [(3, 3)]),
    Row("getitem-repeated-index-array", lambda x: x[np.array([0, 2, 0])], lambda x: x[np.array([0, 2, 0])], [(3, 2)]),
    Row("getitem-mask", lambda x: x[np.array([True, False, True])], lambda x: x[np.array([True, False, True])], [(3, 2)]),
    Row("composite", lambda x, y: (x * y).sum(axis=0) / (y @ y.T).sum(), lambda x, y: (x * y).sum(axis=0) / (y @ y.T).sum(), [(2, 3), (2, 3)]),
]
TOLERANCE = {np.float32: 2e-3, np.float64: 1e-6}


def _inputs(row: Row, dtype: type, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.uniform(row.low, row.high, size=shape).astype(dtype) for shape in row.shapes]


def _finite_difference(f: Callable[[list[np.ndarray]], float], args: list[np.ndarray], eps: float = 1e-6) -> list[np.ndarray]:
    """Central differences of a scalar ``f`` in float64, one entry at a time."""
    args = [a.astype(np.float64) for a in args]
    grads = []
    for k, a in enumerate(args):
        g = np.zeros_like(a)
        for index in np.ndindex(a.shape):
            up, down = [b.copy() for b in args], [b.copy() for b in args]
            up[k][index] += eps
            down[k][index] -= eps
            g[index] = (f(up) - f(down)) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_core_primitive(row: Row, dtype: type) -> None:
    args = _inputs(row, dtype, seed=len(row.name))
    tolerance = TOLERANCE[dtype]

    out = row.fn(*[Tensor(a) for a in args])
    expected = row.reference(*args)
    assert out.dtype == dtype and out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=tolerance, atol=tolerance)

    # First derivative, reverse mode, with a non-trivial cotangent w.
    w = np.random.default_rng(1).uniform(0.5, 1.5, size=np.shape(expected))

    def scalar(*xs: Any) -> Any:
        return (row.fn(*xs) * w).sum()

    def scalar64(xs: list[np.ndarray]) -> float:
        return float((row.reference(*xs) * w).sum())

    grads = grad(scalar)(*args)
    for g, a, numeric in zip(grads, args, _finite_difference(scalar64, args)):
        assert g.dtype == dtype and g.shape == a.shape
        np.testing.assert_allclose(g, numeric, rtol=tolerance * 10, atol=tolerance * 10)

    # First derivative, forward mode: a random direction.
    directions = [np.random.default_rng(2).normal(size=a.shape).astype(dtype) for a in args]
    _, tangent = jvp(lambda *xs: row.fn(*xs), tuple(args), tuple(directions))
    along = [a.astype(np.float64) for a in args]
    step = 1e-6
    numeric_tangent = (
        row.reference(*[a + step * d for a, d in zip(along, directions)])
        - row.reference(*[a - step * d for a, d in zip(along, directions)])
    ) / (2 * step)
    np.testing.assert_allclose(tangent, numeric_tangent, rtol=tolerance * 10, atol=tolerance * 10)

    # Second derivative, reverse over reverse: differentiate <grad, v> and compare with
    # finite differences of the (already checked) first derivative.
    v = [np.random.default_rng(3).uniform(0.5, 1.5, size=a.shape) for a in args]

    def projected(*xs: Any) -> Any:
        inner = grad(scalar)(*xs)
        total = (inner[0] * v[0]).sum()
        for g_k, v_k in zip(inner[1:], v[1:]):
            total = total + (g_k * v_k).sum()
        return total

    def projected64(xs: list[np.ndarray]) -> float:
        return float(sum((g * vk).sum() for g, vk in zip(grad(scalar)(*xs), v)))

    second = grad(projected)(*args)
    for g2, numeric in zip(second, _finite_difference(projected64, args, eps=1e-5)):
        np.testing.assert_allclose(g2, numeric, rtol=tolerance * 20, atol=tolerance * 20)
