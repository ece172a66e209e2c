"""Sorting and gathering along an axis: take_along_axis, sort, msort, partition, select.

``take_along_axis`` is one ``getitem`` with an index array per axis (its VJP
scatter-adds, so a repeated index accumulates). ``sort`` and ``partition`` are
``take_along_axis`` with the permutation NumPy's ``argsort``/``argpartition`` computes
from the data: the permutation is piecewise constant, so the gradient of each output
entry goes to the input entry that landed there.

Ties: ``sort`` uses the *stable* permutation whatever ``kind`` says, so among equal
entries the first in input order takes the first output place (and its gradient).
``partition`` routes through ``np.argpartition``'s permutation with the same ``kind``.
``select`` is a chain of ``where``.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Tensor, TensorLike, apply
from funcgrad.numpy._util import data, shape


def take_along_axis(arr: TensorLike, indices: Any, axis: Optional[int] = -1) -> Tensor:
    """Entries of ``arr`` at ``indices`` along ``axis`` (None: of the flattened array),
    the other axes matched up (broadcast) as in NumPy.

    d/darr scatter-adds the cotangent back to the places taken, so repeated indices
    accumulate (JVP: rule).

    >>> take_along_axis(Tensor([[1.0, 2.0], [3.0, 4.0]]), np.array([[1], [0]]), axis=1)
    Tensor([[2.],
            [3.]], op=getitem)
    """
    index = data(indices)
    if not _backend.is_duck(index):  # an index of the data's library (CuPy's argsort) stays there
        index = np.asarray(index)
    if index.dtype.kind not in "iu":
        raise IndexError(f"take_along_axis: indices must be integers, got dtype {index.dtype}")
    if axis is None:
        arr = apply(ops.reshape_p, arr, shape=(-1,))
        axis = 0
    old = shape(arr)
    if index.ndim != len(old):
        raise ValueError(f"take_along_axis: indices of {index.ndim} dimensions for an array of {len(old)} (shape {old})")
    (axis,) = ops.normalize_axis(axis, len(old), "take_along_axis")
    fancy = tuple(
        index if d == axis else _backend.put(index, np.arange(n).reshape((1,) * d + (n,) + (1,) * (len(old) - d - 1)))
        for d, n in enumerate(old)
    )
    return apply(ops.getitem_p, arr, index=fancy)


def _own(values: Any, numpy_function: Any, path: str, where: str) -> Any:
    """``numpy_function`` for ``values``: NumPy's, which dispatches to the data's library
    (CuPy's argsort), but for Dask, whose dispatch would compute the data into NumPy for a
    function it lacks: its own, or the TypeError naming ``where`` that it has none."""
    if type(values) is not np.ndarray and _backend.name(values) == "dask":
        return _backend.function(values, numpy_function, path, where)
    return numpy_function


def _axis_of(a: TensorLike, axis: Optional[int], op: str) -> tuple[TensorLike, int]:
    if axis is None:
        return apply(ops.reshape_p, a, shape=(-1,)), 0
    (k,) = ops.normalize_axis(axis, len(shape(a)), op)
    return a, k


def sort(a: TensorLike, axis: Optional[int] = -1, kind: Optional[str] = None, order: None = None, *, stable: Optional[bool] = None) -> Tensor:
    """``a`` sorted along ``axis`` (None: flattened), as a gather through the stable
    ``argsort`` permutation: d/da sends each output entry's cotangent to the entry that
    landed there; among ties the earlier input entry takes the earlier place (JVP: rule).

    >>> sort(Tensor([3.0, 1.0, 2.0]))
    Tensor([1., 2., 3.], op=getitem)
    """
    if order is not None:
        raise ValueError("sort: order applies to structured arrays, which funcgrad does not have")
    x, k = _axis_of(a, axis, "sort")
    values = data(x)
    if type(values) is np.ndarray:
        return take_along_axis(x, _stable_order(values, k), axis=k)
    argsort = _own(values, np.argsort, "argsort", "funcgrad.numpy.sort")
    return take_along_axis(x, argsort(values, axis=k, kind="stable"), axis=k)


def _stable_order(values: np.ndarray, axis: int) -> np.ndarray:
    """The stable ``argsort`` of ``values`` along ``axis``, without paying for it when
    nothing ties: the default argsort (SIMD quicksort, about 4x faster than the stable
    merge/radix sort on floats) gives the same permutation unless two entries are equal
    (or NaN, which compares unequal to itself), and checking the sorted values for
    neighbours that tie is cheap."""
    order = np.argsort(values, axis=axis)
    ordered = np.moveaxis(np.take_along_axis(values, order, axis=axis), axis, -1)
    if np.any(ordered[..., 1:] == ordered[..., :-1]) or np.isnan(ordered[..., -1:]).any():
        order = np.argsort(values, axis=axis, kind="stable")
    return order


def msort(a: TensorLike) -> Tensor:
    """``sort(a, axis=0)`` (removed from NumPy 2; autograd has it). d/da as for ``sort``:
    the stable permutation routes the cotangent back (JVP: rule).

    >>> msort(Tensor([[2.0], [1.0]]))
    Tensor([[1.],
            [2.]], op=getitem)
    """
    return sort(a, axis=0)


def partition(a: TensorLike, kth: Any, axis: Optional[int] = -1, kind: str = "introselect", order: None = None) -> Tensor:
    """``a`` rearranged along ``axis`` (None: flattened) so that each ``kth`` entry is in
    its sorted place, smaller ones before and larger ones after, exactly as
    ``np.partition`` arranges them: a gather through ``np.argpartition``'s permutation, so
    d/da sends each output entry's cotangent to the entry that landed there (JVP: rule).

    >>> partition(Tensor([3.0, 1.0, 2.0]), 0)[0]
    Tensor(1.0, op=getitem)
    """
    if order is not None:
        raise ValueError("partition: order applies to structured arrays, which funcgrad does not have")
    x, k = _axis_of(a, axis, "partition")
    values = data(x)
    argpartition = _own(values, np.argpartition, "argpartition", "funcgrad.numpy.partition")
    # ``kind`` is NumPy's (CuPy's argpartition has no such parameter).
    perm = argpartition(values, kth, axis=k, **({"kind": kind} if type(values) is np.ndarray else {}))
    return take_along_axis(x, perm, axis=k)


def select(condlist: Sequence[Any], choicelist: Sequence[TensorLike], default: TensorLike = 0) -> Tensor:
    """Each entry from the first choice whose condition holds (else ``default``), with
    broadcasting: ``where`` chained from the last condition to the first, so d/d(choice)
    is the cotangent where that choice was taken and 0 elsewhere (JVP: rules).

    >>> select([np.array([True, False]), np.array([True, True])], [Tensor([1.0, 2.0]), Tensor([3.0, 4.0])])
    Tensor([1., 4.], op=where)
    """
    conditions, choices = list(condlist), list(choicelist)
    if len(conditions) != len(choices):
        raise ValueError(f"select: {len(conditions)} conditions for {len(choices)} choices")
    if not conditions:
        raise ValueError("select: condlist must hold at least one condition")
    masks = [data(c) if _backend.is_duck(data(c)) else np.asarray(data(c)) for c in conditions]  # a duck mask stays one
    for n, mask in enumerate(masks):
        if mask.dtype != bool:
            raise TypeError(f"select: condlist[{n}] must be boolean, got dtype {mask.dtype}")
    # Every condition and choice takes part in a where, hence in the result's shape.
    result: TensorLike = default
    for mask, choice in zip(reversed(masks), reversed(choices)):
        result = apply(ops.where_p, mask, choice, result)
    assert isinstance(result, Tensor)
    return result
