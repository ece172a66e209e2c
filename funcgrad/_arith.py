"""The arithmetic ops as functions, importable from ``funcgrad`` itself (the tutorial's
``mul`` among them). ``funcgrad.numpy`` re-exports them under NumPy's names."""

from __future__ import annotations

from funcgrad import _core_ops as ops
from funcgrad._tensor import Tensor, TensorLike, apply


def add(x: TensorLike, y: TensorLike, /) -> Tensor:
    """``x + y``, elementwise with broadcasting. d/dx = d/dy = 1.

    >>> add(1.0, Tensor([2.0, 3.0]))
    Tensor([3., 4.], op=add)
    """
    return apply(ops.add_p, x, y)


def subtract(x: TensorLike, y: TensorLike, /) -> Tensor:
    """``x - y``, elementwise with broadcasting. d/dx = 1, d/dy = -1.

    >>> subtract(Tensor([2.0]), 0.5)
    Tensor([1.5], op=subtract)
    """
    return apply(ops.subtract_p, x, y)


def multiply(x: TensorLike, y: TensorLike, /) -> Tensor:
    """``x * y``, elementwise with broadcasting. d/dx = y, d/dy = x.

    >>> multiply(Tensor([2.0]), Tensor([3.0]))
    Tensor([6.], op=multiply)
    """
    return apply(ops.multiply_p, x, y)


def mul(x: TensorLike, y: TensorLike, /) -> Tensor:
    """The tutorial's name for :func:`multiply`.

    >>> mul(Tensor([2.0]), Tensor([3.0]))
    Tensor([6.], op=multiply)
    """
    return apply(ops.multiply_p, x, y)


def divide(x: TensorLike, y: TensorLike, /) -> Tensor:
    """``x / y``, elementwise with broadcasting. d/dx = 1/y, d/dy = -x/y**2.

    >>> divide(Tensor([3.0]), 2.0)
    Tensor([1.5], op=divide)
    """
    return apply(ops.divide_p, x, y)


def negative(x: TensorLike, /) -> Tensor:
    """``-x``. d/dx = -1.

    >>> negative(Tensor([2.0]))
    Tensor([-2.], op=negative)
    """
    return apply(ops.negative_p, x)


def power(x: TensorLike, y: TensorLike, /) -> Tensor:
    """``x ** y``, elementwise. d/dx = y x**(y-1), d/dy = x**y log x (0 where x == 0).

    Exact at x == 0 to every order where finite: y == 0 gives d/dx = 0 exactly (never
    0 * 0**-1), so the third derivative of x**2 at 0 is 0.

    >>> power(Tensor([3.0]), 2)
    Tensor([9.], op=power)
    """
    return apply(ops.power_p, x, y)
