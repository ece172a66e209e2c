"""Diagonals and triangles: diag, diagonal, trace, tril and triu.

Exact composites: a diagonal is a gather (``getitem`` with two index arrays; its VJP
scatter-adds the cotangent back onto the diagonal), ``diag`` of a vector is that
scatter-add, ``trace`` sums a diagonal, and the triangles are a ``where`` with a
constant mask, so the entries outside get a zero gradient (and an inf there does not
turn into NaN, as a multiply by the mask would).
"""

from __future__ import annotations

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Tensor, TensorLike, apply
from funcgrad.numpy._reduce import sum
from funcgrad.numpy._util import data, shape


def _diagonal_index(n: int, m: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the ``offset`` diagonal of an ``n x m`` matrix."""
    length = max(0, min(n + min(offset, 0), m - max(offset, 0)))
    steps = np.arange(length)
    return steps - min(offset, 0), steps + max(offset, 0)


def diagonal(a: TensorLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The ``offset`` diagonal of the matrices in the plane ``(axis1, axis2)``, as a last
    axis (NumPy's layout). d/da puts the cotangent back on the diagonal, zeros elsewhere
    (JVP: rules).

    >>> diagonal(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor([1., 4.], op=getitem)
    """
    old = shape(a)
    if len(old) < 2:
        raise ValueError(f"diagonal: a must have at least 2 dimensions (shape {old})")
    (i,), (j,) = ops.normalize_axis(axis1, len(old), "diagonal"), ops.normalize_axis(axis2, len(old), "diagonal")
    if i == j:
        raise ValueError(f"diagonal: axis1 and axis2 cannot be the same ({axis1}, {axis2})")
    rest = tuple(k for k in range(len(old)) if k not in (i, j))
    moved = apply(ops.transpose_p, a, axes=rest + (i, j))
    rows, cols = _diagonal_index(old[i], old[j], int(offset))
    return apply(ops.getitem_p, moved, index=(slice(None),) * len(rest) + (rows, cols))


def diag(v: TensorLike, k: int = 0) -> Tensor:
    """The ``k`` diagonal of a matrix, or a square matrix with vector ``v`` on its ``k``
    diagonal. d/dv is the cotangent's diagonal (matrix in) or the cotangent put on the
    diagonal (vector in) (JVP: rules).

    >>> diag(Tensor([1.0, 2.0]), 1)
    Tensor([[0., 1., 0.],
            [0., 0., 2.],
            [0., 0., 0.]], op=scatter_add)
    """
    old = shape(v)
    if len(old) == 2:
        return diagonal(v, k)
    if len(old) != 1:
        raise ValueError(f"diag: v must be 1- or 2-d (shape {old})")
    n = old[0] + abs(int(k))
    rows, cols = _diagonal_index(n, n, int(k))
    return apply(ops.scatter_add_p, v, shape=(n, n), index=(rows, cols))


def trace(a: TensorLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The sum along the ``offset`` diagonal (of each matrix in the plane ``(axis1,
    axis2)``): ``sum(diagonal(a), -1)``. d/da is the cotangent on the diagonal, zeros
    elsewhere (JVP: rules).

    >>> trace(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor(5.0, op=sum)
    """
    return sum(diagonal(a, offset, axis1, axis2), axis=-1)


def _triangle(m: TensorLike, mask: np.ndarray) -> Tensor:
    # The mask, a constant, goes to the data's library (a where of the values in theirs).
    return apply(ops.where_p, _backend.put(data(m), mask), m, 0.0)


def _matrix_shape(m: TensorLike, op: str) -> tuple[int, int]:
    old = shape(m)
    if len(old) == 0:
        raise ValueError(f"{op}: m must have at least 1 dimension")
    n, cols = (old[-1], old[-1]) if len(old) == 1 else old[-2:]
    return n, cols


def tril(m: TensorLike, k: int = 0) -> Tensor:
    """The lower triangle (entries on and below the ``k`` diagonal) of the last two axes,
    zeros above; a 1-D ``m`` is a row repeated into a square. d/dm is the cotangent on the
    triangle, 0 elsewhere (JVP: rule).

    >>> tril(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor([[1., 0.],
            [3., 4.]], op=where)
    """
    n, cols = _matrix_shape(m, "tril")
    return _triangle(m, np.tri(n, cols, int(k), dtype=bool))


def triu(m: TensorLike, k: int = 0) -> Tensor:
    """The upper triangle (entries on and above the ``k`` diagonal) of the last two axes,
    zeros below; a 1-D ``m`` is a row repeated into a square. d/dm is the cotangent on the
    triangle, 0 elsewhere (JVP: rule).

    >>> triu(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor([[1., 2.],
            [0., 4.]], op=where)
    """
    n, cols = _matrix_shape(m, "triu")
    return _triangle(m, ~np.tri(n, cols, int(k) - 1, dtype=bool))
