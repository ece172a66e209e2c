"""Reductions: sum, mean, prod, max, min, var, std, and cumsum.

``axis`` is NumPy's (int, negative int, tuple or None) and is normalised once in the
wrapper to a sorted tuple of non-negative ints. sum is the core primitive; mean, var
and std are short composites of it; prod, max, min and cumsum are primitives here.
"""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind, observe
from funcgrad._typing import Array
from funcgrad.numpy._select import where
from funcgrad.numpy._shape import join
from funcgrad.numpy._unary import sqrt
from funcgrad.numpy._util import data, expand_cotangent, kept_shape, lead, operand, shape

Axis = Union[int, Sequence[int], None]


def _axes(x: TensorLike, axis: Axis, op: str) -> tuple[int, ...]:
    return ops.normalize_axis(axis, len(shape(x, op, "a")), op)


def _count(x_shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    return int(np.prod([x_shape[a] for a in axes]))


def sum(a: TensorLike, axis: Axis = None, *, keepdims: bool = False) -> Tensor:
    """Sum over ``axis`` (None: all). d/da = 1, broadcast back (JVP: rule).

    >>> sum(Tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    Tensor([4., 6.], op=sum)
    """
    return apply(ops.sum_p, a, axis=_axes(a, axis, "sum"), keepdims=bool(keepdims))


def mean(a: TensorLike, axis: Axis = None, *, keepdims: bool = False) -> Tensor:
    """Mean over ``axis``: ``sum / count``. d/da = 1/count (composite; JVP: rules).

    >>> mean(Tensor([1.0, 2.0, 6.0]))
    Tensor(3.0, op=multiply)
    """
    a = operand(a, "mean", "a")  # a composite: conversion errors must say mean, not sum
    axes = _axes(a, axis, "mean")
    count = _count(shape(a), axes)
    return sum(a, axes, keepdims=keepdims) * (1.0 / count if count else np.nan)


def var(a: TensorLike, axis: Axis = None, *, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Variance ``sum((a - mean)**2) / (count - ddof)``. d/da = 2 (a - mean) / (count - ddof).

    A composite of mean, subtract, multiply and sum (JVP: their rules).

    >>> var(Tensor([1.0, 2.0, 3.0]), ddof=1)
    Tensor(1.0, op=multiply)
    """
    return _var(a, axis, ddof, keepdims, "var")


def _var(a: TensorLike, axis: Axis, ddof: int, keepdims: bool, op: str) -> Tensor:
    a = operand(a, op, "a")  # errors name the public op (std calls this too), not sum
    axes = _axes(a, axis, op)
    centred = a - mean(a, axes, keepdims=True)
    dof = _count(shape(a), axes) - ddof
    return sum(centred * centred, axes, keepdims=keepdims) * (1.0 / dof if dof > 0 else np.inf)


def root_with_zero_gradient(s: Tensor, power: float) -> Tensor:
    """``s ** (1/power)`` with derivative 0 where ``s == 0`` (the "double where").

    The derivative of the root is infinite at 0; routing the zeros through a constant
    branch and the root through a harmless argument keeps 0 * inf out of the gradient.
    """
    zero = np.equal(data(s), 0)
    if type(s) is Tensor:  # which entries are zero: a jit guard
        observe((s,), lambda d: np.equal(d, 0), zero)
    safe = where(zero, 1.0, s)
    root = safe ** (1.0 / power) if power != 2 else sqrt(safe)
    return where(zero, 0.0, root)


def std(a: TensorLike, axis: Axis = None, *, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Standard deviation ``sqrt(var)``. d/da = (a - mean) / ((count - ddof) std).

    Where std is 0 (constant entries) the gradient is 0, as for a norm at 0: std is
    the norm of ``a - mean`` scaled. A composite of var, sqrt and where (JVP: their rules).

    >>> std(Tensor([1.0, 3.0]))
    Tensor(1.0, op=where)
    """
    return root_with_zero_gradient(_var(a, axis, ddof, keepdims, "std"), 2)


# --- prod: an exact gradient with zeros, without dividing ---------------------------------
def _exclusive_cumprod(v: Value) -> Value:
    """``[1, v0, v0 v1, ..., v0 ... v(n-2)]`` along the last axis of ``v``.

    On arrays (a first-order gradient) this is NumPy's cumprod, shifted by one. A
    traced ``v`` takes a Hillis-Steele scan instead: log2(n) shifted multiplies, all
    funcgrad ops, so the result differentiates again to any order.
    """
    n = v.shape[-1]
    ones_shape = v.shape[:-1] + (1,)
    if type(v) is not Tensor:
        body = np.cumprod(v[..., : n - 1], axis=-1)
        ones = np.ones(ones_shape, dtype=v.dtype) if type(v) is np.ndarray else _backend.ones(v, ones_shape, v.dtype)
        return np.concatenate([ones, body], axis=-1)
    result = _shift_in_ones(v, 1)
    k = 1
    while k < n:
        result = result * _shift_in_ones(result, k)
        k *= 2
    return result


def _shift_in_ones(v: Value, k: int) -> Value:
    """``v`` moved ``k`` places along its last axis, ones filling in at the front."""
    axis = v.ndim - 1
    parts = (_backend.ones(data(v), v.shape[:-1] + (k,), v.dtype), bind(ops.getitem_p, v, index=(Ellipsis, slice(0, v.shape[-1] - k))))
    return join(parts, axis)


def _reversed_last(v: Value) -> Value:
    return bind(ops.getitem_p, v, index=(Ellipsis, slice(None, None, -1)))


def _others_product(x: Value, out: Value, p: Params) -> Value:
    """For each entry, the product of the other entries of its reduction (shape of x).

    The product of the entries before it times the product of those after it (exclusive
    running products from both ends). No division, so it is exact when the product
    underflows or an entry is 0, and it needs memory of x's size only.
    """
    axes: tuple[int, ...] = p["axis"]
    x_shape = x.shape
    kept = tuple(a for a in range(len(x_shape)) if a not in axes)
    perm = kept + axes
    outer = tuple(x_shape[a] for a in kept)
    n = _count(x_shape, axes)
    if n == 0:
        return x
    rows = ops.reshape(ops.transpose(x, perm), outer + (n,))
    others = _exclusive_cumprod(rows) * _reversed_last(_exclusive_cumprod(_reversed_last(rows)))
    moved = ops.reshape(others, outer + tuple(x_shape[a] for a in axes))
    return ops.transpose(moved, tuple(int(a) for a in np.argsort(perm)))


def _prod_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x: Any = xs[0]
    return expand_cotangent(c, x.shape, p["axis"], out.ndim) * _others_product(x, out, p)


def _prod_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x: Any = xs[0]
    shift = lead(c, x.ndim)
    return ops.sum(c * _others_product(x, out, p), tuple(a + shift for a in p["axis"]), p["keepdims"])


prod_p = Primitive("prod", np.prod, vjp=_prod_vjp, jvp=_prod_jvp)


def prod(a: TensorLike, axis: Axis = None, *, keepdims: bool = False) -> Tensor:
    """Product over ``axis``. d/da_i = product of the other entries (JVP: rule).

    Exact with zeros: one zero gets the product of the rest, every other entry 0.

    >>> prod(Tensor([2.0, 3.0, 4.0]))
    Tensor(24.0, op=prod)
    """
    return apply(prod_p, a, axis=_axes(a, axis, "prod"), keepdims=bool(keepdims))


# --- max and min: ties split evenly ------------------------------------------------------
def _tie_weights(x: Any, out: Any, p: Params) -> Array:
    """1/k on each of the k entries equal to their reduction's extreme, 0 elsewhere."""
    hits = np.equal(x, np.reshape(out, kept_shape(x.shape, p["axis"])))
    weights: Array = (hits / np.sum(hits, axis=p["axis"], keepdims=True)).astype(x.dtype)
    return weights


def _extreme_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x: Any = xs[0]
    return expand_cotangent(c, x.shape, p["axis"], out.ndim) * _tie_weights(data(x), data(out), p)


def _extreme_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x: Any = xs[0]
    shift = lead(c, x.ndim)
    weighted = c * _tie_weights(data(x), data(out), p)
    return ops.sum(weighted, tuple(a + shift for a in p["axis"]), p["keepdims"])


max_p = Primitive("max", np.max, vjp=_extreme_vjp, jvp=_extreme_jvp)
min_p = Primitive("min", np.min, vjp=_extreme_vjp, jvp=_extreme_jvp)


def max(a: TensorLike, axis: Axis = None, *, keepdims: bool = False) -> Tensor:
    """Largest entry over ``axis`` (JVP: rule).

    d/da = 1 at the maximum; k tied maxima get 1/k each.

    >>> max(Tensor([1.0, 3.0, 2.0]))
    Tensor(3.0, op=max)
    """
    return apply(max_p, a, axis=_axes(a, axis, "max"), keepdims=bool(keepdims))


def min(a: TensorLike, axis: Axis = None, *, keepdims: bool = False) -> Tensor:
    """Smallest entry over ``axis`` (JVP: rule).

    d/da = 1 at the minimum; k tied minima get 1/k each.

    >>> min(Tensor([1.0, 3.0, 2.0]))
    Tensor(1.0, op=min)
    """
    return apply(min_p, a, axis=_axes(a, axis, "min"), keepdims=bool(keepdims))


# --- cumsum: its transpose is a reversed cumsum ----------------------------------------
def _reversed(c: Value, axis: int) -> Value:
    return bind(ops.getitem_p, c, index=(slice(None),) * axis + (slice(None, None, -1),))


def _cumsum_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    axis = p["axis"] + lead(c, out.ndim)
    return _reversed(bind(cumsum_p, _reversed(c, axis), axis=axis), axis)


def _cumsum_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return bind(cumsum_p, c, axis=p["axis"] + lead(c, out.ndim))


cumsum_p = Primitive("cumsum", np.cumsum, vjp=_cumsum_vjp, jvp=_cumsum_jvp)


def cumsum(a: TensorLike, axis: int | None = None) -> Tensor:
    """Running sum along ``axis`` (None: of the flattened array) (JVP: rule).

    d/da_j of out_i = 1 for j <= i, so the VJP is a cumsum from the other end.

    >>> cumsum(Tensor([1.0, 2.0, 3.0]))
    Tensor([1., 3., 6.], op=cumsum)
    """
    a = operand(a, "cumsum", "a")
    if axis is None:
        a = apply(ops.reshape_p, a, shape=(-1,))
        axis = 0
    (axis,) = _axes(a, axis, "cumsum")
    return apply(cumsum_p, a, axis=axis)
