"""Behaviour of the breadth ops: the conventions at their kinks (docs/ops.md), exactness
where it matters, and what the non-differentiable helpers and constructors return.

Expected values are derived by hand or from NumPy, never read off funcgrad.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import Tensor, grad, hessian, jacfwd, jacobian, jvp


def _g(fn, x):  # type: ignore[no-untyped-def]
    return grad(lambda a: fnp.sum(fn(a)), argnums=0)(x)


# --- conventions -----------------------------------------------------------------------
@pytest.mark.parametrize("op", [fnp.fmax, fnp.fmin])
def test_fmax_and_fmin_split_a_tie_in_half(op: object) -> None:
    gx, gy = grad(lambda a, b: fnp.sum(op(a, b)))(np.array([2.0, 2.0]), np.array([2.0, 2.0]))  # type: ignore[operator]
    np.testing.assert_array_equal(gx, [0.5, 0.5])
    np.testing.assert_array_equal(gy, [0.5, 0.5])


@pytest.mark.parametrize("op", [fnp.fmax, fnp.fmin])
def test_fmax_and_fmin_ignore_a_nan_in_value_and_gradient(op: object) -> None:
    x, y = np.array([np.nan, 1.0, np.nan]), np.array([3.0, np.nan, np.nan])
    value = op(x, y)  # type: ignore[operator]
    np.testing.assert_array_equal(value.data, [3.0, 1.0, np.nan])
    gx, gy = grad(lambda a, b: fnp.sum(op(a, b)))(x, y)  # type: ignore[operator]
    np.testing.assert_array_equal(gx, [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(gy, [1.0, 0.0, 0.0])


@pytest.mark.parametrize("op", [fnp.mod, fnp.remainder, lambda a, b: a % b])
def test_mod_has_slope_one_and_minus_floor_at_its_jumps_too(op: object) -> None:
    x, y = np.array([6.0, -1.0, 7.0, -6.0]), np.array([3.0, 3.0, 2.0, 4.0])
    gx, gy = grad(lambda a, b: fnp.sum(op(a, b)))(x, y)  # type: ignore[operator]
    np.testing.assert_array_equal(gx, [1.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(gy, [-2.0, 1.0, -3.0, 2.0])  # -floor(x / y); 6/3 is a jump


def test_tensor_mod_operators_match_numpy_and_differentiate_both_sides() -> None:
    t = Tensor(np.array([7.0, -1.0]))
    np.testing.assert_array_equal((t % 3.0).data, np.mod([7.0, -1.0], 3.0))
    np.testing.assert_array_equal((10.0 % Tensor(np.array([3.0, 4.0]))).data, [1.0, 2.0])
    g = grad(lambda y: fnp.sum(10.0 % y), argnums=0)(np.array([3.0, 4.0]))
    np.testing.assert_array_equal(g, [-3.0, -2.0])


@pytest.mark.parametrize("op", [fnp.floor, fnp.ceil, fnp.rint, fnp.trunc, fnp.fix, fnp.round, fnp.around])
def test_piecewise_constant_ops_are_tensors_with_zero_gradient_jumps_included(op: object) -> None:
    x = np.array([-1.0, -0.5, 0.0, 0.5, 1.3])
    out = op(Tensor(x))  # type: ignore[operator]
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(_g(op, x), np.zeros(5))


def test_floor_divide_has_zero_gradient_at_and_between_jumps() -> None:
    gx, gy = grad(lambda a, b: fnp.sum(fnp.floor_divide(a, b)))(np.array([6.0, 7.0]), np.array([3.0, 2.0]))
    np.testing.assert_array_equal(gx, [0.0, 0.0])
    np.testing.assert_array_equal(gy, [0.0, 0.0])


def test_nan_to_num_gradient_is_zero_at_replaced_entries_and_one_elsewhere() -> None:
    x = np.array([1.0, np.nan, np.inf, -np.inf, -2.0])
    out = fnp.nan_to_num(x, nan=7.0, posinf=8.0, neginf=-8.0)
    np.testing.assert_array_equal(out.data, [1.0, 7.0, 8.0, -8.0, -2.0])
    np.testing.assert_array_equal(_g(fnp.nan_to_num, x), [1.0, 0.0, 0.0, 0.0, 1.0])


def test_sinc_at_zero_has_derivative_zero_and_finite_higher_derivatives() -> None:
    d = lambda f: grad(lambda a: fnp.sum(f(a)), argnums=0)  # noqa: E731
    x = np.array([0.0])
    assert d(fnp.sinc)(x)[0] == 0.0
    np.testing.assert_allclose(d(d(fnp.sinc))(x), [-math.pi**2 / 3], rtol=1e-12)
    np.testing.assert_allclose(d(d(d(fnp.sinc)))(x), [0.0], atol=1e-12)
    np.testing.assert_allclose(d(d(d(d(fnp.sinc))))(x), [math.pi**4 / 5], rtol=1e-12)  # 4! pi^4 / 5!
    np.testing.assert_allclose(hessian(lambda a: fnp.sum(fnp.sinc(a)))(x), [[-math.pi**2 / 3]], rtol=1e-12)
    assert jvp(fnp.sinc, (x,), (np.array([1.0]),))[1][0] == 0.0


def test_sinc_derivative_is_continuous_across_the_series_boundary() -> None:
    below, above = _g(fnp.sinc, np.array([1.0 - 1e-9])), _g(fnp.sinc, np.array([1.0 + 1e-9]))
    np.testing.assert_allclose(below, [-1.0], rtol=1e-7)  # d/dx sinc at 1 = cos(pi)/1 - 0
    np.testing.assert_allclose(above, [-1.0], rtol=1e-7)


def test_hypot_at_the_origin_has_zero_gradient() -> None:
    gx, gy = grad(lambda a, b: fnp.sum(fnp.hypot(a, b)))(np.array([0.0, 3.0]), np.array([0.0, 4.0]))
    np.testing.assert_array_equal(gx, [0.0, 0.6])
    np.testing.assert_array_equal(gy, [0.0, 0.8])


def test_cumprod_gradient_is_exact_with_zeros_in_both_modes() -> None:
    x = np.array([2.0, 0.0, 3.0, 0.0, 5.0])
    # out = [2, 0, 0, 0, 0]: d out_0 = [1, ...]; d out_1..4 / d x_1 = 2, 2*3, 0, 0; rest 0
    want = np.array([[1, 0, 0, 0, 0], [0, 2, 0, 0, 0], [0, 6, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]], dtype=float)
    want[3, 3] = 2 * 0 * 3  # a second zero: d out_3 / d x_3 = x0 x1 x2 = 0
    np.testing.assert_array_equal(jacobian(fnp.cumprod)(x), want)
    np.testing.assert_array_equal(jacfwd(fnp.cumprod)(x), want)
    h = hessian(lambda a: fnp.sum(fnp.cumprod(a)))(np.array([2.0, 0.0, 3.0]))
    np.testing.assert_array_equal(h, [[0.0, 4.0, 0.0], [4.0, 0.0, 2.0], [0.0, 2.0, 0.0]])


def test_nansum_and_nanmean_give_zero_gradient_at_nan_entries() -> None:
    x = np.array([1.0, np.nan, 3.0])
    np.testing.assert_array_equal(_g(fnp.nansum, x), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(_g(fnp.nanmean, x), [0.5, 0.0, 0.5])
    assert fnp.nanmean(x).data == 2.0


# --- exactness and stability -----------------------------------------------------------
def test_average_is_differentiable_in_values_and_weights() -> None:
    a, w = np.array([1.0, 3.0]), np.array([3.0, 1.0])
    ga, gw = grad(lambda x, v: fnp.average(x, weights=v))(a, w)
    np.testing.assert_allclose(ga, w / 4.0)
    np.testing.assert_allclose(gw, (a - 1.5) / 4.0)
    avg, total = fnp.average(np.ones((2, 3)), axis=1, weights=np.array([1.0, 2.0, 3.0]), returned=True)
    np.testing.assert_array_equal(total.data, [6.0, 6.0])
    with pytest.raises(ZeroDivisionError, match="weights sum to zero"):
        fnp.average(a, weights=np.array([1.0, -1.0]))


def test_log10_and_log2_match_numpy_to_the_last_bit() -> None:
    x = np.array([1000.0, 1e-3, 8.0, 7.0])
    np.testing.assert_array_equal(fnp.log10(x).data, np.log10(x))
    np.testing.assert_array_equal(fnp.log2(x).data, np.log2(x))


def test_logaddexp_is_finite_for_large_inputs() -> None:
    gx, gy = grad(lambda a, b: fnp.sum(fnp.logaddexp(a, b)))(np.array([1000.0]), np.array([1000.0]))
    assert fnp.logaddexp(1000.0, 1000.0).data == 1000.0 + math.log(2.0)
    np.testing.assert_allclose([gx[0], gy[0]], [0.5, 0.5])


def test_gradient_is_numpys_stencil_and_its_jacobian_is_linear() -> None:
    f = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    for spacing in (0.5, np.array([0.0, 0.5, 1.5, 1.7, 3.0]), np.arange(5.0) * 0.25):
        for kwargs in ({}, {"edge_order": 2}):
            np.testing.assert_allclose(fnp.gradient(f, spacing, **kwargs).data, np.gradient(f, spacing, **kwargs), rtol=1e-14)
            stencil = np.stack([np.gradient(e, spacing, **kwargs) for e in np.eye(5)], axis=1)
            np.testing.assert_allclose(jacobian(lambda x: fnp.gradient(x, spacing, **kwargs))(f), stencil, rtol=1e-14)
    parts = fnp.gradient(np.arange(12.0).reshape(3, 4) ** 2)
    assert isinstance(parts, tuple) and len(parts) == 2


def test_linspace_is_differentiable_in_start_and_stop() -> None:
    gs, ge = grad(lambda s, e: fnp.sum(fnp.linspace(s, e, num=5)))(np.array(0.0), np.array(1.0))
    assert (gs, ge) == (2.5, 2.5)  # sum of 1 - k/4 and of k/4 over k = 0..4
    np.testing.assert_array_equal(fnp.linspace(Tensor(np.array(0.0)), 1.0, num=5).data, np.linspace(0.0, 1.0, num=5))


# --- what the plain helpers and constructors return ---------------------------------------
def test_constructors_return_writable_plain_arrays_as_autograd() -> None:
    for made in (fnp.zeros(3), fnp.ones((2, 2)), fnp.eye(2), fnp.identity(2), fnp.arange(3), fnp.zeros_like(Tensor([1.0])), fnp.full(2, 1.0)):
        assert type(made) is np.ndarray and made.flags.writeable
    assert fnp.zeros_like(Tensor(np.ones(2, dtype=np.float32))).dtype == np.float32
    assert (fnp.pi, fnp.e, fnp.newaxis) == (np.pi, np.e, None) and np.isinf(fnp.inf) and np.isnan(fnp.nan)


def test_full_with_a_tensor_fill_value_is_differentiable() -> None:
    assert grad(lambda v: fnp.sum(fnp.full((2, 3), v)), argnums=0)(np.array(1.0)) == 6.0


def test_non_differentiable_helpers_read_traced_values_inside_a_transform() -> None:
    seen = {}

    def f(x: Tensor) -> Tensor:
        seen["argmax"] = fnp.argmax(x)
        seen["isnan"] = fnp.isnan(x)
        seen["shape"] = fnp.shape(x)
        return x[fnp.argmax(x)] * 2.0

    g = grad(f, argnums=0)(np.array([1.0, 5.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 2.0, 0.0])
    assert seen["argmax"] == 1 and seen["shape"] == (3,)
    assert type(seen["isnan"]) is np.ndarray and seen["isnan"].dtype == bool


def test_where_with_the_condition_alone_is_nonzero_and_keywords_work() -> None:
    result = fnp.where(Tensor([0.0, 2.0, 3.0]))
    assert isinstance(result, tuple)
    np.testing.assert_array_equal(result[0], [1, 2])
    assert result[0].dtype.kind == "i"
    np.testing.assert_array_equal(fnp.where(np.array([True, False]), x=Tensor([1.0, 2.0]), y=0.0).data, [1.0, 0.0])
    with pytest.raises(ValueError, match="both or neither"):
        fnp.where(np.array([True]), 1.0)


def test_complex_faces_on_real_input_and_complex_input_refused() -> None:
    x = np.array([-2.0, 3.0])
    np.testing.assert_array_equal(_g(fnp.real, x), [1.0, 1.0])
    np.testing.assert_array_equal(_g(fnp.imag, x), [0.0, 0.0])
    np.testing.assert_array_equal(_g(fnp.angle, x), [0.0, 0.0])
    np.testing.assert_array_equal(fnp.angle(x).data, np.angle(x))
    for op in (fnp.real, fnp.imag, fnp.conj, fnp.angle, fnp.real_if_close):
        with pytest.raises(TypeError, match="real numbers"):
            op(np.array([1.0 + 2.0j]))  # type: ignore[operator]


def test_float32_stays_float32_through_constant_factors() -> None:
    x = np.ones(2, dtype=np.float32)
    for op in (fnp.deg2rad, fnp.degrees, fnp.log10, fnp.exp2, fnp.sinc, fnp.cumprod):
        assert op(x).dtype == np.float32  # type: ignore[operator]
        assert _g(op, x).dtype == np.float32
