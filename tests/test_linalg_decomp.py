"""linalg decompositions and solvers: results unpack as NumPy's, the conventions where a
derivative is undefined, and a Gaussian-process marginal likelihood at 400 points."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import Tensor, grad, hessian, jacobian, value_and_grad
from funcgrad.testing import check_grads

la = fnp.linalg


def _spd(n: int, seed: int = 0) -> np.ndarray:
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q @ np.diag(1.0 + 0.5 * np.arange(n)) @ q.T


# --- results unpack as NumPy's named tuples ------------------------------------------------
@pytest.mark.parametrize(
    ("ours", "numpys"),
    [
        (lambda a: la.eigh(a), lambda a: np.linalg.eigh(a)),
        (lambda a: la.svd(a), lambda a: np.linalg.svd(a)),
        (lambda a: la.qr(a), lambda a: np.linalg.qr(a)),
        (lambda a: la.slogdet(a), lambda a: np.linalg.slogdet(a)),
    ],
)
def test_tuple_results_have_numpys_fields_and_values(ours: Any, numpys: Any) -> None:
    a = _spd(3)
    got, want = ours(a), numpys(a)
    assert type(got).__name__ == type(want).__name__ and got._fields == want._fields
    assert len(got) == len(want)
    for mine, theirs in zip(got, want):
        assert isinstance(mine, Tensor)
        np.testing.assert_allclose(mine.data, theirs, rtol=1e-12, atol=1e-12)
    first, *_ = got  # unpacks like a tuple
    assert first is got[0]


def test_eigh_fields_are_named() -> None:
    result = la.eigh(_spd(3))
    assert result.eigenvalues is result[0] and result.eigenvectors is result[1]


def test_lstsq_returns_numpys_tuple_with_a_plain_int_rank() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((5, 2)), rng.standard_normal((5, 3))
    x, residuals, rank, s = la.lstsq(a, b)
    want = np.linalg.lstsq(a, b)
    np.testing.assert_allclose(x.data, want[0], rtol=1e-10)
    np.testing.assert_allclose(residuals.data, want[1], rtol=1e-10)
    assert type(rank) is int and rank == want[2]
    np.testing.assert_allclose(s.data, want[3], rtol=1e-12)


def test_lstsq_of_a_wide_or_rank_deficient_matrix_has_empty_residuals() -> None:
    assert la.lstsq(np.ones((2, 3)), np.ones(2))[1].shape == np.linalg.lstsq(np.ones((2, 3)), np.ones(2))[1].shape == (0,)
    assert la.lstsq(np.ones((3, 2)), np.ones(3))[2] == 1


# --- the triangle read, and the conventions ------------------------------------------------
@pytest.mark.parametrize("op", [lambda a: la.cholesky(a), lambda a: la.eigvalsh(a), lambda a: la.eigh(a)[1] ** 2])
def test_only_the_lower_triangle_gets_a_gradient(op: Any) -> None:
    g = grad(lambda a: fnp.sum(op(a) * np.arange(9.0).reshape(3, 3)[: op(a).shape[0]]), argnums=0)(_spd(3))
    assert np.all(np.triu(g, 1) == 0.0)


@pytest.mark.parametrize("kwargs", [{"UPLO": "U"}])
def test_uplo_u_differentiates_the_upper_triangle(kwargs: dict[str, str]) -> None:
    g = grad(lambda a: fnp.sum(la.eigvalsh(a, **kwargs) ** 3), argnums=0)(_spd(3))
    assert np.all(np.tril(g, -1) == 0.0)


def test_a_symmetric_parameterisation_gets_the_symmetrised_gradient() -> None:
    # K = B + B^T: whichever triangle eigh reads, the total gradient w.r.t. B is the one
    # of the symmetric formula V diag(g) V^T, summed over both uses of B.
    b = np.random.default_rng(2).standard_normal((3, 3))
    weights = np.array([1.0, -2.0, 0.5])
    for uplo in ("L", "U"):
        g = grad(lambda m: fnp.sum(la.eigvalsh(m + m.T, UPLO=uplo) * weights), argnums=0)(b)
        w, v = np.linalg.eigh(b + b.T)
        symmetric = v @ np.diag(weights) @ v.T
        np.testing.assert_allclose(g, symmetric + symmetric.T, rtol=1e-10, atol=1e-12)


def test_repeated_eigenvalues_keep_a_finite_eigenvalue_gradient() -> None:
    a = np.diag([1.0, 1.0, 2.0])
    g = grad(lambda m: fnp.sum(la.eigvalsh(m) ** 2), argnums=0)(a)
    np.testing.assert_allclose(g, np.diag([2.0, 2.0, 4.0]), atol=1e-12)


def test_repeated_eigenvalues_give_a_nonfinite_eigenvector_gradient() -> None:
    # The 1/(w_j - w_i) terms mask only i == j (JAX, autograd): the eigenvectors of a
    # repeated eigenvalue are not unique and their derivative is undefined: inf or NaN.
    a = np.diag([1.0, 1.0, 2.0])
    with np.errstate(invalid="ignore"):  # the NaN is the point: NumPy may warn about it
        g = grad(lambda m: fnp.sum(la.eigh(m)[1] * np.arange(9.0).reshape(3, 3)), argnums=0)(a)
    assert not np.all(np.isfinite(g))


def test_distinct_eigenvalues_give_a_finite_eigenvector_gradient() -> None:
    g = grad(lambda m: fnp.sum(la.eigh(m)[1] ** 2 * np.arange(9.0).reshape(3, 3)), argnums=0)(np.diag([1.0, 1.5, 2.0]))
    assert np.all(np.isfinite(g))


def test_repeated_singular_values_keep_a_finite_singular_value_gradient() -> None:
    g = grad(lambda m: fnp.sum(la.svd(m, compute_uv=False)), argnums=0)(np.eye(3))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)


def test_singular_value_gradient_is_u_vh() -> None:
    a = np.random.default_rng(3).standard_normal((4, 3))
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(grad(lambda m: la.norm(m, "nuc"), argnums=0)(a), u @ vh, rtol=1e-10)


def test_full_svd_extra_columns_projector_has_its_true_derivative() -> None:
    a = np.random.default_rng(4).standard_normal((4, 2))

    def projector(m: Any) -> Any:
        extra = la.svd(m)[0][:, 2:]
        return extra @ extra.T  # I - A pinv(A): a function of A alone

    check_grads(projector, a, order=2)
    np.testing.assert_allclose(projector(a).data, np.eye(4) - a @ np.linalg.pinv(a), atol=1e-12)


@pytest.mark.parametrize("ord", [2, -2, "nuc"])
def test_matrix_norm_of_zero_has_zero_gradient(ord: object) -> None:
    g = grad(lambda m: la.norm(m, ord), argnums=0)(np.zeros((2, 3)))
    np.testing.assert_array_equal(g, np.zeros((2, 3)))


def test_slogdet_sign_has_zero_gradient_and_logabsdet_survives_overflow() -> None:
    a = 10.0 * np.eye(400)  # det = 1e400 overflows; its log does not
    sign, logabsdet = la.slogdet(a)
    assert sign.data == 1.0 and np.isclose(logabsdet.data, 400 * np.log(10.0))
    np.testing.assert_allclose(grad(lambda m: la.slogdet(m)[1], argnums=0)(a), np.eye(400) / 10.0)
    np.testing.assert_array_equal(grad(lambda m: fnp.sum(la.slogdet(m)[0] * m), argnums=0)(-a), np.ones((400, 400)))


def test_singular_matrices_raise_in_slogdet_gradient_and_cholesky() -> None:
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(np.linalg.LinAlgError):
        grad(lambda m: la.slogdet(m)[1], argnums=0)(singular)
    with pytest.raises(np.linalg.LinAlgError):
        la.cholesky(-np.eye(2))


def test_qr_modes() -> None:
    wide, tall = np.random.default_rng(5).standard_normal((2, 3)), np.random.default_rng(6).standard_normal((3, 2))
    np.testing.assert_allclose(la.qr(tall, mode="r").data, np.linalg.qr(tall, mode="r"), atol=1e-12)
    for got, want in zip(la.qr(wide, mode="complete"), np.linalg.qr(wide, mode="complete")):
        np.testing.assert_allclose(got.data, want, atol=1e-12)
    for mode in ("raw", "complete"):
        with pytest.raises(NotImplementedError, match="qr: mode"):
            la.qr(tall, mode=mode)


def test_matrix_power_zero_and_negative() -> None:
    a = _spd(3)
    assert la.matrix_power(a, 0).data.tolist() == np.eye(3).tolist()
    np.testing.assert_array_equal(grad(lambda m: fnp.sum(la.matrix_power(m, 0)), argnums=0)(a), np.zeros((3, 3)))
    np.testing.assert_allclose(la.matrix_power(a, -2).data, np.linalg.matrix_power(a, -2), rtol=1e-12)
    with pytest.raises(TypeError, match="matrix_power: exponent must be an integer"):
        la.matrix_power(a, 1.5)  # type: ignore[arg-type]  # the refusal under test


def test_hermitian_options_are_refused() -> None:
    with pytest.raises(NotImplementedError, match="hermitian"):
        la.svd(np.eye(2), hermitian=True)
    with pytest.raises(NotImplementedError, match="hermitian"):
        la.pinv(np.eye(2), hermitian=True)


# --- batched stacks ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "op",
    [
        lambda a: la.cholesky(a),
        lambda a: la.eigh(a)[0],
        lambda a: la.svd(a, compute_uv=False),
        lambda a: la.qr(a)[1],
        lambda a: la.slogdet(a)[1],
        lambda a: la.pinv(a),
        lambda a: la.matrix_power(a, 3),
    ],
)
def test_a_stack_gives_each_matrix_its_own_result_and_jacobian(op: Any) -> None:
    stack = np.stack([_spd(3, seed=k) for k in range(2)])
    batched = jacobian(op, argnums=0)(stack)
    for k in range(2):
        np.testing.assert_allclose(op(stack)[k].data, op(stack[k]).data, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(batched[k, ..., k, :, :], jacobian(op, argnums=0)(stack[k]), rtol=1e-8, atol=1e-10)


def test_eigh_hessian_is_symmetric() -> None:
    h = hessian(lambda m: fnp.sum(la.eigvalsh(m + m.T) ** 3), argnums=0)(np.random.default_rng(8).standard_normal((3, 3)))
    np.testing.assert_allclose(h.reshape(9, 9), h.reshape(9, 9).T, atol=1e-8)


# --- a Gaussian-process fit at 400 points --------------------------------------------------
def _gp_data(n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(0.0, 10.0, n))
    return x, np.sin(x) + 0.1 * rng.standard_normal(n)


X, Y = _gp_data()
SQDIST = (X[:, None] - X[None, :]) ** 2


def _kernel(log_params: Any) -> Any:
    lengthscale2, signal, noise = fnp.exp(2.0 * log_params[0]), fnp.exp(log_params[1]), fnp.exp(log_params[2])
    return signal * fnp.exp(-0.5 * SQDIST / lengthscale2) + noise * np.eye(len(X))


def _nll_cholesky(log_params: Any) -> Any:
    """-log p(y | X, params): 0.5 y^T K^-1 y + sum(log diag L) + n/2 log(2 pi)."""
    chol = la.cholesky(_kernel(log_params))
    alpha = la.solve(chol, Y)  # L^-1 y, so y^T K^-1 y = |alpha|^2
    return 0.5 * fnp.sum(alpha * alpha) + fnp.sum(fnp.log(fnp.einsum("ii->i", chol))) + 0.5 * len(X) * np.log(2 * np.pi)


def _nll_slogdet(log_params: Any) -> Any:
    k = _kernel(log_params)
    return 0.5 * fnp.dot(Y, la.solve(k, Y)) + 0.5 * la.slogdet(k)[1] + 0.5 * len(X) * np.log(2 * np.pi)


def _reference_nll(log_params: np.ndarray) -> float:
    ell2, sf2, sn2 = np.exp(2 * log_params[0]), np.exp(log_params[1]), np.exp(log_params[2])
    k = sf2 * np.exp(-0.5 * SQDIST / ell2) + sn2 * np.eye(len(X))
    sign, logdet = np.linalg.slogdet(k)
    assert sign > 0
    return float(0.5 * Y @ np.linalg.solve(k, Y) + 0.5 * logdet + 0.5 * len(X) * np.log(2 * np.pi))


@pytest.mark.parametrize("nll", [_nll_cholesky, _nll_slogdet])
def test_gaussian_process_likelihood_at_400_points_is_finite_and_matches_finite_differences(nll: Any) -> None:
    log_params = np.log(np.array([1.0, 1.0, 0.01]))  # log lengthscale, log signal variance, log noise variance
    value, g = value_and_grad(nll, argnums=0)(log_params)
    assert np.isfinite(value.data) and np.all(np.isfinite(g))
    np.testing.assert_allclose(value.data, _reference_nll(log_params), rtol=1e-10)
    step = 1e-5
    fd = np.array([(_reference_nll(log_params + step * e) - _reference_nll(log_params - step * e)) / (2 * step) for e in np.eye(3)])
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-6 * np.max(np.abs(fd)))
