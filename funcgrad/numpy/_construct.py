"""Constructors and constants.

A user porting autograd code writes ``z = np.zeros(3); z[0] = 1.0``: autograd's
``zeros``, ``ones``, ``empty``, ``eye``, ``identity``, ``arange`` and ``*_like`` return
plain, writable NumPy arrays (constants: nothing to differentiate), and so do these.
Where a value can carry a derivative they give a Tensor: ``full``/``full_like`` with a
Tensor ``fill_value``, ``linspace``/``logspace`` with a Tensor ``start`` or ``stop``,
``meshgrid`` with a Tensor coordinate vector.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Tensor, TensorLike, apply
from funcgrad._typing import Array
from funcgrad.numpy._shape import broadcast_to, reshape, transpose
from funcgrad.numpy._util import data, tensor
from funcgrad.numpy._util import shape as shape_of

pi, e, inf, nan, newaxis = np.pi, np.e, np.inf, np.nan, None


def _plain(a: Any) -> Any:
    if isinstance(a, Tensor) and type(a) is not Tensor:  # inside vmap: one example's shape
        return np.zeros(a.shape, a.dtype)
    return data(a) if isinstance(a, Tensor) else a


def zeros(shape: Any, dtype: Any = float, order: Any = "C") -> Array:
    """A plain array of zeros, as autograd's: a constant, no derivative (JVP: none).

    >>> zeros(2)
    array([0., 0.])
    """
    return np.zeros(shape, dtype=dtype, order=order)


def ones(shape: Any, dtype: Any = None, order: Any = "C") -> Array:
    """A plain array of ones, as autograd's: a constant, no derivative (JVP: none).

    >>> ones(2)
    array([1., 1.])
    """
    return np.ones(shape, dtype=dtype, order=order)


def empty(shape: Any, dtype: Any = float, order: Any = "C") -> Array:
    """A plain uninitialised array, as NumPy's: a constant, no derivative (JVP: none).

    >>> empty((2, 0)).shape
    (2, 0)
    """
    return np.empty(shape, dtype=dtype, order=order)


def eye(N: int, M: Optional[int] = None, k: int = 0, dtype: Any = float, order: Any = "C") -> Array:
    """A plain identity-like array: a constant, no derivative (JVP: none).

    >>> eye(2, k=1)
    array([[0., 1.],
           [0., 0.]])
    """
    return np.eye(N, M, k, dtype=dtype, order=order)


def identity(n: int, dtype: Any = None) -> Array:
    """The plain n x n identity: a constant, no derivative (JVP: none).

    >>> identity(2)
    array([[1., 0.],
           [0., 1.]])
    """
    return np.identity(n, dtype=dtype)


def arange(*args: Any, **kwargs: Any) -> Array:
    """NumPy's ``arange([start,] stop[, step], dtype=None)``: a plain array, no derivative (JVP: none).

    >>> arange(3)
    array([0, 1, 2])
    """
    return np.arange(*(_plain(a) for a in args), **kwargs)


def zeros_like(a: TensorLike, dtype: Any = None, order: Any = "K", subok: bool = True, shape: Any = None) -> Array:
    """Plain zeros with ``a``'s shape and dtype: a constant, no derivative (JVP: none).

    >>> zeros_like(Tensor([1.0, 2.0]))
    array([0., 0.])
    """
    return np.zeros_like(_plain(a), dtype=dtype, order=order, shape=shape)


def ones_like(a: TensorLike, dtype: Any = None, order: Any = "K", subok: bool = True, shape: Any = None) -> Array:
    """Plain ones with ``a``'s shape and dtype: a constant, no derivative (JVP: none).

    >>> ones_like(Tensor([1.0, 2.0]))
    array([1., 1.])
    """
    return np.ones_like(_plain(a), dtype=dtype, order=order, shape=shape)


def full(shape: Any, fill_value: TensorLike, dtype: Any = None, order: Any = "C") -> Any:
    """``fill_value`` everywhere: a Tensor when it is one (d/dfill = 1 per entry, summed:
    a broadcast, JVP: rule, in the fill value's dtype), else a plain array of ``dtype``.

    >>> full(2, Tensor(3.0))
    Tensor([3., 3.], op=broadcast_to)
    """
    if isinstance(fill_value, Tensor):
        return broadcast_to(fill_value, shape)
    return np.full(shape, fill_value, dtype=dtype, order=order)


def full_like(a: TensorLike, fill_value: TensorLike, dtype: Any = None, order: Any = "K", subok: bool = True, shape: Any = None) -> Any:
    """``fill_value`` in ``a``'s shape: a Tensor when ``fill_value`` is one (d/dfill = 1
    per entry, summed: a broadcast, JVP: rule), else a plain array; ``a`` is never differentiated.

    >>> full_like(np.zeros(2), Tensor(3.0))
    Tensor([3., 3.], op=broadcast_to)
    """
    if isinstance(fill_value, Tensor):
        return broadcast_to(fill_value, shape_of(a) if shape is None else shape)
    return np.full_like(_plain(a), fill_value, dtype=dtype, order=order, shape=shape)


def linspace(start: TensorLike, stop: TensorLike, num: int = 50, endpoint: bool = True, retstep: bool = False, dtype: Any = None, axis: int = 0) -> Any:
    """``num`` evenly spaced values from ``start`` to ``stop``, by NumPy's formula
    ``start + k * step`` (``stop`` itself last). A Tensor, differentiable in ``start`` and
    ``stop``, when either is one: d/dstart = 1 - k/div, d/dstop = k/div (composite; JVP:
    rules); else a plain array.

    >>> linspace(Tensor(0.0), 1.0, num=3)
    Tensor([0. , 0.5, 1. ], op=where)
    """
    if not (isinstance(start, Tensor) or isinstance(stop, Tensor)):
        numpy_linspace: Any = np.linspace  # its overloads need retstep as a literal
        return numpy_linspace(_plain(start), _plain(stop), num, endpoint, retstep, dtype, axis)
    div = num - 1 if endpoint else num
    delta = stop - start  # type: ignore[operator]  # one of the two is a Tensor
    assert isinstance(delta, Tensor)
    extra = (1,) * delta.ndim
    # The constant grids go to the data's library (NumPy's arrays for NumPy data).
    k = _backend.put(delta.data, np.arange(num, dtype=delta.dtype).reshape((-1,) + extra))
    step: Tensor = delta / div if div > 0 else delta * np.nan
    y: Tensor = step * k + start
    if endpoint and num > 1:
        y = apply(ops.where_p, _backend.put(delta.data, np.arange(num).reshape((-1,) + extra) == num - 1), stop, y)
    if axis != 0:
        at = axis % y.ndim
        y = transpose(y, tuple(range(1, at + 1)) + (0,) + tuple(range(at + 1, y.ndim)))
    return (y, step) if retstep else y


def logspace(start: TensorLike, stop: TensorLike, num: int = 50, endpoint: bool = True, base: float = 10.0, dtype: Any = None, axis: int = 0) -> Any:
    """``base ** linspace(start, stop)``: a Tensor, differentiable in ``start`` and ``stop``,
    when either is one (d/dy = base**y log(base), chained; composite, JVP: rules), else a plain array.

    >>> logspace(Tensor(0.0), 2.0, num=3)
    Tensor([  1.,  10., 100.], op=power)
    """
    if not (isinstance(start, Tensor) or isinstance(stop, Tensor)):
        return np.logspace(_plain(start), _plain(stop), num, endpoint, base, dtype, axis)
    result: Tensor = float(base) ** linspace(start, stop, num, endpoint, axis=axis)
    return result


def _holds_tensor(x: Any) -> bool:
    return isinstance(x, Tensor) or (isinstance(x, (list, tuple)) and any(_holds_tensor(v) for v in x))


def meshgrid(*xi: TensorLike, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> tuple[Any, ...]:
    """Coordinate grids from coordinate vectors, as NumPy's ``meshgrid`` (a tuple, one
    grid per vector; ``indexing="xy"`` swaps the first two axes, ``"ij"`` does not).

    When a vector is a Tensor, every grid is a Tensor: the vector reshaped and broadcast,
    so d/dx_i is the grid's cotangent summed over the other axes (composite; JVP: rules).
    Else they are NumPy's plain arrays (constants, as autograd's: ``copy`` is honoured).

    >>> gx, gy = meshgrid(Tensor([1.0, 2.0, 3.0]), [4.0, 5.0])
    >>> gx
    Tensor([[1., 2., 3.],
            [1., 2., 3.]], op=broadcast_to)
    >>> meshgrid(np.arange(2), np.arange(3), indexing="ij")[1]
    array([[0, 1, 2],
           [0, 1, 2]])
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    if not any(_holds_tensor(x) for x in xi):
        numpy_meshgrid: Any = np.meshgrid  # its overloads are per argument count
        return tuple(numpy_meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing))
    vectors = [tensor(x, "meshgrid", f"xi[{i}]") for i, x in enumerate(xi)]
    vectors = [reshape(v, (-1,)) for v in vectors]
    n = len(vectors)
    axis_of = list(range(n))
    if indexing == "xy" and n > 1:
        axis_of[0], axis_of[1] = 1, 0
    full = [1] * n
    for v, at in zip(vectors, axis_of):
        full[at] = v.shape[0]
    grids = []
    for v, at in zip(vectors, axis_of):
        shape = [1] * n
        shape[at] = -1
        grid = reshape(v, tuple(shape))
        grids.append(grid if sparse else broadcast_to(grid, tuple(full)))
    return tuple(grids)


__all__ = ["arange", "e", "empty", "eye", "full", "full_like", "identity", "inf", "linspace", "logspace", "meshgrid", "nan", "newaxis", "ones", "ones_like", "pi", "zeros", "zeros_like"]
