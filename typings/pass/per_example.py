"""Per-example gradients, typed: vmap keeps grad's exact types, so the per-example
gradient of a parameter record is that record (its fields hold the stacked gradients)."""

from __future__ import annotations

import attrs
import numpy as np

import funcgrad.numpy as fnp
from funcgrad import Tensor, grad, jacfwd, vmap
from funcgrad._typing import Array


@attrs.frozen
class Params:
    w: Tensor
    b: Tensor


def example_loss(params: Params, x: Tensor, y: Tensor) -> Tensor:
    return (fnp.dot(x, params.w) + params.b - y) ** 2


def clipped_mean(params: Params, xs: Array, ys: Array, clip: float) -> Params:
    per_example: Params = vmap(grad(example_loss, argnums=0), in_axes=(None, 0, 0))(params, Tensor(xs), Tensor(ys))
    norms: Array = np.sqrt(np.asarray(per_example.w) ** 2).sum(axis=1) + np.abs(np.asarray(per_example.b))
    scale = np.minimum(1.0, clip / (norms + 1e-12))
    return Params(Tensor((np.asarray(per_example.w) * scale[:, None]).mean(axis=0)), Tensor((np.asarray(per_example.b) * scale).mean()))


def squares(x: Tensor) -> Tensor:
    return x * x


batched_jacobian: Array = vmap(jacfwd(squares))(np.ones((4, 3)))
values: Array = vmap(squares)(np.ones((4, 3)))
