"""The newer transforms in ordinary use: this file must type-check under --strict."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import Tensor, checkpoint, custom_jvp, elementwise_grad, grad, linearize
from funcgrad._typing import Array


@checkpoint
def block(x: Tensor, w: Tensor) -> Tensor:
    return x + fnp.tanh(x * w)


def chain(x: Tensor, w: Tensor) -> Tensor:
    for _ in range(3):
        x = block(x, w)
    return x.sum()


@custom_jvp
def softplus(x: Tensor) -> Tensor:
    return fnp.log1p(fnp.exp(x))


@softplus.defjvp
def softplus_jvp(primals: tuple[Tensor, ...], tangents: tuple[Tensor, ...]) -> tuple[Tensor, Tensor]:
    (x,), (t,) = primals, tangents
    return softplus(x), t / (1.0 + fnp.exp(-x))


def loss(x: Tensor) -> Tensor:
    return softplus(x).sum()


x = np.linspace(-1.0, 1.0, 4)
gx, gw = grad(chain)(x, x)
slopes: Array = elementwise_grad(fnp.tanh)(x)
value, f_jvp = linearize(loss, x)
directional: Array = f_jvp(np.ones(4))
g: Array = grad(loss, argnums=0)(x)
