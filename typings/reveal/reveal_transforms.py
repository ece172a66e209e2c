"""The types transform calls reveal, pinned with ``assert_type`` (mypy checks them)."""

from __future__ import annotations

from typing import Any, NamedTuple, assert_type

import attrs
import numpy as np

from funcgrad import (
    Tensor,
    custom_vjp,
    grad,
    hessian,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    stop_gradient,
    value_and_grad,
    vjp,
)
from funcgrad._typing import Array
from funcgrad.tree import TreeDef, flatten


def f(x: Tensor, y: Tensor) -> Tensor:
    return (x * y).sum()


def f1(x: Tensor) -> Tensor:
    return (x * x).sum()


def f3(x: Tensor, y: Tensor, z: Tensor) -> Tensor:
    return (x * y * z).sum()


def with_aux(x: Tensor, y: Tensor) -> tuple[Tensor, str]:
    return (x * y).sum(), "note"


def with_aux1(x: Tensor) -> tuple[Tensor, int]:
    return (x * x).sum(), 3


def with_data(x: Tensor, data: Array) -> Tensor:
    return (x * data).sum()


@attrs.frozen
class Params:
    w: Tensor
    b: Tensor


class Pair(NamedTuple):
    a: Tensor
    b: Tensor


def loss(params: Params, x: Array) -> Tensor:
    return ((params.w.T @ x + params.b) ** 2).mean()


def loss_aux(params: Params, x: Array) -> tuple[Tensor, float]:
    return ((params.w.T @ x + params.b) ** 2).mean(), 0.5


def pair_loss(p: Pair) -> Tensor:
    return (p.a * p.b).sum()


x = np.ones(3)
y = np.ones(3)
params = Params(Tensor(np.ones((3, 2))), Tensor(np.zeros(2)))

# grad: argnums None (one gradient per argument), an int, a tuple; has_aux
assert_type(grad(f)(x, y), tuple[Array, Array])
assert_type(grad(f1)(x), tuple[Array])
assert_type(grad(f3)(x, y, x), tuple[Array, Array, Array])
assert_type(grad(f, argnums=0)(x, y), Array)
assert_type(grad(f, argnums=1)(x, y), Array)
assert_type(grad(f, argnums=(0, 1))(x, y), tuple[Array, Array])
assert_type(grad(with_data, argnums=0)(x, y), Array)
assert_type(grad(with_aux, has_aux=True)(x, y), tuple[tuple[Array, Array], str])
assert_type(grad(with_aux1, argnums=0, has_aux=True)(x), tuple[Array, int])
# Nested: the inner gradient is typed as at the top level (an array), so the outer one
# sees a function that does not return a Tensor and falls back to Any.
assert_type(grad(grad(f1, argnums=0), argnums=0)(x), Any)

# a pytree argument's gradient has the argument's type
assert_type(grad(loss, argnums=0)(params, x), Params)
assert_type(grad(loss_aux, argnums=0, has_aux=True)(params, x), tuple[Params, float])
assert_type(grad(pair_loss)(Pair(Tensor(x), Tensor(y))), tuple[Pair])

# value_and_grad: (value, gradients), with has_aux ((value, aux), gradients)
assert_type(value_and_grad(f)(x, y), tuple[Array, tuple[Array, Array]])
assert_type(value_and_grad(f, argnums=0)(x, y), tuple[Array, Array])
assert_type(value_and_grad(with_aux, has_aux=True)(x, y), tuple[tuple[Array, str], tuple[Array, Array]])
assert_type(value_and_grad(loss, argnums=0)(params, x), tuple[Array, Params])
assert_type(value_and_grad(loss_aux, argnums=0, has_aux=True)(params, x), tuple[tuple[Array, float], Params])

# vjp and jvp
out, pullback = vjp(f, x, y)
assert_type(out, Array)
assert_type(pullback(np.ones(())), tuple[Array, Array])
assert_type(vjp(f1, x)[1](1.0), tuple[Array])
assert_type(vjp(pair_loss, Pair(Tensor(x), Tensor(y)))[1](1.0), tuple[Pair])
assert_type(jvp(f1, (x,), (y,)), tuple[Array, Array])
assert_type(jvp(f, (x, y), (y, x)), tuple[Array, Array])

# Jacobians and Hessians
assert_type(jacobian(f1)(x), Array)
assert_type(jacobian(f, argnums=(0, 1))(x, y), tuple[Array, Array])
assert_type(jacrev(with_data)(x, y), Array)
assert_type(jacfwd(f1)(x), Array)
assert_type(jacobian(loss)(params, x), Params)
assert_type(hessian(f1)(x), Array)
assert_type(hessian(with_data)(x, y), Array)

# the rest of the surface
assert_type(stop_gradient(x), Tensor)
assert_type(flatten(params), tuple[list[Any], TreeDef])


@custom_vjp
def clipped(x: Tensor) -> Tensor:
    return x * 1.0


assert_type(clipped(Tensor(x)), Tensor)


# funcgrad.optim: update keeps the parameters' type; clipping keeps the gradients' type
from funcgrad.optim import OptState, adam, clip_by_global_norm, global_norm  # noqa: E402

opt = adam(1e-3)
opt_state = opt.init(params)
assert_type(opt_state, OptState)
params_grad = grad(loss, argnums=0)(params, x)
assert_type(opt.update(params_grad, opt_state, params), tuple[Params, OptState])
tree_params = {"w": Tensor(x), "b": Tensor(y)}
assert_type(opt.update(tree_params, opt.init(tree_params), tree_params), tuple[dict[str, Tensor], OptState])
assert_type(clip_by_global_norm(params_grad, 1.0), Params)
assert_type(global_norm(params_grad), float)
