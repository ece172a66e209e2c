"""Linear algebra: solve, inv, det, slogdet (primitives); matrix_power and multi_dot
(composites of matmul). Decompositions are in ``_decomp``, pinv and lstsq in ``_pinv``,
norm in ``_norm``.

Rules are written with matmul, solve and inv themselves, so they differentiate again.
A singular matrix raises NumPy's ``LinAlgError`` (from the forward pass for solve and
inv, from the backward pass for det), never a silent NaN gradient.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._core_ops import _swap_last as swap_last
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind, observe
from funcgrad.numpy._util import data, shape, tensor


# --- the data's library ------------------------------------------------------------------
def library_function(a: Any, numpy_function: Any, op: str) -> Any:
    """``numpy.linalg``'s ``numpy_function`` as ``a``'s library provides it (NumPy's own
    for NumPy data), for the public op ``funcgrad.numpy.linalg.<op>``; a TypeError naming
    that op where the library lacks it (Dask: eigh, det, slogdet, pinv). Dask's linear
    algebra takes one matrix, held in one chunk along its two axes: over a stack it is
    called matrix by matrix (``each_matrix``), the results stacked, all lazily."""
    if type(a) is np.ndarray:
        return numpy_function
    path = f"linalg.{numpy_function.__name__}"
    found = _backend.function(a, numpy_function, path, f"funcgrad.numpy.linalg.{op}")
    if _backend.name(a) == "dask":
        if numpy_function is np.linalg.cholesky:  # Dask's gives the upper factor by default
            return lambda m: each_matrix(lambda one: found(one, lower=True), m)
        if numpy_function is not np.linalg.solve:  # solve broadcasts its own stacks (_solve_impl)
            return lambda m, *rest, **options: each_matrix(lambda one: found(one, *rest, **options), m)
    return found


def each_matrix(function: Any, *stacks: Any) -> Any:
    """``function`` of one matrix (from each of ``stacks``, which share their batch axes)
    over a stack of them, its results (arrays, or tuples of arrays) stacked back."""
    batch = stacks[0].shape[:-2]
    if not batch:
        return function(*stacks)
    flat = [np.reshape(x, (-1,) + x.shape[len(batch):]) for x in stacks]
    parts = [function(*(x[k] for x in flat)) for k in range(flat[0].shape[0])]

    def stacked(pieces: Sequence[Any]) -> Any:
        joined = np.stack(pieces)
        return np.reshape(joined, batch + joined.shape[1:])

    if isinstance(parts[0], tuple):
        return tuple(stacked(list(piece)) for piece in zip(*parts))
    return stacked(parts)


# --- inv -------------------------------------------------------------------------------
def _inv_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return -(swap_last(out) @ c @ swap_last(out))


def _inv_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return -(out @ c @ out)


def _inv_impl(a: Any) -> Any:
    return library_function(a, np.linalg.inv, "inv")(a)


inv_p = Primitive("inv", _inv_impl, vjp=_inv_vjp, jvp=_inv_jvp)


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


def _solve_impl(a: Any, b: Any) -> Any:
    solve_function = library_function(a, np.linalg.solve, "solve")
    if type(a) is np.ndarray or _backend.name(a) != "dask" or (a.ndim == 2 and b.ndim <= 2):
        return solve_function(a, b)
    # Dask solves one system: broadcast the stacks (as NumPy 2: a 1-D b is a vector) and loop.
    vector = b.ndim == 1
    column = b[:, None] if vector else b
    batch = np.broadcast_shapes(a.shape[:-2], column.shape[:-2])
    x = each_matrix(
        solve_function, np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(column, batch + column.shape[-2:])
    )
    return x[..., 0] if vector else x


solve_p = Primitive("solve", _solve_impl, vjp=_solve_vjp, jvp=_solve_jvp)


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


def _det_impl(a: Any) -> Any:
    return library_function(a, np.linalg.det, "det")(a)


det_p = Primitive("det", _det_impl, vjp=_det_vjp, jvp=_det_jvp)


def det(a: TensorLike) -> Tensor:
    """Determinant of a square matrix or a stack of them (JVP: rule).

    d/da = det(a) inv(a).T. Its derivative at a singular matrix raises
    ``numpy.linalg.LinAlgError`` (the value itself is computed, 0 or nearly).

    >>> det(Tensor([[2.0, 1.0], [1.0, 3.0]]))
    Tensor(5.0, op=det)
    """
    return apply(det_p, a)


# --- slogdet ------------------------------------------------------------------------------
def _logabsdet_impl(a: Any) -> Any:
    return library_function(a, np.linalg.slogdet, "slogdet")(a)[1]


def _logabsdet_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return ops.reshape(c, c.shape + (1, 1)) * _inverse_transpose(xs[0])


def _logabsdet_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return ops.sum(c * _inverse_transpose(xs[0]), (c.ndim - 2, c.ndim - 1))


logabsdet_p = Primitive("logabsdet", _logabsdet_impl, vjp=_logabsdet_vjp, jvp=_logabsdet_jvp)


class SlogdetResult(NamedTuple):
    sign: Tensor
    logabsdet: Tensor


def slogdet(a: TensorLike) -> SlogdetResult:
    """Sign and natural log of the absolute determinant of a square matrix or a stack of
    them, as NumPy's ``SlogdetResult(sign, logabsdet)`` (JVP: rule).

    d(logabsdet)/da = inv(a).T, finite where ``det`` itself would overflow. ``sign`` is
    piecewise constant: a Tensor with no parents, so its gradient is zero. At a singular
    matrix (sign 0, logabsdet -inf) the derivative raises ``numpy.linalg.LinAlgError``.

    >>> slogdet(Tensor([[-2.0, 0.0], [0.0, 3.0]]))
    SlogdetResult(sign=Tensor(-1.0), logabsdet=Tensor(1.79175947, op=logabsdet))
    """
    s = shape(a)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"slogdet: expected a square matrix or a stack of them, got shape {s}")
    value = data(a)
    sign = library_function(value, np.linalg.slogdet, "slogdet")(value)[0]
    if type(a) is Tensor:  # a plain answer about a traced value: a jit guard
        observe((a,), lambda d: library_function(d, np.linalg.slogdet, "slogdet")(d)[0], sign)
    # Inside vmap the sign is already a (batched) constant value: keep it as it is.
    return SlogdetResult(sign if isinstance(sign, Tensor) else Tensor(sign), apply(logabsdet_p, a))


# --- matrix_power and multi_dot: composites of matmul (and inv) ----------------------------
def matrix_power(a: TensorLike, n: int) -> Tensor:
    """``a`` to the integer power ``n`` (0 gives the identity, a negative power that of
    ``inv(a)``), for a square matrix or a stack of them (JVP: rules of matmul and inv).

    Computed with NumPy's own sequence of products (repeated squaring), so the derivative
    is that of the chain of matmuls: d(a^2) = da a + a da, and so on.

    >>> matrix_power(Tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
    Tensor([[1., 3.],
            [0., 1.]], op=matmul)
    """
    s = shape(a)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"matrix_power: expected a square matrix or a stack of them, got shape {s}")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"matrix_power: exponent must be an integer, got {n!r}")
    t = tensor(a)
    n = int(n)
    if n == 0:  # the identity: no dependence on a, a zero gradient
        return Tensor(np.broadcast_to(_backend.put(t.data, np.eye(s[-1], dtype=t.dtype)), s))
    if n < 0:
        t, n = inv(t), -n
    if n == 1:
        return t
    if n == 2:
        return t @ t
    if n == 3:
        return (t @ t) @ t
    z: Tensor | None = None
    result: Tensor | None = None
    while n > 0:  # NumPy's binary decomposition, product for product
        z = t if z is None else z @ z
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else result @ z
    assert result is not None
    return result


def _chain_order(dims: list[int]) -> list[list[int]]:
    """The optimal parenthesisation (Cormen's matrix-chain DP), as NumPy's multi_dot."""
    k = len(dims) - 1
    cost = [[0] * k for _ in range(k)]
    split = [[0] * k for _ in range(k)]
    for length in range(1, k):
        for i in range(k - length):
            j = i + length
            cost[i][j] = -1
            for m in range(i, j):
                q = cost[i][m] + cost[m + 1][j] + dims[i] * dims[m + 1] * dims[j + 1]
                if cost[i][j] < 0 or q < cost[i][j]:
                    cost[i][j], split[i][j] = q, m
    return split


def multi_dot(arrays: Sequence[TensorLike], *, out: None = None) -> Tensor:
    """The product of two or more matrices in the cheapest order; the first may be a 1-D
    row and the last a 1-D column, as ``np.linalg.multi_dot`` (JVP: rules of matmul).

    The derivative is that of the chain of matmuls: d(A B) = dA B + A dB.

    >>> multi_dot([Tensor([1.0, 2.0]), np.eye(2), Tensor([3.0, 4.0])])
    Tensor(11.0, op=reshape)
    """
    if out is not None:
        raise TypeError("multi_dot: out= is not supported (Tensors are immutable)")
    parts = [tensor(x) for x in arrays]
    if len(parts) < 2:
        raise ValueError("multi_dot: expecting at least two arrays")
    first, last = parts[0].ndim == 1, parts[-1].ndim == 1
    if first:
        parts[0] = ops.reshape_tensor(parts[0], ((1, -1),))
    if last:
        parts[-1] = ops.reshape_tensor(parts[-1], ((-1, 1),))
    for x in parts:
        if x.ndim != 2:
            raise ValueError(f"multi_dot: arrays must be 2-D (the first and last may be 1-D), got shape {x.shape}")
    if len(parts) == 2:
        result = parts[0] @ parts[1]
    else:
        split = _chain_order([parts[0].shape[0]] + [x.shape[1] for x in parts])

        def chain(i: int, j: int) -> Tensor:
            return parts[i] if i == j else chain(i, split[i][j]) @ chain(split[i][j] + 1, j)

        result = chain(0, len(parts) - 1)
    if first and last:
        return ops.reshape_tensor(result, ((),))
    if first or last:
        return ops.reshape_tensor(result, ((-1,),))
    return result
