"""The core primitives behind Tensor's operators and methods.

Each primitive is a record with its NumPy implementation and its derivative rules side
by side. Rules are written with these same functions and operators, so they run on
plain arrays for a first-order gradient and record themselves (hence differentiate
again) when an enclosing transform passes them Tensors. Rules may receive cotangents or
tangents with extra *leading* batch axes (see ``Rule``); every rule here keeps them.
"""

from __future__ import annotations

import importlib
import math
from types import MappingProxyType
from typing import Any, Sequence, Union, cast

import numpy as np

from funcgrad import _backend
from funcgrad._dtypes import as_numeric, snapshot
from funcgrad._tensor import Operand, Params, Primitive, Tensor, Value, apply, bind, observe


def _batch(c: Value, ndim: int) -> int:
    """How many leading batch axes ``c`` carries beyond an operand of ``ndim`` axes."""
    return c.ndim - ndim


# --- elementwise arithmetic: the VJP and JVP contributions are the same expression ----
def _add_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c


add_p = Primitive("add", np.add, vjp=_add_rule, jvp=_add_rule, elementwise=True, reads_constants=False)


def _subtract_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c if i == 0 else -c


subtract_p = Primitive(
    "subtract", np.subtract, vjp=_subtract_rule, jvp=_subtract_rule, elementwise=True, reads_constants=False
)


def _multiply_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * xs[1 - i]


multiply_p = Primitive("multiply", np.multiply, vjp=_multiply_rule, jvp=_multiply_rule, elementwise=True)


def _divide_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c / xs[1] if i == 0 else -c * out / xs[1]


divide_p = Primitive("divide", np.divide, vjp=_divide_rule, jvp=_divide_rule, elementwise=True)


def _negative_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return -c


negative_p = Primitive("negative", np.negative, vjp=_negative_rule, jvp=_negative_rule, elementwise=True)


def nowhere(mask: Any) -> bool:
    """Whether a rule may skip its guard for the entries ``mask`` marks, because there
    are none. Only NumPy data is asked: a duck array's answer may be a computation
    (Dask), so its rules take the guarded form, which is exact everywhere."""
    return not _backend.is_duck(mask) and not np.any(mask)


def _dtype(x: Any) -> np.dtype[Any]:
    """The dtype of an array of any library, or of a Python number."""
    dtype = getattr(x, "dtype", None)
    return dtype if isinstance(dtype, np.dtype) else np.result_type(x)


def _power_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # Never form 0 ** negative or 0 * inf where the derivative is finite, to any order:
    # each derivative is again a power, so the guards below apply at every order.
    x, y = xs
    x_data, y_data = _data(x), _data(y)
    if i == 0:
        # A constant number exponent (a 0-d duck array takes the guarded form below: its
        # ``== 0`` would be a computation, Dask's a compute of the graph).
        if type(y) is not Tensor and np.ndim(y_data) == 0 and (type(y_data) is float or not _backend.is_duck(y_data)):
            if y_data == 0:  # x ** 0 is constant: d/dx is exactly 0, even at x == 0
                return _backend.zeros(_data(c), np.shape(c), _dtype(_data(c)))
            return c * y * x ** (y - 1)  # x ** (p - 1): a constant exponent again
        # d/dx = y x**(y-1); where x == 0 and y == 0 it is 0 (x**0 is constant), but
        # 0 * 0**-1 is NaN. There the exponent is routed through 1 (0 * 0**1 == 0), so
        # neither this value nor any derivative of it meets 0**-1.
        zero = np.logical_and(np.equal(x_data, 0), np.equal(y_data, 0))
        if nowhere(zero):
            return c * y * x ** (y - 1)
        return c * y * x ** where(zero, 1.0, y - 1)
    # d/dy x**y = x**y log x; at x == 0 the limit (for y > 0) is 0, not 0 * -inf. The
    # masked entries compute 1**y log 1 from a constant base, so the derivatives of this
    # term in x and y are 0 there too (reusing ``out`` would pass 0 * inf back to x).
    base_zero = np.equal(x_data, 0)
    if nowhere(base_zero):
        return c * out * log(x)  # type: ignore[arg-type]  # a node operand here: an array or a Tensor
    safe = where(base_zero, 1.0, x)
    return c * where(base_zero, 0.0, safe**y * log(safe))


power_p = Primitive("power", np.power, vjp=_power_rule, jvp=_power_rule, elementwise=True)


def _mod_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # x mod y = x - y * floor(x / y); the floor is piecewise constant, so it is data (a
    # node would only add zeros). At a jump (x / y an integer) the same formula holds.
    if i == 0:
        return c
    slope: np.ndarray[Any, Any] = -np.floor_divide(_data(xs[0]), _data(xs[1]))
    return c * slope


mod_p = Primitive("mod", np.mod, vjp=_mod_rule, jvp=_mod_rule, elementwise=True)


def _exp_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * out  # reuses the forward value instead of recomputing exp


exp_p = Primitive("exp", np.exp, vjp=_exp_rule, jvp=_exp_rule, elementwise=True)


def _log_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c / xs[0]


log_p = Primitive("log", np.log, vjp=_log_rule, jvp=_log_rule, elementwise=True)


def _where_impl(condition: Any, x: Any, y: Any) -> Any:
    return np.where(condition, x, y)


def _where_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    if i == 0:
        raise TypeError("where: the condition is not differentiable")
    # Only the selected entries pass their cotangent on; the other side gets zero.
    return where(xs[0], c, 0.0) if i == 1 else where(xs[0], 0.0, c)


where_p = Primitive("where", _where_impl, vjp=_where_rule, jvp=_where_rule, elementwise=True)


def _data(x: Any) -> Any:
    return x.data if type(x) is Tensor else x


def where(condition: Any, x: Operand, y: Operand) -> Value:
    """``np.where`` on values; the condition is data, never differentiated."""
    return bind(where_p, _data(condition), x, y)


def exp(x: Value) -> Value:
    return bind(exp_p, x)


def log(x: Value) -> Value:
    return bind(log_p, x)


# --- matmul: NumPy semantics, 1-D operands included ------------------------------------
# Rules promote a 1-D operand to the matrix matmul treats it as (a row on the left, a
# column on the right), work on matrices, and drop the added axis again at the end.
def _as_matrix(x: Operand, side: int) -> Value:
    value = cast(Value, x) if type(x) is Tensor or _backend.is_duck(x) else np.asarray(x)
    if value.ndim != 1:
        return value
    return reshape(value, (1, -1) if side == 0 else (-1, 1))


def _swap_last(v: Value) -> Value:
    return transpose(v, tuple(range(v.ndim - 2)) + (v.ndim - 1, v.ndim - 2))


def _drop_vector_axes(r: Value, x_is_vector: bool, y_is_vector: bool) -> Value:
    keep = r.shape[: r.ndim - 2]
    rows, cols = r.shape[-2:]
    return reshape(r, keep + (() if x_is_vector else (rows,)) + (() if y_is_vector else (cols,)))


def _matmul_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x, y = xs
    if c.ndim == 2 and np.ndim(x) == 2 and np.ndim(y) == 2:  # plain matrices, no batch axes
        return c @ transpose(y, (1, 0)) if i == 0 else transpose(x, (1, 0)) @ c  # type: ignore[arg-type]  # 2-D: not a float
    if i == 1 and c.ndim == 1 and np.ndim(x) == 2 and np.ndim(y) == 1:
        # A linear model's weights (X @ w): X.T @ c, with no reshapes, which on chunked
        # (Dask) data would each move chunks around.
        return transpose(x, (1, 0)) @ c  # type: ignore[arg-type]  # 2-D: not a float
    x_is_vector, y_is_vector = (np.ndim(_data(v)) == 1 for v in xs)
    x, y = _as_matrix(xs[0], 0), _as_matrix(xs[1], 1)
    lead, core = c.shape[: _batch(c, out.ndim)], c.shape[_batch(c, out.ndim):]
    if x_is_vector:
        split = len(core) - (0 if y_is_vector else 1)
        core = core[:split] + (1,) + core[split:]
    c = reshape(c, lead + core + ((1,) if y_is_vector else ()))
    if i == 0:
        g = c @ _swap_last(y)  # the engine sums away the batch axes x was broadcast over
        return reshape(g, g.shape[:-2] + g.shape[-1:]) if x_is_vector else g
    g = _swap_last(x) @ c
    return reshape(g, g.shape[:-1]) if y_is_vector else g


def _matmul_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x_is_vector, y_is_vector = (np.ndim(_data(v)) == 1 for v in xs)
    x, y = _as_matrix(xs[0], 0), _as_matrix(xs[1], 1)
    operand = (x, y)[i]
    lead = c.shape[: _batch(c, np.ndim(_data(xs[i])))]
    # The tangent as a matrix, with unit axes so its batch aligns with the output's.
    missing = max(x.ndim, y.ndim) - operand.ndim
    c = reshape(c, lead + (1,) * missing + operand.shape)
    r = c @ y if i == 0 else x @ c
    return _drop_vector_axes(r, x_is_vector, y_is_vector)


matmul_p = Primitive("matmul", np.matmul, vjp=_matmul_vjp, jvp=_matmul_jvp)


# --- reductions and shapes -----------------------------------------------------------
def normalize_axis(axis: Union[int, Sequence[int], None], ndim: int, op: str) -> tuple[int, ...]:
    """``axis`` as a sorted tuple of non-negative ints (None: every axis), or raise naming ``op``."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis) if isinstance(axis, Sequence) else (axis,)
    normalized = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"{op}: axis {a} is out of bounds for an array of {ndim} dimensions")
        normalized.append(int(a) % ndim if ndim else 0)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(normalized))


def _sum_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x_shape = np.shape(_data(xs[0]))
    if c.ndim == 0:  # a total without batch axes (``x.sum()``): nothing to reshape
        return broadcast_to(c, x_shape)
    lead = c.shape[: _batch(c, out.ndim)]
    if not p["keepdims"]:
        kept = [1 if a in p["axis"] else n for a, n in enumerate(x_shape)]
        c = reshape(c, lead + tuple(kept))
    return broadcast_to(c, lead + x_shape)


def _sum_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    shift = _batch(c, np.ndim(_data(xs[0])))
    return sum(c, tuple(a + shift for a in p["axis"]), p["keepdims"])


def _sum_impl(x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    # The ufunc's own reduce: np.sum's Python-level dispatch costs twice the reduction
    # of a small array, and a gradient runs one per reduction and per unbroadcast.
    # (Other libraries' arrays take np.sum, which they implement; Dask has no reduce.)
    if type(x) is not np.ndarray and _backend.is_duck(x):
        return np.sum(x, axis=axis, keepdims=keepdims)
    return np.add.reduce(x, axis=axis, keepdims=keepdims)  # type: ignore[call-overload]  # keepdims is a runtime bool


sum_p = Primitive("sum", _sum_impl, vjp=_sum_vjp, jvp=_sum_jvp)


def sum(x: Value, axis: tuple[int, ...], keepdims: bool = False) -> Value:
    return bind(sum_p, x, axis=axis, keepdims=keepdims)


def sum_tensor(x: Tensor, axis: Union[int, Sequence[int], None], keepdims: bool) -> Tensor:
    return apply(sum_p, x, axis=normalize_axis(axis, x.ndim, "sum"), keepdims=bool(keepdims))


def mean_tensor(x: Tensor, axis: Union[int, Sequence[int], None], keepdims: bool) -> Tensor:
    axes = normalize_axis(axis, x.ndim, "mean")
    count = math.prod([x.shape[a] for a in axes])
    total = apply(sum_p, x, axis=axes, keepdims=bool(keepdims))  # axes are normalised already
    return total * (1.0 / count if count else np.nan)


def _reshape_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return reshape(c, c.shape[: _batch(c, out.ndim)] + np.shape(_data(xs[0])))


def _reshape_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return reshape(c, c.shape[: _batch(c, np.ndim(_data(xs[0])))] + out.shape)


def _reshape_impl(x: Any, shape: tuple[int, ...]) -> Any:
    # The array's method, not np.reshape, whose Python-level wrapper costs five times more.
    try:
        return x.reshape(shape)
    except AttributeError:  # a Python scalar constant
        return np.reshape(x, shape)
    except NotImplementedError:  # Dask splits axes only evenly: through one flat axis, which it can
        return x.reshape(-1).reshape(shape)


reshape_p = Primitive("reshape", _reshape_impl, vjp=_reshape_vjp, jvp=_reshape_jvp)


def reshape(x: Value, shape: tuple[int, ...]) -> Value:
    return bind(reshape_p, x, shape=shape)


def _shape_argument(shape: "tuple[Union[int, Sequence[int]], ...]", op: str) -> tuple[int, ...]:
    """Accept ``f(2, 3)`` and ``f((2, 3))``, NumPy's two spellings."""
    items: Sequence[object] = shape[0] if len(shape) == 1 and isinstance(shape[0], Sequence) else shape
    ints = []
    for n in items:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
            raise TypeError(f"{op}: expected ints, got {shape!r}")
        ints.append(int(n))
    return tuple(ints)


def reshape_tensor(x: Tensor, shape: "tuple[Union[int, Sequence[int]], ...]") -> Tensor:
    return apply(reshape_p, x, shape=_shape_argument(shape, "reshape"))


def _shifted(axes: tuple[int, ...], lead: int) -> tuple[int, ...]:
    return tuple(range(lead)) + tuple(a + lead for a in axes)


def _transpose_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return transpose(c, _shifted(tuple(np.argsort(p["axes"])), _batch(c, out.ndim)))


def _transpose_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return transpose(c, _shifted(p["axes"], _batch(c, out.ndim)))


def _transpose_impl(x: Any, axes: tuple[int, ...]) -> Any:
    try:
        return x.transpose(axes)  # the method: np.transpose's wrapper costs three times more
    except AttributeError:  # a Python scalar constant
        return np.transpose(x, axes)


transpose_p = Primitive("transpose", _transpose_impl, vjp=_transpose_vjp, jvp=_transpose_jvp)


def transpose(x: Value, axes: tuple[int, ...]) -> Value:
    return bind(transpose_p, x, axes=axes)


def transpose_tensor(x: Tensor, axes: "tuple[Union[int, Sequence[int], None], ...]") -> Tensor:
    if not axes or axes[0] is None:
        perm = tuple(reversed(range(x.ndim)))
    else:
        perm = _shape_argument(axes, "transpose")  # type: ignore[arg-type]  # None was handled above
        if sorted(a % x.ndim if x.ndim else a for a in perm) != list(range(x.ndim)):
            raise ValueError(f"transpose: axes {perm} are not a permutation of {x.ndim} axes")
        perm = tuple(a % x.ndim for a in perm)
    return apply(transpose_p, x, axes=perm)


def _broadcast_to_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c  # the engine sums a cotangent down to its operand's shape


def _broadcast_to_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    c = align(c, np.ndim(_data(xs[0])), out.ndim)
    return broadcast_to(c, c.shape[: _batch(c, out.ndim)] + out.shape)


#: Up to this many elements a broadcast is materialised: np.broadcast_to builds its
#: read-only view in Python (about 3 us), a copy into a fresh array costs a third of
#: that, and the memory is negligible at this size.
_SMALL_BROADCAST = 4096


def _broadcast_to_impl(x: Any, shape: tuple[int, ...]) -> Any:
    small = (
        (type(x) is np.ndarray or isinstance(x, np.generic))
        and x.ndim <= len(shape)
        and math.prod(shape) <= _SMALL_BROADCAST
    )
    if small:
        if x.ndim == 0:  # a scalar cotangent (the VJP of a total): always broadcastable
            result = np.full(shape, x)
        else:
            result = np.empty(shape, dtype=x.dtype)
            try:
                np.copyto(result, x)
            except ValueError:  # not broadcastable: let np.broadcast_to say so in its own words
                return np.broadcast_to(x, shape)
        # Read-only like the view it stands for: one cotangent may reach several operands
        # by reference, and the transforms copy read-only results out.
        result.setflags(write=False)
        return result
    return np.broadcast_to(x, shape)


broadcast_to_p = Primitive("broadcast_to", _broadcast_to_impl, vjp=_broadcast_to_vjp, jvp=_broadcast_to_jvp)


def broadcast_to(x: Value, shape: tuple[int, ...]) -> Value:
    return bind(broadcast_to_p, x, shape=shape)


def align(t: Value, x_ndim: int, out_ndim: int) -> Value:
    """The tangent of an operand an op broadcast, with unit axes after its batch axes.

    ``t`` carries batch axes then the operand's ``x_ndim`` axes; NumPy broadcasting of an
    operand of lower rank than the output would otherwise line its batch axes up with the
    output's own axes.
    """
    missing = out_ndim - x_ndim
    if missing <= 0:
        return t
    lead = t.ndim - x_ndim
    return reshape(t, t.shape[:lead] + (1,) * missing + t.shape[lead:])


def _astype_impl(x: Any, dtype: np.dtype[Any]) -> Any:
    return (x if hasattr(x, "astype") else np.asarray(x)).astype(dtype)


def _astype_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return astype(c, _dtype(_data(xs[0])))


astype_p = Primitive("astype", _astype_impl, vjp=_astype_rule, jvp=lambda c, out, xs, p, i: astype(c, p["dtype"]))


def astype(x: Value, dtype: np.dtype[Any]) -> Value:
    return bind(astype_p, x, dtype=dtype)


# --- indexing: getitem and its transpose, a scatter-add --------------------------------
# Batch axes go *last* while an index is applied: NumPy moves the axes of non-adjacent
# advanced indices (x[i, :, j]) to the front, ahead of any leading axes, but never
# past trailing ones. So a batched rule moves its batch axes to the end, indexes with
# the index followed by full slices, and moves them back.
def _batch_last(v: Value, lead: int) -> Value:
    return transpose(v, tuple(range(lead, v.ndim)) + tuple(range(lead)))


def _batch_first(v: Value, lead: int) -> Value:
    return transpose(v, tuple(range(v.ndim - lead, v.ndim)) + tuple(range(v.ndim - lead)))


def _with_trailing_batch(index: tuple[Any, ...], lead: int) -> tuple[Any, ...]:
    covers_all = any(item is Ellipsis for item in index)
    return index + (() if covers_all else (Ellipsis,)) + (slice(None),) * lead


def _getitem_impl(x: Any, index: tuple[Any, ...]) -> Any:
    try:
        return x[index]
    except (NotImplementedError, TypeError, ValueError):  # Dask takes one index array, 1-D
        if _backend.name(x) != "dask":
            raise
        positions = _flat_positions(x.shape, index)
        return x.reshape(-1)[positions.reshape(-1)].reshape(positions.shape)


def _flat_positions(shape: tuple[int, ...], index: tuple[Any, ...]) -> Any:
    """Where each entry of ``x[index]`` sits in ``x`` (of ``shape``) flattened: NumPy's
    own indexing of (broadcast, never materialised) position grids, so every index means
    what it means to NumPy. For Dask, whose gather takes one index array and which has no
    ``ufunc.at``: its getitem and scatter-add go through this flat axis."""
    positions = np.broadcast_to(np.zeros((), dtype=np.intp), shape)[index]
    stride = 1
    for k in reversed(range(len(shape))):
        along = (np.arange(shape[k], dtype=np.intp) * stride).reshape((-1,) + (1,) * (len(shape) - k - 1))
        positions = positions + np.broadcast_to(along, shape)[index]
        stride *= shape[k]
    return positions


def _gather(c: Value, index: tuple[Any, ...], lead: int) -> Value:
    """``c[index]`` on the non-batch axes of ``c``, which has ``lead`` batch axes first."""
    if not lead:
        return bind(getitem_p, c, index=index)
    return _batch_first(bind(getitem_p, _batch_last(c, lead), index=_with_trailing_batch(index, lead)), lead)


def _scatter(c: Value, shape: tuple[int, ...], index: tuple[Any, ...], lead: int) -> Value:
    """Zeros of ``shape`` with ``c`` added at ``index``, for each of ``c``'s ``lead`` batch rows."""
    if not lead:
        return bind(scatter_add_p, c, shape=shape, index=index)
    batch = c.shape[:lead]
    moved = bind(scatter_add_p, _batch_last(c, lead), shape=shape + batch, index=_with_trailing_batch(index, lead))
    return _batch_first(moved, lead)


def _getitem_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return _scatter(c, np.shape(_data(xs[0])), p["index"], _batch(c, out.ndim))


def _getitem_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return _gather(c, p["index"], _batch(c, np.ndim(_data(xs[0]))))


getitem_p = Primitive("getitem", _getitem_impl, vjp=_getitem_vjp, jvp=_getitem_jvp)


def _is_basic(item: Any) -> bool:
    return item is None or item is Ellipsis or type(item) is slice or (isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)))


def _scatter_add_impl(g: Any, shape: tuple[int, ...], index: tuple[Any, ...]) -> Any:
    result = _backend.zeros(g, shape, _dtype(g))
    if all(_is_basic(item) for item in index):
        # Slices and ints never name an entry twice, so adding into zeros is assigning,
        # which is 3-4x faster than the unbuffered ufunc.at (flip, split, concatenate, pad).
        result[index] = g
    elif type(g) is not np.ndarray and _backend.name(g) == "dask":
        # Dask has no ufunc.at: a weighted bincount over the flat positions accumulates
        # repeated indices the same way, lazily (in float64, cast back).
        da = importlib.import_module("dask.array")
        flat = _flat_positions(shape, index)
        weights: Any = np.reshape(np.broadcast_to(g, flat.shape), (-1,))  # a Dask array
        positions = da.from_array(flat.reshape(-1), chunks=weights.chunks)
        total = da.bincount(positions, weights=weights, minlength=max(1, math.prod(shape)))
        return total[: math.prod(shape)].reshape(shape).astype(_dtype(g))
    else:
        np.add.at(result, index, g)  # repeated indices accumulate, as the gradient must
    return result


def _scatter_add_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return _gather(c, p["index"], _batch(c, len(p["shape"])))


def _scatter_add_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return _scatter(c, p["shape"], p["index"], _batch(c, np.ndim(_data(xs[0]))))


scatter_add_p = Primitive("scatter_add", _scatter_add_impl, vjp=_scatter_add_vjp, jvp=_scatter_add_jvp)


def tensor_index_error(op: str, dtype: Any) -> IndexError:
    """Why an index is a float Tensor, and what to do: it is almost always an integer
    argument that ``grad`` differentiates (argnums=None promotes it to float64)."""
    return IndexError(
        f"{op}: index arrays must be integer or boolean, got a Tensor of dtype {dtype}. An index that is a "
        "Tensor is a differentiated argument: grad (and value_and_grad) with argnums=None differentiate "
        "every positional argument and promote integers to float64. Pass argnums= naming only the "
        "parameters to differentiate (e.g. grad(f, argnums=0)), so the index stays an integer array. "
        "Or it was computed with funcgrad.numpy functions, which return float Tensors even for integer "
        "constants (fnp.array([1, 2]), fnp.mod(np.arange(4), 2)): build index arrays with NumPy "
        "(numpy.array, numpy.arange, numpy.mod), or take the integers of a piecewise-constant Tensor "
        "with fnp.floor(t).astype(int)"
    )


def normalize_index(index: Any) -> tuple[Any, ...]:
    """An index as a tuple of NumPy-ready items: Tensors and lists become arrays."""
    items = index if isinstance(index, tuple) else (index,)
    normalized = []
    for item in items:
        if isinstance(item, Tensor):
            if item.data.dtype.kind == "f":
                raise tensor_index_error("getitem", item.data.dtype)
            value = item.data
            observe((item,), lambda d: d, value)  # an index from a traced value: a jit guard
            item = value
        if isinstance(item, list):
            item = np.asarray(item)
        if isinstance(item, np.ndarray):
            if item.dtype.kind == "f":
                raise IndexError(f"getitem: index arrays must be integer or boolean, got {item.dtype}")
            item = snapshot(item)  # the rules index with it again later
        normalized.append(item)
    return tuple(normalized)


def getitem_tensor(x: Tensor, index: Any) -> Tensor:
    return apply(getitem_p, x, index=normalize_index(index))


# --- sequences of Tensors: NumPy reads a nested list as one array, and so does funcgrad --
def _stack_rows_impl(*rows: Any) -> Any:
    # result_type treats Python numbers as weak, as NumPy's arithmetic does: [t32, 1.0]
    # stays float32 (np.stack alone would make them float64 arrays first).
    dtype = np.result_type(*[_dtype(r) if hasattr(r, "dtype") else r for r in rows])
    try:
        return np.stack(rows, dtype=dtype)
    except TypeError:  # another library's rows: Dask's stack takes no dtype, CuPy's no numbers
        like = next((r for r in rows if _backend.is_duck(r)), None)
        if like is None:
            raise
    return np.stack([r if _backend.is_duck(r) else _backend.put(like, np.asarray(r)) for r in rows]).astype(dtype)


def _stack_rows_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    lead = _batch(c, out.ndim)
    return bind(getitem_p, c, index=(slice(None),) * lead + (i,))  # a view: O(1) per row


def _stack_rows_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    lead = _batch(c, np.ndim(_data(xs[i])))
    return bind(scatter_add_p, c, shape=c.shape[:lead] + out.shape, index=(slice(None),) * lead + (i,))


#: ``np.stack(rows)`` along a new first axis: what a list of Tensors becomes.
stack_rows_p = Primitive("stack_rows", _stack_rows_impl, vjp=_stack_rows_vjp, jvp=_stack_rows_jvp)

#: NumPy's limit on dimensions bounds how deep a nested list can go.
_MAX_NESTING = 64


def holds_tensor(sequence: Union[list[Any], tuple[Any, ...]]) -> bool:
    stack: list[Any] = [sequence]
    while stack:
        for item in stack.pop():
            kind = type(item)
            if kind is Tensor or isinstance(item, Tensor):  # vmap's batched values too
                return True
            if kind is list or kind is tuple:
                if len(stack) > _MAX_NESTING:
                    raise ValueError("array: the sequence is nested deeper than NumPy's dimension limit")
                stack.append(item)
    return False


def pack(sequence: Union[list[Any], tuple[Any, ...]], name: str) -> Union[Tensor, Any]:
    """A (nested) list or tuple as NumPy would read it: one Tensor when it holds Tensors
    (differentiable through every entry), else a plain array checked to be numeric.

    Each level is a stack of its entries, which must all have one shape, as in NumPy.
    """
    if not holds_tensor(sequence):
        return as_numeric(sequence, name)
    rows = [pack(item, name) if type(item) is list or type(item) is tuple else item for item in sequence]
    shapes = {np.shape(_data(row)) for row in rows}
    if len(shapes) > 1:
        raise ValueError(
            f"{name}: a sequence's entries must all have one shape to form an array, got shapes "
            + ", ".join(str(s) for s in sorted(shapes))
        )
    if not rows:
        return as_numeric(sequence, name)
    return apply(stack_rows_p, *rows)


#: NumPy's arithmetic ufuncs as the core primitives behind Tensor's own operators, for
#: ``x_ndarray * t`` and ``X @ W`` (Tensor.__array_ufunc__'s fast path).
ARITHMETIC_UFUNCS: "MappingProxyType[np.ufunc, Primitive]" = MappingProxyType({
    np.add: add_p, np.subtract: subtract_p, np.multiply: multiply_p,
    np.divide: divide_p, np.power: power_p, np.matmul: matmul_p,
})
