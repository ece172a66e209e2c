"""The types the newer transforms reveal: elementwise_grad, linearize, checkpoint,
custom_jvp, fixed_point, tensor_jacobian_product, make_ggnvp (mypy checks these lines)."""

from __future__ import annotations

from typing import Any, Callable, assert_type

import attrs
import numpy as np

import funcgrad.numpy as fnp
from funcgrad import (
    Tensor,
    checkpoint,
    custom_jvp,
    elementwise_grad,
    fixed_point,
    linearize,
    make_ggnvp,
    tensor_jacobian_product,
)
from funcgrad._tensor import TensorLike
from funcgrad._typing import Array


def f1(x: Tensor) -> Tensor:
    return fnp.tanh(x)


def f(x: Tensor, y: Tensor) -> Tensor:
    return x * y


def with_data(x: Tensor, data: Array) -> Tensor:
    return x * data


@attrs.frozen
class Params:
    w: Tensor
    b: Tensor


def loss(params: Params) -> Tensor:
    return (params.w * params.b).sum()


x = np.ones(3)
t = Tensor(x)
params = Params(t, t)

# elementwise_grad: grad's types for an int or a pair argnums
assert_type(elementwise_grad(f1)(x), Array)
assert_type(elementwise_grad(with_data)(x, x), Array)
assert_type(elementwise_grad(f, argnums=1)(x, x), Array)
assert_type(elementwise_grad(f, argnums=(0, 1))(x, x), tuple[Array, Array])
assert_type(elementwise_grad(loss)(params), Params)

# linearize: the output type and a JVP callable taking one tangent per primal
assert_type(linearize(f1, x), tuple[Array, Callable[[TensorLike], Array]])
assert_type(linearize(f, x, x), tuple[Array, Callable[[TensorLike, TensorLike], Array]])
assert_type(linearize(loss, params), tuple[Array, Callable[[Params], Array]])
out, f_jvp = linearize(f1, x)
assert_type(f_jvp(x), Array)

# checkpoint keeps the signature (ParamSpec)
ck: Callable[[Tensor, Tensor], Tensor] = checkpoint(f)
assert_type(checkpoint(f)(t, t), Tensor)
assert_type(checkpoint(with_data)(t, x), Tensor)

# custom_jvp keeps the signature; defjvp returns the rule
cj = custom_jvp(f)
assert_type(cj(t, t), Tensor)


def rule(primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
    return f(*primals), tangents[0]


assert_type(cj.defjvp(rule), Callable[[tuple[Any, ...], tuple[Any, ...]], tuple[Any, Any]])

# fixed_point gives a Tensor
assert_type(fixed_point(lambda a, z: 0.5 * z + a, x, x, lambda a, b: fnp.max(fnp.abs(a - b)), 1e-9), Tensor)

# tensor_jacobian_product: (*args, tensor); make_ggnvp: point -> (v -> array)
assert_type(tensor_jacobian_product(f1)(x, x), Array)
assert_type(tensor_jacobian_product(f, 1)(x, x, x), Array)
assert_type(make_ggnvp(f1)(x)(x), Array)
assert_type(make_ggnvp(loss)(params)(params), Params)
