"""A typed training step with funcgrad.optim: the parameters keep their type."""

from __future__ import annotations

import attrs
import numpy as np

from funcgrad import Tensor, grad
from funcgrad.optim import OptState, Optimizer, adam, clip_by_global_norm, cosine_decay, sgd


@attrs.frozen
class Params:
    w: Tensor
    b: Tensor


def loss(p: Params, x: Tensor) -> Tensor:
    return ((x @ p.w + p.b) ** 2).mean()


def train(opt: Optimizer, params: Params, x: Tensor, steps: int) -> Params:
    state: OptState = opt.init(params)
    for _ in range(steps):
        g = clip_by_global_norm(grad(loss, argnums=0)(params, x), 1.0)
        params, state = opt.update(g, state, params)
    return params


x = Tensor(np.ones((4, 3)))
start = Params(Tensor(np.zeros(3)), Tensor(np.zeros(())))
trained: Params = train(adam(cosine_decay(1e-2, 100)), start, x, 3)
trained = train(sgd(lambda step: 0.1 / (1 + step), momentum=0.9), trained, x, 3)
