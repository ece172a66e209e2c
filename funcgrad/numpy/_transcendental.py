"""Elementwise functions of one argument, as one table.

A row is (name, NumPy impl, slope, what the docstring says, an example and its output);
``_unary`` turns it into the primitive ``<name>_p`` (``vjp=jvp=c * slope``, written in
funcgrad ops so it differentiates again) and the typed wrapper ``<name>``. A row is a
primitive even where ``log(x) / log(10)`` would do, because NumPy's own impl gives
NumPy's value to the last bit at the same cost. ``sinc`` is the one row whose slope is
not elementary: its derivatives come from ``_sinc_derivative`` below, exact at 0.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy._unary import abs as absolute
from funcgrad.numpy._unary import sqrt_p
from funcgrad.numpy._util import data

Slope = Callable[[Any, Any], Value]  # (x, out) -> d out / d x, in funcgrad ops
LN2, LN10 = math.log(2.0), math.log(10.0)
cosh_p: Primitive  # rows refer to primitives defined below them; rules run later
sinc_derivative_p: Primitive


def _unary(name: str, impl: Callable[..., Any], slope: Slope, derivative: str, example: str, shows: str) -> tuple[Primitive, Callable[[TensorLike], Tensor]]:
    def rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
        return c * slope(xs[0], out)

    primitive = Primitive(name, impl, vjp=rule, jvp=rule)

    def op(x: TensorLike, /) -> Tensor:
        return apply(primitive, x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"NumPy's ``{name}``, elementwise. d/dx = {derivative} (JVP: rule).\n\n    >>> {name}(Tensor({example}))\n    {shows}\n    "
    return primitive, op


def _root(v: Any) -> Value:
    return bind(sqrt_p, v)


# name       impl        slope (x, out)                            derivative              example  -> shows
sinh_p, sinh = _unary("sinh", np.sinh, lambda x, out: bind(cosh_p, x), "cosh(x)", "[0.0]", "Tensor([0.], op=sinh)")
cosh_p, cosh = _unary("cosh", np.cosh, lambda x, out: bind(sinh_p, x), "sinh(x)", "[0.0]", "Tensor([1.], op=cosh)")
arcsin_p, arcsin = _unary("arcsin", np.arcsin, lambda x, out: 1.0 / _root(1.0 - x * x), "1/sqrt(1 - x**2)", "[0.0]", "Tensor([0.], op=arcsin)")
arccos_p, arccos = _unary("arccos", np.arccos, lambda x, out: -1.0 / _root(1.0 - x * x), "-1/sqrt(1 - x**2)", "[1.0]", "Tensor([0.], op=arccos)")
arcsinh_p, arcsinh = _unary("arcsinh", np.arcsinh, lambda x, out: 1.0 / _root(x * x + 1.0), "1/sqrt(x**2 + 1)", "[0.0]", "Tensor([0.], op=arcsinh)")
arccosh_p, arccosh = _unary("arccosh", np.arccosh, lambda x, out: 1.0 / _root(x * x - 1.0), "1/sqrt(x**2 - 1)", "[1.0]", "Tensor([0.], op=arccosh)")
arctanh_p, arctanh = _unary("arctanh", np.arctanh, lambda x, out: 1.0 / (1.0 - x * x), "1/(1 - x**2)", "[0.0]", "Tensor([0.], op=arctanh)")
log2_p, log2 = _unary("log2", np.log2, lambda x, out: 1.0 / (x * LN2), "1/(x log 2)", "[8.0]", "Tensor([3.], op=log2)")
log10_p, log10 = _unary("log10", np.log10, lambda x, out: 1.0 / (x * LN10), "1/(x log 10)", "[1000.0]", "Tensor([3.], op=log10)")
exp2_p, exp2 = _unary("exp2", np.exp2, lambda x, out: out * LN2, "2**x log 2, from the output", "[3.0]", "Tensor([8.], op=exp2)")
cbrt_p, cbrt = _unary("cbrt", np.cbrt, lambda x, out: 1.0 / (3.0 * out * out), "1/(3 cbrt(x)**2), +inf at 0", "[8.0]", "Tensor([2.], op=cbrt)")
fabs_p, fabs = _unary("fabs", np.fabs, lambda x, out: np.sign(data(x)), "sign(x), and 0 at x == 0 (as abs)", "[-2.0]", "Tensor([2.], op=fabs)")
sinc_p, sinc = _unary("sinc", np.sinc, lambda x, out: bind(sinc_derivative_p, x, n=1), "(cos(pi x) - sinc(x))/x, 0 at x == 0, and d2/dx2 = -pi**2/3 there", "[0.5]", "Tensor([0.63661977], op=sinc)")


# --- sinc: the n-th derivative as one primitive, so every order is exact at 0 ------------
def _sinc_derivative_impl(x: Any, n: int) -> Any:
    """d^n/dx^n sin(pi x)/(pi x): its Taylor series for |x| < 1 (no 0/0, no cancellation),
    Leibniz's rule on sin(pi x) * 1/(pi x) beyond."""
    if type(x) is not np.ndarray and not _backend.is_duck(x):  # a duck array stays in its library
        x = np.asarray(x)
    z = x.astype(np.float64)
    near = np.abs(z) < 1.0
    zn = np.where(near, z, 0.0)
    series = np.zeros_like(z)
    for m in range((n + 1) // 2, (n + 1) // 2 + 30):  # sum_m (-1)^m pi^2m x^(2m-n) (2m)! / ((2m+1)! (2m-n)!)
        series = series + (-1.0) ** m * math.pi ** (2 * m) / ((2 * m + 1) * math.factorial(2 * m - n)) * zn ** (2 * m - n)
    zf = np.where(near, 1.0, z)
    far = sum(
        math.comb(n, k) * math.pi**k * np.sin(math.pi * zf + k * math.pi / 2) * (-1.0) ** (n - k) * math.factorial(n - k) / (math.pi * zf ** (n - k + 1))
        for k in range(n + 1)
    )
    return np.where(near, series, far).astype(x.dtype if x.dtype.kind == "f" else np.float64)


def _sinc_derivative_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * bind(sinc_derivative_p, xs[0], n=p["n"] + 1)


sinc_derivative_p = Primitive("sinc_derivative", _sinc_derivative_impl, vjp=_sinc_derivative_rule, jvp=_sinc_derivative_rule)


# --- exact composites --------------------------------------------------------------------
def deg2rad(x: TensorLike, /) -> Tensor:
    """Degrees to radians: ``x * (pi/180)``, NumPy's own formula. d/dx = pi/180 (composite; JVP: multiply's rule).

    >>> deg2rad(Tensor([180.0]))
    Tensor([3.14159265], op=multiply)
    """
    return apply(ops.multiply_p, x, math.pi / 180.0)


def rad2deg(x: TensorLike, /) -> Tensor:
    """Radians to degrees: ``x * (180/pi)``, NumPy's own formula. d/dx = 180/pi (composite; JVP: multiply's rule).

    >>> rad2deg(Tensor([np.pi]))
    Tensor([180.], op=multiply)
    """
    return apply(ops.multiply_p, x, 180.0 / math.pi)


degrees, radians = rad2deg, deg2rad

__all__ = ["absolute", "arccos", "arccosh", "arcsin", "arcsinh", "arctanh", "cbrt", "cosh", "deg2rad", "degrees", "exp2", "fabs", "log10", "log2", "rad2deg", "radians", "sinc", "sinh"]
