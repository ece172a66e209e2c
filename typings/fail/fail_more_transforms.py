"""Misuses of the newer transforms mypy must reject (each line names its error)."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import Tensor, checkpoint, custom_jvp, elementwise_grad, linearize


def f1(x: Tensor) -> Tensor:
    return fnp.tanh(x)


def f(x: Tensor, y: Tensor) -> Tensor:
    return x * y


x = np.ones(3)
t = Tensor(x)

elementwise_grad(f1)("abc")  # type: ignore[arg-type]
linearize(f1, x)[1]("abc")  # type: ignore[arg-type]
checkpoint(f)(t)  # type: ignore[call-arg]
checkpoint(f)(t, "abc")  # type: ignore[arg-type]
custom_jvp(f)(t, t, t)  # type: ignore[call-arg]
text: str = linearize(f1, x)[0]  # type: ignore[assignment]
