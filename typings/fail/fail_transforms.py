"""Misuses mypy must reject. Each line carries the error it must raise; with
warn_unused_ignores, a line that stops failing is itself reported."""

from __future__ import annotations

import attrs
import numpy as np

from funcgrad import Tensor, grad, hessian, jacobian, jvp, value_and_grad, vjp
from funcgrad._typing import Array


def f(x: Tensor, y: Tensor) -> Tensor:
    return (x * y).sum()


def f1(x: Tensor) -> Tensor:
    return (x * x).sum()


def with_aux(x: Tensor, y: Tensor) -> tuple[Tensor, str]:
    return (x * y).sum(), "note"


@attrs.frozen
class Params:
    w: Tensor
    b: Tensor


def loss(params: Params, x: Array) -> Tensor:
    return ((params.w.T @ x + params.b) ** 2).mean()


x = np.ones(3)
t = Tensor(x)
params = Params(Tensor(np.ones((3, 2))), Tensor(np.zeros(2)))

# A str where an array goes.
grad(f)("abc", x)  # type: ignore[arg-type]
grad(f, argnums=0)(x, "abc")  # type: ignore[arg-type]
Tensor("abc")  # type: ignore[arg-type]
vjp(f1, x)[1]("abc")  # type: ignore[arg-type]

# argnums of the wrong type.
grad(f, argnums="0")  # type: ignore[call-overload]
grad(f, argnums=1.5)  # type: ignore[call-overload]
value_and_grad(f, argnums=[0, 1])  # type: ignore[call-overload]
jacobian(f1, argnums=None)  # type: ignore[call-overload]
hessian(f1, argnums="x")  # type: ignore[call-overload]

# has_aux results unpacked wrongly.
grads, aux, extra = grad(with_aux, has_aux=True)(x, x)  # type: ignore[misc]
count: int = grad(with_aux, has_aux=True)(x, x)[1]  # type: ignore[assignment]
(value, note), g = value_and_grad(with_aux, has_aux=True)(x, x)
value_as_str: str = value  # type: ignore[assignment]
ga, gb, gc = grad(f)(x, x)  # type: ignore[misc]

# A pytree gradient is its argument's type, not an array.
g_array: Array = grad(loss, argnums=0)(params, x)  # type: ignore[assignment]
grad(loss, argnums=0)(x, x)  # type: ignore[arg-type]

# jvp takes tuples of primals and tangents.
jvp(f1, x, x)  # type: ignore[call-overload]

# A Tensor is frozen: its fields cannot be assigned.
t.data = np.zeros(3)  # type: ignore[misc]
t.inputs = ()  # type: ignore[misc]


# funcgrad.optim: a learning rate is a float or a schedule of the step, not a string
from funcgrad.optim import adam as _adam  # noqa: E402

_adam("fast")  # type: ignore[arg-type]
