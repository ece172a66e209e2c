"""funcgrad.scipy: the conventions of docs/scipy.md, and behaviour the gradient table
does not reach (missing derivatives, supports, symmetry, odeint). The guard for a
missing SciPy is in tests/test_scipy_extra.py."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("scipy")

import scipy.special as sc  # noqa: E402

import funcgrad.numpy as fnp  # noqa: E402
import funcgrad.scipy.special as fsp  # noqa: E402
from funcgrad import Tensor, grad, hessian, jacfwd, jvp  # noqa: E402
from funcgrad.scipy import linalg, stats  # noqa: E402
from funcgrad.scipy.integrate import odeint  # noqa: E402
from funcgrad.scipy.signal import convolve  # noqa: E402
from funcgrad.testing import check_grads  # noqa: E402


def test_xlogy_is_zero_at_zero_zero_with_zero_gradients() -> None:
    assert fsp.xlogy(0.0, 0.0).data == 0.0
    assert grad(lambda x, y: fsp.xlogy(x, y))(0.0, 0.0) == (0.0, 0.0)
    assert grad(lambda x, y: fsp.xlog1py(x, y))(0.0, -1.0) == (0.0, 0.0)


def test_xlogy_at_zero_x_has_the_exact_derivatives() -> None:
    gx, gy = grad(lambda x, y: fsp.xlogy(x, y))(0.0, 2.0)
    assert gx == pytest.approx(np.log(2.0)) and gy == 0.0
    gx, gy = grad(lambda x, y: fsp.xlog1py(x, y))(0.0, 1.0)
    assert gx == pytest.approx(np.log(2.0)) and gy == 0.0


def test_xlogy_second_derivatives_stay_finite_at_zero() -> None:
    h = hessian(lambda v: fsp.xlogy(v[0], v[1]))(np.array([0.0, 0.0]))
    assert np.all(np.isfinite(h))


@pytest.mark.parametrize(
    ("fn", "argument"),
    [
        (lambda n, x: fsp.jn(n, x), "'n'"),
        (lambda n, x: fsp.yn(n, x), "'n'"),
        (lambda n, x: fsp.iv(n, x), "'v'"),
        (lambda n, x: fsp.ive(n, x), "'v'"),
        (lambda n, x: fsp.polygamma(n, x), "'n'"),
        (lambda a, x: fsp.gammainc(a, x), "'a'"),
        (lambda a, x: fsp.gammaincc(a, x), "'a'"),
        (lambda a, x: fsp.betainc(a, 2.0, x), "'a'"),
        (lambda df, x: stats.t.cdf(x, df), "'df'"),
        (lambda k, mu: stats.poisson.logpmf(k, mu), "'k'"),
    ],
)
def test_a_missing_derivative_raises_naming_the_function_and_argument(fn: object, argument: str) -> None:
    with pytest.raises(NotImplementedError, match=argument):
        grad(fn, argnums=0)(2.0, 0.5)  # type: ignore[arg-type]  # a lambda of two floats
    with pytest.raises(NotImplementedError, match=argument):
        jvp(fn, (2.0, 0.5), (1.0, 0.0))  # type: ignore[arg-type]  # forward mode too


def test_the_other_argument_still_differentiates_when_the_order_is_constant() -> None:
    g = grad(lambda x: fsp.jn(2, x), argnums=0)(1.5)
    assert g == pytest.approx(0.5 * (sc.jv(1, 1.5) - sc.jv(3, 1.5)))


def test_an_integer_order_keeps_float32() -> None:
    x = np.float32([0.5, 1.5])
    for op in (fsp.jn, fsp.yn, fsp.polygamma, fsp.iv):
        assert op(2, x).dtype == np.float32
    assert stats.norm.logpdf(x).dtype == np.float32
    assert stats.chi2.logpdf(x, 3.0).dtype == np.float32


def test_special_functions_differentiate_to_third_order() -> None:
    check_grads(lambda x: fsp.gammaln(x) + fsp.erf(x) * fsp.i1(x), np.array([0.7, 1.3]), order=3)


def test_logsumexp_is_stable_and_drops_zero_weights() -> None:
    assert fsp.logsumexp(np.array([1000.0, 1000.0])).data == pytest.approx(1000.0 + np.log(2.0))
    g = grad(lambda a: fsp.logsumexp(a, b=np.array([1.0, 0.0])), argnums=0)(np.array([0.0, 0.0]))
    np.testing.assert_allclose(g, [1.0, 0.0])
    gb = grad(lambda b: fsp.logsumexp(np.array([0.0, 0.0]), b=b), argnums=0)(np.array([1.0, 0.0]))
    np.testing.assert_allclose(gb, [1.0, 1.0])  # exp(a - out): finite at the zero weight
    big = fsp.logsumexp(np.array([1000.0, 999.0]), b=np.array([0.5, 2.0]))
    assert big.data == pytest.approx(sc.logsumexp([1000.0, 999.0], b=[0.5, 2.0]))


def test_outside_the_support_values_match_scipy_and_gradients_are_zero() -> None:
    import scipy.stats as st

    x = np.array([-1.0, 0.5, 2.0])
    np.testing.assert_array_equal(stats.beta.logpdf(x, 2.0, 2.0).data, st.beta.logpdf(x, 2.0, 2.0))
    np.testing.assert_allclose(stats.beta.cdf(x, 2.0, 2.0).data, st.beta.cdf(x, 2.0, 2.0))
    np.testing.assert_array_equal(stats.gamma.logpdf(x - 1.0, 2.0).data, st.gamma.logpdf(x - 1.0, 2.0))
    g = grad(lambda x: fnp.sum(stats.beta.pdf(x, 2.0, 2.0)), argnums=0)(x)
    assert g[0] == 0.0 and g[2] == 0.0 and np.isfinite(g).all()
    np.testing.assert_array_equal(stats.poisson.logpmf(np.array([1.5, -1.0]), 2.0).data, [-np.inf, -np.inf])


def test_cholesky_gradient_is_symmetric() -> None:
    a = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
    w = np.arange(9.0).reshape(3, 3)
    for lower in (False, True):
        g = grad(lambda a: fnp.sum(linalg.cholesky(a, lower=lower) * w), argnums=0)(a)
        np.testing.assert_allclose(g, g.T, atol=1e-12)


def test_cho_factor_rejects_a_matrix_that_is_not_positive_definite() -> None:
    with pytest.raises(np.linalg.LinAlgError, match="cho_factor"):
        linalg.cho_factor(np.array([[1.0, 2.0], [2.0, 1.0]]))


def test_sqrtm_refuses_a_matrix_without_a_real_root() -> None:
    with pytest.raises(ValueError, match="sqrtm"):
        linalg.sqrtm(np.array([[-1.0, 0.0], [0.0, 1.0]]))


def test_multivariate_normal_matches_scipy_for_scalar_and_vector_cov() -> None:
    import scipy.stats as st

    x = np.array([[0.3, -0.2], [1.0, 0.5]])
    for cov in (2.0, np.array([1.0, 3.0])):
        np.testing.assert_allclose(
            stats.multivariate_normal.logpdf(x, np.zeros(2), cov).data, st.multivariate_normal.logpdf(x, np.zeros(2), cov)
        )


def test_convolve_valid_mode_refuses_inputs_neither_larger() -> None:
    with pytest.raises(ValueError, match="valid"):
        convolve(np.ones((2, 3)), np.ones((3, 2)), mode="valid")


def test_convolve_jacobian_in_forward_mode_matches_reverse() -> None:
    k = np.array([1.0, -2.0, 0.5])
    from funcgrad import jacobian

    f = lambda x: convolve(x, k, mode="same")  # noqa: E731
    x = np.array([0.5, 1.0, -1.0, 2.0])
    np.testing.assert_allclose(jacfwd(f)(x), jacobian(f)(x))


def test_wrong_arity_is_a_type_error_naming_the_function() -> None:
    with pytest.raises(TypeError, match="xlogy"):
        fsp.xlogy(Tensor([1.0]))  # type: ignore[call-arg]  # on purpose


def _dynamics(y: object, t: object, w: object, b: object) -> object:
    return fnp.tanh(fnp.matmul(w, y) + b) * fnp.cos(t)  # type: ignore[arg-type, operator]  # Tensors at run time


ODE = (np.array([0.5, 1.0]), np.array([0.0, 0.5, 1.2]), np.array([[0.2, -0.5], [0.4, 0.1]]), np.array([0.1, -0.3]))


def test_odeint_matches_scipy() -> None:
    import scipy.integrate as si

    y0, t, w, b = ODE
    want = si.odeint(lambda y, s: np.tanh(w @ y + b) * np.cos(s), y0, t, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(odeint(_dynamics, y0, t, (w, b)).data, want, rtol=1e-8)


def test_odeint_adjoint_gradients_match_finite_differences_in_y0_t_and_args() -> None:
    check_grads(lambda y0, t, w, b: odeint(_dynamics, y0, t, (w, b)), *ODE, order=1, modes=("rev",))


def test_odeint_jacobian_stacks_one_adjoint_per_row() -> None:
    from funcgrad import jacobian

    y0, t, w, b = ODE
    jac = jacobian(lambda y0: odeint(_dynamics, y0, t, (w, b)))(y0)
    assert jac.shape == (3, 2, 2)
    np.testing.assert_allclose(jac[0], np.eye(2), atol=1e-8)  # y(t0) = y0


def test_odeint_refuses_forward_mode_and_second_derivatives() -> None:
    y0, t, w, b = ODE
    with pytest.raises(NotImplementedError, match="odeint"):
        jvp(lambda y0: odeint(_dynamics, y0, t, (w, b)), (y0,), (y0,))
    with pytest.raises(NotImplementedError, match="odeint"):
        hessian(lambda y0: fnp.sum(odeint(_dynamics, y0, t, (w, b))))(y0)
