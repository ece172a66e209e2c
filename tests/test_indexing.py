"""Indexing under every transform, including the layouts NumPy rearranges: non-adjacent
advanced indices put their axes first, which batched rules (Jacobians, Hessians) must
respect. References are built entry by entry from the index itself."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from funcgrad import Tensor, grad, hessian, jacfwd, jacobian

X = np.arange(1.0, 25.0).reshape(2, 3, 4)
INDICES = {
    "non-adjacent arrays": (np.array([0, 1]), slice(None), np.array([1, 0])),
    "int and array apart": (0, slice(None), np.array([1, 0, 1])),
    "repeated rows": (np.array([1, 1, 0]),),
    "boolean mask": (X > 5,),
    "ellipsis and slice": (Ellipsis, slice(1, 3)),
    "newaxis": (slice(None), None, 1),
    "2-d index array and int": (np.array([[0, 1], [1, 1]]), 2),
}


def _selection_matrix(index: Any) -> np.ndarray:
    """d x[index] / d x, one unit input at a time."""
    out = X[index]
    rows = np.zeros(out.shape + X.shape)
    for position in np.ndindex(X.shape):
        unit = np.zeros_like(X)
        unit[position] = 1.0
        rows[(Ellipsis,) + position] = unit[index]
    return rows


@pytest.mark.parametrize("index", INDICES.values(), ids=INDICES.keys())
def test_indexing_derivatives_match_the_selection_it_makes(index: Any) -> None:
    def select(x: Tensor) -> Tensor:
        return x[index]

    selection = _selection_matrix(index)
    np.testing.assert_array_equal(jacobian(select)(X), selection)
    np.testing.assert_array_equal(jacfwd(select)(X), selection)
    flat = selection.reshape(-1, X.size)
    np.testing.assert_array_equal(grad(lambda x: select(x).sum(), argnums=0)(X), flat.sum(axis=0).reshape(X.shape))
    # d2/dx2 sum(x[index]**3) = sum over outputs o of 6 x[index]_o e_o e_o^T
    expected = (flat.T * (6 * X[index].ravel())) @ flat
    np.testing.assert_allclose(hessian(lambda x: (select(x) ** 3).sum())(X).reshape(X.size, X.size), expected)


def test_an_integer_argument_grad_differentiates_used_as_an_index_says_why_and_how_to_fix() -> None:
    import re

    import funcgrad
    import funcgrad.numpy as fnp

    def f(x: Any, idx: Any) -> Any:
        return x[idx].sum()

    with pytest.raises(IndexError, match=r"getitem: index arrays must be integer or boolean, got a Tensor of dtype float64\. An index that is a Tensor is a differentiated argument.*argnums=None.*" + re.escape("argnums=")):
        funcgrad.grad(f)(np.arange(3.0), np.array([0, 2]))
    np.testing.assert_array_equal(funcgrad.grad(f, argnums=0)(np.arange(3.0), np.array([0, 2])), [1.0, 0.0, 1.0])
    with pytest.raises(IndexError, match=r"take: index arrays must be integer or boolean, got a Tensor.*argnums="):
        funcgrad.grad(lambda x, i: fnp.take(x, i).sum())(np.arange(3.0), np.array([1]))
