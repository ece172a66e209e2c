"""SciPy's linear algebra: solve_triangular, cholesky (behind cho_factor), expm,
solve_sylvester and sqrtm are primitives; cho_solve is composed of solve_triangular.

Every rule is written with these primitives, matmul and slicing, so each differentiates
again: the Frechet derivative of expm is expm of a block matrix, the derivatives of
sqrtm and solve_sylvester are Sylvester solves. Rules keep leading batch axes on the
cotangent (tangent): the primitives solve for a stack of right-hand sides at once.
"""

from __future__ import annotations

import importlib
from typing import Any, Union

import numpy as np
import scipy.linalg as sl

from funcgrad import _backend, _core_ops as ops
from funcgrad._core_ops import _swap_last as swap_last
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad._typing import Array
from funcgrad.numpy._shape import join
from funcgrad.numpy._util import data, lead, shape


def _dtype(*xs: Any) -> Any:
    dtype = np.result_type(*[x.dtype if hasattr(x, "dtype") else np.result_type(x) for x in xs])
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def _scipy(x: Any, name: str) -> Any:
    """SciPy's ``scipy.linalg.<name>`` in the library of ``x`` (``cupyx.scipy.linalg``),
    or a TypeError naming the public op and what the library lacks."""
    return _backend.function(x, getattr(sl, name), f"scipy.linalg.{name}", f"funcgrad.scipy.linalg.{name}")


def _host(b: Any) -> Any:
    """``b`` as an array: a duck array stays in its library."""
    return b if type(b) is np.ndarray or _backend.is_duck(b) else np.asarray(b)


def _square(a: TensorLike, op: str, name: str = "a") -> int:
    s = shape(a)
    if len(s) != 2 or s[0] != s[1]:
        raise ValueError(f"{op}: {name} must be a square matrix, got shape {s}")
    return int(s[0])


def _stack_solve(solve: Any, b: Any, rows: int) -> Any:
    """``solve(B)`` for B of shape (rows, k), applied to b of shape (..., rows, k): the
    leading axes become columns, so one call solves them all."""
    batch = b.shape[:-2]
    k = b.shape[-1]
    moved = np.moveaxis(b, -2, 0).reshape(rows, -1)
    x = solve(moved).reshape((rows,) + batch + (k,))
    return np.moveaxis(x, 0, -2)


# --- solve_triangular ------------------------------------------------------------------------
def _triangle(n: int, lower: bool, unit_diagonal: bool, dtype: Any) -> Any:
    """1 on the entries solve_triangular reads, 0 elsewhere."""
    ones = np.ones((n, n), dtype=dtype)
    mask = np.tril(ones, -1 if unit_diagonal else 0) if lower else np.triu(ones, 1 if unit_diagonal else 0)
    return mask


def _solve_triangular_impl(a: Any, b: Any, trans: int, lower: bool, unit_diagonal: bool) -> Any:
    n = a.shape[0]
    dtype = _dtype(a, b)
    if _backend.name(a) == "dask" or _backend.name(b) == "dask":
        return _dask_solve_triangular(a, b, trans, lower, unit_diagonal).astype(dtype, copy=False)
    solve_triangular_ = _scipy(b if _backend.is_duck(b) else a, "solve_triangular")

    def solve(m: Any) -> Any:
        return solve_triangular_(a, m, trans=trans, lower=lower, unit_diagonal=unit_diagonal)

    return _stack_solve(solve, _host(b), n).astype(dtype, copy=False)


def _dask_solve_triangular(a: Any, b: Any, trans: int, lower: bool, unit_diagonal: bool) -> Any:
    """SciPy's solve_triangular with Dask's (which takes only ``lower``): the transpose
    is the other triangle's solve, a unit diagonal is put in place of the diagonal, and
    a stack of right-hand sides (..., n, k) becomes columns. Dask's blocked solve needs
    square blocks: a matrix without them is taken as one block."""
    da: Any = importlib.import_module("dask.array")  # Dask's data: Dask is installed
    if trans:
        a, lower = a.T, not lower
    if unit_diagonal:
        n = a.shape[0]
        a = a * _backend.put(a, 1.0 - np.eye(n, dtype=a.dtype)) + _backend.put(a, np.eye(n, dtype=a.dtype))
    a = da.asarray(a)
    n = a.shape[0]
    if a.chunks[0] != a.chunks[1]:  # Dask's blocked solve needs square blocks: else one block
        a = a.rechunk((n, n))
    rows = a.chunks[0]
    return _stack_solve(lambda m: da.linalg.solve_triangular(a, m.rechunk((rows, -1)), lower=lower), da.asarray(b), n)


def _tri_solve(a: Operand, b: Value, p: Params, trans: int) -> Value:
    return bind(solve_triangular_p, a, b, trans=trans, lower=p["lower"], unit_diagonal=p["unit_diagonal"])


def _effective(a: Operand, m: Value, p: Params) -> Value:
    """The part of ``m`` on the entries of ``a`` the solve reads."""
    mask: Array = _backend.put(data(m), _triangle(np.shape(data(a))[0], p["lower"], p["unit_diagonal"], data(m).dtype))
    return m * mask


def _solve_triangular_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # x = op(T)^-1 b with op(T) = T or T.T: b's cotangent is op(T)^-T c, and T's is
    # -gb x^T (or its transpose when op is the transpose), on T's triangle only.
    gb = _tri_solve(xs[0], c, p, 1 - p["trans"])
    if i == 1:
        return gb
    ga = -(gb @ swap_last(out))
    return _effective(xs[0], ga if p["trans"] == 0 else swap_last(ga), p)


def _solve_triangular_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    if i == 1:
        return _tri_solve(xs[0], c, p, p["trans"])
    da = _effective(xs[0], c, p)
    return -_tri_solve(xs[0], (da if p["trans"] == 0 else swap_last(da)) @ out, p, p["trans"])


solve_triangular_p = Primitive(
    "solve_triangular", _solve_triangular_impl, vjp=_solve_triangular_vjp, jvp=_solve_triangular_jvp
)

_TRANS = {0: 0, "N": 0, 1: 1, "T": 1, 2: 1, "C": 1}


def solve_triangular(
    a: TensorLike,
    b: TensorLike,
    trans: Union[int, str] = 0,
    lower: bool = False,
    unit_diagonal: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
) -> Tensor:
    """``x`` with ``op(a) @ x == b``, ``a`` triangular (only its ``lower`` or upper
    triangle is read; its diagonal taken as ones with ``unit_diagonal``), ``op`` the
    identity (``trans=0``/``'N'``) or the transpose (1, ``'T'``, and ``'C'`` for real a).

    With ``x`` the solution: d/db = op(a)^-T g, d/da = -(d/db) x^T (transposed for
    ``trans``) on the triangle read, 0 elsewhere (JVP: rule).

    >>> solve_triangular(Tensor([[2.0, 0.0], [1.0, 1.0]]), Tensor([2.0, 3.0]), lower=True)
    Tensor([1., 2.], op=reshape)
    """
    n = _square(a, "solve_triangular")
    if trans not in _TRANS:
        raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got {trans!r}")
    b_shape = shape(b)
    if len(b_shape) not in (1, 2) or b_shape[0] != n:
        raise ValueError(f"solve_triangular: b of shape {b_shape} does not fit a of shape {(n, n)}")
    vector = len(b_shape) == 1
    column = fnp_reshape(b, (n, 1)) if vector else b
    x = apply(solve_triangular_p, a, column, trans=_TRANS[trans], lower=bool(lower), unit_diagonal=bool(unit_diagonal))
    return fnp_reshape(x, (n,)) if vector else x


def fnp_reshape(x: TensorLike, new_shape: tuple[int, ...]) -> Tensor:
    return apply(ops.reshape_p, x, shape=new_shape)


# --- cholesky, cho_factor, cho_solve -----------------------------------------------------------
def _cholesky_impl(a: Any) -> Any:
    try:
        if type(a) is np.ndarray or not _backend.is_duck(a):
            return np.linalg.cholesky(a)
        cholesky_ = _backend.function(a, np.linalg.cholesky, "linalg.cholesky", "funcgrad.scipy.linalg.cholesky")
        # Dask's cholesky gives the upper factor unless told (np.linalg.cholesky on Dask
        # data forwards to it and is silently transposed)
        if _backend.name(a) != "dask":
            return cholesky_(a)
        if len(set(a.chunks[0] + a.chunks[1])) != 1:  # Dask's blocked cholesky: square blocks only
            a = a.rechunk(a.shape)
        return cholesky_(a, lower=True)
    except np.linalg.LinAlgError as error:
        raise np.linalg.LinAlgError(f"cho_factor: the matrix is not positive definite ({error})") from None


def _phi(m: Value) -> Value:
    """The lower triangle of ``m`` with its diagonal halved."""
    n = m.shape[-1]
    weights: Array = _backend.put(data(m), (np.tril(np.ones((n, n)), -1) + 0.5 * np.eye(n)).astype(data(m).dtype))
    return m * weights


def _sym(m: Value) -> Value:
    return 0.5 * (m + swap_last(m))


def _lower_solve(l: Operand, m: Value, trans: int) -> Value:
    return bind(solve_triangular_p, l, m, trans=trans, lower=True, unit_diagonal=False)


def _cholesky_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # a = L L^T: a's cotangent is sym(L^-T phi(L^T c) L^-1) (Murray 2016), symmetric:
    # the gradient of a function of a symmetric matrix, whichever triangle was read.
    inner = _lower_solve(out, _phi(swap_last(out) @ c), 1)  # L^-T phi(L^T c)
    return _sym(swap_last(_lower_solve(out, swap_last(inner), 1)))  # ... L^-1


def _cholesky_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # dL = L phi(L^-1 sym(da) L^-T)
    left = _lower_solve(out, _sym(c), 0)  # L^-1 da
    both = swap_last(_lower_solve(out, swap_last(left), 0))  # L^-1 da L^-T (da symmetric)
    return out @ _phi(both)


cholesky_p = Primitive("cholesky", _cholesky_impl, vjp=_cholesky_vjp, jvp=_cholesky_jvp)


def cholesky(a: TensorLike, lower: bool = False) -> Tensor:
    """The Cholesky factor of a symmetric positive definite ``a``: ``L`` with
    ``a = L L^T`` (``lower=True``) or ``U = L^T`` with ``a = U^T U`` (the default, as SciPy).

    d/da = sym(L^-T phi(L^T g) L^-1), phi the lower triangle with its diagonal halved:
    a symmetric gradient, whichever triangle SciPy would read (JVP: rule).

    >>> cholesky(Tensor([[4.0, 2.0], [2.0, 2.0]]), lower=True)
    Tensor([[2., 0.],
            [1., 1.]], op=cholesky)
    """
    _square(a, "cholesky")
    factor = apply(cholesky_p, a)
    return factor if lower else apply(ops.transpose_p, factor, axes=(1, 0))


def cho_factor(
    a: TensorLike, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> tuple[Tensor, bool]:
    """``(c, lower)``: the Cholesky factor in ``c`` for ``cho_solve``. Unlike SciPy's, the
    triangle ``c`` does not use holds zeros, not leftovers of ``a``.

    d/da as for ``cholesky``: symmetric (JVP: rule).

    >>> c, low = cho_factor(Tensor([[4.0, 2.0], [2.0, 2.0]]))
    >>> c, low
    (Tensor([[2., 1.],
            [0., 1.]], op=transpose), False)
    """
    return cholesky(a, lower=lower), bool(lower)


def cho_solve(
    c_and_lower: tuple[TensorLike, bool], b: TensorLike, overwrite_b: bool = False, check_finite: bool = True
) -> Tensor:
    """``x`` with ``a @ x == b`` from ``cho_factor(a)``: two triangular solves.

    d/db = a^-1 g; d/dc through both solves, on c's triangle only (JVP: derived from
    solve_triangular's rules: a composite).

    >>> cho_solve(cho_factor(Tensor([[4.0, 2.0], [2.0, 2.0]])), Tensor([2.0, 2.0]))
    Tensor([0., 1.], op=reshape)
    """
    c, lower = c_and_lower
    if lower:
        return solve_triangular(c, solve_triangular(c, b, lower=True), trans=1, lower=True)
    return solve_triangular(c, solve_triangular(c, b, trans=1, lower=False), lower=False)


# --- expm: the Frechet derivative is a block of expm([[A, E], [0, A]]) ------------------------
def _expm_impl(a: Any) -> Any:
    return _host(_scipy(a, "expm")(a)).astype(_dtype(a), copy=False)


def _frechet(a: Value, e: Value) -> Value:
    """The Frechet derivative of expm at ``a`` in direction ``e`` (``e`` may carry
    leading batch axes): the upper right block of expm([[a, e], [0, a]])."""
    n = a.shape[-1]
    k = e.ndim
    a_b = ops.broadcast_to(a, e.shape)
    zero = _backend.zeros(data(e), e.shape, data(e).dtype)
    top = join([a_b, e], k - 1)
    bottom = join([zero, a_b], k - 1)
    block = bind(expm_p, join([top, bottom], k - 2))
    return bind(ops.getitem_p, block, index=(Ellipsis, slice(0, n), slice(n, 2 * n)))


expm_p = Primitive(
    "expm",
    _expm_impl,
    vjp=lambda c, out, xs, p, i: _frechet(swap_last(xs[0]), c),  # type: ignore[arg-type]  # a is an array or Tensor
    jvp=lambda c, out, xs, p, i: _frechet(xs[0], c),  # type: ignore[arg-type]  # a is an array or Tensor
)


def expm(A: TensorLike) -> Tensor:
    """The matrix exponential (stacks of matrices too, as SciPy).

    d expm(A) in direction E is the upper right block of expm([[A, E], [0, A]]); the VJP
    is that derivative at A^T in direction g (JVP: rule).

    >>> expm(Tensor([[0.0, 0.0], [0.0, 0.0]]))
    Tensor([[1., 0.],
            [0., 1.]], op=expm)
    """
    s = shape(A)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"expm: A must be square in its last two axes, got shape {s}")
    return apply(expm_p, A)


# --- solve_sylvester and sqrtm ------------------------------------------------------------------
def _solve_sylvester_impl(a: Any, b: Any, q: Any) -> Any:
    dtype = _dtype(a, b, q)
    solve_sylvester_ = _scipy(next((x for x in (q, a, b) if _backend.is_duck(x)), a), "solve_sylvester")
    q = np.asarray(q)
    out = np.empty(q.shape, dtype=np.float64)
    for index in np.ndindex(q.shape[:-2]):  # a stack of right-hand sides (rules' batch axes)
        out[index] = solve_sylvester_(a, b, q[index])
    return out.astype(dtype, copy=False)


def _sylvester(a: Operand, b: Operand, q: Value) -> Value:
    return bind(solve_sylvester_p, a, b, q)


def _solve_sylvester_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # a x + x b = q: q's cotangent solves a^T y + y b^T = c; a's is -y x^T, b's -x^T y.
    gq = _sylvester(swap_last(xs[0]), swap_last(xs[1]), c)  # type: ignore[arg-type]  # array or Tensor
    if i == 2:
        return gq
    return -(gq @ swap_last(out)) if i == 0 else -(swap_last(out) @ gq)


def _solve_sylvester_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    rhs = c if i == 2 else (-(c @ out) if i == 0 else -(out @ c))
    return _sylvester(xs[0], xs[1], rhs)


solve_sylvester_p = Primitive("solve_sylvester", _solve_sylvester_impl, vjp=_solve_sylvester_vjp, jvp=_solve_sylvester_jvp)


def solve_sylvester(a: TensorLike, b: TensorLike, q: TensorLike) -> Tensor:
    """``x`` with ``a @ x + x @ b == q``.

    d/dq solves a^T y + y b^T = g; d/da = -y x^T, d/db = -x^T y (JVP: rule).

    >>> solve_sylvester(Tensor([[1.0, 0.0], [0.0, 2.0]]), np.eye(2), Tensor([[2.0, 0.0], [0.0, 3.0]]))
    Tensor([[1., 0.],
            [0., 1.]], op=solve_sylvester)
    """
    n = _square(a, "solve_sylvester", "a")
    m = _square(b, "solve_sylvester", "b")
    if shape(q) != (n, m):
        raise ValueError(f"solve_sylvester: q must have shape {(n, m)}, got {shape(q)}")
    return apply(solve_sylvester_p, a, b, q)


def _sqrtm_impl(a: Any) -> Any:
    root = _scipy(a, "sqrtm")(a)
    if np.iscomplexobj(root):
        if np.max(np.abs(np.imag(root)), initial=0.0) > 1e-8 * max(1.0, float(np.max(np.abs(root), initial=0.0))):
            raise ValueError("sqrtm: the matrix has no real square root (a negative eigenvalue)")
        root = np.real(root)
    return np.asarray(root).astype(_dtype(a), copy=False)


def _sqrtm_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    st = swap_last(out)  # x x = a: x dx + dx x = da, so the VJP solves x^T y + y x^T = g
    return _sylvester(st, st, c)


sqrtm_p = Primitive("sqrtm", _sqrtm_impl, vjp=_sqrtm_vjp, jvp=lambda c, out, xs, p, i: _sylvester(out, out, c))


def sqrtm(A: TensorLike) -> Tensor:
    """The principal matrix square root ``X`` (``X @ X == A``), real: a matrix with a
    negative eigenvalue raises ValueError.

    dX solves X dX + dX X = dA; the VJP solves X^T Y + Y X^T = g (JVP: rule).

    >>> sqrtm(Tensor([[4.0, 0.0], [0.0, 9.0]]))
    Tensor([[2., 0.],
            [0., 3.]], op=sqrtm)
    """
    _square(A, "sqrtm", "A")
    return apply(sqrtm_p, A)


# --- solve_banded: rules move between banded storage and dense matrices by gathers -------------
def _solve_banded_impl(ab: Any, b: Any, l: int, u: int) -> Any:
    n = ab.shape[1]
    solve_banded_ = _scipy(b if _backend.is_duck(b) else ab, "solve_banded")

    def solve(m: Any) -> Any:
        return solve_banded_((l, u), ab, m)

    return _stack_solve(solve, _host(b), n).astype(_dtype(ab, b), copy=False)


def _gather(x: Value, rows: Any, cols: Any, valid: Any) -> Value:
    """``x[..., rows, cols]`` where ``valid``, 0 elsewhere (the indices there are clipped)."""
    picked = bind(ops.getitem_p, x, index=(Ellipsis, rows, cols))
    mask: Array = _backend.put(data(x), valid.astype(data(x).dtype))
    return picked * mask


def _band_to_dense(ab: Value, l: int, u: int) -> Value:
    """A[i, j] = ab[u + i - j, j] on the band, 0 off it."""
    n = ab.shape[-1]
    i, j = np.indices((n, n))
    r = u + i - j
    return _gather(ab, np.clip(r, 0, l + u), j, (r >= 0) & (r <= l + u))


def _dense_to_band(m: Value, l: int, u: int) -> Value:
    """ab[r, j] = M[r - u + j, j] for the rows of the band that exist, 0 elsewhere."""
    n = m.shape[-1]
    r, j = np.indices((l + u + 1, n))
    i = r - u + j
    return _gather(m, np.clip(i, 0, n - 1), j, (i >= 0) & (i < n))


def _banded_transpose(ab: Operand, l: int, u: int) -> Value:
    """The banded storage of A^T, with (u, l) bands: abT[r, j] = ab[u + l - r, r - l + j]."""
    n = np.shape(data(ab))[-1]
    r, j = np.indices((l + u + 1, n))
    c = r - l + j
    return _gather(ab, u + l - r, np.clip(c, 0, n - 1), (c >= 0) & (c < n))  # type: ignore[arg-type]  # ab is an array or Tensor here


def _solve_banded_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    l, u = p["l"], p["u"]
    gb = bind(solve_banded_p, _banded_transpose(xs[0], l, u), c, l=u, u=l)
    if i == 1:
        return gb
    return -_dense_to_band(gb @ swap_last(out), l, u)


def _solve_banded_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    l, u = p["l"], p["u"]
    rhs = c if i == 1 else -(_band_to_dense(c, l, u) @ out)
    return bind(solve_banded_p, xs[0], rhs, l=l, u=u)


solve_banded_p = Primitive("solve_banded", _solve_banded_impl, vjp=_solve_banded_vjp, jvp=_solve_banded_jvp)


def solve_banded(
    l_and_u: tuple[int, int],
    ab: TensorLike,
    b: TensorLike,
    overwrite_ab: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
) -> Tensor:
    """``x`` with ``A @ x == b``, ``A`` banded with ``(l, u)`` sub- and superdiagonals held
    in ``ab`` as SciPy stores them (``A[i, j] == ab[u + i - j, j]``).

    d/db = A^-T g (a banded solve with the storage of A^T), d/dab = -(d/db) x^T on the
    band, in banded storage (JVP: rule).

    >>> solve_banded((1, 1), Tensor([[0.0, 1.0], [2.0, 2.0], [1.0, 0.0]]), Tensor([3.0, 3.0]))
    Tensor([1., 1.], op=reshape)
    """
    l, u = (int(v) for v in l_and_u)
    ab_shape = shape(ab)
    if l < 0 or u < 0 or len(ab_shape) != 2 or ab_shape[0] != l + u + 1:
        raise ValueError(f"solve_banded: ab must have l + u + 1 = {l + u + 1} rows for (l, u) = {(l, u)}, got shape {ab_shape}")
    n = ab_shape[1]
    b_shape = shape(b)
    if len(b_shape) not in (1, 2) or b_shape[0] != n:
        raise ValueError(f"solve_banded: b of shape {b_shape} does not fit ab of shape {ab_shape}")
    vector = len(b_shape) == 1
    x = apply(solve_banded_p, ab, fnp_reshape(b, (n, 1)) if vector else b, l=l, u=u)
    return fnp_reshape(x, (n,)) if vector else x
