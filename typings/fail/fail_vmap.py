"""vmap misuses mypy must reject."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import Tensor, grad, vmap


def f1(x: Tensor) -> Tensor:
    return fnp.sum(x * x)


def label(x: Tensor, name: str) -> Tensor:
    return x


vmap(f1)("not an array")  # type: ignore[arg-type]
vmap(f1)(np.ones(3), np.ones(3))  # type: ignore[call-arg]
vmap(label)(Tensor(np.ones(3)), 3)  # type: ignore[arg-type]
vmap(grad(f1, argnums=0))("x")  # type: ignore[arg-type]
