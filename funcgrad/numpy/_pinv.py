"""pinv (a primitive) and lstsq (pinv applied to b), differentiable to any order.

The rule is Golub and Pereyra's derivative of the pseudo-inverse, valid where the rank
is locally constant (always for a full-rank matrix):
dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from funcgrad import _backend
from funcgrad._core_ops import _swap_last as swap
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, observe
from funcgrad.numpy._decomp import svd
from funcgrad.numpy._linalg import library_function
from funcgrad.numpy._reduce import sum as rsum
from funcgrad.numpy._util import data, shape, tensor


def _pinv_impl(a: Any, rcond: Optional[float] = None, rtol: Optional[float] = None) -> Any:
    if type(a) is np.ndarray:
        return np.linalg.pinv(a, rcond=rcond) if rtol is None else np.linalg.pinv(a, rtol=rtol)
    # Another library's pinv (CuPy's) takes the cutoff as rcond alone, with a default of
    # its own: NumPy's cutoff, spelled out (rtol, else rcond, else max(M, N) * eps).
    pinv_function = library_function(a, np.linalg.pinv, "pinv")
    cutoff = rtol if rtol is not None else rcond
    if cutoff is None:
        cutoff = max(a.shape[-2:]) * float(np.finfo(a.dtype).eps)
    return pinv_function(a, rcond=cutoff)


def _pinv_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # The transpose of the JVP: -P^T g P^T + (I - A P) g^T P P^T + P^T P g^T (I - P A).
    a = xs[0]
    pt, gt = swap(out), swap(c)
    x2 = gt @ (out @ pt)
    x3 = (pt @ out) @ gt
    return -(pt @ c @ pt) + (x2 - a @ (out @ x2)) + (x3 - (x3 @ out) @ a)


def _pinv_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    a = xs[0]
    pt, ct = swap(out), swap(c)
    y2 = out @ (pt @ ct)
    y3 = ct @ (pt @ out)
    return -(out @ c @ out) + (y2 - (y2 @ a) @ out) + (y3 - out @ (a @ y3))


pinv_p = Primitive("pinv", _pinv_impl, vjp=_pinv_vjp, jvp=_pinv_jvp)


def pinv(a: TensorLike, rcond: Optional[float] = None, hermitian: bool = False, *, rtol: Optional[float] = None) -> Tensor:
    """Moore-Penrose pseudo-inverse of a matrix or a stack of them, singular values below
    ``rcond`` (or ``rtol``) times the largest cut off, as ``np.linalg.pinv`` (JVP: rule).

    dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P, the derivative where the
    rank does not change (a full-rank matrix); at a rank change it is undefined.
    ``hermitian=True`` is refused (the general path gives the same value).

    >>> pinv(Tensor([[2.0, 0.0], [0.0, 0.0]]))
    Tensor([[0.5, 0. ],
            [0. , 0. ]], op=pinv)
    """
    if hermitian:
        raise NotImplementedError("pinv: hermitian=True is not supported; hermitian=False gives the same value")
    if len(shape(a)) < 2:
        raise ValueError(f"pinv: expected a matrix or a stack of them, got shape {shape(a)}")
    cutoff = {k: float(v) for k, v in (("rcond", rcond), ("rtol", rtol)) if v is not None}
    return apply(pinv_p, a, **cutoff)


def lstsq(a: TensorLike, b: TensorLike, rcond: Optional[float] = None) -> tuple[Tensor, Tensor, int, Tensor]:
    """Least-squares solution of ``a @ x = b`` as ``np.linalg.lstsq``: ``(x, residuals,
    rank, s)`` (JVP: rules of pinv, matmul and svd).

    ``x = pinv(a) @ b`` (the minimum-norm solution): d(x) = d(pinv(a)) b + pinv(a) db,
    defined where ``a`` has full rank; ``residuals`` (squared 2-norms of ``b - a @ x`` per column, empty unless ``a`` is
    tall with full rank) and ``s`` (singular values of ``a``) are differentiable too, and
    ``rank`` is a plain int. ``rcond`` as NumPy: None is machine precision times
    ``max(M, N)``.

    >>> x, residuals, rank, s = lstsq(Tensor([[1.0], [1.0]]), Tensor([1.0, 3.0]))
    >>> x, residuals, rank
    (Tensor([2.], op=matmul), Tensor([2.], op=reshape), 1)
    """
    a_shape, b_shape = shape(a), shape(b)
    if len(a_shape) != 2 or len(b_shape) not in (1, 2) or b_shape[0] != a_shape[0]:
        raise ValueError(f"lstsq: expected a of shape (M, N) and b of shape (M,) or (M, K), got {a_shape} and {b_shape}")
    ta = tensor(a)
    tb = tensor(b)
    m, n = a_shape
    eps = float(np.finfo(ta.dtype).eps)
    cut = eps * max(m, n) if rcond is None else (eps if rcond < 0 else float(rcond))
    if type(ta.data) is not np.ndarray:  # x is pinv(a) @ b: refuse a library without pinv first
        library_function(ta.data, np.linalg.pinv, "lstsq")
    rank = int(library_function(ta.data, np.linalg.lstsq, "lstsq")(data(ta), data(tb), rcond=cut)[2])
    observe((ta, tb), lambda A, B: int(library_function(A, np.linalg.lstsq, "lstsq")(A, B, rcond=cut)[2]), rank)  # a jit guard
    x = pinv(ta, rcond=cut) @ tb
    if rank == n and m > n:
        r = tb - ta @ x
        residuals = rsum(r * r, 0)
        if len(b_shape) == 1:
            residuals = residuals.reshape((1,))
    else:
        residuals = Tensor(_backend.zeros(x.data, (0,), x.dtype))
    s = svd(ta, compute_uv=False)
    return x, residuals, rank, s
