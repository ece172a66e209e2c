"""Small helpers the ``funcgrad.numpy`` modules share: shapes of any operand, and the
axis bookkeeping rules need when a cotangent carries leading batch axes."""

from __future__ import annotations

from typing import Any

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad._dtypes import to_array
from funcgrad._tensor import Tensor, Value, make_node


def data(x: Any) -> Any:
    """The NumPy value behind a Tensor, or ``x`` itself."""
    if type(x) is Tensor:
        return x.data
    if isinstance(x, Tensor):  # inside vmap: each example's data, as a batched plain array
        return x.data
    return x


def as_tensor(x: Any, name: str) -> Tensor:
    """``x`` as a Tensor: itself, a list or tuple holding Tensors stacked (differentiable
    through every entry), or a constant leaf (a snapshot of an array)."""
    if type(x) is list or type(x) is tuple:
        x = ops.pack(x, name)
    if isinstance(x, Tensor):  # a Tensor, or a batched value inside vmap
        return x
    return make_node(to_array(x, name, copy=False))


def shape(x: Any) -> tuple[int, ...]:
    """The shape of a Tensor, array, list or scalar, without copying a Tensor's data.

    A list or tuple is measured the way NumPy would read it, level by level, without
    converting its entries (a Tensor among them stays a Tensor for ``apply`` to stack).
    """
    outer: tuple[int, ...] = ()
    while type(x) is list or type(x) is tuple:
        outer += (len(x),)
        if not x:
            return outer
        x = x[0]
    return outer + (x.shape if isinstance(x, Tensor) else np.shape(x))


def lead(c: Value, ndim: int) -> int:
    """How many leading batch axes ``c`` carries beyond a value of ``ndim`` axes."""
    return c.ndim - ndim


def kept_shape(x_shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape a reduction over ``axes`` has with ``keepdims=True``."""
    return tuple(1 if a in axes else n for a, n in enumerate(x_shape))


def expand_cotangent(c: Value, x_shape: tuple[int, ...], axes: tuple[int, ...], out_ndim: int) -> Value:
    """A reduction's cotangent (batch axes kept) reshaped so it broadcasts against ``x``."""
    batch = c.shape[: lead(c, out_ndim)]
    return ops.reshape(c, batch + kept_shape(x_shape, axes))


def zeros_like(c: Value) -> Value:
    """A constant zero of ``c``'s shape and dtype: the derivative of a step function."""
    return np.zeros(c.shape, dtype=data(c).dtype)
