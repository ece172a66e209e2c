"""More reductions and scans: amax, amin, ptp, average, nansum, nanmean, cumprod, diff,
gradient. All but cumprod are short exact composites of existing primitives (so their
JVPs are those primitives' rules); cumprod is a primitive, exact with zero entries.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind, observe
from funcgrad.numpy._reduce import Axis, _axes, _count, _prod_jvp, _prod_vjp, _reversed, cumsum_p, max, mean, min, sum
from funcgrad.numpy._select import where
from funcgrad.numpy._shape import broadcast_to, concatenate, reshape, transpose
from funcgrad.numpy._util import data, lead, shape, tensor

amax, amin = max, min


def ptp(a: TensorLike, axis: Axis = None, out: None = None, keepdims: bool = False) -> Tensor:
    """Peak to peak, ``max - min`` over ``axis``: ties split as in max and min (composite; JVP: their rules).

    d/da = the max's weights minus the min's.

    >>> ptp(Tensor([1.0, 4.0, 2.0]))
    Tensor(3.0, op=subtract)
    """
    _no_out(out, "ptp")
    return max(a, axis, keepdims=keepdims) - min(a, axis, keepdims=keepdims)


def _no_out(out: Any, op: str, dtype: Any = None) -> None:
    if out is not None:
        raise TypeError(f"{op}: out= is not supported; Tensors are immutable, use the result")
    if dtype is not None:
        raise TypeError(f"{op}: dtype= is not supported; the result keeps a's float dtype")


def average(a: TensorLike, axis: Axis = None, weights: Optional[TensorLike] = None, returned: bool = False, *, keepdims: bool = False) -> Any:
    """Weighted mean ``sum(a * w) / sum(w)``, differentiable in ``a`` and ``weights``
    (composite; JVP: the rules of multiply, sum, divide).

    d/da = w / sum(w); d/dw = (a - average) / sum(w). 1-D weights go along an int
    ``axis``, as in NumPy; ``returned=True`` also gives ``sum(w)``, shaped as the result.

    >>> average(Tensor([1.0, 3.0]), weights=Tensor([3.0, 1.0]))
    Tensor(1.5, op=divide)
    """
    a_shape = shape(a)
    axes = _axes(a, axis, "average")
    if weights is None:
        avg = mean(a, axes, keepdims=keepdims)
        scale: Any = _backend.put(avg.data, np.full(avg.shape, float(_count(a_shape, axes)), dtype=avg.dtype))
    else:
        w_shape = shape(weights)
        if w_shape != a_shape:
            if not (isinstance(axis, (int, np.integer)) and len(w_shape) == 1 and w_shape[0] == a_shape[axes[0]]):
                raise ValueError(f"average: weights of shape {w_shape} need the shape of a {a_shape}, or 1-D along an int axis")
            weights = reshape(weights, tuple(n if k == axes[0] else 1 for k, n in enumerate(a_shape)))
        w = broadcast_to(weights, a_shape)
        scale = sum(w, axes, keepdims=keepdims)
        if not _backend.is_duck(data(scale)) and np.any(np.equal(data(scale), 0)):  # (duck data: no compute to check)
            raise ZeroDivisionError("average: weights sum to zero, can't be normalized")
        avg = sum(a * w, axes, keepdims=keepdims) / scale
    if returned:
        return avg, broadcast_to(scale, avg.shape)
    return avg


def nansum(a: TensorLike, axis: Axis = None, dtype: None = None, out: None = None, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` with NaNs counted as 0. d/da = 1, and 0 at a NaN (composite; JVP: rules).

    >>> nansum(Tensor([1.0, np.nan, 2.0]))
    Tensor(3.0, op=sum)
    """
    _no_out(out, "nansum", dtype)
    mask = np.isnan(data(a))
    if type(a) is Tensor:  # the NaN pattern of a traced value: a jit guard
        observe((a,), np.isnan, mask)
    return sum(where(mask, 0.0, a), axis, keepdims=keepdims)


def nanmean(a: TensorLike, axis: Axis = None, dtype: None = None, out: None = None, keepdims: bool = False) -> Tensor:
    """Mean of the entries that are not NaN. d/da = 1/count, and 0 at a NaN (composite; JVP: rules).

    >>> nanmean(Tensor([1.0, np.nan, 2.0]))
    Tensor(1.5, op=divide)
    """
    _no_out(out, "nanmean", dtype)
    kept = ~np.isnan(data(a))
    count = np.sum(kept, axis=_axes(a, axis, "nanmean"), keepdims=keepdims).astype(data(tensor(a)).dtype)
    result: Tensor = nansum(a, axis, keepdims=keepdims) / count
    return result


# --- cumprod along the last axis: exact with zeros -----------------------------------------
def _lower(x: Any) -> tuple[Any, Any]:
    """``M[..., i, j] = x_j`` for ``j <= i``, else 1 (so ``prod(M, -1)`` is the cumprod), and the mask."""
    n = x.shape[-1]
    tril = _backend.put(data(x), np.tri(n, dtype=bool))
    return ops.where(tril, ops.reshape(x, x.shape[:-1] + (1, n)), 1.0), tril


def _cumprod_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x: Any = xs[0]
    last = c.ndim - 1
    if ops.nowhere(np.equal(data(x), 0)):  # d out_i / d x_j = out_i / x_j for j <= i
        shares: Value = _reversed(bind(cumsum_p, _reversed(c * out, last), axis=last), last) / x
        return shares
    m, tril = _lower(x)  # a zero: prod's exact rule on the lower-triangular rows
    cm = _prod_vjp(c, out, (m,), {"axis": (m.ndim - 1,), "keepdims": False}, 0)
    return ops.sum(ops.where(tril, cm, 0.0), (c.ndim - 1,))


def _cumprod_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x: Any = xs[0]
    if ops.nowhere(np.equal(data(x), 0)):
        return out * bind(cumsum_p, c / x, axis=c.ndim - 1)
    m, tril = _lower(x)
    tm = ops.where(tril, ops.reshape(c, c.shape[:-1] + (1, c.shape[-1])), 0.0)
    return _prod_jvp(tm, out, (m,), {"axis": (m.ndim - 1,), "keepdims": False}, 0)


cumprod_p = Primitive("cumprod", lambda x: np.cumprod(x, axis=-1), vjp=_cumprod_vjp, jvp=_cumprod_jvp)


def cumprod(a: TensorLike, axis: Optional[int] = None) -> Tensor:
    """Running product along ``axis`` (None: of the flattened array) (JVP: rule).

    d out_i / d a_j = the product of a_k for k <= i, k != j (j <= i): exact with zero
    entries (no division by 0), as prod.

    >>> cumprod(Tensor([1.0, 2.0, 3.0]))
    Tensor([1., 2., 6.], op=cumprod)
    """
    t = tensor(a)
    if axis is None:
        return apply(cumprod_p, reshape(t, (-1,)))
    (k,) = _axes(t, axis, "cumprod")
    if k == t.ndim - 1:
        return apply(cumprod_p, t)
    perm = tuple(j for j in range(t.ndim) if j != k) + (k,)
    return transpose(apply(cumprod_p, transpose(t, perm)), tuple(np.argsort(perm)))


def _along(a: Tensor, axis: int, s: Union[slice, int]) -> Tensor:
    return a[(slice(None),) * axis + (s,)]


_NONE: Any = object()


def diff(a: TensorLike, n: int = 1, axis: int = -1, prepend: Any = _NONE, append: Any = _NONE) -> Tensor:
    """n-th forward difference ``a[1:] - a[:-1]`` along ``axis`` (composite; JVP: rules).

    d/da is the transpose of the difference stencil.

    >>> diff(Tensor([1.0, 4.0, 9.0]))
    Tensor([3., 5.], op=subtract)
    """
    t = tensor(a)
    (k,) = _axes(t, axis, "diff")
    pieces = []
    for extra, name in ((prepend, "prepend"), (append, "append")):
        if extra is not _NONE:
            shp = list(t.shape)
            shp[k] = 1
            if not isinstance(extra, Tensor):  # a constant keeps a's dtype, as a scalar operand does
                if _backend.is_duck(extra):
                    extra = extra.astype(t.dtype)
                else:  # values to add, as np.diff (and Dask's diff) reads them: in a's library
                    extra = _backend.put(t.data, np.asarray(extra, dtype=t.dtype))
            extra = broadcast_to(extra, tuple(shp)) if np.ndim(data(extra)) == 0 else tensor(extra)
        pieces.append(extra)
    if pieces[0] is not _NONE or pieces[1] is not _NONE:
        t = concatenate([p for p in (pieces[0], t, pieces[1]) if p is not _NONE], axis=k)
    for _ in range(n):
        t = _along(t, k, slice(1, None)) - _along(t, k, slice(None, -1))
    return t


def _step(h: Any, t: Tensor) -> Any:
    """A scalar spacing: a float, or a 0-d array of another library in f's dtype (a float
    would compute it: Dask's graph, CuPy's device)."""
    return h.astype(t.dtype) if _backend.is_duck(h) else float(h)


def _spacings(varargs: tuple[Any, ...], t: Tensor, axes: tuple[int, ...]) -> list[Any]:
    """NumPy's reading of ``varargs``: a scalar step per axis, or the differences of a 1-D
    coordinate array (reduced to a scalar when they are all equal, as NumPy does)."""
    if not varargs:
        return [1.0] * len(axes)
    if len(varargs) == 1 and np.ndim(data(varargs[0])) == 0:
        return [_step(data(varargs[0]), t)] * len(axes)
    if len(varargs) != len(axes):
        raise TypeError(f"gradient: {len(varargs)} spacings for {len(axes)} axes")
    steps: list[Any] = []
    for k, h in zip(axes, varargs):
        h = data(h)
        if _backend.is_duck(h):  # coordinates of another library stay there (never a host copy)
            if h.ndim == 0:
                steps.append(_step(h, t))
                continue
            if h.ndim != 1 or len(h) != t.shape[k]:
                raise ValueError(f"gradient: coordinates for axis {k} must be 1-D of length {t.shape[k]}, got shape {h.shape}")
            steps.append(np.diff(h))  # the general stencil (no data-dependent check for equal steps)
            continue
        h = np.asarray(h, dtype=np.float64)
        if h.ndim == 0:
            steps.append(float(h))
        elif h.ndim != 1 or len(h) != t.shape[k]:
            raise ValueError(f"gradient: coordinates for axis {k} must be 1-D of length {t.shape[k]}, got shape {h.shape}")
        else:
            d = np.diff(h)
            steps.append(float(d[0]) if np.all(d == d[0]) else d)
    return steps


def gradient(f: TensorLike, *varargs: Any, axis: Axis = None, edge_order: int = 1) -> Any:
    """NumPy's ``gradient``, by NumPy's formulas: second-order central differences inside,
    one-sided differences of order ``edge_order`` (1 or 2) at the ends. ``varargs`` as
    NumPy's: none (step 1), one scalar for all axes, or one scalar or 1-D coordinate
    array per axis (constants, not differentiated). One Tensor for one axis, else a
    tuple. Linear in ``f``: d/df is the transposed stencil (composite; JVP: rules).

    >>> gradient(Tensor([1.0, 4.0, 9.0, 16.0]))
    Tensor([3., 4., 6., 7.], op=concatenate)
    """
    t = tensor(f)
    axes = _axes(t, axis, "gradient")
    if edge_order not in (1, 2):
        raise ValueError(f"gradient: edge_order must be 1 or 2, got {edge_order}")
    results = []
    for k, h in zip(axes, _spacings(varargs, t, axes)):
        if t.shape[k] < edge_order + 1:
            raise ValueError(f"gradient: axis {k} of size {t.shape[k]} needs at least {edge_order + 1} entries")

        def at(s: slice, k: int = k) -> Tensor:
            return _along(t, k, s)

        def const(v: Any, k: int = k) -> Any:  # a coefficient, in f's dtype, along axis k
            v = v.astype(t.dtype) if _backend.is_duck(v) else np.asarray(v, dtype=t.dtype)
            return _backend.put(t.data, v.reshape(tuple(-1 if j == k else 1 for j in range(t.ndim)))) if v.ndim else v

        def scalar(v: Any) -> Any:  # an edge coefficient: a float, or a 0-d array of f's library
            return v.astype(t.dtype) if _backend.is_duck(v) else float(v)

        if np.ndim(h) == 0:
            inner = (at(slice(2, None)) - at(slice(None, -2))) / (2.0 * h)
        else:
            d1, d2 = h[:-1], h[1:]
            inner = at(slice(None, -2)) * const(-d2 / (d1 * (d1 + d2))) + at(slice(1, -1)) * const((d2 - d1) / (d1 * d2)) + at(slice(2, None)) * const(d1 / (d2 * (d1 + d2)))
        h0, hn = (h, h) if np.ndim(h) == 0 else (h[0], h[-1])
        if edge_order == 1:
            first = (at(slice(1, 2)) - at(slice(0, 1))) / scalar(h0)
            last = (at(slice(-1, None)) - at(slice(-2, -1))) / scalar(hn)
        else:
            if np.ndim(h) == 0:
                a, b, c, la, lb, lc = -1.5 / h, 2.0 / h, -0.5 / h, 0.5 / h, -2.0 / h, 1.5 / h
            else:
                d1, d2 = h[0], h[1]
                a, b, c = -(2.0 * d1 + d2) / (d1 * (d1 + d2)), (d1 + d2) / (d1 * d2), -d1 / (d2 * (d1 + d2))
                d1, d2 = h[-2], h[-1]
                la, lb, lc = d2 / (d1 * (d1 + d2)), -(d2 + d1) / (d1 * d2), (2.0 * d2 + d1) / (d2 * (d1 + d2))
            first = at(slice(0, 1)) * scalar(a) + at(slice(1, 2)) * scalar(b) + at(slice(2, 3)) * scalar(c)
            last = at(slice(-3, -2)) * scalar(la) + at(slice(-2, -1)) * scalar(lb) + at(slice(-1, None)) * scalar(lc)
        results.append(concatenate([first, inner, last], axis=k))
    return results[0] if len(results) == 1 else tuple(results)


__all__ = ["amax", "amin", "average", "cumprod", "diff", "gradient", "nanmean", "nansum", "ptp"]
