"""Elementwise functions of two arguments, as one table, and ``nan_to_num``.

A row is (name, NumPy impl, partials, docstring text, example); ``_binary`` makes the
primitive ``<name>_p`` with ``vjp=jvp=c * partial_i`` (broadcasting both ways; the engine
unbroadcasts) and its typed wrapper. logaddexp, logaddexp2, hypot and arctan2 are
primitives because NumPy's impls are the stable ones (no overflow in ``exp``, no
``x**2`` overflow in hypot); their partials reuse the output.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._arith import divide as true_divide
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply
from funcgrad._typing import Array
from funcgrad.numpy._util import data, zeros_like

Partial = Callable[[Any, Any, Any, int], Value]  # (x, y, out, argnum) -> d out / d operand
LN2 = math.log(2.0)


def _binary(name: str, impl: Callable[..., Any], partial: Partial, derivative: str, example: str, shows: str, piecewise_constant: bool = False) -> tuple[Primitive, Callable[[TensorLike, TensorLike], Tensor]]:
    def rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
        return c * partial(xs[0], xs[1], out, i)

    primitive = Primitive(name, impl, vjp=rule, jvp=rule, elementwise=True, piecewise_constant=piecewise_constant)

    def op(x1: TensorLike, x2: TensorLike, /) -> Tensor:
        return apply(primitive, x1, x2)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"NumPy's ``{name}``, elementwise with broadcasting (JVP: rule).\n\n    {derivative}\n\n    >>> {name}{example}\n    {shows}\n    "
    return primitive, op


def _safe_ratio(num: Any, den: Any) -> Value:
    """``num / den``, and 0 where ``den`` is 0 (hypot at the origin, as a norm at 0)."""
    zero = np.equal(data(den), 0)
    return ops.where(zero, 0.0, num / ops.where(zero, 1.0, den))


def _share(mine: Any, other: Any, wins: Any) -> Array:
    """fmax/fmin: 1 where ``mine`` is the result, 1/2 at a tie, 0 where it loses; a NaN
    loses to a number (the NaN is ignored), and where both are NaN neither gets any."""
    a, b = data(mine), data(other)
    won = wins(a, b) | (np.isnan(b) & ~np.isnan(a))
    share: Array = np.where(won, 1.0, np.where(np.equal(a, b), 0.5, 0.0))
    return share.astype(np.result_type(a, b, np.float32))


def _fmax(x: Any, y: Any, out: Any, i: int) -> Value:
    return _share(x, y, np.greater) if i == 0 else _share(y, x, np.greater)


def _fmin(x: Any, y: Any, out: Any, i: int) -> Value:
    return _share(x, y, np.less) if i == 0 else _share(y, x, np.less)


# name               impl            partials (x, y, out, argnum)
logaddexp_p, logaddexp = _binary("logaddexp", np.logaddexp, lambda x, y, out, i: ops.exp((x if i == 0 else y) - out), "d/dx1 = exp(x1 - out), d/dx2 = exp(x2 - out): never overflows.", "(Tensor([0.0]), 0.0)", "Tensor([0.69314718], op=logaddexp)")
logaddexp2_p, logaddexp2 = _binary("logaddexp2", np.logaddexp2, lambda x, y, out, i: ops.exp(((x if i == 0 else y) - out) * LN2), "d/dx1 = 2**(x1 - out), d/dx2 = 2**(x2 - out).", "(Tensor([1.0]), 1.0)", "Tensor([2.], op=logaddexp2)")
hypot_p, hypot = _binary("hypot", np.hypot, lambda x, y, out, i: _safe_ratio(x if i == 0 else y, out), "d/dx1 = x1/out, d/dx2 = x2/out, and 0 at the origin (as linalg.norm).", "(Tensor([3.0]), 4.0)", "Tensor([5.], op=hypot)")
arctan2_p, arctan2 = _binary("arctan2", np.arctan2, lambda y, x, out, i: (x if i == 0 else -y) / (x * x + y * y), "d/dx1 = x2/(x1**2 + x2**2), d/dx2 = -x1/(x1**2 + x2**2) (x1 is y, x2 is x).", "(Tensor([1.0]), 1.0)", "Tensor([0.78539816], op=arctan2)")
fmax_p, fmax = _binary("fmax", np.fmax, _fmax, "d/dx1 = 1 where x1 is the larger or x2 is NaN, 1/2 at a tie (as maximum), else 0.", "(Tensor([1.0, np.nan]), 2.0)", "Tensor([2., 2.], op=fmax)")
fmin_p, fmin = _binary("fmin", np.fmin, _fmin, "d/dx1 = 1 where x1 is the smaller or x2 is NaN, 1/2 at a tie (as minimum), else 0.", "(Tensor([1.0, np.nan]), 2.0)", "Tensor([1., 2.], op=fmin)")
floor_divide_p, floor_divide = _binary("floor_divide", np.floor_divide, lambda x, y, out, i: zeros_like(out), "d/dx1 = d/dx2 = 0: piecewise constant (0 at its jumps too).", "(Tensor([7.0]), 2.0)", "Tensor([3.], op=floor_divide)", piecewise_constant=True)


def mod(x1: TensorLike, x2: TensorLike, /) -> Tensor:
    """``x1 - x2 * floor(x1 / x2)``, NumPy's ``mod`` (= ``remainder``, Tensor's ``%``) (JVP: rule).

    d/dx1 = 1, d/dx2 = -floor(x1 / x2), at the jumps (x1/x2 an integer) too.

    >>> mod(Tensor([7.0, -1.0]), 3.0)
    Tensor([1., 2.], op=mod)
    """
    return apply(ops.mod_p, x1, x2)


remainder = mod


def _nan_to_num_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    kept: Array = np.isfinite(data(xs[0])).astype(data(c).dtype)  # a replaced entry is a constant
    return c * kept


def _nan_to_num_impl(x: Any, nan: float, posinf: Optional[float], neginf: Optional[float]) -> Any:
    if type(x) is np.ndarray or not _backend.is_duck(x):
        return np.nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf)
    # A duck array: NumPy's replacement written with ufuncs and where, which every library
    # has (Dask's nan_to_num takes no nan/posinf/neginf); the fill values keep x's dtype.
    big = float(np.finfo(x.dtype).max) if x.dtype.kind == "f" else 0.0
    high = big if posinf is None else posinf
    low = -big if neginf is None else neginf
    infinite = np.isinf(x)
    filled = np.where(np.logical_and(infinite, np.greater(x, 0)), high, np.where(infinite, low, x))
    return np.where(np.isnan(x), nan, filled).astype(x.dtype)


nan_to_num_p = Primitive("nan_to_num", _nan_to_num_impl, vjp=_nan_to_num_rule, jvp=_nan_to_num_rule)


def nan_to_num(x: TensorLike, copy: bool = True, nan: float = 0.0, posinf: Optional[float] = None, neginf: Optional[float] = None) -> Tensor:
    """NaN and infinities replaced by ``nan``, ``posinf``, ``neginf`` (NumPy's defaults) (JVP: rule).

    d/dx = 1 where x is finite, 0 at a replaced entry (its value is a constant). ``copy``
    is accepted for NumPy's signature; a Tensor is never changed in place.

    >>> nan_to_num(Tensor([1.0, np.nan, -np.inf]), neginf=-9.0)
    Tensor([ 1.,  0., -9.], op=nan_to_num)
    """
    return apply(nan_to_num_p, x, nan=float(nan), posinf=None if posinf is None else float(posinf), neginf=None if neginf is None else float(neginf))


__all__ = ["arctan2", "floor_divide", "fmax", "fmin", "hypot", "logaddexp", "logaddexp2", "mod", "nan_to_num", "remainder", "true_divide"]
