"""Transforms built from the others, with autograd's names: ``elementwise_grad``,
``tensor_jacobian_product`` and ``make_ggnvp``.

Each is a few lines over ``grad``, ``vjp``, ``linearize`` and ``hvp``, so each nests
with every transform exactly as those do.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Concatenate, Literal, overload

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad._jacobians import hvp, jacobian
from funcgrad._linearize import linearize
from funcgrad._tensor import Tensor, TensorLike, Value
from funcgrad._transforms import T0, Ps, check_argnums_type, grad, vjp
from funcgrad._typing import Array


# fmt: off
@overload
def elementwise_grad(fn: Callable[Concatenate[Tensor, Ps], Tensor], argnums: Literal[0] = ...) -> Callable[Concatenate[TensorLike, Ps], Array]: ...
@overload
def elementwise_grad(fn: Callable[Concatenate[T0, Ps], Tensor], argnums: Literal[0] = ...) -> Callable[Concatenate[T0, Ps], T0]: ...
@overload
def elementwise_grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: Literal[1]) -> Callable[[TensorLike, TensorLike], Array]: ...
@overload
def elementwise_grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: tuple[int, int]) -> Callable[[TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def elementwise_grad(fn: Callable[Ps, Any], argnums: int | tuple[int, ...] = ...) -> Callable[Ps, Any]: ...
# fmt: on
def elementwise_grad(fn: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """The derivative of an elementwise ``fn`` at every point, in one backward pass.

    It is the gradient of ``sum(fn(x))``: for an elementwise function, entry ``i`` of
    that gradient is ``fn'(x[i])``. It nests to any order, and is autograd's
    ``elementwise_grad`` with an int or a tuple ``argnums`` (default 0).

    >>> import numpy as np
    >>> import funcgrad.numpy as fnp
    >>> x = np.array([0.0, 1.0])
    >>> elementwise_grad(fnp.tanh)(x)
    array([1.        , 0.41997434])
    >>> elementwise_grad(elementwise_grad(fnp.sin))(x)   # -sin(x)
    array([-0.        , -0.84147098])
    """
    if argnums is None:
        raise TypeError("elementwise_grad: argnums must be an int or a tuple of ints, got None")
    check_argnums_type(argnums, "elementwise_grad")
    # grad seeds a non-scalar output with ones: the gradient of its sum.
    return grad(fn, argnums=argnums)


def _tensordot_leading(tensor: Any, out: Value) -> Value:
    """``tensordot(tensor, out, axes=tensor.ndim)``: ``tensor`` against ``out``'s leading axes."""
    t = np.asarray(tensor) if not isinstance(tensor, Tensor) else tensor
    k = t.ndim
    if tuple(t.shape) != tuple(out.shape[:k]):
        raise ValueError(
            f"tensor_jacobian_product: tensor has shape {tuple(t.shape)}, which is not the leading part of "
            f"fn's output shape {tuple(out.shape)}"
        )
    rest = tuple(out.shape[k:])
    size = int(np.prod(t.shape, dtype=np.int64))
    flat = ops.reshape(out, (size,) + rest)
    weights = ops.reshape(t, (size,) + (1,) * len(rest))
    return ops.sum(flat * weights, (0,))


# fmt: off
@overload
def tensor_jacobian_product(fn: Callable[[Tensor], Tensor], argnum: Literal[0] = ...) -> Callable[[TensorLike, TensorLike], Array]: ...
@overload
def tensor_jacobian_product(fn: Callable[[Tensor, Tensor], Tensor], argnum: int) -> Callable[[TensorLike, TensorLike, TensorLike], Array]: ...
@overload
def tensor_jacobian_product(fn: Callable[[T0], Tensor], argnum: Literal[0] = ...) -> Callable[[T0, TensorLike], T0]: ...
@overload
def tensor_jacobian_product(fn: Callable[..., Any], argnum: int = ...) -> Callable[..., Any]: ...
# fmt: on
def tensor_jacobian_product(fn: Callable[..., Any], argnum: int = 0) -> Callable[..., Any]:
    """``tjp(*args, tensor)``: ``tensor`` times the Jacobian of ``fn`` w.r.t. ``args[argnum]``.

    As autograd's: ``tensordot(tensor, J, axes=tensor.ndim)``, ``J`` of shape
    ``out.shape + arg.shape``; a ``tensor`` of the output's shape gives the VJP, of the
    argument's shape. The Jacobian is never formed: one reverse sweep over the
    contracted output.

    >>> import numpy as np
    >>> tjp = tensor_jacobian_product(lambda x: x * x)
    >>> tjp(np.array([1.0, 2.0]), np.array([10.0, 1.0]))
    array([20.,  4.])
    """
    if not isinstance(argnum, int) or isinstance(argnum, bool):
        raise TypeError(f"tensor_jacobian_product: argnum must be an int, got {argnum!r}")

    @functools.wraps(fn)
    def tjp(*args: Any, **kwargs: Any) -> Any:
        if not args:
            raise TypeError("tensor_jacobian_product: call tjp(*args, tensor), with the tensor last")
        *primals, tensor = args

        def contracted(*a: Any) -> Any:
            return _tensordot_leading(tensor, fn(*a, **kwargs))

        jacobian_fn: Callable[..., Any] = jacobian(contracted, argnum)
        return jacobian_fn(*primals)

    return tjp


vector_jacobian_product = tensor_jacobian_product


def _half_squared_norm(x: Tensor) -> Tensor:
    return 0.5 * (x * x).sum(axis=-1) if x.ndim else 0.5 * x * x


# fmt: off
@overload
def make_ggnvp(f: Callable[[Tensor], Tensor], g: Callable[[Tensor], Tensor] = ..., f_argnum: Literal[0] = ...) -> Callable[[TensorLike], Callable[[TensorLike], Array]]: ...
@overload
def make_ggnvp(f: Callable[[T0], Tensor], g: Callable[[Tensor], Tensor] = ..., f_argnum: Literal[0] = ...) -> Callable[[T0], Callable[[T0], T0]]: ...
@overload
def make_ggnvp(f: Callable[..., Any], g: Callable[[Tensor], Tensor] = ..., f_argnum: int = ...) -> Callable[..., Callable[[Any], Any]]: ...
# fmt: on
def make_ggnvp(
    f: Callable[..., Any], g: Callable[[Tensor], Tensor] = _half_squared_norm, f_argnum: int = 0
) -> Callable[..., Callable[[Any], Any]]:
    """Generalized Gauss-Newton-vector products: ``make_ggnvp(f, g)(*args)(v) = Jᵀ H J v``.

    ``J`` is the Jacobian of ``f`` w.r.t. ``args[f_argnum]`` and ``H`` the Hessian of ``g``
    at ``f(*args)`` (by default ``g(y) = ½ Σ y²`` over the last axis, so ``H = I``), as in
    autograd. Per point ``f`` runs twice (a ``linearize`` for ``J v`` and a ``vjp`` for
    ``Jᵀ w``); per ``v``, one forward sweep, one Hessian-vector product of ``g`` and one
    reverse sweep, with no Jacobian formed.

    >>> import numpy as np
    >>> ggnvp = make_ggnvp(lambda x: 3.0 * x)(np.array([1.0, 2.0]))
    >>> ggnvp(np.array([1.0, 0.0]))   # Jᵀ J v with J = 3 I
    array([9., 0.])
    """

    def at(*args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        position = f_argnum % len(args) if args else 0
        x = args[position]

        def f_of_x(value: Any) -> Any:
            return f(*args[:position], value, *args[position + 1 :], **kwargs)

        f_x, f_vjp = vjp(f_of_x, x)
        _, f_jvp = linearize(f_of_x, x)

        def ggnvp(v: Any) -> Any:
            u = f_jvp(v)
            (w,) = hvp(g, (f_x,), (u,))
            return f_vjp(w)[0]

        return ggnvp

    return at
