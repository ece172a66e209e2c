"""The funcgrad ops the workloads need, from ``funcgrad.numpy`` / ``funcgrad.nn`` when
they exist, else minimal stand-ins written as docs/design.md says a primitive is written
(so the stand-ins cost what a real op costs: one ``apply`` forward, one rule backward).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, Value, apply, bind

SOURCE: dict[str, str] = {}


# --- stand-in primitives --------------------------------------------------------------
def _sin_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * _cos(xs[0])


def _cos_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return -c * _sin(xs[0])


def _tanh_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c * (1 - out * out)


_sin_p = Primitive("sin", np.sin, vjp=_sin_rule, jvp=_sin_rule)
_cos_p = Primitive("cos", np.cos, vjp=_cos_rule, jvp=_cos_rule)
_tanh_p = Primitive("tanh", np.tanh, vjp=_tanh_rule, jvp=_tanh_rule)


def _sin(x: Any) -> Any:
    return bind(_sin_p, x)


def _cos(x: Any) -> Any:
    return bind(_cos_p, x)


def _standin_sin(x: Any) -> Tensor:
    return apply(_sin_p, x)


def _standin_tanh(x: Any) -> Tensor:
    return apply(_tanh_p, x)


def _standin_exp(x: Any) -> Tensor:
    return apply(ops.exp_p, x)


def _standin_log(x: Any) -> Tensor:
    return apply(ops.log_p, x)


def _standin_relu(x: Tensor) -> Any:
    return ops.where(x.data > 0, x, 0.0)


def _standin_log_softmax(z: Tensor) -> Tensor:
    # The max shift is a constant: softmax is invariant to it, so no gradient flows there.
    m = z.data.max(axis=-1, keepdims=True)
    shifted = z - m
    lse = _standin_log(_standin_exp(shifted).sum(axis=-1, keepdims=True))
    return shifted - lse


def _pick(module: Optional[Any], name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    fn = getattr(module, name, None) if module is not None else None
    SOURCE[name] = "funcgrad" if fn is not None else "benchmark stand-in"
    return fn if fn is not None else fallback


# Another engineer may be mid-way through writing these modules: anything that fails
# to import means "not there yet".
try:
    import funcgrad.numpy as _fnp
except Exception:
    _fnp = None
try:
    import funcgrad.nn as _nn
except Exception:
    _nn = None

sin = _pick(_fnp, "sin", _standin_sin)
tanh = _pick(_fnp, "tanh", _standin_tanh)
exp = _pick(_fnp, "exp", _standin_exp)
relu = _pick(_nn, "relu", _standin_relu)
log_softmax = _pick(_nn, "log_softmax", _standin_log_softmax)

try:
    from funcgrad import hvp as _hvp
    from funcgrad import hessian as _hessian
except Exception:
    hvp: Optional[Callable[..., Any]] = None
    hessian: Optional[Callable[..., Any]] = None
else:
    hvp, hessian = _hvp, _hessian
