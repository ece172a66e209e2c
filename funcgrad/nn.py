"""Neural-network functions, numerically stable for inputs of any magnitude.

Each is a primitive: the forward passes of sigmoid, softplus, softmax, logsumexp and
log_softmax avoid overflow (``logaddexp``, subtracting the maximum), and the rules reuse
the output. Every rule is written in funcgrad ops.

>>> import numpy as np
>>> softmax(np.array([1000.0, 1000.0]))
Tensor([0.5, 0.5], op=softmax)
"""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy._util import data, expand_cotangent, kept_shape, lead, shape

__all__ = ["log_softmax", "logsumexp", "relu", "sigmoid", "softmax", "softplus"]


def __dir__() -> list[str]:
    # dir(funcgrad.nn) lists the public functions, not the imports and rules behind them.
    return list(__all__)

Axis = Union[int, Sequence[int], None]


def _relu_impl(x: Any) -> Any:
    return np.maximum(x, 0.0)


def _relu_grad_impl(c: Any, out: Any) -> Any:
    # out > 0 exactly where x > 0, so relu'(0) = 0.
    return np.where(np.greater(out, 0), c, 0.0)


def _relu_grad_rule(g: Value, y: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # Linear in c (the same mask again); the mask, a step of out, has zero derivative.
    return bind(relu_grad_p, g, xs[1]) if i == 0 else _backend.zeros(g.data if type(g) is Tensor else g, (), g.dtype)


#: ``c`` where ``out > 0``, else 0: relu's rule as one primitive, so that a recorded
#: backward (nested transforms, jit) computes its mask from the recorded ``out`` rather
#: than keeping the mask of the moment as a constant.
relu_grad_p = Primitive("relu_grad", _relu_grad_impl, vjp=_relu_grad_rule, jvp=_relu_grad_rule, elementwise=True)


def _relu_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return bind(relu_grad_p, c, out)


relu_p = Primitive("relu", _relu_impl, vjp=_relu_rule, jvp=_relu_rule)


def relu(x: TensorLike, /) -> Tensor:
    """``max(x, 0)``. d/dx = 1 for x > 0 and 0 for x <= 0: relu'(0) = 0 by convention
    (JVP: rule).

    >>> relu(Tensor([-1.0, 0.0, 2.0]))
    Tensor([0., 0., 2.], op=relu)
    """
    return apply(relu_p, x)


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


# --- softmax, logsumexp, log_softmax: shift by the maximum ----------------------------------
def _shifted(x: Any, axis: tuple[int, ...]) -> Any:
    """``x`` minus its maximum over ``axis``: every exponent is then <= 0."""
    top = np.max(x, axis=axis, keepdims=True)
    return x - np.where(np.isfinite(top), top, 0.0)  # all -inf (or an inf) must not give inf - inf


def _softmax_impl(x: Any, axis: tuple[int, ...]) -> Any:
    e = np.exp(_shifted(x, axis))
    return e / np.sum(e, axis=axis, keepdims=True)


def _softmax_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # s * (c - sum(c * s)): the VJP and, since the Jacobian is symmetric, also the JVP.
    shift = lead(c, out.ndim)
    return out * (c - ops.sum(c * out, tuple(a + shift for a in p["axis"]), True))


softmax_p = Primitive("softmax", _softmax_impl, vjp=_softmax_rule, jvp=_softmax_rule)


def softmax(x: TensorLike, axis: Axis = -1) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``axis`` (an int, a tuple or None), shifted by the
    maximum so it never overflows.

    d/dx_j s_i = s_i (delta_ij - s_j); the Jacobian is symmetric so one rule serves
    the VJP and the JVP (JVP: rule).

    >>> softmax(Tensor([0.0, 0.0]))
    Tensor([0.5, 0.5], op=softmax)
    """
    return apply(softmax_p, x, axis=ops.normalize_axis(axis, len(shape(x, "softmax", "x")), "softmax"))


def _logsumexp_impl(x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    top = np.max(x, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the answer for all -inf input
        total = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    return total if keepdims else np.squeeze(total, axis=axis)


def _logsumexp_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # softmax from x, not exp(x - out): out is rounded at its own magnitude (1000.69 in
    # float32 is off by 3e-5), which the exponent would pass on.
    x: Any = xs[0]
    return expand_cotangent(c, x.shape, p["axis"], out.ndim) * bind(softmax_p, x, axis=p["axis"])


def _logsumexp_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x: Any = xs[0]
    shift = lead(c, x.ndim)
    weighted = c * bind(softmax_p, x, axis=p["axis"])
    return ops.sum(weighted, tuple(a + shift for a in p["axis"]), p["keepdims"])


logsumexp_p = Primitive("logsumexp", _logsumexp_impl, vjp=_logsumexp_vjp, jvp=_logsumexp_jvp)


def logsumexp(x: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis``, shifted by the maximum so it never overflows.

    d/dx = softmax(x) along ``axis`` (JVP: rule).

    >>> logsumexp(Tensor([1000.0, 1000.0]))
    Tensor(1000.69314718, op=logsumexp)
    """
    axes = ops.normalize_axis(axis, len(shape(x, "logsumexp", "x")), "logsumexp")
    return apply(logsumexp_p, x, axis=axes, keepdims=bool(keepdims))


def _log_softmax_impl(x: Any, axis: tuple[int, ...]) -> Any:
    # (x - max) - log(sum(exp(x - max))): no large number is ever subtracted from
    # another, so float32 keeps its digits even at 1000 (x - logsumexp(x) would not).
    shifted = _shifted(x, axis)
    with np.errstate(divide="ignore"):
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _log_softmax_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    shift = lead(c, out.ndim)
    return c - ops.exp(out) * ops.sum(c, tuple(a + shift for a in p["axis"]), True)


def _log_softmax_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    shift = lead(c, out.ndim)
    return c - ops.sum(c * ops.exp(out), tuple(a + shift for a in p["axis"]), True)


log_softmax_p = Primitive("log_softmax", _log_softmax_impl, vjp=_log_softmax_vjp, jvp=_log_softmax_jvp)


def log_softmax(x: TensorLike, axis: Axis = -1) -> Tensor:
    """``x - logsumexp(x)`` along ``axis``, computed without cancellation (stable).

    d/dx: the VJP is ``g - softmax(x) * sum(g)``, softmax being exp of the output
    (JVP: rule).

    >>> log_softmax(Tensor([0.0, 0.0]))
    Tensor([-0.69314718, -0.69314718], op=log_softmax)
    """
    return apply(log_softmax_p, x, axis=ops.normalize_axis(axis, len(shape(x, "log_softmax", "x")), "log_softmax"))
