"""Matrix decompositions: cholesky, eigh, eigvalsh, svd, qr, differentiable to any order.

A decomposition with several outputs (``eigh``, ``svd``, ``qr``) is ONE primitive whose
value packs the outputs along its last axis (each output's matrix axes flattened, batch
axes shared): one factorization, one rule per mode that sees every output and every
output's cotangent at once. The public wrapper slices the parts back out (getitem then
reshape, both differentiable), so an unused output simply sends a zero cotangent. See
docs/design.md, "Operations with several outputs".

Symmetric input: ``cholesky`` and ``eigh`` read only one triangle of ``a`` (NumPy hands
LAPACK the lower one, or the upper with ``UPLO='U'``), so their derivative is the true
one of that function: zero for the entries of the other triangle, and the symmetric
gradient folded onto the triangle read. For a symmetric ``a`` built from parameters the
chain rule gives the same total as the usual symmetrised convention.
"""

from __future__ import annotations

import math
from typing import Any, Literal, NamedTuple, Sequence, Union, cast, overload

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._core_ops import _swap_last as swap
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad._typing import Array
from funcgrad.numpy._linalg import each_matrix, inv_p, library_function
from funcgrad.numpy._shape import join
from funcgrad.numpy._util import data, shape, tensor

Cores = tuple[tuple[int, ...], ...]


# --- several outputs packed into one value --------------------------------------------------
def _pack_arrays(parts: Sequence[Any], batch: tuple[int, ...]) -> Any:
    return np.concatenate([np.reshape(p, batch + (-1,)) for p in parts], axis=-1)


def _unpack(v: Value, cores: Cores) -> list[Value]:
    """The parts of a packed value (its leading axes, batch ones included, kept)."""
    parts: list[Value] = []
    start = 0
    for core in cores:
        size = math.prod(core)
        piece = bind(ops.getitem_p, v, index=(Ellipsis, slice(start, start + size)))
        parts.append(ops.reshape(piece, v.shape[:-1] + core))
        start += size
    return parts


def _pack(parts: Sequence[Value], cores: Cores) -> Value:
    """The packed value of parts that carry the same leading axes before their cores."""
    flat = [ops.reshape(p, p.shape[: p.ndim - len(core)] + (-1,)) for p, core in zip(parts, cores)]
    return join(flat, flat[0].ndim - 1)


def _split(packed: Tensor, cores: Cores) -> tuple[Tensor, ...]:
    return tuple(cast(Tensor, part) for part in _unpack(packed, cores))


def _zero(v: Value) -> bool:
    """Whether a cotangent is exactly zero (an output nobody used): its terms are skipped,
    as autograd does, so a degenerate spectrum spoils only gradients that need it."""
    return ops.nowhere(data(v))  # duck data: every term (the answer would be a computation)


# --- helpers the rules share ---------------------------------------------------------------
def _square(a: TensorLike, op: str) -> tuple[int, ...]:
    s = shape(a)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"{op}: expected a square matrix or a stack of them, got shape {s}")
    return s


def _matrix(a: TensorLike, op: str) -> tuple[int, ...]:
    s = shape(a)
    if len(s) < 2:
        raise ValueError(f"{op}: expected a matrix or a stack of them, got shape {s}")
    return s


# Identities and masks are NumPy constants moved to the data's library (a no-op for NumPy).
def _eye(n: int, like: Value) -> Array:
    d = data(like)
    eye: Array = _backend.put(d, np.eye(n, dtype=d.dtype))
    return eye


def _strict(n: int, upper: bool, like: Value) -> Array:
    d = data(like)
    ones = np.ones((n, n), dtype=d.dtype)
    mask: Array = _backend.put(d, np.triu(ones, 1) if upper else np.tril(ones, -1))
    return mask


def _symmetric_from(t: Value, strict: Array) -> Value:
    """A perturbation of the triangle a factorization reads, as the symmetric matrix it means."""
    low = t * strict
    return low + swap(low) + t * _eye(t.shape[-1], t)


def _onto_triangle(g: Value, strict: Array) -> Value:
    """The gradient ``g`` (for symmetric perturbations) of the entries of that triangle:
    the transpose of ``_symmetric_from``."""
    return (g + swap(g)) * strict + g * _eye(g.shape[-1], g)


def _diag(v: Value) -> Value:
    """``diag(v)`` for a (batched) vector: matrices with ``v`` on their diagonals."""
    n = v.shape[-1]
    return ops.reshape(v, v.shape[:-1] + (1, n)) * _eye(n, v)


def _diagonal(m: Value) -> Value:
    return ops.sum(m * _eye(m.shape[-1], m), (m.ndim - 1,))


def _row(v: Value) -> Value:
    return ops.reshape(v, v.shape[:-1] + (1, v.shape[-1]))


def _col(v: Value) -> Value:
    return ops.reshape(v, v.shape[:-1] + (v.shape[-1], 1))


def _gaps(w: Value, squared: bool) -> Value:
    """``F[i, j] = 1 / (w_j - w_i)`` (or ``1 / (w_j**2 - w_i**2)``) with ``F[i, i] = 0``,
    as JAX and autograd compute it: ``1 / (d + I) - I``. A repeated value gives an
    infinite entry: the eigenvector (singular vector) gradient is undefined there."""
    row, col = _row(w), _col(w)
    d = (row + col) * (row - col) if squared else row - col
    eye = _eye(w.shape[-1], w)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1.0 / (d + eye) - eye


# --- cholesky ---------------------------------------------------------------------------------
def _phi(n: int, like: Value) -> Array:
    """The lower triangle with a halved diagonal, as a mask."""
    d = data(like)
    mask: Array = _backend.put(d, np.tril(np.ones((n, n), dtype=d.dtype)) - 0.5 * np.eye(n, dtype=d.dtype))
    return mask


def _cholesky_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # dL = L phi(L^-1 dA L^-T) for symmetric dA; its transpose is L^-T phi(L^T g) L^-1.
    n = out.shape[-1]
    l_inv = bind(inv_p, out)
    g = swap(l_inv) @ ((swap(out) @ c) * _phi(n, out)) @ l_inv
    return _onto_triangle(g, _strict(n, False, out))


def _cholesky_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    n = out.shape[-1]
    l_inv = bind(inv_p, out)
    return out @ ((l_inv @ _symmetric_from(c, _strict(n, False, out)) @ swap(l_inv)) * _phi(n, out))


def _cholesky_impl(a: Any) -> Any:
    return library_function(a, np.linalg.cholesky, "cholesky")(a)


cholesky_p = Primitive("cholesky", _cholesky_impl, vjp=_cholesky_vjp, jvp=_cholesky_jvp)


def cholesky(a: TensorLike, /, *, upper: bool = False) -> Tensor:
    """The Cholesky factor ``L`` (lower, ``a = L L^T``) of a symmetric positive definite
    matrix or a stack of them; ``upper=True`` gives ``L^T`` (JVP: rule).

    NumPy reads only the lower triangle of ``a`` (the upper one with ``upper=True``), and
    so does the derivative: dL = L phi(L^-1 dA L^-T) with dA the symmetric matrix the
    triangle's perturbation means and phi the lower triangle with a halved diagonal; the
    other triangle's entries get a zero gradient. A matrix that is not positive definite
    raises ``numpy.linalg.LinAlgError``.

    >>> cholesky(Tensor([[4.0, 2.0], [2.0, 2.0]]))
    Tensor([[2., 0.],
            [1., 1.]], op=cholesky)
    """
    _square(a, "cholesky")
    if upper:  # the upper triangle of a is the lower one of a.T
        return cast(Tensor, swap(apply(cholesky_p, swap(tensor(a)))))
    return apply(cholesky_p, a)


# --- eigh -------------------------------------------------------------------------------------
class EighResult(NamedTuple):
    eigenvalues: Tensor
    eigenvectors: Tensor


def _eigh_impl(a: Any, UPLO: Any, cores: Cores) -> Any:
    w, v = library_function(a, np.linalg.eigh, "eigh")(a, UPLO=UPLO)
    return _pack_arrays((w, v), a.shape[:-2])


def _eigh_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # A = V diag(w) V^T: g_A = V (diag(g_w) + F * (V^T g_V)) V^T, F[i, j] = 1/(w_j - w_i).
    cores = p["cores"]
    w, v = _unpack(out, cores)
    gw, gv = _unpack(c, cores)
    inner = _diag(gw)
    if not _zero(gv):
        inner = inner + _gaps(w, False) * (swap(v) @ gv)
    return _onto_triangle(v @ inner @ swap(v), _strict(w.shape[-1], p["UPLO"] == "U", w))


def _eigh_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # dw = diag(V^T dA V), dV = V (F * (V^T dA V)).
    cores = p["cores"]
    w, v = _unpack(out, cores)
    s = swap(v) @ _symmetric_from(c, _strict(w.shape[-1], p["UPLO"] == "U", w)) @ v
    return _pack([_diagonal(s), v @ (_gaps(w, False) * s)], cores)


eigh_p = Primitive("eigh", _eigh_impl, vjp=_eigh_vjp, jvp=_eigh_jvp)


def eigh(a: TensorLike, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix or a stack
    of them, ``(eigenvalues, eigenvectors)`` as NumPy's ``EighResult`` (JVP: rule).

    Only the triangle ``UPLO`` names is read, and differentiated. d(w) = diag(V^T dA V) and
    dV = V (F * (V^T dA V)) with ``F[i, j] = 1/(w_j - w_i)``, ``F[i, i] = 0``. Where two
    eigenvalues are equal the eigenvectors are not unique and their derivative is
    undefined: the gradient through the eigenvectors is then inf or NaN (as in JAX and
    autograd), while that through the eigenvalues alone stays finite.

    >>> w, v = eigh(Tensor([[2.0, 0.0], [0.0, 1.0]]))
    >>> w
    Tensor([1., 2.], op=reshape)
    """
    s = _square(a, "eigh")
    if UPLO not in ("L", "U"):
        raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
    n = s[-1]
    cores: Cores = ((n,), (n, n))
    w, v = _split(apply(eigh_p, a, UPLO=UPLO, cores=cores), cores)
    return EighResult(w, v)


def eigvalsh(a: TensorLike, UPLO: str = "L") -> Tensor:
    """Eigenvalues (ascending) of a symmetric matrix or a stack of them: ``eigh(a)[0]``
    (JVP: rule of eigh). d/dA = V diag(g) V^T on the triangle ``UPLO`` names; finite at
    repeated eigenvalues.

    >>> eigvalsh(Tensor([[2.0, 1.0], [1.0, 2.0]]))
    Tensor([1., 3.], op=reshape)
    """
    return eigh(a, UPLO)[0]


# --- svd --------------------------------------------------------------------------------------
class SVDResult(NamedTuple):
    U: Tensor
    S: Tensor
    Vh: Tensor


def _svd_impl(a: Any, full_matrices: bool, cores: Cores) -> Any:
    if type(a) is not np.ndarray and _backend.name(a) == "dask":
        u, s, vh = each_matrix(lambda one: _dask_svd(one, full_matrices), a)
    else:
        u, s, vh = library_function(a, np.linalg.svd, "svd")(a, full_matrices=full_matrices)
    return _pack_arrays((u, s, vh), a.shape[:-2])


def _dask_svd(a: Any, full_matrices: bool) -> Any:
    """Dask's SVD of one matrix, with NumPy's signs (not Dask's coerced ones). Dask has no
    full U (Vh) for a non-square matrix: its extra columns (any orthonormal basis of the
    complement, which the rules allow) are the leading singular vectors of the projector
    I - U U^T onto that complement."""
    svd_function = _backend.function(a, np.linalg.svd, "linalg.svd", "funcgrad.numpy.linalg.svd")
    m, n = a.shape[-2:]
    if not full_matrices or m == n:
        return svd_function(a, coerce_signs=False)
    if m < n:  # a.T = U' S Vh' gives a = Vh'^T S U'^T
        u_t, s, vh_t = _dask_svd(a.T, True)
        return vh_t.T, s, u_t.T
    u, s, vh = svd_function(a, coerce_signs=False)
    projector = _backend.put(a, np.eye(m, dtype=a.dtype)) - u @ u.T
    complement = svd_function(projector, coerce_signs=False)[0][:, : m - n]
    return np.concatenate([u, complement], axis=-1), s, vh


def _cols(v: Value, start: int, stop: int) -> Value:
    return bind(ops.getitem_p, v, index=(Ellipsis, slice(start, stop)))


def _rows(v: Value, start: int, stop: int) -> Value:
    return bind(ops.getitem_p, v, index=(Ellipsis, slice(start, stop), slice(None)))


def _join(a: Value, b: Value, axis: int) -> Value:
    return join([a, b], a.ndim + axis)


# With full_matrices=True a non-square matrix has extra columns U_p of U (rows Vh_p of
# Vh): any orthonormal basis of a complement. By convention they turn only as much as
# they must to stay orthogonal to the others (U_p^T dU_p = 0), which gives
# dU_p = -U S^-1 V^T dA^T U_p and dV_p = -V S^-1 U^T dA V_p. Functions that do not
# depend on the choice of basis (U_p U_p^T) get their true derivative.
def _svd_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    cores = p["cores"]
    u_full, s, vh_full = _unpack(out, cores)
    gu_full, gs, gvh_full = _unpack(c, cores)
    m, k, n = u_full.shape[-2], s.shape[-1], vh_full.shape[-1]
    u, vh = _cols(u_full, 0, k), _rows(vh_full, 0, k)
    z = _diag(gs)
    if _zero(gu_full) and _zero(gvh_full):  # S alone: U diag(g) Vh
        return u @ z @ vh
    gu, gvh = _cols(gu_full, 0, k), _rows(gvh_full, 0, k)
    v, gv = swap(vh), swap(gvh)
    row, col = _row(s), _col(s)
    f = _gaps(s, True)  # F[i, j] = 1 / (s_j^2 - s_i^2)
    j, kk = f * (swap(u) @ gu), f * (vh @ gv)
    g = u @ (z + (j + swap(j)) * row + col * (kk + swap(kk))) @ vh
    if m > k:
        g = g + ((gu - u @ (swap(u) @ gu)) / row) @ vh
        if u_full.shape[-1] > k:
            up, gup = _cols(u_full, k, m), _cols(gu_full, k, m)
            g = g - up @ ((swap(gup) @ u) / row) @ vh
    if n > k:
        g = g + u @ (swap(gv - v @ (vh @ gv)) / col)
        if vh_full.shape[-2] > k:
            vhp, gvhp = _rows(vh_full, k, n), _rows(gvh_full, k, n)
            g = g - u @ ((vh @ swap(gvhp)) / col) @ vhp
    return g


def _svd_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    cores = p["cores"]
    u_full, s, vh_full = _unpack(out, cores)
    m, k, n = u_full.shape[-2], s.shape[-1], vh_full.shape[-1]
    u, vh = _cols(u_full, 0, k), _rows(vh_full, 0, k)
    v = swap(vh)
    ds = swap(u) @ c @ v
    f, row, col = _gaps(s, True), _row(s), _col(s)
    du: Value = u @ (f * (ds * row + col * swap(ds)))
    dvh: Value = swap(v @ (f * (col * ds + swap(ds) * row)))
    if m > k:
        cv = c @ v
        du = du + (cv - u @ (swap(u) @ cv)) / row
        if u_full.shape[-1] > k:
            up = _cols(u_full, k, m)
            du = _join(du, -(u @ ((vh @ swap(c) @ up) / col)), -1)
    if n > k:
        ctu = swap(c) @ u
        dvh = dvh + swap((ctu - v @ (vh @ ctu)) / row)
        if vh_full.shape[-2] > k:
            vp = swap(_rows(vh_full, k, n))
            dvh = _join(dvh, swap(-(v @ ((swap(u) @ c @ vp) / col))), -2)
    return _pack([du, _diagonal(ds), dvh], cores)


svd_p = Primitive("svd", _svd_impl, vjp=_svd_vjp, jvp=_svd_jvp)


@overload
def svd(a: TensorLike, full_matrices: bool = ..., compute_uv: Literal[True] = ..., hermitian: bool = ...) -> SVDResult: ...
@overload
def svd(a: TensorLike, full_matrices: bool, compute_uv: Literal[False], hermitian: bool = ...) -> Tensor: ...
@overload
def svd(a: TensorLike, full_matrices: bool = ..., *, compute_uv: Literal[False], hermitian: bool = ...) -> Tensor: ...
@overload
def svd(a: TensorLike, full_matrices: bool = ..., compute_uv: bool = ..., hermitian: bool = ...) -> Union[SVDResult, Tensor]: ...
def svd(
    a: TensorLike, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False
) -> Union[SVDResult, Tensor]:
    """Singular value decomposition ``a = U diag(S) Vh`` of a matrix or a stack of them, as
    NumPy's ``SVDResult(U, S, Vh)``; ``compute_uv=False`` gives ``S`` alone (JVP: rule).

    d(S) = diag(U^T dA V), so the gradient of ``S`` alone is ``U diag(g) Vh``, finite
    whatever the singular values. Through ``U`` and ``Vh`` (JAX's formulas) the factors
    F[i, j] = 1/(s_j^2 - s_i^2) (F[i, i] = 0) and, for a rectangular matrix, 1/s make
    the gradient inf or NaN at repeated (or zero) singular values, where the vectors are
    not unique. With ``full_matrices=True`` a non-square matrix's extra columns of U (rows
    of Vh) are any basis of a complement; by convention they turn only as much as they
    must to stay orthogonal to the others (U_p^T dU_p = 0), so functions that do not
    depend on that basis (``U_p @ U_p.T``) get their true derivative. ``hermitian=True``
    is refused.

    >>> svd(Tensor([[3.0, 0.0], [0.0, -2.0]]), compute_uv=False)
    Tensor([3., 2.], op=reshape)
    """
    if hermitian:
        raise NotImplementedError("svd: hermitian=True is not supported; the general SVD (hermitian=False) has the same values")
    s = _matrix(a, "svd")
    m, n = s[-2:]
    k = min(m, n)
    full = bool(full_matrices) and compute_uv
    cores: Cores = ((m, m if full else k), (k,), (n if full else k, n))
    parts = _split(apply(svd_p, a, full_matrices=full, cores=cores), cores)
    return SVDResult(*parts) if compute_uv else parts[1]


# --- qr ---------------------------------------------------------------------------------------
class QRResult(NamedTuple):
    Q: Tensor
    R: Tensor


def _qr_impl(a: Any, cores: Cores) -> Any:
    q, r = library_function(a, np.linalg.qr, "qr")(a)
    return _pack_arrays((q, r), a.shape[:-2])


def _qr_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # The transpose of the JVP below: with B = Q^T g_Q - g_R R^T and
    # C = tril(B - B^T, -1) - B, g_A = (g_Q + Q C) R^-T.
    cores = p["cores"]
    q, r = _unpack(out, cores)
    gq, gr = _unpack(c, cores)
    b = swap(q) @ gq - gr @ swap(r)
    cc = (b - swap(b)) * _strict(r.shape[-1], False, r) - b
    return (gq + q @ cc) @ swap(bind(inv_p, r))


def _qr_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # j-towns.github.io/papers/qr-derivative.pdf (as JAX): X = dA R^-1, M = Q^T X,
    # omega = tril(M, -1) - tril(M, -1)^T; dQ = Q (omega - M) + X, dR = (M - omega) R.
    cores = p["cores"]
    q, r = _unpack(out, cores)
    x = c @ bind(inv_p, r)
    mm = swap(q) @ x
    low = mm * _strict(r.shape[-1], False, r)
    omega = low - swap(low)
    return _pack([q @ (omega - mm) + x, (mm - omega) @ r], cores)


qr_p = Primitive("qr", _qr_impl, vjp=_qr_vjp, jvp=_qr_jvp)


@overload
def qr(a: TensorLike, mode: Literal["reduced", "complete"] = ...) -> QRResult: ...
@overload
def qr(a: TensorLike, mode: Literal["r"]) -> Tensor: ...
@overload
def qr(a: TensorLike, mode: str = ...) -> Union[QRResult, Tensor]: ...
def qr(a: TensorLike, mode: str = "reduced") -> Union[QRResult, Tensor]:
    """QR decomposition ``a = Q R`` of a matrix or a stack of them, as NumPy's
    ``QRResult(Q, R)`` (JVP: rule).

    Modes: ``'reduced'`` (the default), ``'r'`` (R alone), and ``'complete'`` where it is
    the reduced one (``m <= n``). ``'complete'`` for ``m > n`` (its extra columns are not
    unique) and ``'raw'`` raise NotImplementedError. For ``m >= n``, with X = dA R^-1,
    M = Q^T X and omega = tril(M, -1) - tril(M, -1)^T: d(Q) = Q (omega - M) + X and
    d(R) = (M - omega) R; a wide matrix ``[X | Y]`` is ``Q [R_X | Q^T Y]`` with ``Q R_X``
    the QR of its square part. R must be invertible (full column rank).

    >>> q, r = qr(Tensor([[3.0, 0.0], [4.0, 5.0]]))
    >>> np.abs(r.data)  # the signs of R's rows (Q's columns) are LAPACK's choice
    array([[5., 4.],
           [0., 3.]])
    """
    s = _matrix(a, "qr")
    m, n = s[-2:]
    if mode == "raw" or (mode == "complete" and m > n) or mode not in ("reduced", "r", "complete", "raw"):
        raise NotImplementedError(f"qr: mode={mode!r} is not supported for shape {s}; use 'reduced' or 'r'")
    t = tensor(a)
    if m >= n:
        cores: Cores = ((m, n), (n, n))
        q, r = _split(apply(qr_p, t, cores=cores), cores)
    else:
        square = t[..., :m]
        q, r_square = _split(apply(qr_p, square, cores=((m, m), (m, m))), ((m, m), (m, m)))
        r = cast(Tensor, join([r_square, cast(Tensor, swap(q)) @ t[..., m:]], len(s) - 1))
    return r if mode == "r" else QRResult(q, r)
