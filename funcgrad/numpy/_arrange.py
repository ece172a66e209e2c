"""Rearrangements: ravel, swapaxes, moveaxis, rollaxis, flip, fliplr, flipud, rot90, roll,
tile, repeat and pad.

They move or copy entries without arithmetic. All but ``roll`` are exact composites of
the core shape primitives (reshape, transpose, broadcast_to, getitem and its scatter-add
transpose), so they differentiate to any order with those primitives' rules. ``roll``
is one primitive because its derivative is again a roll (by minus the shift), where the
composite would be two slices and a concatenate per axis.
"""

from __future__ import annotations

from typing import Any, Sequence, Union, cast

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy import _reduce
from funcgrad.numpy._shape import join, take, transpose
from funcgrad.numpy._util import data, lead, shape

Axes = Union[int, Sequence[int]]


def _same(a: TensorLike) -> Tensor:
    """``a`` unchanged, as a node (NumPy returns a view where nothing moves)."""
    return apply(ops.reshape_p, a, shape=shape(a))


def _axis_list(axis: Axes, ndim: int, op: str) -> list[int]:
    """``axis`` as a list of non-negative ints in the order given (repeats refused)."""
    items = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    out = []
    for a in items:
        (k,) = ops.normalize_axis(a, ndim, op)
        out.append(k)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return out


def ravel(a: TensorLike, order: str = "C") -> Tensor:
    """The entries as a 1-D array, in row-major (``'C'``) or column-major (``'F'``) order.

    A reshape (after a transpose for ``'F'``); the VJP reshapes back (JVP: rule).
    ``'A'`` and ``'K'`` follow the memory layout, which a Tensor does not promise, and
    raise NotImplementedError.

    >>> ravel(Tensor([[1.0, 2.0], [3.0, 4.0]]), order="F")
    Tensor([1., 3., 2., 4.], op=reshape)
    """
    if order == "F":
        a = transpose(a)
    elif order != "C":
        raise NotImplementedError(f"ravel: order={order!r} depends on memory layout; use 'C' or 'F'")
    return apply(ops.reshape_p, a, shape=(-1,))


def swapaxes(a: TensorLike, axis1: int, axis2: int) -> Tensor:
    """``a`` with two axes interchanged: a transpose, whose VJP swaps them back (JVP: rule).

    >>> swapaxes(Tensor(np.ones((2, 3, 4))), 0, -1).shape
    (4, 3, 2)
    """
    ndim = len(shape(a))
    (i,), (j,) = ops.normalize_axis(axis1, ndim, "swapaxes"), ops.normalize_axis(axis2, ndim, "swapaxes")
    perm = list(range(ndim))
    perm[i], perm[j] = j, i
    return apply(ops.transpose_p, a, axes=tuple(perm))


def moveaxis(a: TensorLike, source: Axes, destination: Axes) -> Tensor:
    """Axes ``source`` moved to positions ``destination``, the others kept in order.

    A transpose; the VJP applies the inverse permutation (JVP: rule).

    >>> moveaxis(Tensor(np.ones((2, 3, 4))), 0, -1).shape
    (3, 4, 2)
    """
    ndim = len(shape(a))
    src = _axis_list(source, ndim, "moveaxis")
    dst = _axis_list(destination, ndim, "moveaxis")
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {source!r} and destination {destination!r} differ in length")
    perm = [n for n in range(ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return apply(ops.transpose_p, a, axes=tuple(perm))


def rollaxis(a: TensorLike, axis: int, start: int = 0) -> Tensor:
    """Axis ``axis`` moved to just before position ``start`` (NumPy's older moveaxis).

    A transpose; the VJP applies the inverse permutation (JVP: rule).

    >>> rollaxis(Tensor(np.ones((2, 3, 4))), 2).shape
    (4, 2, 3)
    """
    ndim = len(shape(a))
    (axis,) = ops.normalize_axis(axis, ndim, "rollaxis")
    begin = start + ndim if start < 0 else start
    if not 0 <= begin < ndim + 1:
        raise ValueError(f"rollaxis: start={start} must satisfy {-ndim} <= start < {ndim + 1}")
    if axis < begin:
        begin -= 1
    perm = [n for n in range(ndim) if n != axis]
    perm.insert(begin, axis)
    return apply(ops.transpose_p, a, axes=tuple(perm))


def flip(m: TensorLike, axis: Axes | None = None) -> Tensor:
    """``m`` reversed along ``axis`` (None: every axis): a reversing slice, whose VJP
    reverses the cotangent back (JVP: rule).

    >>> flip(Tensor([1.0, 2.0, 3.0]))
    Tensor([3., 2., 1.], op=getitem)
    """
    ndim = len(shape(m))
    axes = ops.normalize_axis(axis, ndim, "flip")
    if not axes:  # nothing to reverse (a 0-d array may even be a Python float here)
        return _same(m)
    index = tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(ndim))
    return apply(ops.getitem_p, m, index=index)


def fliplr(m: TensorLike) -> Tensor:
    """``m`` reversed along axis 1 (its columns): ``flip(m, 1)`` (JVP: rule).

    d/dm reverses the cotangent's axis 1 back.

    >>> fliplr(Tensor([[1.0, 2.0]]))
    Tensor([[2., 1.]], op=getitem)
    """
    if len(shape(m)) < 2:
        raise ValueError(f"fliplr: m must have at least 2 dimensions (shape {shape(m)})")
    return flip(m, 1)


def flipud(m: TensorLike) -> Tensor:
    """``m`` reversed along axis 0 (its rows): ``flip(m, 0)`` (JVP: rule).

    d/dm reverses the cotangent's axis 0 back.

    >>> flipud(Tensor([1.0, 2.0]))
    Tensor([2., 1.], op=getitem)
    """
    if len(shape(m)) < 1:
        raise ValueError("flipud: m must have at least 1 dimension")
    return flip(m, 0)


def rot90(m: TensorLike, k: int = 1, axes: Sequence[int] = (0, 1)) -> Tensor:
    """``m`` rotated by ``k`` quarter turns in the plane ``axes`` (from the first axis
    towards the second), as NumPy composes it from flip and transpose (JVP: rules).

    d/dm rotates the cotangent back by ``-k`` turns.

    >>> rot90(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor([[2., 4.],
            [1., 3.]], op=transpose)
    """
    ndim = len(shape(m))
    pair = tuple(axes)
    if len(pair) != 2:
        raise ValueError(f"rot90: axes must be two axes, got {axes!r}")
    i, j = (ops.normalize_axis(a, ndim, "rot90")[0] for a in pair)
    if i == j:
        raise ValueError(f"rot90: axes must be different, got {axes!r}")
    k %= 4
    if k == 0:
        return _same(m)
    if k == 2:
        return flip(m, (i, j))
    perm = list(range(ndim))
    perm[i], perm[j] = j, i
    if k == 1:
        return apply(ops.transpose_p, flip(m, j), axes=tuple(perm))
    return flip(apply(ops.transpose_p, m, axes=tuple(perm)), j)


# --- roll: one primitive, its own transpose ---------------------------------------------
def _roll_impl(x: Any, shift: tuple[int, ...], axis: tuple[int, ...]) -> Any:
    return np.roll(x, shift, axis)


def _roll_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    batch = lead(c, out.ndim)
    back = tuple(-s for s in p["shift"])
    return bind(roll_p, c, shift=back, axis=tuple(a + batch for a in p["axis"]))


def _roll_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    batch = lead(c, out.ndim)
    return bind(roll_p, c, shift=p["shift"], axis=tuple(a + batch for a in p["axis"]))


roll_p = Primitive("roll", _roll_impl, vjp=_roll_vjp, jvp=_roll_jvp)


def roll(a: TensorLike, shift: Axes, axis: Axes | None = None) -> Tensor:
    """Entries shifted cyclically by ``shift`` along ``axis`` (None: of the flattened
    array, shape kept); ``shift`` and ``axis`` broadcast against each other.

    d/da rolls the cotangent by ``-shift`` (JVP: rule).

    >>> roll(Tensor([1.0, 2.0, 3.0]), 1, axis=0)
    Tensor([3., 1., 2.], op=roll)
    """
    old = shape(a)
    if axis is None:
        flat = apply(ops.reshape_p, a, shape=(-1,))
        total = int(np.sum(np.asarray(shift, dtype=np.intp)))
        return apply(ops.reshape_p, apply(roll_p, flat, shift=(total,), axis=(0,)), shape=old)
    shifts, axes = np.broadcast_arrays(np.asarray(shift, dtype=np.intp), np.asarray(axis, dtype=np.intp))
    normal = tuple(ops.normalize_axis(int(k), len(old), "roll")[0] for k in axes.ravel())
    return apply(roll_p, a, shift=tuple(int(s) for s in shifts.ravel()), axis=normal)


def tile(A: TensorLike, reps: Axes) -> Tensor:
    """``A`` repeated ``reps`` times along each axis (leading unit axes added to match).

    A broadcast between two reshapes, so d/dA sums the cotangent over the copies
    (JVP: rules).

    >>> tile(Tensor([1.0, 2.0]), 2)
    Tensor([1., 2., 1., 2.], op=reshape)
    """
    counts = (int(reps),) if isinstance(reps, (int, np.integer)) else tuple(int(r) for r in reps)
    old = shape(A)
    ndim = max(len(counts), len(old))
    sizes = (1,) * (ndim - len(old)) + old
    counts = (1,) * (ndim - len(counts)) + counts
    spread = tuple(n for s in sizes for n in (1, s))
    wide = tuple(n for r, s in zip(counts, sizes) for n in (r, s))
    x = apply(ops.reshape_p, A, shape=spread)
    x = apply(ops.broadcast_to_p, x, shape=wide)
    return apply(ops.reshape_p, x, shape=tuple(r * s for r, s in zip(counts, sizes)))


def repeat(a: TensorLike, repeats: Any, axis: int | None = None) -> Tensor:
    """Each entry repeated ``repeats`` times along ``axis`` (None: of the flattened array);
    ``repeats`` is an int or one count per entry.

    One count is a broadcast between reshapes (d/da sums each entry's copies); counts per
    entry are a ``take``, whose VJP scatter-adds them (JVP: rules).

    >>> repeat(Tensor([1.0, 2.0]), 2)
    Tensor([1., 1., 2., 2.], op=reshape)
    >>> repeat(Tensor([1.0, 2.0]), [1, 3])
    Tensor([1., 2., 2., 2.], op=getitem)
    """
    if axis is None:
        a = apply(ops.reshape_p, a, shape=(-1,))
        axis = 0
    old = shape(a)
    (axis,) = ops.normalize_axis(axis, len(old), "repeat")
    counts = np.asarray(data(repeats))
    if counts.dtype.kind not in "iu" or np.any(counts < 0):
        raise ValueError(f"repeat: repeats must be non-negative integers, got {repeats!r}")
    n = old[axis]
    if counts.size == 1:
        r = int(counts.reshape(()))
        x = apply(ops.reshape_p, a, shape=old[: axis + 1] + (1,) + old[axis + 1 :])
        x = apply(ops.broadcast_to_p, x, shape=old[: axis + 1] + (r,) + old[axis + 1 :])
        return apply(ops.reshape_p, x, shape=old[:axis] + (n * r,) + old[axis + 1 :])
    if counts.shape != (n,):
        raise ValueError(f"repeat: {counts.size} repeats for an axis of length {n}")
    return take(a, np.repeat(np.arange(n), counts), axis=axis)


# --- pad ------------------------------------------------------------------------------
_GATHER_MODES = ("edge", "reflect", "symmetric", "wrap")
_STAT_MODES = ("maximum", "minimum", "mean")
_MODES = ("constant", "linear_ramp") + _GATHER_MODES + _STAT_MODES


def _float_dtype(x: TensorLike) -> np.dtype[Any]:
    given: np.dtype[Any] = cast(Any, x).dtype if isinstance(x, Tensor) or _backend.is_duck(x) else np.asarray(x).dtype
    return given if given.kind == "f" else np.dtype(np.float64)  # ints become float64, as in apply


def _along(ndim: int, axis: int, item: Any) -> tuple[Any, ...]:
    return (slice(None),) * axis + (item,) + (slice(None),) * (ndim - axis - 1)


def _constant_pairs(values: Any, ndim: int, what: str) -> np.ndarray:
    if isinstance(values, Tensor):
        raise TypeError(f"pad: {what} must be constants (numbers or arrays), not a Tensor")
    return np.broadcast_to(np.asarray(values, dtype=np.float64), (ndim, 2))


def _stat_blocks(x: Tensor, axis: int, before: int, after: int, lengths: tuple[Any, Any], mode: str) -> list[Tensor | None]:
    """NumPy's statistic pads: the max, min or mean of the first (last) ``stat_length``
    entries along ``axis``, broadcast over the pad (reductions, so max/min ties split)."""
    reduce = {"maximum": _reduce.max, "minimum": _reduce.min, "mean": _reduce.mean}[mode]
    n = x.shape[axis]
    blocks: list[Tensor | None] = []
    for width, length, side in ((before, lengths[0], 0), (after, lengths[1], 1)):
        if not width:
            blocks.append(None)
            continue
        count = n if length is None or length > n else int(length)
        if count == 0 and mode != "mean":
            raise ValueError("pad: stat_length of 0 yields no value for padding")
        chunk = apply(ops.getitem_p, x, index=_along(x.ndim, axis, slice(0, count) if side == 0 else slice(n - count, n)))
        stat = reduce(chunk, axis=axis, keepdims=True)
        blocks.append(apply(ops.broadcast_to_p, stat, shape=x.shape[:axis] + (width,) + x.shape[axis + 1 :]))
    return blocks


def _ramp_blocks(x: Tensor, axis: int, before: int, after: int, ends: np.ndarray) -> list[Tensor | None]:
    """NumPy's linear ramps: from each end value (included) to the edge entry (excluded),
    ``(edge - end) / width * i + end`` as ``np.linspace`` computes them; linear in the edge."""
    n, dtype = x.shape[axis], x.dtype
    blocks: list[Tensor | None] = []
    for width, side in ((before, 0), (after, 1)):
        if not width:
            blocks.append(None)
            continue
        edge = apply(ops.getitem_p, x, index=_along(x.ndim, axis, slice(0, 1) if side == 0 else slice(n - 1, n)))
        steps = np.arange(width, dtype=dtype) if side == 0 else np.arange(width - 1, -1, -1, dtype=dtype)
        steps = _backend.put(x.data, steps.reshape((1,) * axis + (width,) + (1,) * (x.ndim - axis - 1)))
        end = float(ends[side])
        blocks.append((edge - end) / width * steps + end)
    return blocks


def pad(array: TensorLike, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Tensor:
    """``array`` padded by ``pad_width`` (NumPy's forms: an int, ``(before, after)``,
    ``((before, after), ...)`` or ``{axis: width}``), one axis after the other as NumPy
    pads (which decides the corners).

    ``mode='constant'`` (``constant_values``, constants, not differentiated) puts
    ``array`` into the frame by a scatter-add, so d/darray is the inner slice of the
    cotangent. ``'edge'``, ``'reflect'``, ``'symmetric'`` and ``'wrap'`` (``reflect_type``
    ``'even'``) copy entries: one ``take`` per padded axis, and d/darray adds up each
    entry's copies. ``'maximum'``, ``'minimum'`` and ``'mean'`` (``stat_length``) pad with
    a reduction (ties of max/min split the gradient), ``'linear_ramp'`` (``end_values``,
    constants) with ramps linear in the edge entries, joined by concatenate (JVP: rules).
    ``'median'``, ``'empty'`` and a function as the mode raise NotImplementedError.

    >>> pad(Tensor([1.0, 2.0]), 1, constant_values=9.0)
    Tensor([9., 1., 2., 9.], op=add)
    >>> pad(Tensor([1.0, 2.0, 3.0]), (2, 1), mode="reflect")
    Tensor([3., 2., 1., 2., 3., 2.], op=getitem)
    >>> pad(Tensor([1.0, 2.0, 6.0]), (1, 2), mode="mean", stat_length=2)
    Tensor([1.5, 1. , 2. , 6. , 4. , 4. ], op=concatenate)
    """
    old = shape(array)
    ndim = len(old)
    if isinstance(pad_width, dict):  # NumPy 2.3's {axis: width or (before, after)}, others 0
        widths = np.zeros((ndim, 2), dtype=np.intp)
        for axis, width in pad_width.items():
            (k,) = ops.normalize_axis(axis, ndim, "pad")
            widths[k] = np.broadcast_to(np.asarray(width, dtype=np.intp), (2,))
    else:
        widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu":
        raise TypeError(f"pad: pad_width must be integers, got {pad_width!r}")
    try:
        pairs = np.broadcast_to(widths, (ndim, 2))
    except ValueError:
        raise ValueError(f"pad: pad_width {pad_width!r} does not fit an array of shape {old}") from None
    if np.any(pairs < 0):
        raise ValueError(f"pad: pad_width must be non-negative, got {pad_width!r}")
    if not isinstance(mode, str) or mode not in _MODES:
        raise NotImplementedError(f"pad: mode={mode!r} is not supported; use one of {', '.join(repr(m) for m in _MODES)}")
    options = dict(kwargs)
    if mode == "constant":
        values = options.pop("constant_values", 0)
    elif mode in ("reflect", "symmetric"):
        reflect_type = options.pop("reflect_type", "even")
        if reflect_type != "even":
            raise NotImplementedError(f"pad: reflect_type={reflect_type!r} is not supported; use 'even'")
    elif mode == "linear_ramp":
        ends = _constant_pairs(options.pop("end_values", 0), ndim, "end_values")
    elif mode in _STAT_MODES:
        stat_length = options.pop("stat_length", None)
        if stat_length is None:
            lengths: list[tuple[Any, Any]] = [(None, None)] * ndim
        else:
            counts = np.broadcast_to(np.asarray(stat_length), (ndim, 2))
            if counts.dtype.kind not in "iu" or np.any(counts < 0):
                raise ValueError(f"pad: stat_length must be non-negative integers or None, got {stat_length!r}")
            lengths = [(int(b), int(a)) for b, a in counts]
    if options:
        raise TypeError(f"pad: unsupported keyword arguments for mode {mode!r}: {sorted(options)}")
    if not np.any(pairs):
        return _same(array)
    if mode == "constant":
        if isinstance(values, Tensor):
            raise TypeError("pad: constant_values must be constants (numbers or arrays), not a Tensor")
        index = tuple(slice(int(b), int(b) + n) for (b, _), n in zip(pairs, old))
        padded = tuple(int(b) + n + int(e) for (b, e), n in zip(pairs, old))
        body = apply(ops.scatter_add_p, array, shape=padded, index=index)
        if not np.any(np.asarray(values)):  # a zero frame: the scatter is the whole answer
            return body
        frame = np.pad(np.zeros(old, dtype=_float_dtype(array)), pairs, mode="constant", constant_values=values)
        framed: Tensor = body + _backend.put(data(array), frame)  # the constant frame, in the data's library
        return framed
    out = array if isinstance(array, Tensor) else _same(array)
    for axis, ((before, after), n) in enumerate(zip(pairs, old)):
        if not (before or after):
            continue
        if n == 0:
            raise ValueError(f"pad: can't extend empty axis {axis} using modes other than 'constant'")
        if mode in _GATHER_MODES:
            source = np.pad(np.arange(n), (int(before), int(after)), mode=mode)  # type: ignore[call-overload]  # mode: a gather mode, checked above
            out = take(out, source, axis=axis)
            continue
        if mode == "linear_ramp":
            left, right = _ramp_blocks(out, axis, int(before), int(after), ends[axis])
        else:
            left, right = _stat_blocks(out, axis, int(before), int(after), lengths[axis], mode)
        out = cast(Tensor, join([p for p in (left, out, right) if p is not None], axis))  # Tensor parts give a Tensor
    return out
