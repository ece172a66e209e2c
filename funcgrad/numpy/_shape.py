"""Shape ops: transpose, reshape, broadcast_to, expand_dims, squeeze, concatenate,
stack and take. They move entries without arithmetic, so each derivative moves the
cotangent back (VJP) or the tangent forward (JVP) the same way; all have JVP rules.
"""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy._util import lead, operand, shape, tensor

Shape = Union[int, Sequence[int]]


def transpose(a: TensorLike, axes: Sequence[int] | None = None) -> Tensor:
    """Permute axes (None: reverse them). The VJP applies the inverse permutation (JVP: rule).

    >>> transpose(Tensor([[1.0, 2.0]])).shape
    (2, 1)
    """
    given = (axes,) if isinstance(axes, (int, np.integer)) else axes  # NumPy takes an int for one axis
    return ops.transpose_tensor(tensor(a, "transpose", "a"), (None,) if given is None else (tuple(given),))


def reshape(a: TensorLike, shape: Shape) -> Tensor:
    """The same entries in a new shape (one entry may be -1). The VJP reshapes back (JVP: rule).

    >>> reshape(Tensor([1.0, 2.0, 3.0, 4.0]), (2, -1)).shape
    (2, 2)
    """
    return ops.reshape_tensor(tensor(a, "reshape", "a"), (shape,))


def broadcast_to(array: TensorLike, shape: Shape) -> Tensor:
    """``array`` broadcast to ``shape``. The VJP sums over the broadcast axes (JVP: rule).

    >>> broadcast_to(Tensor([1.0, 2.0]), (3, 2)).shape
    (3, 2)
    """
    target = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return apply(ops.broadcast_to_p, array, shape=tuple(int(n) for n in target))


def expand_dims(a: TensorLike, axis: Shape) -> Tensor:
    """Insert unit axes at ``axis`` (int or tuple), as a reshape; the VJP reshapes back (JVP: rule).

    >>> expand_dims(Tensor([1.0, 2.0]), 0).shape
    (1, 2)
    """
    a = operand(a, "expand_dims", "a")  # expand_dims and squeeze are reshapes: errors say which
    old = shape(a)
    axes = ops.normalize_axis(axis, len(old) + (1 if isinstance(axis, (int, np.integer)) else len(tuple(axis))), "expand_dims")
    rest = iter(old)
    new = tuple(1 if k in axes else next(rest) for k in range(len(old) + len(axes)))
    return apply(ops.reshape_p, a, shape=new)


def squeeze(a: TensorLike, axis: Shape | None = None) -> Tensor:
    """Remove unit axes (all of them, or those in ``axis``), as a reshape; the VJP reshapes
    back (JVP: rule).

    >>> squeeze(Tensor([[1.0, 2.0]])).shape
    (2,)
    """
    a = operand(a, "squeeze", "a")
    old = shape(a)
    if axis is None:
        axes = tuple(k for k, n in enumerate(old) if n == 1)
    else:
        axes = ops.normalize_axis(axis, len(old), "squeeze")
        wide = [k for k in axes if old[k] != 1]
        if wide:
            raise ValueError(f"squeeze: cannot remove axis {wide[0]} of size {old[wide[0]]} (shape {old})")
    return apply(ops.reshape_p, a, shape=tuple(n for k, n in enumerate(old) if k not in axes))


# --- concatenate: the VJP slices each operand's part back out ---------------------------
# ``offsets`` (where each operand starts along ``axis``, then the total) is computed once,
# by ``concatenate_offsets``, and kept in params: a rule reads two entries, so a backward
# over n operands is linear in n (summing the sizes in each rule made it quadratic).
def _bounds(p: Params, i: int) -> slice:
    offsets: tuple[int, ...] = p["offsets"]
    return slice(offsets[i], offsets[i + 1])


def _concatenate_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    batch = lead(c, out.ndim)
    index = (slice(None),) * (batch + p["axis"]) + (_bounds(p, i),)
    return bind(ops.getitem_p, c, index=index)


def _concatenate_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    batch = lead(c, out.ndim)
    index = (slice(None),) * (batch + p["axis"]) + (_bounds(p, i),)
    return bind(ops.scatter_add_p, c, shape=c.shape[:batch] + out.shape, index=index)


def _concatenate_impl(*xs: Any, axis: int, offsets: tuple[int, ...]) -> Any:
    return np.concatenate(xs, axis=axis)


def concatenate_offsets(parts: Sequence[Any], axis: int) -> tuple[int, ...]:
    """Where each part starts along ``axis``, then the total: concatenate's params."""
    offsets = [0]
    for x in parts:
        offsets.append(offsets[-1] + shape(x)[axis])
    return tuple(offsets)


concatenate_p = Primitive("concatenate", _concatenate_impl, vjp=_concatenate_vjp, jvp=_concatenate_jvp)


def join(parts: Sequence[Any], axis: int) -> Value:
    """``concatenate_p`` of ``parts`` (normalised ``axis``), for rules and composites."""
    return bind(concatenate_p, *parts, axis=axis, offsets=concatenate_offsets(parts, axis))


def concatenate(arrays: Sequence[TensorLike], axis: int | None = 0) -> Tensor:
    """Join arrays along an existing axis (None: flatten them first) (JVP: rule).

    The VJP hands each operand its slice of the cotangent.

    >>> concatenate([Tensor([1.0]), Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.], op=concatenate)
    """
    parts = list(arrays)
    if not parts:
        raise ValueError("concatenate: need at least one array")
    if axis is None:
        parts = [apply(ops.reshape_p, x, shape=(-1,)) for x in parts]
        axis = 0
    ndim = len(shape(parts[0]))
    if ndim == 0:
        raise ValueError("concatenate: zero-dimensional arrays cannot be concatenated")
    (axis,) = ops.normalize_axis(axis, ndim, "concatenate")
    return apply(concatenate_p, *parts, axis=axis, offsets=concatenate_offsets(parts, axis))


def stack(arrays: Sequence[TensorLike], axis: int = 0) -> Tensor:
    """Join arrays of one shape along a new axis: expand_dims then concatenate, so the
    VJP hands each array its slice of the cotangent (JVP: rules).

    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])]).shape
    (2, 2)
    """
    parts = [operand(x, "stack", f"arrays[{k}]") for k, x in enumerate(arrays)]
    if not parts:
        raise ValueError("stack: need at least one array")
    shapes = {shape(x) for x in parts}
    if len(shapes) != 1:
        raise ValueError(f"stack: all arrays must have the same shape, got {sorted(shapes)}")
    (axis,) = ops.normalize_axis(axis, len(shape(parts[0])) + 1, "stack")
    return concatenate([expand_dims(x, axis) for x in parts], axis=axis)


def take(a: TensorLike, indices: Any, axis: int | None = None) -> Tensor:
    """Entries at integer ``indices`` along ``axis`` (None: of the flattened array).

    The VJP scatter-adds the cotangent back, so repeated indices accumulate (JVP: rule).

    >>> take(Tensor([10.0, 20.0, 30.0]), [2, 0])
    Tensor([30., 10.], op=getitem)
    """
    a = operand(a, "take", "a")
    if axis is None:
        a = apply(ops.reshape_p, a, shape=(-1,))
        axis = 0
    (axis,) = ops.normalize_axis(axis, len(shape(a)), "take")
    if isinstance(indices, Tensor) and indices.data.dtype.kind == "f":
        raise ops.tensor_index_error("take", indices.data.dtype)
    index = np.asarray(indices.data if isinstance(indices, Tensor) else indices)
    if index.dtype.kind not in "iu":
        raise IndexError(f"take: indices must be integers, got dtype {index.dtype}")
    return apply(ops.getitem_p, a, index=(slice(None),) * axis + (index,))
