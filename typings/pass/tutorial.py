"""The seed tutorial, made functional: code that must type-check under mypy --strict."""

from __future__ import annotations

from typing import Mapping

import numpy as np

from funcgrad import Tensor, backward, grad, mul, toposort, value_and_grad
from funcgrad._typing import Array

a = Tensor(np.array([2]))
b = Tensor(np.array([3]))
c: Tensor = a.mul(b)
order: tuple[Tensor, ...] = toposort(c)
g: Mapping[Tensor, Array] = backward(c)
ga: Array = g[a]
only_a: Mapping[Tensor, Array] = backward(c, wrt=[a])


def product(a: Tensor, b: Tensor) -> Tensor:
    return mul(a, b)


def reused(a: Tensor, b: Tensor) -> Tensor:
    return mul(mul(a, b), b)


da, db = grad(product)(np.array([2]), np.array([3]))
grads: tuple[Array, Array] = grad(reused)(np.array([2, 3]), np.array([3, 4]))
db_only: Array = grad(product, argnums=1)([2.0], [3.0])
value, (gx, gy) = value_and_grad(product)(2.0, 3.0)


def cube(x: Tensor) -> Tensor:
    return (x * x * x).sum()


# The nested call is typed by its fallback: the inner gradient is a Tensor at run time.
second = grad(grad(cube, argnums=0), argnums=0)(np.array([2.0]))
comparison = a < b  # comparisons give boolean arrays, not Tensors
shape: tuple[int, ...] = c.shape
