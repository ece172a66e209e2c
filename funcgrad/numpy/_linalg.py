"""Linear algebra: solve, inv, det (primitives) and norm (a composite).

Rules are written with matmul, solve and inv themselves, so they differentiate again.
A singular matrix raises NumPy's ``LinAlgError`` (from the forward pass for solve and
inv, from the backward pass for det), never a silent NaN gradient.
"""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad._core_ops import _swap_last as swap_last
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy._reduce import max as rmax
from funcgrad.numpy._reduce import min as rmin
from funcgrad.numpy._reduce import root_with_zero_gradient
from funcgrad.numpy._reduce import sum as rsum
from funcgrad.numpy._unary import abs as rabs
from funcgrad.numpy._util import data, shape


# --- inv -------------------------------------------------------------------------------
def _inv_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return -(swap_last(out) @ c @ swap_last(out))


def _inv_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return -(out @ c @ out)


inv_p = Primitive("inv", np.linalg.inv, vjp=_inv_vjp, jvp=_inv_jvp)


def inv(a: TensorLike) -> Tensor:
    """Inverse of a square matrix or a stack of them (JVP: rule).

    d(inv a) = -inv(a) da inv(a), so the VJP is ``-inv(a).T @ g @ inv(a).T``, reusing
    the output. A singular matrix raises ``numpy.linalg.LinAlgError``.

    >>> inv(Tensor([[2.0, 0.0], [0.0, 4.0]]))
    Tensor([[0.5 , 0.  ],
            [0.  , 0.25]], op=inv)
    """
    return apply(inv_p, a)


# --- solve -------------------------------------------------------------------------------
# NumPy 2 reads b as a vector only when it is 1-D; rules turn a vector (and its batch of
# cotangents or tangents) into a column so every solve and product is between matrices.
def _column(v: Value, vector: bool) -> Value:
    return ops.reshape(v, v.shape + (1,)) if vector else v


def _uncolumn(v: Value, vector: bool) -> Value:
    return ops.reshape(v, v.shape[:-1]) if vector else v


def _is_vector(b: Operand) -> bool:
    return bool(np.ndim(data(b)) == 1)


def _solve_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    a = xs[0]
    vector = _is_vector(xs[1])
    gb = bind(solve_p, swap_last(a), _column(c, vector))  # type: ignore[arg-type]  # a is an array or Tensor here
    if i == 1:
        return _uncolumn(gb, vector)
    return -(gb @ swap_last(_column(out, vector)))


def _solve_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    a = xs[0]
    vector = _is_vector(xs[1])
    if i == 1:  # b may have fewer batch axes than the output: align its tangent first
        rhs = ops.align(_column(c, vector), np.ndim(data(xs[1])) + vector, out.ndim + vector)
    else:
        rhs = -(ops.align(c, np.ndim(data(a)), out.ndim + vector) @ _column(out, vector))
    return _uncolumn(bind(solve_p, a, rhs), vector)


solve_p = Primitive("solve", np.linalg.solve, vjp=_solve_vjp, jvp=_solve_jvp)


def solve(a: TensorLike, b: TensorLike) -> Tensor:
    """``x`` with ``a @ x == b``; ``b`` a vector (1-D) or matrices, ``a`` may be stacked.

    With ``x = solve(a, b)``: d/db = solve(a.T, g) and d/da = -solve(a.T, g) @ x.T
    (JVP: rule). A singular ``a`` raises ``numpy.linalg.LinAlgError``.

    >>> solve(Tensor([[2.0, 0.0], [0.0, 4.0]]), Tensor([2.0, 2.0]))
    Tensor([1. , 0.5], op=solve)
    """
    return apply(solve_p, a, b)


# --- det -------------------------------------------------------------------------------
def _inverse_transpose(a: Operand) -> Value:
    # Raises LinAlgError at a singular matrix: its adjugate gradient is not computed.
    return swap_last(bind(inv_p, a))


def _det_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    scale = c * out
    return ops.reshape(scale, scale.shape + (1, 1)) * _inverse_transpose(xs[0])


def _det_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # d det = det * trace(inv(a) @ da) = det * sum(inv(a).T * da)
    return out * ops.sum(c * _inverse_transpose(xs[0]), (c.ndim - 2, c.ndim - 1))


det_p = Primitive("det", np.linalg.det, vjp=_det_vjp, jvp=_det_jvp)


def det(a: TensorLike) -> Tensor:
    """Determinant of a square matrix or a stack of them (JVP: rule).

    d/da = det(a) inv(a).T. Its derivative at a singular matrix raises
    ``numpy.linalg.LinAlgError`` (the value itself is computed, 0 or nearly).

    >>> det(Tensor([[2.0, 1.0], [1.0, 3.0]]))
    Tensor(5.0, op=det)
    """
    return apply(det_p, a)


# --- norm: composites, with a zero gradient at the zero vector -----------------------------
Axis = Union[int, Sequence[int], None]


def norm(x: TensorLike, ord: Any = None, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Vector norms (``ord`` None/2, 1, 0, any p, inf, -inf) and matrix norms (``'fro'``,
    1, -1, inf, -inf) over ``axis``, as ``np.linalg.norm`` (JVP: rules of the parts).

    d/dx of the 2-norm is ``x / norm``, and 0 at the zero vector by convention (so the
    gradient of any norm at 0 is 0). Matrix ``ord`` 2, -2 and ``'nuc'`` need an SVD and
    raise NotImplementedError.

    >>> norm(Tensor([3.0, 4.0]))
    Tensor(5.0, op=where)
    """
    ndim = len(shape(x))
    if axis is None:
        if ord is not None and ndim not in (1, 2):
            raise ValueError(f"norm: ord={ord!r} needs x of 1 or 2 dimensions or an axis, got {ndim}")
        axes = tuple(range(ndim))
    else:
        axes = tuple(axis) if not isinstance(axis, (int, np.integer)) else (int(axis),)
        ops.normalize_axis(axes, ndim, "norm")  # validates; the order given is kept:
        axes = tuple(a % ndim for a in axes)  # for matrix norms it says which axis is the row
    t = x if isinstance(x, Tensor) else Tensor(x)
    if ord is None or (ord == "fro" and len(axes) == 2) or (ord == 2 and len(axes) == 1):
        return root_with_zero_gradient(rsum(t * t, axes, keepdims=keepdims), 2)
    if len(axes) == 1:
        (a,) = axes
        if ord == np.inf:
            return rmax(rabs(t), a, keepdims=keepdims)
        if ord == -np.inf:
            return rmin(rabs(t), a, keepdims=keepdims)
        if ord == 1:
            return rsum(rabs(t), a, keepdims=keepdims)
        if ord == 0:  # the count of nonzero entries: piecewise constant, gradient 0
            return rsum(np.not_equal(t.data, 0).astype(t.dtype), a, keepdims=keepdims)
        if isinstance(ord, (int, float, np.integer, np.floating)) and ord != 0:
            return root_with_zero_gradient(rsum(rabs(t) ** float(ord), a, keepdims=keepdims), float(ord))
        raise ValueError(f"norm: vector ord={ord!r} is not supported")
    if len(axes) == 2:
        row, col = axes
        if ord in (1, -1):
            sums = rsum(rabs(t), row, keepdims=True)
            pick = rmax if ord == 1 else rmin
        elif ord in (np.inf, -np.inf):
            sums = rsum(rabs(t), col, keepdims=True)
            pick = rmax if ord == np.inf else rmin
        else:
            raise NotImplementedError(f"norm: matrix ord={ord!r} needs an SVD, which funcgrad does not have")
        return pick(sums, axes, keepdims=keepdims)
    raise ValueError(f"norm: axis must name 1 or 2 axes, got {axis!r}")
