"""Joining and splitting: atleast_1d/2d/3d, hstack, vstack, row_stack, dstack,
column_stack, append, split, array_split, hsplit, vsplit, dsplit, and the index tricks
``r_`` and ``c_``.

All are exact composites: a reshape to the rank NumPy asks for, then ``concatenate``
(whose VJP hands each operand its slice of the cotangent), or slices (``getitem``, whose
VJP puts the cotangent back into a zero frame). The split family returns lists of
Tensors, one per part, as NumPy returns lists of arrays.
"""

from __future__ import annotations

from typing import Any, Sequence, Union, overload

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Tensor, TensorLike, apply
from funcgrad._typing import Array
from funcgrad.numpy._arrange import ravel
from funcgrad.numpy._shape import concatenate, transpose
from funcgrad.numpy._util import data, shape


def _reshaped(a: TensorLike, new: tuple[int, ...]) -> Tensor:
    return apply(ops.reshape_p, a, shape=new)


def _one_d(a: TensorLike) -> Tensor:
    s = shape(a)
    return _reshaped(a, s if s else (1,))


def _two_d(a: TensorLike) -> Tensor:
    s = shape(a)
    return _reshaped(a, (1,) * (2 - len(s)) + s if len(s) < 2 else s)


def _three_d(a: TensorLike) -> Tensor:
    s = shape(a)
    new = {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}.get(len(s), s)
    return _reshaped(a, new)


@overload
def atleast_1d(ary: TensorLike, /) -> Tensor: ...
@overload
def atleast_1d(ary: TensorLike, ary2: TensorLike, /, *arys: TensorLike) -> tuple[Tensor, ...]: ...
def atleast_1d(*arys: TensorLike) -> Union[Tensor, tuple[Tensor, ...]]:
    """Each input with at least one axis (a 0-d input becomes shape ``(1,)``); one input
    gives a Tensor, several a tuple. A reshape: d/da reshapes back (JVP: rule).

    >>> atleast_1d(Tensor(2.0))
    Tensor([2.], op=reshape)
    """
    out = tuple(_one_d(a) for a in arys)
    return out[0] if len(out) == 1 else out


@overload
def atleast_2d(ary: TensorLike, /) -> Tensor: ...
@overload
def atleast_2d(ary: TensorLike, ary2: TensorLike, /, *arys: TensorLike) -> tuple[Tensor, ...]: ...
def atleast_2d(*arys: TensorLike) -> Union[Tensor, tuple[Tensor, ...]]:
    """Each input with at least two axes (``(n,)`` becomes ``(1, n)``); one input gives a
    Tensor, several a tuple. A reshape: d/da reshapes back (JVP: rule).

    >>> atleast_2d(Tensor([1.0, 2.0])).shape
    (1, 2)
    """
    out = tuple(_two_d(a) for a in arys)
    return out[0] if len(out) == 1 else out


@overload
def atleast_3d(ary: TensorLike, /) -> Tensor: ...
@overload
def atleast_3d(ary: TensorLike, ary2: TensorLike, /, *arys: TensorLike) -> tuple[Tensor, ...]: ...
def atleast_3d(*arys: TensorLike) -> Union[Tensor, tuple[Tensor, ...]]:
    """Each input with at least three axes (``(n,)`` becomes ``(1, n, 1)``, ``(m, n)``
    becomes ``(m, n, 1)``); one input gives a Tensor, several a tuple. A reshape: d/da
    reshapes back (JVP: rule).

    >>> atleast_3d(Tensor([1.0, 2.0])).shape
    (1, 2, 1)
    """
    out = tuple(_three_d(a) for a in arys)
    return out[0] if len(out) == 1 else out


def _parts(tup: Sequence[TensorLike], op: str) -> list[TensorLike]:
    parts = list(tup)
    if not parts:
        raise ValueError(f"{op}: need at least one array")
    return parts


def vstack(tup: Sequence[TensorLike]) -> Tensor:
    """Arrays joined along axis 0 after ``atleast_2d``: d/d(each) is its rows of the
    cotangent (JVP: rules).

    >>> vstack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])]).shape
    (2, 2)
    """
    return concatenate([_two_d(a) for a in _parts(tup, "vstack")], axis=0)


def row_stack(tup: Sequence[TensorLike]) -> Tensor:
    """``vstack`` under its older name (deprecated in NumPy 2): d/d(each) is its rows of
    the cotangent (JVP: rules).

    >>> row_stack([Tensor([1.0]), Tensor([2.0])]).shape
    (2, 1)
    """
    return vstack(tup)


def hstack(tup: Sequence[TensorLike]) -> Tensor:
    """Arrays joined along axis 1 (axis 0 for 1-D inputs) after ``atleast_1d``:
    d/d(each) is its slice of the cotangent (JVP: rules).

    >>> hstack([Tensor([1.0]), Tensor([2.0, 3.0])])
    Tensor([1., 2., 3.], op=concatenate)
    """
    parts = [_one_d(a) for a in _parts(tup, "hstack")]
    return concatenate(parts, axis=0 if parts[0].ndim == 1 else 1)


def dstack(tup: Sequence[TensorLike]) -> Tensor:
    """Arrays joined along axis 2 after ``atleast_3d``: d/d(each) is its slice of the
    cotangent (JVP: rules).

    >>> dstack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])]).shape
    (1, 2, 2)
    """
    return concatenate([_three_d(a) for a in _parts(tup, "dstack")], axis=2)


def column_stack(tup: Sequence[TensorLike]) -> Tensor:
    """1-D arrays as columns (others as they are, after ``atleast_2d``) joined along axis
    1: d/d(each) is its columns of the cotangent (JVP: rules).

    >>> column_stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])])
    Tensor([[1., 3.],
            [2., 4.]], op=concatenate)
    """
    columns = []
    for a in _parts(tup, "column_stack"):
        s = shape(a)
        columns.append(_reshaped(a, (s[0], 1)) if len(s) == 1 else _two_d(a))
    return concatenate(columns, axis=1)


def append(arr: TensorLike, values: TensorLike, axis: int | None = None) -> Tensor:
    """``values`` appended to ``arr`` along ``axis`` (None: both flattened first): a
    concatenate, so d/darr and d/dvalues are their slices of the cotangent (JVP: rules).

    >>> append(Tensor([1.0, 2.0]), Tensor([[3.0]]))
    Tensor([1., 2., 3.], op=concatenate)
    """
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], axis=0)
    return concatenate([arr, values], axis=axis)


# --- the split family ---------------------------------------------------------------------
def _bounds(n: int, indices_or_sections: Any, equal: bool, op: str) -> list[tuple[int, int]]:
    if np.ndim(indices_or_sections) == 0:  # a number of sections (int, NumPy integer, 0-d array)
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"{op}: number of sections must be larger than 0, got {sections}")
        each, extra = divmod(n, sections)
        if equal and extra:
            raise ValueError(f"{op}: an axis of length {n} does not split into {sections} equal parts")
        sizes = [each + 1] * extra + [each] * (sections - extra)
        starts = np.cumsum([0] + sizes)
        return [(int(s), int(e)) for s, e in zip(starts[:-1], starts[1:])]
    cuts = [int(i) for i in indices_or_sections]
    edges: list[Any] = [0] + cuts + [None]
    return [(s, e) for s, e in zip(edges[:-1], edges[1:])]


def _split(ary: TensorLike, indices_or_sections: Any, axis: int, equal: bool, op: str) -> list[Tensor]:
    old = shape(ary)
    (axis,) = ops.normalize_axis(axis, len(old), op)
    head = (slice(None),) * axis
    return [apply(ops.getitem_p, ary, index=head + (slice(s, e),)) for s, e in _bounds(old[axis], indices_or_sections, equal, op)]


def split(ary: TensorLike, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """``ary`` cut along ``axis`` into equal sections (an int) or at the given indices, a
    list of slices; d/dary puts each part's cotangent back in its place (JVP: rule).

    >>> split(Tensor([1.0, 2.0, 3.0, 4.0]), 2)
    [Tensor([1., 2.], op=getitem), Tensor([3., 4.], op=getitem)]
    """
    return _split(ary, indices_or_sections, axis, True, "split")


def array_split(ary: TensorLike, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    """``split`` allowing unequal sections (the first ones one longer); d/dary puts each
    part's cotangent back in its place (JVP: rule).

    >>> [t.shape for t in array_split(Tensor([1.0, 2.0, 3.0]), 2)]
    [(2,), (1,)]
    """
    return _split(ary, indices_or_sections, axis, False, "array_split")


def hsplit(ary: TensorLike, indices_or_sections: Any) -> list[Tensor]:
    """``split`` along axis 1 (axis 0 for 1-D arrays); d/dary puts each part's cotangent
    back in its place (JVP: rule).

    >>> [t.shape for t in hsplit(Tensor(np.ones((2, 4))), 2)]
    [(2, 2), (2, 2)]
    """
    ndim = len(shape(ary))
    if ndim == 0:
        raise ValueError("hsplit: ary must have at least 1 dimension")
    return _split(ary, indices_or_sections, 1 if ndim > 1 else 0, True, "hsplit")


def vsplit(ary: TensorLike, indices_or_sections: Any) -> list[Tensor]:
    """``split`` along axis 0 of an array of at least 2 dimensions; d/dary puts each
    part's cotangent back in its place (JVP: rule).

    >>> [t.shape for t in vsplit(Tensor(np.ones((4, 2))), [1])]
    [(1, 2), (3, 2)]
    """
    if len(shape(ary)) < 2:
        raise ValueError(f"vsplit: ary must have at least 2 dimensions (shape {shape(ary)})")
    return _split(ary, indices_or_sections, 0, True, "vsplit")


def dsplit(ary: TensorLike, indices_or_sections: Any) -> list[Tensor]:
    """``split`` along axis 2 of an array of at least 3 dimensions; d/dary puts each
    part's cotangent back in its place (JVP: rule).

    >>> [t.shape for t in dsplit(Tensor(np.ones((1, 1, 4))), 2)]
    [(1, 1, 2), (1, 1, 2)]
    """
    if len(shape(ary)) < 3:
        raise ValueError(f"dsplit: ary must have at least 3 dimensions (shape {shape(ary)})")
    return _split(ary, indices_or_sections, 2, True, "dsplit")


# --- r_ and c_ --------------------------------------------------------------------------------
def _range(item: slice, ndmin: int, trans1d: int) -> Array:
    """A slice item as NumPy's index tricks read it: a constant range, not differentiable."""
    start = 0 if item.start is None else item.start
    step = 1 if item.step is None else item.step
    values: Array = np.linspace(start, item.stop, num=int(abs(step))) if isinstance(step, complex) else np.arange(start, item.stop, step)
    if ndmin > 1:
        values = np.array(values, ndmin=ndmin)
        if trans1d != -1:
            values = values.swapaxes(-1, trans1d)
    return values


class AxisConcatenator:
    """NumPy's index trick for concatenating: ``r_[a, b, 0:3]`` joins its items along
    ``axis`` (``r_``: 0, ``c_``: -1), slices becoming plain ranges (``arange``, or
    ``linspace`` for a complex step) and scalars length-1 arrays. A leading string
    ``'axis'``, ``'axis,ndmin'`` or ``'axis,ndmin,trans1d'`` sets the layout as in NumPy;
    the matrix directives ``'r'``/``'c'`` raise NotImplementedError.

    When an item is an array or a Tensor the result is a Tensor from ``concatenate``,
    so d/d(item) is its slice of the cotangent (JVP: rules); items of ranges and numbers
    only give NumPy's own plain array (``r_[0:3]`` is ``array([0, 1, 2])``, an index).

    >>> r_[Tensor([1.0, 2.0]), 0.0, 5:7]
    Tensor([1., 2., 0., 5., 6.], op=concatenate)
    >>> c_[Tensor([1.0, 2.0]), Tensor([3.0, 4.0])].shape
    (2, 2)
    >>> r_[0:3]
    array([0, 1, 2])
    """

    def __init__(self, axis: int, ndmin: int, trans1d: int, name: str) -> None:
        self._axis, self._ndmin, self._trans1d, self._name = axis, ndmin, trans1d, name

    def __repr__(self) -> str:
        return f"funcgrad.numpy.{self._name}"

    def __len__(self) -> int:
        return 0

    def __getitem__(self, key: Any) -> Union[Tensor, Array]:
        items = key if isinstance(key, tuple) else (key,)
        if all(isinstance(item, (slice, str, int, float, complex, np.generic)) for item in items):
            # Only ranges and numbers: NumPy's own plain array (an index, say), not a Tensor.
            plain: Array = np.r_[items] if self._name == "r_" else np.c_[items]
            return plain
        axis, ndmin, trans1d = self._axis, self._ndmin, self._trans1d
        if items and isinstance(items[0], str):
            directive, items = items[0], items[1:]
            if directive in ("r", "c"):
                raise NotImplementedError(f"{self._name}: the matrix directive {directive!r} is not supported")
            try:
                numbers = [int(v) for v in directive.split(",")]
            except ValueError:
                raise ValueError(f"{self._name}: unknown special directive {directive!r}") from None
            if not 1 <= len(numbers) <= 3:
                raise ValueError(f"{self._name}: unknown special directive {directive!r}")
            axis = numbers[0]
            if len(numbers) > 1:
                ndmin = numbers[1]
            if len(numbers) > 2:
                trans1d = numbers[2]
        arrays = [data(item) for item in items if isinstance(item, (Tensor, np.ndarray)) or _backend.is_duck(item)]
        floats = [a.dtype for a in arrays if a.dtype.kind == "f"]
        # Ranges and numbers join the arrays in their library (Dask, CuPy), NumPy's for NumPy data.
        like = next((a for a in arrays if _backend.is_duck(a)), None)
        dtype = np.result_type(*floats) if floats else np.dtype(np.float64)
        parts: list[TensorLike] = []
        for item in items:
            if isinstance(item, str):
                raise ValueError(f"{self._name}: special directives must be the first entry")
            if isinstance(item, slice):
                parts.append(_backend.put(like, _range(item, ndmin, trans1d)))
                continue
            if not isinstance(item, Tensor) and not _backend.is_duck(item):
                value = np.asarray(item)
                # A Python number is weak, as in NumPy: it takes the Tensors' dtype.
                item = _backend.put(like, value.astype(dtype) if isinstance(item, (int, float)) else value)
            parts.append(self._lift(item, ndmin, trans1d))
        return concatenate(parts, axis=axis)

    @staticmethod
    def _lift(item: Any, ndmin: int, trans1d: int) -> TensorLike:
        """``np.array(item, ndmin=ndmin)`` with NumPy's ``trans1d`` placement of the old axes."""
        old = shape(item)
        if len(old) >= ndmin:
            same: TensorLike = item
            return same
        x = apply(ops.reshape_p, item, shape=(1,) * (ndmin - len(old)) + old)
        if trans1d == -1:
            return x
        k2, k1 = ndmin - len(old), trans1d
        if k1 < 0:
            k1 += k2 + 1
        axes = list(range(ndmin))
        return transpose(x, axes[:k1] + axes[k2:] + axes[k1:k2])


r_ = AxisConcatenator(0, 1, -1, "r_")
c_ = AxisConcatenator(-1, 2, 0, "c_")
