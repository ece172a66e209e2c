"""Elementwise functions of one argument.

For an elementwise op the VJP and the JVP are the same expression (``c`` times the
local derivative), so every record here sets ``vjp=jvp=rule``: each has a real JVP
rule. Rules reuse the forward output where the derivative is a function of it (exp,
expm1, sqrt, tan, tanh, reciprocal), which saves recomputing a transcendental.
"""

from __future__ import annotations

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad._typing import Array
from funcgrad.numpy._util import data, zeros_like


def _square_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * (2.0 * xs[0])


square_p = Primitive("square", np.square, vjp=_square_rule, jvp=_square_rule)


def square(x: TensorLike, /) -> Tensor:
    """``x**2``, elementwise. d/dx = 2x (JVP: rule).

    >>> square(Tensor([3.0]))
    Tensor([9.], op=square)
    """
    return apply(square_p, x)


def _reciprocal_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return -c * (out * out)  # -1/x**2 from the forward value


reciprocal_p = Primitive("reciprocal", np.reciprocal, vjp=_reciprocal_rule, jvp=_reciprocal_rule)


def reciprocal(x: TensorLike, /) -> Tensor:
    """``1/x``, elementwise. d/dx = -1/x**2 (JVP: rule).

    >>> reciprocal(Tensor([4.0]))
    Tensor([0.25], op=reciprocal)
    """
    return apply(reciprocal_p, x)


def exp(x: TensorLike, /) -> Tensor:
    """``e**x``, elementwise. d/dx = e**x, reusing the output (JVP: rule).

    >>> exp(Tensor([0.0]))
    Tensor([1.], op=exp)
    """
    return apply(ops.exp_p, x)


def log(x: TensorLike, /) -> Tensor:
    """Natural logarithm, elementwise. d/dx = 1/x (JVP: rule).

    >>> log(Tensor([1.0]))
    Tensor([0.], op=log)
    """
    return apply(ops.log_p, x)


def _log1p_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c / (1.0 + xs[0])


log1p_p = Primitive("log1p", np.log1p, vjp=_log1p_rule, jvp=_log1p_rule)


def log1p(x: TensorLike, /) -> Tensor:
    """``log(1 + x)``, accurate for small x. d/dx = 1/(1+x) (JVP: rule).

    >>> log1p(Tensor([0.0]))
    Tensor([0.], op=log1p)
    """
    return apply(log1p_p, x)


def _expm1_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * (out + 1.0)


expm1_p = Primitive("expm1", np.expm1, vjp=_expm1_rule, jvp=_expm1_rule)


def expm1(x: TensorLike, /) -> Tensor:
    """``e**x - 1``, accurate for small x. d/dx = e**x = out + 1 (JVP: rule).

    >>> expm1(Tensor([0.0]))
    Tensor([0.], op=expm1)
    """
    return apply(expm1_p, x)


def _sqrt_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # 0.5 / out: at x == 0 this is +inf, the documented convention (the one-sided limit).
    return c * (0.5 / out)


sqrt_p = Primitive("sqrt", np.sqrt, vjp=_sqrt_rule, jvp=_sqrt_rule)


def sqrt(x: TensorLike, /) -> Tensor:
    """Square root, elementwise. d/dx = 1/(2 sqrt(x)), +inf at 0 (JVP: rule).

    >>> sqrt(Tensor([4.0]))
    Tensor([2.], op=sqrt)
    """
    return apply(sqrt_p, x)


def _sin_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * bind(cos_p, xs[0])


def _cos_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return -c * bind(sin_p, xs[0])


sin_p = Primitive("sin", np.sin, vjp=_sin_rule, jvp=_sin_rule)
cos_p = Primitive("cos", np.cos, vjp=_cos_rule, jvp=_cos_rule)


def sin(x: TensorLike, /) -> Tensor:
    """Sine, elementwise. d/dx = cos(x) (JVP: rule).

    >>> sin(Tensor([0.0]))
    Tensor([0.], op=sin)
    """
    return apply(sin_p, x)


def cos(x: TensorLike, /) -> Tensor:
    """Cosine, elementwise. d/dx = -sin(x) (JVP: rule).

    >>> cos(Tensor([0.0]))
    Tensor([1.], op=cos)
    """
    return apply(cos_p, x)


def _tan_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * (1.0 + out * out)


tan_p = Primitive("tan", np.tan, vjp=_tan_rule, jvp=_tan_rule)


def tan(x: TensorLike, /) -> Tensor:
    """Tangent, elementwise. d/dx = 1 + tan(x)**2, from the output (JVP: rule).

    >>> tan(Tensor([0.0]))
    Tensor([0.], op=tan)
    """
    return apply(tan_p, x)


def _tanh_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * (1.0 - out * out)


tanh_p = Primitive("tanh", np.tanh, vjp=_tanh_rule, jvp=_tanh_rule)


def tanh(x: TensorLike, /) -> Tensor:
    """Hyperbolic tangent, elementwise. d/dx = 1 - tanh(x)**2, from the output (JVP: rule).

    >>> tanh(Tensor([0.0]))
    Tensor([0.], op=tanh)
    """
    return apply(tanh_p, x)


def _arctan_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    x = xs[0]
    return c / (1.0 + x * x)


arctan_p = Primitive("arctan", np.arctan, vjp=_arctan_rule, jvp=_arctan_rule)


def arctan(x: TensorLike, /) -> Tensor:
    """Inverse tangent, elementwise. d/dx = 1/(1 + x**2) (JVP: rule).

    >>> arctan(Tensor([0.0]))
    Tensor([0.], op=arctan)
    """
    return apply(arctan_p, x)


def _sign_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return zeros_like(c)  # a step function: zero wherever it has a derivative, and by convention at 0


sign_p = Primitive("sign", np.sign, vjp=_sign_rule, jvp=_sign_rule, piecewise_constant=True)


def sign(x: TensorLike, /) -> Tensor:
    """-1, 0 or 1 by the sign of x. d/dx = 0 everywhere, 0 included (JVP: rule).

    >>> sign(Tensor([-2.0, 0.0, 3.0]))
    Tensor([-1.,  0.,  1.], op=sign)
    """
    return apply(sign_p, x)


def _abs_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # np.sign(0) == 0 gives the convention abs'(0) = 0. The sign is sign's primitive
    # (zero derivative), so a recorded rule (nested transforms, jit) recomputes it from
    # the recorded operand instead of keeping the signs of the moment as a constant.
    return c * bind(sign_p, xs[0])


abs_p = Primitive("abs", np.abs, vjp=_abs_rule, jvp=_abs_rule)


def abs(x: TensorLike, /) -> Tensor:
    """Absolute value, elementwise. d/dx = sign(x), and 0 at x == 0 (JVP: rule).

    >>> abs(Tensor([-2.0, 3.0]))
    Tensor([2., 3.], op=abs)
    """
    return apply(abs_p, x)
