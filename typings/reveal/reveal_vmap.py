"""The types vmap calls reveal, pinned with ``assert_type``."""

from __future__ import annotations

from typing import assert_type

import attrs
import numpy as np

import funcgrad.numpy as fnp
from funcgrad import Tensor, grad, value_and_grad, vmap
from funcgrad._typing import Array


def f1(x: Tensor) -> Tensor:
    return fnp.sum(x * x)


def f2(w: Tensor, x: Tensor) -> Tensor:
    return fnp.sum(w * x)


@attrs.frozen
class Params:
    w: Tensor
    b: Tensor


def loss(params: Params, x: Tensor, y: Tensor) -> Tensor:
    return (fnp.dot(x, params.w) + params.b - y) ** 2


def label(x: Tensor, name: str) -> Tensor:
    return x


xs = np.ones((4, 3))
w = np.ones(3)
params = Params(Tensor(np.ones(3)), Tensor(np.zeros(())))

# Functions of Tensors take arrays and give arrays
assert_type(vmap(f1)(xs), Array)
assert_type(vmap(f2, in_axes=(None, 0))(w, xs), Array)
# Transforms keep their exact types under vmap: per-example gradients have the
# gradient's type, a pytree argument's gradient that argument's type
assert_type(vmap(grad(f2, argnums=0), in_axes=(None, 0))(w, xs), Array)
assert_type(vmap(grad(f2))(xs, xs), tuple[Array, Array])
assert_type(vmap(grad(loss, argnums=0), in_axes=(None, 0, 0))(params, Tensor(xs), Tensor(np.ones(4))), Params)
assert_type(vmap(value_and_grad(f1, argnums=0))(xs), tuple[Array, Array])
# Any other signature is kept as it is (ParamSpec), keyword parameters included
assert_type(vmap(label)(Tensor(xs), "name"), Tensor)
