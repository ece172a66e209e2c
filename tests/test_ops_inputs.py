"""What every op accepts and what it keeps: Tensors, arrays, lists and Python scalars
give the same value; float32 stays float32 through the value and the gradient; a
Python scalar mixed in does not change the dtype; integers become float64."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import funcgrad.nn as nn
import funcgrad.numpy as fnp
from funcgrad import Tensor, vjp
from test_ops_table import CASES, Row, Shapes, _arguments


@pytest.mark.parametrize(("row", "shapes", "kwargs"), CASES)
def test_tensors_arrays_lists_and_scalars_give_the_same_value(row: Row, shapes: Shapes, kwargs: dict[str, Any]) -> None:
    args = _arguments(row, shapes, np.float64, seed=5)
    expected = row.op(*args, **kwargs).data
    for converted in ([Tensor(a) for a in args], [a.tolist() for a in args]):  # 0-d: a Python float
        out = row.op(*converted, **kwargs)
        assert isinstance(out, Tensor)
        np.testing.assert_array_equal(out.data, expected)


@pytest.mark.parametrize(("row", "shapes", "kwargs"), CASES)
def test_gradients_keep_float32(row: Row, shapes: Shapes, kwargs: dict[str, Any]) -> None:
    args = _arguments(row, shapes, np.float32, seed=5)
    out, pullback = vjp(lambda *xs: row.op(*xs, **kwargs), *args)
    assert out.dtype == np.float32
    for g, a in zip(pullback(np.ones(out.shape, np.float32)), args):
        assert g.dtype == np.float32 and g.shape == a.shape


@pytest.mark.parametrize("op", [fnp.add, fnp.multiply, fnp.divide, fnp.power, fnp.maximum, fnp.minimum])
def test_python_scalar_does_not_change_dtype(op: Any) -> None:
    x = np.array([1.5, 2.5], np.float32)
    assert op(x, 2.0).dtype == np.float32
    assert op(2.0, x).dtype == np.float32


def test_clip_and_where_keep_float32_with_scalar_bounds() -> None:
    x = np.array([-1.0, 0.5, 2.0], np.float32)
    assert fnp.clip(x, 0.0, 1.0).dtype == np.float32
    assert fnp.clip(x, None, 1.0).dtype == np.float32
    assert fnp.where(x > 0, x, 0.0).dtype == np.float32
    assert nn.relu(x).dtype == np.float32


@pytest.mark.parametrize("op", [fnp.exp, fnp.sum, fnp.mean, fnp.cumsum, nn.softmax, fnp.linalg.norm])
def test_integer_input_is_promoted_to_float64(op: Any) -> None:
    out = op(np.array([1, 2, 3]))
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.data, op(np.array([1.0, 2.0, 3.0])).data)


def test_clip_needs_a_bound() -> None:
    with pytest.raises(ValueError, match="clip"):
        fnp.clip(np.ones(2), None, None)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fnp.sum(np.ones((2, 3)), axis=2), "sum: axis 2 is out of bounds"),
        (lambda: fnp.squeeze(np.ones((2, 3)), axis=0), "squeeze: cannot remove axis 0 of size 2"),
        (lambda: fnp.einsum("ij,jk", np.ones((2, 3))), "einsum: 2 subscript terms for 1 operands"),
        (lambda: fnp.einsum("ij->i", np.ones(3)), "einsum: subscripts 'ij' do not match an operand of shape"),
        (lambda: fnp.take(np.ones(3), np.array([0.5])), "take: indices must be integers"),
        (lambda: fnp.stack([np.ones(2), np.ones(3)]), "stack: all arrays must have the same shape"),
        (lambda: fnp.linalg.norm(np.ones((2, 2, 2)), ord=1), "norm: ord=1 needs x of 1 or 2 dimensions"),
    ],
)
def test_errors_name_the_op(call: Any, message: str) -> None:
    with pytest.raises((ValueError, IndexError), match=message):
        call()
