"""The real-valued faces of NumPy's complex helpers, on real input: real, conj and
conjugate are the identity (d/dx = 1), real_if_close too; imag is 0 and angle is 0 or pi
(both with d/dx = 0). Complex input is refused, as ``Tensor()`` refuses it.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from funcgrad import _backend
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply
from funcgrad.numpy._util import zeros_like


def _identity_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c


def _zero_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return zeros_like(c)


def _face(name: str, impl: Callable[..., Any], rule: Any, derivative: str, shows: str) -> Callable[[TensorLike], Tensor]:
    primitive = Primitive(name, impl, vjp=rule, jvp=rule)

    def op(val: TensorLike, /) -> Tensor:
        return apply(primitive, val)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"NumPy's ``{name}`` of real input. d/dx = {derivative} (JVP: rule).\n\n    >>> {name}(Tensor([-2.0, 3.0]))\n    {shows}\n    "
    return op


def _copy(x: Any) -> Any:
    """A copy of ``x`` in its own library (``np.array`` would bring a duck array to NumPy)."""
    if type(x) is not np.ndarray and _backend.is_duck(x):
        return _backend.copy(x)
    return np.array(x)


real = _face("real", lambda x: _copy(np.real(x)), _identity_rule, "1: the identity on real input", "Tensor([-2.,  3.], op=real)")
imag = _face("imag", lambda x: np.zeros_like(x), _zero_rule, "0: real input has no imaginary part", "Tensor([0., 0.], op=imag)")
conj = _face("conj", np.conj, _identity_rule, "1: the identity on real input", "Tensor([-2.,  3.], op=conj)")
conjugate = _face("conjugate", np.conjugate, _identity_rule, "1: the identity on real input", "Tensor([-2.,  3.], op=conjugate)")
_angle_p = Primitive("angle", lambda x, deg: np.angle(x, deg=deg), vjp=_zero_rule, jvp=_zero_rule)
_real_if_close_p = Primitive("real_if_close", _copy, vjp=_identity_rule, jvp=_identity_rule)


def angle(z: TensorLike, deg: bool = False) -> Tensor:
    """The argument of real input: 0 for x >= 0, pi (180 with ``deg``) for x < 0, as NumPy.
    d/dz = 0: piecewise constant (JVP: rule).

    >>> angle(Tensor([-2.0, 3.0]))
    Tensor([3.14159265, 0.        ], op=angle)
    """
    return apply(_angle_p, z, deg=bool(deg))


def real_if_close(a: TensorLike, tol: float = 100) -> Tensor:
    """Real input as it is. d/da = 1 (JVP: rule).

    >>> real_if_close(Tensor([1.0]))
    Tensor([1.], op=real_if_close)
    """
    return apply(_real_if_close_p, a)


__all__ = ["angle", "conj", "conjugate", "imag", "real", "real_if_close"]
