"""Exact types beyond two parameters and for lambdas (generated overloads,
tools/gen_overloads.py): grad of three to five parameters, tuple argnums, pytree
parameters; ``jacobian(lambda x: ...)``, ``hessian(lambda ...)`` and
``value_and_grad(lambda ...)`` type-check under --strict (no ``no-untyped-call``)."""

from __future__ import annotations

from typing import assert_type

import attrs
import numpy as np

from funcgrad import Tensor, grad, hessian, jacfwd, jacobian, jacrev, value_and_grad
from funcgrad._typing import Array


@attrs.frozen
class Layer:
    w: Tensor


def f3(x: Tensor, y: Tensor, z: Tensor) -> Tensor:
    return (x * y * z).sum()


def f4(x: Tensor, y: Tensor, z: Tensor, w: Tensor) -> Tensor:
    return (x * y * z * w).sum()


def f5(a: Tensor, b: Tensor, c: Tensor, d: Tensor, e: Tensor) -> Tensor:
    return (a * b * c * d * e).sum()


def layers3(a: Layer, b: Layer, c: Layer) -> Tensor:
    return (a.w * b.w * c.w).sum()


x = np.ones(3)
layer = Layer(Tensor(x))

# three or more parameters, and tuple argnums
assert_type(grad(f4)(x, x, x, x), tuple[Array, Array, Array, Array])
assert_type(grad(f5)(x, x, x, x, x), tuple[Array, Array, Array, Array, Array])
assert_type(grad(f3, argnums=(0, 2))(x, x, x), tuple[Array, Array])
assert_type(grad(f4, argnums=(1, 2, 3))(x, x, x, x), tuple[Array, Array, Array])
assert_type(grad(f4, argnums=2)(x, x, x, x), Array)
assert_type(value_and_grad(f4)(x, x, x, x), tuple[Array, tuple[Array, Array, Array, Array]])
assert_type(value_and_grad(f4, argnums=(1, 3))(x, x, x, x), tuple[Array, tuple[Array, Array]])

# pytree parameters: each gradient has its argument's type
assert_type(grad(layers3)(layer, layer, layer), tuple[Layer, Layer, Layer])
assert_type(grad(layers3, argnums=2)(layer, layer, layer), Layer)
assert_type(grad(layers3, argnums=(2, 0))(layer, layer, layer), tuple[Layer, Layer])
assert_type(value_and_grad(layers3, argnums=1)(layer, layer, layer), tuple[Array, Layer])

# lambdas: typed from the first matching row, never an untyped Any
assert_type(jacobian(lambda x: x * x)(x), Array)
assert_type(jacrev(lambda x: x * x)(x), Array)
assert_type(jacfwd(lambda x: x * x)(x), Array)
assert_type(hessian(lambda x: (x * x).sum())(x), Array)
assert_type(value_and_grad(lambda x: (x * x).sum())(x), tuple[Array, tuple[Array]])
assert_type(value_and_grad(lambda x: (x * x).sum(), argnums=0)(x), tuple[Array, Array])
assert_type(grad(lambda x: (x * x).sum())(x), tuple[Array])
assert_type(grad(lambda x: (x * x).sum(), argnums=0)(x), Array)
assert_type(grad(lambda x, y: (x * y).sum(), argnums=(0, 1))(x, x), tuple[Array, Array])
assert_type(grad(lambda x: ((x * x).sum(), "note"), has_aux=True)(x), tuple[tuple[Array], str])
