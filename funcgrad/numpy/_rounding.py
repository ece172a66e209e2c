"""Piecewise-constant functions with float results, as one table: floor, ceil, rint,
trunc, fix, round (= around).

Each is a Tensor with a zero derivative (0 at its jumps too, as autograd and JAX give),
so a loss that rounds an intermediate still differentiates: the rounded branch simply
contributes nothing. Integer- and boolean-valued helpers are in ``_logic`` instead.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply
from funcgrad.numpy._util import zeros_like


def _step_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return zeros_like(c)


def _step(name: str, impl: Callable[..., Any], shows: str) -> tuple[Primitive, Callable[[TensorLike], Tensor]]:
    primitive = Primitive(name, impl, vjp=_step_rule, jvp=_step_rule, piecewise_constant=True)

    def op(x: TensorLike, /) -> Tensor:
        return apply(primitive, x)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"NumPy's ``{name}``, elementwise. d/dx = 0 everywhere: piecewise constant (JVP: rule).\n\n    >>> {name}(Tensor([-1.5, 0.5, 2.5]))\n    {shows}\n    "
    return primitive, op


floor_p, floor = _step("floor", np.floor, "Tensor([-2.,  0.,  2.], op=floor)")
ceil_p, ceil = _step("ceil", np.ceil, "Tensor([-1.,  1.,  3.], op=ceil)")
rint_p, rint = _step("rint", np.rint, "Tensor([-2.,  0.,  2.], op=rint)")
trunc_p, trunc = _step("trunc", np.trunc, "Tensor([-1.,  0.,  2.], op=trunc)")
fix_p, fix = _step("fix", np.fix, "Tensor([-1.,  0.,  2.], op=fix)")
round_p = Primitive("round", lambda x, decimals: np.round(x, decimals), vjp=_step_rule, jvp=_step_rule, piecewise_constant=True)


def round(a: TensorLike, decimals: int = 0, out: None = None) -> Tensor:
    """Round to ``decimals`` places, halves to even (NumPy's ``round``/``around``).
    d/da = 0 everywhere: piecewise constant (JVP: rule).

    >>> round(Tensor([0.5, 1.5, 0.123]), decimals=0)
    Tensor([0., 2., 0.], op=round)
    """
    if out is not None:
        raise TypeError("round: out= is not supported; Tensors are immutable, use the result")
    return apply(round_p, a, decimals=int(decimals))


around = round

__all__ = ["around", "ceil", "fix", "floor", "rint", "round", "trunc"]
