"""A typical typed training loop: an MLP whose parameters are an attrs class.

The gradient with respect to ``params`` is a ``Params`` (its fields hold the gradient
arrays), so an update step is typed field by field.
"""

from __future__ import annotations

import attrs
import numpy as np

import funcgrad.tree as tree
from funcgrad import Tensor, grad, hessian, hvp, jacobian, stop_gradient, value_and_grad
from funcgrad._typing import Array


@attrs.frozen
class Layer:
    w: Tensor
    b: Tensor


@attrs.frozen
class Params:
    hidden: Layer
    out: Layer


def soft_sign(x: Tensor) -> Tensor:
    return x / (1.0 + x * x)


def predict(params: Params, x: Array) -> Tensor:
    h = soft_sign(params.hidden.w.T @ x.T + params.hidden.b.reshape(-1, 1))
    return (params.out.w.T @ h + params.out.b.reshape(-1, 1)).reshape(-1)


def loss(params: Params, x: Array, y: Array) -> Tensor:
    return ((predict(params, x) - y) ** 2).mean()


def loss_with_metrics(params: Params, x: Array, y: Array) -> tuple[Tensor, dict[str, float]]:
    err = predict(params, x) - y
    return (err**2).mean(), {"max_error": float(np.max(np.abs(np.asarray(err))))}


def init(rng: np.random.Generator) -> Params:
    return Params(
        Layer(Tensor(rng.normal(size=(2, 8))), Tensor(np.zeros(8))),
        Layer(Tensor(rng.normal(size=(8, 1))), Tensor(np.zeros(1))),
    )


def sgd(params: Params, grads: Params, lr: float) -> Params:
    def step(p: Tensor, g: Tensor) -> Tensor:
        return Tensor(np.asarray(p) - lr * np.asarray(g))

    def layer(p: Layer, g: Layer) -> Layer:
        return Layer(step(p.w, g.w), step(p.b, g.b))

    return Params(layer(params.hidden, grads.hidden), layer(params.out, grads.out))


def train(steps: int) -> float:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 2))
    y = np.sin(x[:, 0]) * x[:, 1]
    params = init(rng)
    gradient = grad(loss, argnums=0)
    for _ in range(steps):
        params = sgd(params, gradient(params, x, y), 0.05)
    value, grads = value_and_grad(loss, argnums=0)(params, x, y)
    (_, metrics), _ = value_and_grad(loss_with_metrics, argnums=0, has_aux=True)(params, x, y)
    norms: list[float] = [float(np.linalg.norm(leaf)) for leaf in tree.flatten(grads)[0]]
    return float(value) + metrics["max_error"] + sum(norms)


def quadratic(w: Tensor, data: Array) -> Tensor:
    return ((w * stop_gradient(w) - data) ** 2).sum()


w0 = np.ones(3)
curvature: Array = hessian(quadratic)(w0, np.zeros(3))
sensitivity: Array = jacobian(quadratic)(w0, np.zeros(3))
direction = hvp(quadratic, (w0, np.zeros(3)), (np.ones(3), np.zeros(3)))
