"""Elementwise selection: maximum, minimum, clip and where.

Their derivatives are piecewise constant masks, computed from the data (never
recorded: a mask has zero derivative) and multiplied into the cotangent, so the VJP
and the JVP are the same expression and every record has a real JVP rule.
"""

from __future__ import annotations

from typing import Any, Optional, overload

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind, observe
from funcgrad._typing import Array
from funcgrad.numpy._util import data, shape

IntArray = np.ndarray[Any, np.dtype[np.intp]]


def _share(mine: Any, other: Any, wins: Any, dtype: Any) -> Array:
    """1 where ``mine`` wins, 1/2 at a tie, 0 where it loses: ties split the gradient."""
    share: Array = np.where(wins(mine, other), 1.0, np.where(np.equal(mine, other), 0.5, 0.0)).astype(dtype)
    return share


def _tie_share_impl(mine: Any, other: Any, larger: bool, dtype: Any) -> Array:
    return _share(mine, other, np.greater if larger else np.less, dtype)


def _zero_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return _backend.zeros(data(c), (), data(c).dtype)  # a step function of its operands


#: maximum's and minimum's shares as a primitive (zero derivative), so that a recorded rule
#: (nested transforms, jit) recomputes them from the recorded operands.
tie_share_p = Primitive("tie_share", _tie_share_impl, vjp=_zero_rule, jvp=_zero_rule, elementwise=True)


def _maximum_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * bind(tie_share_p, xs[i], xs[1 - i], larger=True, dtype=data(c).dtype)


def _minimum_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * bind(tie_share_p, xs[i], xs[1 - i], larger=False, dtype=data(c).dtype)


maximum_p = Primitive("maximum", np.maximum, vjp=_maximum_rule, jvp=_maximum_rule, elementwise=True)
minimum_p = Primitive("minimum", np.minimum, vjp=_minimum_rule, jvp=_minimum_rule, elementwise=True)


def maximum(x: TensorLike, y: TensorLike, /) -> Tensor:
    """The larger of x and y, elementwise with broadcasting (JVP: rule).

    d/dx = 1 where x > y, 0 where x < y, and 1/2 to each side at a tie.

    >>> maximum(Tensor([1.0, 5.0]), 3.0)
    Tensor([3., 5.], op=maximum)
    """
    return apply(maximum_p, x, y)


def minimum(x: TensorLike, y: TensorLike, /) -> Tensor:
    """The smaller of x and y, elementwise with broadcasting (JVP: rule).

    d/dx = 1 where x < y, 0 where x > y, and 1/2 to each side at a tie.

    >>> minimum(Tensor([1.0, 5.0]), 3.0)
    Tensor([1., 3.], op=minimum)
    """
    return apply(minimum_p, x, y)


def _clip_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # The value is minimum(maximum(x, low), high); each operand gets the gradient where
    # it is the value, and the closed interval low <= x <= high goes to x.
    x, low, high = (data(v) for v in xs)
    raised = np.maximum(x, low)
    if i == 2:
        mask = np.greater(raised, high)
    else:
        below = np.less(x, low)
        mask = np.logical_and(np.less_equal(raised, high), below if i == 1 else ~below)
    weight: Array = mask.astype(data(c).dtype)
    return c * weight


def _clip_impl(x: Any, low: Any, high: Any) -> Any:
    return np.minimum(np.maximum(x, low), high)


clip_p = Primitive("clip", _clip_impl, vjp=_clip_rule, jvp=_clip_rule, elementwise=True)


def clip(a: TensorLike, a_min: Optional[TensorLike], a_max: Optional[TensorLike]) -> Tensor:
    """``a`` limited to ``[a_min, a_max]`` (None: no bound), with broadcasting (JVP: rule).

    d/da = 1 on the closed interval ``a_min <= a <= a_max`` (boundaries included), else 0;
    a bound gets the gradient where it is the value (strictly outside the interval).

    >>> clip(Tensor([-2.0, 0.5, 2.0]), 0.0, 1.0)
    Tensor([0. , 0.5, 1. ], op=clip)
    """
    if a_min is None and a_max is None:
        raise ValueError("clip: one of a_min and a_max must be given")
    low: TensorLike = -np.inf if a_min is None else a_min
    high: TensorLike = np.inf if a_max is None else a_max
    return apply(clip_p, a, low, high)


def _as_mask(d: Any) -> Any:
    """A condition as a boolean array, in its own library (a duck array stays one)."""
    if type(d) is not np.ndarray and _backend.is_duck(d):
        return d.astype(bool)
    return np.asarray(d).astype(bool)


@overload
def where(condition: Any, x: None = None, y: None = None) -> tuple[IntArray, ...]: ...
@overload
def where(condition: Any, x: TensorLike, y: TensorLike) -> Tensor: ...
def where(condition: Any, x: Optional[TensorLike] = None, y: Optional[TensorLike] = None) -> Any:
    """``x`` where ``condition`` holds, else ``y``, with broadcasting (JVP: rule).

    d/dx = 1 where the condition holds, else 0 (and the reverse for y); the condition
    is data and is never differentiated. Beware: an inf or NaN *derivative* in the
    branch not taken still reaches its inputs (0 * inf = NaN); docs/ops.md shows the
    safe "double where" pattern. ``x`` and ``y`` may be given by keyword. With the
    condition alone it is ``nonzero(condition)``: a tuple of plain integer arrays.

    >>> where(np.array([True, False]), Tensor([1.0, 2.0]), 0.0)
    Tensor([1., 0.], op=where)
    >>> where(np.array([0.0, 3.0, 4.0]))
    (array([1, 2]),)
    """
    shape(condition, "where", "condition")
    if x is None and y is None:
        indices: tuple[IntArray, ...] = np.nonzero(data(condition))
        if type(condition) is Tensor:  # plain answers about a traced value: jit guards
            observe((condition,), np.nonzero, indices)
        return indices
    if x is None or y is None:
        raise ValueError("where: either both or neither of x and y should be given")
    if isinstance(condition, Tensor) and type(condition) is not Tensor:
        mask: Any = condition  # inside vmap: a per-example mask, batched like the values
    else:
        mask = _as_mask(data(condition))
        if type(condition) is Tensor:
            observe((condition,), _as_mask, mask)
    return apply(ops.where_p, mask, x, y)
