"""Small helpers the ``funcgrad.numpy`` modules share: shapes of any operand, and the
axis bookkeeping rules need when a cotangent carries leading batch axes."""

from __future__ import annotations

from typing import Any

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._dtypes import to_array
from funcgrad._tensor import Tensor, Value, make_node


def data(x: Any) -> Any:
    """The NumPy value behind a Tensor, or ``x`` itself."""
    # Inside vmap a batched value (a Tensor subclass) gives each example's data.
    return x.data if isinstance(x, Tensor) else x


def shape(x: Any, op: str = "", arg: str = "") -> tuple[int, ...]:
    """The shape of a Tensor, array, list or scalar, without copying a Tensor's data.

    A list or tuple holding Tensors is measured the way NumPy would read it, level by
    level, without converting its entries (they stay Tensors for ``apply`` to stack). A
    public wrapper passes its own name and the argument's, so that a ragged list is
    refused in the op's words (``sum: a is a ragged nested sequence ...``), not NumPy's
    or those of an op the wrapper happens to call.
    """
    if isinstance(x, Tensor):
        return x.shape
    if isinstance(x, (list, tuple)) and ops.holds_tensor(x):
        outer: tuple[int, ...] = ()
        while isinstance(x, (list, tuple)):
            outer += (len(x),)
            if not x:
                return outer
            x = x[0]
        return outer + shape(x, op, arg)
    try:
        return np.shape(x)
    except ValueError as error:  # a ragged list: NumPy cannot give it one shape
        raise TypeError(
            f"{op or 'funcgrad'}: {arg or 'an operand'} is a ragged nested sequence (rows of different lengths) "
            f"and cannot be read as an array ({error})"
        ) from None


def operand(x: Any, op: str, arg: str) -> Any:
    """``x`` ready for ``apply``, refused in the words of ``op`` when it is no array.

    A wrapper whose primitive has another name (``cumsum`` reshapes first, ``dot`` is a
    ``matmul``) converts its raw operands here, so that a complex or ragged input is
    reported as ``cumsum: a: ...``, never ``reshape: operand 0: ...``. Tensors, floats,
    float arrays and lists that hold Tensors pass through unchanged (``apply`` stacks
    and snapshots them).
    """
    if isinstance(x, Tensor) or type(x) is float or (type(x) is np.ndarray and x.dtype.kind == "f"):
        return x
    if isinstance(x, (list, tuple)) and ops.holds_tensor(x):
        return x
    shape(x, op, arg)
    return to_array(x, f"{op}: {arg}", copy=False)


def tensor(x: Any, op: str = "operand", arg: str = "x") -> Tensor:
    """``x`` as a Tensor: itself; a list or tuple holding Tensors stacked (differentiable
    through every entry, as ``fnp.array`` does); else a constant leaf, a snapshot of the
    array. Refused in the words of ``op`` when it is not an array."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (list, tuple)) and ops.holds_tensor(x):
        packed = ops.pack(x, f"{op}: {arg}")
        assert isinstance(packed, Tensor)
        return packed
    shape(x, op, arg)
    return make_node(to_array(x, f"{op}: {arg}", copy=False))


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
    """A constant zero of ``c``'s shape and dtype, in the library of ``c``'s data: the
    derivative of a step function (every piecewise-constant rule returns this)."""
    d = data(c)
    return _backend.zeros(d, c.shape, d.dtype)
