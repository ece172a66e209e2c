"""Vector and matrix norms as ``np.linalg.norm``: composites, with a zero gradient at 0."""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad._tensor import Tensor, TensorLike, apply, observe
from funcgrad.numpy._decomp import svd
from funcgrad.numpy._reduce import max as rmax
from funcgrad.numpy._reduce import min as rmin
from funcgrad.numpy._reduce import root_with_zero_gradient
from funcgrad.numpy._reduce import sum as rsum
from funcgrad.numpy._unary import abs as rabs
from funcgrad.numpy._util import shape, tensor

Axis = Union[int, Sequence[int], None]


def _kept(x_shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if k in axes else n for k, n in enumerate(x_shape))


def norm(x: TensorLike, ord: Any = None, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Vector norms (``ord`` None/2, 1, 0, any p, inf, -inf) and matrix norms (``'fro'``,
    ``'nuc'``, 1, -1, 2, -2, inf, -inf) over ``axis``, as ``np.linalg.norm`` (JVP: rules
    of the parts).

    d/dx of the 2-norm is ``x / norm``, and 0 at the zero vector by convention (so the
    gradient of any vector norm at 0 is 0). Matrix ``ord`` 2, -2 and ``'nuc'`` are the
    largest, smallest and summed singular values: d/dx = U diag(g) Vh (ties share as
    ``max``/``min`` do).

    >>> norm(Tensor([3.0, 4.0]))
    Tensor(5.0, op=where)
    """
    ndim = len(shape(x, "norm", "x"))
    if axis is None:
        if ord is not None and ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} needs x of 1 or 2 dimensions or an axis, got {ndim}")
        axes = tuple(range(ndim))
    else:
        ops.normalize_axis(axis, ndim, "norm")  # validates; the order given is kept:
        axes = tuple(axis) if not isinstance(axis, (int, np.integer)) else (int(axis),)
        axes = tuple(a % ndim for a in axes)  # for matrix norms it says which axis is the row
    t = tensor(x, "norm", "x")
    # Every norm is 0 at the zero vector (matrix), with gradient 0 by convention. The
    # parts of some are not finite there (|x|**p with p < 1 has an infinite slope at 0,
    # and with p < 0 an infinite value), so zero vectors are routed through ones (the
    # "double where") and their norms replaced by 0: no 0 * inf reaches any derivative.
    zero = np.all(np.equal(t.data, 0), axis=axes, keepdims=True)
    observe((t,), lambda d: np.all(np.equal(d, 0), axis=axes, keepdims=True), zero)  # a jit guard
    if ops.nowhere(zero):  # duck data: the guarded form (asking would be a computation)
        return _norm(t, ord, axes, keepdims, axis)
    # zero is a boolean array of the data's own library: where's primitive takes it as is
    safe = apply(ops.where_p, zero, 1.0, t)
    zero_out = zero if keepdims else np.reshape(zero, [n for k, n in enumerate(zero.shape) if k not in axes])
    return apply(ops.where_p, zero_out, 0.0, _norm(safe, ord, axes, keepdims, axis))


def _norm(t: Tensor, ord: Any, axes: tuple[int, ...], keepdims: bool, axis: Axis) -> Tensor:
    ndim = t.ndim
    if ord is None or (ord == "fro" and len(axes) == 2) or (ord == 2 and len(axes) == 1):
        return root_with_zero_gradient(rsum(t * t, axes, keepdims=keepdims), 2)
    if len(axes) == 1:
        (a,) = axes
        if ord == np.inf:
            return rmax(rabs(t), a, keepdims=keepdims)
        if ord == -np.inf:
            return rmin(rabs(t), a, keepdims=keepdims)
        if ord == 1:
            return rsum(rabs(t), a, keepdims=keepdims)
        if ord == 0:  # the count of nonzero entries: piecewise constant, gradient 0
            nonzero = np.not_equal(t.data, 0)
            observe((t,), lambda d: np.not_equal(d, 0), nonzero)  # a jit guard
            return rsum(nonzero.astype(t.dtype), a, keepdims=keepdims)
        if isinstance(ord, (int, float, np.integer, np.floating)) and ord != 0:
            return root_with_zero_gradient(rsum(rabs(t) ** float(ord), a, keepdims=keepdims), float(ord))
        raise ValueError(f"norm: vector ord={ord!r} is not supported")
    if len(axes) == 2:
        row, col = axes
        if ord in (1, -1):
            sums = rsum(rabs(t), row, keepdims=True)
            pick = rmax if ord == 1 else rmin
        elif ord in (np.inf, -np.inf):
            sums = rsum(rabs(t), col, keepdims=True)
            pick = rmax if ord == np.inf else rmin
        elif ord in (2, -2, "nuc"):  # from the singular values of the (row, col) matrices
            rest = tuple(k for k in range(ndim) if k not in axes)
            moved = ops.transpose_tensor(t, (rest + (row, col),))
            values = svd(moved, compute_uv=False)
            reduced = rsum(values, -1) if ord == "nuc" else (rmax if ord == 2 else rmin)(values, -1)
            return ops.reshape_tensor(reduced, (_kept(t.shape, axes),)) if keepdims else reduced
        else:
            raise ValueError(f"norm: matrix ord={ord!r} is not supported")
        return pick(sums, axes, keepdims=keepdims)
    raise ValueError(f"norm: axis must name 1 or 2 axes, got {axis!r}")
