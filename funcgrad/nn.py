"""Neural-network functions, numerically stable for inputs of any magnitude.

sigmoid, softplus, softmax and logsumexp are primitives whose forward pass avoids
overflow (``logaddexp``, subtracting the maximum) and whose rules reuse the output;
relu and log_softmax are one-line composites. Every rule is written in funcgrad ops.

>>> import numpy as np
>>> softmax(np.array([1000.0, 1000.0]))
Tensor([0.5, 0.5], op=softmax)
"""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy._select import where
from funcgrad.numpy._util import data, expand_cotangent, kept_shape, lead, shape

__all__ = ["log_softmax", "logsumexp", "relu", "sigmoid", "softmax", "softplus"]

Axis = Union[int, Sequence[int], None]


def relu(x: TensorLike, /) -> Tensor:
    """``max(x, 0)``. d/dx = 1 for x > 0 and 0 for x <= 0: relu'(0) = 0 by convention.

    Written as ``where(x > 0, x, 0)`` (JVP: where's rule).

    >>> relu(Tensor([-1.0, 0.0, 2.0]))
    Tensor([0., 0., 2.], op=where)
    """
    return where(np.greater(data(x), 0), x, 0.0)


def _sigmoid_impl(x: Any) -> Any:
    # exp(-log(1 + e**-x)): neither term overflows for any finite x.
    return np.exp(-np.logaddexp(0.0, -x))


def _sigmoid_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * (out * (1.0 - out))


sigmoid_p = Primitive("sigmoid", _sigmoid_impl, vjp=_sigmoid_rule, jvp=_sigmoid_rule)


def sigmoid(x: TensorLike, /) -> Tensor:
    """``1 / (1 + e**-x)``, stable for large |x|. d/dx = s (1 - s), from the output (JVP: rule).

    >>> sigmoid(Tensor([0.0]))
    Tensor([0.5], op=sigmoid)
    """
    return apply(sigmoid_p, x)


def _softplus_impl(x: Any) -> Any:
    return np.logaddexp(0.0, x)  # log(1 + e**x) without overflow


def _softplus_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * bind(sigmoid_p, xs[0])


softplus_p = Primitive("softplus", _softplus_impl, vjp=_softplus_rule, jvp=_softplus_rule)


def softplus(x: TensorLike, /) -> Tensor:
    """``log(1 + e**x)``, stable for large |x|. d/dx = sigmoid(x) (JVP: rule).

    >>> softplus(Tensor([0.0]))
    Tensor([0.69314718], op=softplus)
    """
    return apply(softplus_p, x)


# --- logsumexp and softmax: shift by the maximum -----------------------------------------
def _logsumexp_impl(x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    top = np.max(x, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)  # all -inf (or an inf) must not give inf - inf
    total = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    return total if keepdims else np.squeeze(total, axis=axis)


def _softmax_of(x: Operand, out: Value, p: Params) -> Value:
    """``exp(x - logsumexp(x))``, from the output: every exponent is <= 0."""
    x_value: Any = x
    return ops.exp(x_value - ops.reshape(out, kept_shape(x_value.shape, p["axis"])))


def _logsumexp_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x: Any = xs[0]
    return expand_cotangent(c, x.shape, p["axis"], out.ndim) * _softmax_of(x, out, p)


def _logsumexp_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x: Any = xs[0]
    shift = lead(c, x.ndim)
    return ops.sum(c * _softmax_of(x, out, p), tuple(a + shift for a in p["axis"]), p["keepdims"])


logsumexp_p = Primitive("logsumexp", _logsumexp_impl, vjp=_logsumexp_vjp, jvp=_logsumexp_jvp)


def logsumexp(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis``, shifted by the maximum so it never overflows.

    d/dx = softmax(x) along ``axis`` (JVP: rule).

    >>> logsumexp(Tensor([1000.0, 1000.0]))
    Tensor(1000.69314718, op=logsumexp)
    """
    axes = ops.normalize_axis(axis, len(shape(x)), "logsumexp")
    return apply(logsumexp_p, x, axis=axes, keepdims=bool(keepdims))


def _softmax_impl(x: Any, axis: int) -> Any:
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _softmax_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # s * (c - sum(c * s)): the VJP and, since the Jacobian is symmetric, also the JVP.
    axis = p["axis"] + lead(c, out.ndim)
    return out * (c - ops.sum(c * out, (axis,), True))


softmax_p = Primitive("softmax", _softmax_impl, vjp=_softmax_rule, jvp=_softmax_rule)


def softmax(x: TensorLike, axis: int = -1) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis``, shifted by the maximum (stable).

    d/dx_j s_i = s_i (delta_ij - s_j); the Jacobian is symmetric so one rule serves
    the VJP and the JVP (JVP: rule).

    >>> softmax(Tensor([0.0, 0.0]))
    Tensor([0.5, 0.5], op=softmax)
    """
    (a,) = ops.normalize_axis(axis, len(shape(x)), "softmax")
    return apply(softmax_p, x, axis=a)


def log_softmax(x: TensorLike, axis: int = -1) -> Tensor:
    """``x - logsumexp(x)`` along ``axis``: stable. d/dx = 1 - softmax(x) contracted with g.

    A composite of subtract and logsumexp (JVP: their rules).

    >>> log_softmax(Tensor([0.0, 0.0]))
    Tensor([-0.69314718, -0.69314718], op=subtract)
    """
    (a,) = ops.normalize_axis(axis, len(shape(x)), "log_softmax")
    return apply(ops.subtract_p, x, logsumexp(x, a, keepdims=True))
