"""The transforms against independent references: finite differences and derivatives
worked out by hand. Covers argnums layouts, jacobian/jacfwd (one batched sweep),
hessian and hvp, nesting to depth four, perturbation confusion, stop_gradient at every
order, errors and purity."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import (
    Tensor,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    stop_gradient,
    value_and_grad,
    vjp,
)
from funcgrad._tensor import Primitive, apply

RNG = np.random.default_rng(0)


def numerical_jacobian(f: Callable[[Any], Any], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences in float64, laid out as ``out.shape + x.shape``."""
    x = np.asarray(x, dtype=np.float64)
    out_shape = np.shape(np.asarray(f(x)))
    columns = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        step = step.reshape(x.shape)
        columns.append((np.asarray(f(x + step)) - np.asarray(f(x - step))) / (2 * eps))
    jac = np.stack(columns, axis=-1) if columns else np.zeros(out_shape + (0,))
    return jac.reshape(out_shape + x.shape)


def rosenbrock(x: Any) -> Any:
    return (100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2).sum()


# Functions with their input shapes: broadcasting of lower-rank operands (x[0] * x),
# reductions, reshapes, matmul, indexing and the trig and exp/log ops.
VECTOR_FUNCTIONS = {
    "elementwise": (lambda x: fnp.sin(x) * x**2, (4,)),
    "broadcast_scalar_operand": (lambda x: x[0] * x + x[1:2] * fnp.exp(x), (3,)),
    "reduction_to_vector": (lambda x: (x.reshape(2, 3) * x[:3]).sum(axis=0), (6,)),
    "matrix_output": (lambda x: fnp.outer(x, fnp.cos(x)) + x.reshape(3, 1) * 2.0, (3,)),
    "matmul": (lambda x: x.reshape(2, 2) @ x.reshape(2, 2) @ np.array([1.0, -2.0]), (4,)),
    "matrix_input": (lambda x: fnp.tanh(x @ x.T).mean(axis=1), (2, 3)),
    "log_of_square": (lambda x: fnp.log(1.0 + x * x) / (2.0 + x[::-1]), (5,)),
    # lower-rank operands broadcast against a tangent with a batch axis (jacfwd)
    "maximum_broadcast": (lambda x: fnp.maximum(x[0], x) * x[1], (4,)),
    "where_broadcast": (lambda x: fnp.where(np.array([True, False, True]), x[0], x * x), (3,)),
    "broadcast_to": (lambda x: fnp.broadcast_to(x[:1], (2, 3)) * x, (3,)),
    "dot_scalar": (lambda x: fnp.dot(x[0], x.reshape(1, 3)), (3,)),
    "power_broadcast": (lambda x: (2.0 + x[1] ** 2) ** x.reshape(3, 1) * x[:2], (3,)),
}


@pytest.mark.parametrize("name", list(VECTOR_FUNCTIONS))
@pytest.mark.parametrize("transform", [jacobian, jacfwd], ids=["jacrev", "jacfwd"])
def test_jacobian_matches_finite_differences(name: str, transform: Any) -> None:
    fn, shape = VECTOR_FUNCTIONS[name]
    x = RNG.normal(size=shape)
    expected = numerical_jacobian(lambda v: np.asarray(fn(Tensor(v))), x)
    result = transform(fn)(x)
    assert result.shape == expected.shape
    np.testing.assert_allclose(result, expected, rtol=1e-6, atol=1e-7)


def test_jacrev_is_jacobian() -> None:
    assert jacrev is jacobian


def test_jacobian_pulls_back_all_rows_in_one_batched_call_of_each_rule() -> None:
    # A primitive that is the identity, whose rules record the shapes they are given in a
    # list local to this test: a per-row loop would call them once per row.
    seen: list[tuple[str, tuple[int, ...]]] = []

    def vjp_rule(c: Any, out: Any, xs: Any, p: Any, i: int) -> Any:
        seen.append(("vjp", c.shape))
        return c

    def jvp_rule(c: Any, out: Any, xs: Any, p: Any, i: int) -> Any:
        seen.append(("jvp", c.shape))
        return c

    probe_p = Primitive("probe", lambda x: x.view(), vjp=vjp_rule, jvp=jvp_rule)
    fn = lambda x: apply(probe_p, x) * 3.0  # noqa: E731
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(jacobian(fn)(x), 3.0 * np.eye(6).reshape(2, 3, 2, 3))
    assert seen == [("vjp", (2, 3, 2, 3))]
    seen.clear()
    np.testing.assert_allclose(jacfwd(fn)(x), 3.0 * np.eye(6).reshape(2, 3, 2, 3))
    assert seen == [("jvp", (6, 2, 3))]


def test_jacobian_argnums_and_pytree_arguments() -> None:
    def fn(a: Any, params: dict[str, Any]) -> Any:
        return a * params["w"] + params["b"].sum()

    a, w, b = RNG.normal(size=3), RNG.normal(size=3), RNG.normal(size=2)
    for transform in (jacobian, jacfwd):
        ja, jp = transform(fn, argnums=(0, 1))(a, {"w": w, "b": b})
        np.testing.assert_allclose(ja, np.diag(w))
        assert list(jp) == ["w", "b"]
        np.testing.assert_allclose(jp["w"], np.diag(a))
        np.testing.assert_allclose(jp["b"], np.ones((3, 2)))
        np.testing.assert_allclose(transform(fn, argnums=0)(a, {"w": w, "b": b}), np.diag(w))


def test_jacobian_of_a_pytree_output_has_the_output_structure() -> None:
    x = RNG.normal(size=3)
    for transform in (jacobian, jacfwd):
        result = transform(lambda v: {"double": 2.0 * v, "total": (v * v).sum()})(x)
        np.testing.assert_allclose(result["double"], 2.0 * np.eye(3))
        np.testing.assert_allclose(result["total"], 2.0 * x)


def test_jacobian_of_an_unused_argument_is_zeros_of_the_layout_shape() -> None:
    x, y = RNG.normal(size=3), RNG.normal(size=(2, 2))
    for transform in (jacobian, jacfwd):
        assert np.array_equal(transform(lambda a, b: a * 2.0, argnums=1)(x, y), np.zeros((3, 2, 2)))


# --- Hessians and Hessian-vector products ------------------------------------------------------
SCALAR_FUNCTIONS = {
    "rosenbrock": rosenbrock,
    "trig_polynomial": lambda x: (fnp.sin(x) * x**3).sum() + (x[0] * x[1:]).sum() ** 2,
    "log_sum_exp": lambda x: fnp.log(fnp.exp(x).sum()) + (x.reshape(2, 2) @ x.reshape(2, 2)).sum(),
}


@pytest.mark.parametrize("name", list(SCALAR_FUNCTIONS))
def test_hessian_and_hvp_agree_with_each_other_and_with_finite_differences(name: str) -> None:
    fn = SCALAR_FUNCTIONS[name]
    x = RNG.normal(size=4) * 0.5
    gradient = grad(fn, argnums=0)
    expected = numerical_jacobian(lambda v: gradient(v), x)
    h = hessian(fn)(x)
    assert h.shape == (4, 4)
    np.testing.assert_allclose(h, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(h, h.T, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(jacobian(gradient)(x), h, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(jacfwd(gradient)(x), h, rtol=1e-10, atol=1e-10)
    for _ in range(3):
        v = RNG.normal(size=4)
        (product,) = hvp(fn, (x,), (v,))
        np.testing.assert_allclose(product, h @ v, rtol=1e-10, atol=1e-10)


def test_hessian_of_a_matrix_argument_has_shape_arg_shape_twice() -> None:
    x = RNG.normal(size=(2, 3))
    h = hessian(lambda m: (m**3).sum())(x)
    assert h.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(h, np.diag((6 * x).ravel()).reshape(2, 3, 2, 3))


def test_hessian_argnums_picks_the_argument() -> None:
    x, y = RNG.normal(size=2), RNG.normal(size=2)
    h = hessian(lambda a, b: (a * a * b).sum(), argnums=1)(x, y)
    np.testing.assert_allclose(h, np.zeros((2, 2)))
    h = hessian(lambda a, b: (a * a * b).sum(), argnums=0)(x, y)
    np.testing.assert_allclose(h, np.diag(2 * y))


def test_hvp_with_two_primals_and_pytrees() -> None:
    # f(a, p) = sum(a^2 * p["w"]): H = [[2 diag(w), 2 diag(a)], [2 diag(a), 0]]
    a, w = RNG.normal(size=3), RNG.normal(size=3)
    va, vw = RNG.normal(size=3), RNG.normal(size=3)
    ha, hp = hvp(lambda a, p: (a * a * p["w"]).sum(), (a, {"w": w}), (va, {"w": vw}))
    np.testing.assert_allclose(ha, 2 * w * va + 2 * a * vw)
    np.testing.assert_allclose(hp["w"], 2 * a * va)


def test_hvp_on_rosenbrock_matches_the_hand_derived_hessian() -> None:
    n = 50
    x, v = RNG.normal(size=n), RNG.normal(size=n)
    # d2/dx2 of sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, written out.
    h = np.zeros((n, n))
    for i in range(n - 1):
        h[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        h[i, i + 1] += -400 * x[i]
        h[i + 1, i] += -400 * x[i]
        h[i + 1, i + 1] += 200
    (product,) = hvp(rosenbrock, (x,), (v,))
    np.testing.assert_allclose(product, h @ v, rtol=1e-10)
    np.testing.assert_allclose(hessian(rosenbrock)(x), h, rtol=1e-10, atol=1e-9)


def test_hvp_never_forms_the_hessian() -> None:
    # At n = 200,000 a dense Hessian would take 320 GB; the HVP is a few vectors of n.
    n = 200_000
    x = np.linspace(-1.0, 1.0, n)
    v = np.cos(np.arange(n))
    (product,) = hvp(rosenbrock, (x,), (v,))
    # Check a few interior entries against the hand-derived tridiagonal Hessian.
    for i in (1, n // 2, n - 2):
        row = (-400 * x[i - 1]) * v[i - 1] + (1200 * x[i] ** 2 - 400 * x[i + 1] + 2 + 200) * v[i] + (-400 * x[i]) * v[i + 1]
        np.testing.assert_allclose(product[i], row, rtol=1e-10)


# --- nesting and perturbation confusion --------------------------------------------------------
def nth(f: Callable[[Any], Any], n: int) -> Callable[[Any], Any]:
    for _ in range(n):
        f = grad(f, argnums=0)
    return f


@pytest.mark.parametrize(
    "f, derivatives",
    [
        # x^5 - 3x^3 + 2x: 5x^4 - 9x^2 + 2, 20x^3 - 18x, 60x^2 - 18, 120x
        (lambda x: (x**5 - 3 * x**3 + 2 * x).sum(),
         [lambda x: 5 * x**4 - 9 * x**2 + 2, lambda x: 20 * x**3 - 18 * x, lambda x: 60 * x**2 - 18, lambda x: 120 * x]),
        # sin x: cos x, -sin x, -cos x, sin x
        (lambda x: fnp.sin(x).sum(),
         [np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin]),
        # x sin x: sin + x cos, 2cos - x sin, -3 sin - x cos, -4 cos + x sin
        (lambda x: (x * fnp.sin(x)).sum(),
         [lambda x: np.sin(x) + x * np.cos(x), lambda x: 2 * np.cos(x) - x * np.sin(x),
          lambda x: -3 * np.sin(x) - x * np.cos(x), lambda x: -4 * np.cos(x) + x * np.sin(x)]),
        # exp(2x) cos x at order 4: Re[(2+i)^4 e^{(2+i)x}] = e^{2x} (-7 cos x - 24 sin x)
        (lambda x: (fnp.exp(2 * x) * fnp.cos(x)).sum(),
         [lambda x: np.exp(2 * x) * (2 * np.cos(x) - np.sin(x)), lambda x: np.exp(2 * x) * (3 * np.cos(x) - 4 * np.sin(x)),
          lambda x: np.exp(2 * x) * (2 * np.cos(x) - 11 * np.sin(x)), lambda x: np.exp(2 * x) * (-7 * np.cos(x) - 24 * np.sin(x))]),
    ],
    ids=["polynomial", "sin", "x_sin_x", "exp_cos"],
)
def test_grad_nested_four_deep_gives_exact_derivatives(f: Any, derivatives: list[Any]) -> None:
    x = np.array([-1.3, 0.2, 0.9, 2.1])
    for order, expected in enumerate(derivatives, start=1):
        np.testing.assert_allclose(nth(f, order)(x), expected(x), rtol=1e-10, atol=1e-10)


def test_forward_over_reverse_and_reverse_over_forward_to_third_order() -> None:
    f = lambda x: (x**4).sum()  # noqa: E731
    x = np.array([0.5, -1.5])
    third_fwd = jacfwd(lambda v: jacobian(lambda w: jacfwd(f)(w))(v))(x)
    diag = np.zeros((2, 2, 2))
    diag[0, 0, 0], diag[1, 1, 1] = 24 * x
    np.testing.assert_allclose(third_fwd, diag)
    tangent_of_gradient = jvp(grad(f, argnums=0), (x,), (np.ones(2),))[1]
    np.testing.assert_allclose(tangent_of_gradient, 12 * x**2)


def test_no_perturbation_confusion_classic() -> None:
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1 at every x; confusing y's perturbation
    # with x's gives 2.
    def outer(x: Any) -> Any:
        inner = grad(lambda y: (x + y).sum(), argnums=0)(np.array(3.0))
        return (x * inner).sum()

    for x in (np.array(0.0), np.array(1.0), np.array(-7.5)):
        assert grad(outer, argnums=0)(x) == 1.0


def test_inner_gradient_closing_over_the_outer_variable() -> None:
    # g(x) = d/dy [x y^2]_{y = x} = 2 x y |_{y=x} = 2 x^2, so g'(x) = 4 x.
    def g(x: Any) -> Any:
        return grad(lambda y: (x * y * y).sum(), argnums=0)(x).sum()

    x = np.array([1.5, -2.0])
    np.testing.assert_allclose(grad(g, argnums=0)(x), 4 * x)
    # h(x) = x * d/dy [sin(x y)]_{y=1} = x * x cos(x) = x^2 cos x;
    # h'(x) = 2 x cos x - x^2 sin x, h''(x) = 2 cos x - 4 x sin x - x^2 cos x.
    def h(x: Any) -> Any:
        return (x * grad(lambda y: fnp.sin(x * y).sum(), argnums=0)(np.ones_like(x.data))).sum()

    np.testing.assert_allclose(grad(h, argnums=0)(x), 2 * x * np.cos(x) - x**2 * np.sin(x), rtol=1e-12)
    np.testing.assert_allclose(
        grad(grad(h, argnums=0), argnums=0)(np.array([0.7])),
        2 * np.cos(0.7) - 4 * 0.7 * np.sin(0.7) - 0.49 * np.cos(0.7),
        rtol=1e-12,
    )


def test_jvp_inside_grad_closing_over_the_outer_variable() -> None:
    # k(x) = d/dt [ (x + t)^3 ]_{t=0} = 3 x^2, so k'(x) = 6 x.
    def k(x: Any) -> Any:
        return jvp(lambda t: ((x + t) ** 3).sum(), (np.zeros(2),), (np.ones(2),))[1]

    x = np.array([0.5, 2.0])
    np.testing.assert_allclose(grad(k, argnums=0)(x), 6 * x)


# --- stop_gradient ----------------------------------------------------------------------------
def test_stop_gradient_blocks_at_every_order_and_in_every_mode() -> None:
    # f(x) = x^2 * stop(x)^2: treating stop(x) as the constant c = x: f' = 2 x c^2,
    # f'' = 2 c^2, f''' = 0.
    f = lambda x: (x**2 * stop_gradient(x) ** 2).sum()  # noqa: E731
    x = np.array([1.5, -0.5])
    np.testing.assert_allclose(nth(f, 1)(x), 2 * x**3)
    np.testing.assert_allclose(nth(f, 2)(x), 2 * x**2)
    np.testing.assert_allclose(nth(f, 3)(x), np.zeros(2))
    np.testing.assert_allclose(hessian(f)(x), np.diag(2 * x**2))
    np.testing.assert_allclose(jvp(lambda v: stop_gradient(v * v), (x,), (np.ones(2),))[1], np.zeros(2))
    np.testing.assert_allclose(jacfwd(lambda v: stop_gradient(v) * v)(x), np.diag(x))
    np.testing.assert_allclose(jacobian(lambda v: stop_gradient(v) * v)(x), np.diag(x))


def test_stop_gradient_of_an_inner_gradient_is_a_constant_to_the_outer_one() -> None:
    g = lambda x: (x * stop_gradient(grad(lambda y: (y**3).sum(), argnums=0)(x))).sum()  # noqa: E731
    x = np.array([2.0])
    np.testing.assert_allclose(grad(g, argnums=0)(x), 3 * x**2)


def test_stop_gradient_keeps_the_value_and_leaves_its_input_writable() -> None:
    a = np.array([1.0, 2.0])
    s = stop_gradient(a)
    np.testing.assert_array_equal(np.asarray(s), a)
    assert a.flags.writeable


# --- layouts ----------------------------------------------------------------------------------
def test_grad_argnums_layouts() -> None:
    f = lambda a, b, c: (a * b * c).sum()  # noqa: E731
    a, b, c = np.array(2.0), np.array(3.0), np.array(5.0)
    assert grad(f)(a, b, c) == (15.0, 10.0, 6.0)
    assert grad(f, argnums=1)(a, b, c) == 10.0
    assert grad(f, argnums=(2, 0))(a, b, c) == (6.0, 15.0)
    assert grad(f, argnums=-1)(a, b, c) == 6.0
    assert grad(f, argnums=(1,))(a, b, c) == (10.0,)


def test_has_aux_returns_aux_as_arrays_at_the_top_level() -> None:
    def f(x: Any) -> Any:
        y = x * x
        return y.sum(), {"y": y, "label": "squares"}

    (g, aux) = grad(f, argnums=0, has_aux=True)(np.array([1.0, 2.0]))
    np.testing.assert_allclose(g, [2.0, 4.0])
    assert isinstance(aux["y"], np.ndarray) and aux["label"] == "squares"
    ((value, aux2), g2) = value_and_grad(f, argnums=0, has_aux=True)(np.array([1.0, 2.0]))
    assert value == 5.0 and np.array_equal(g2, g)


def test_vjp_pulls_back_batched_cotangents_in_one_call() -> None:
    x = RNG.normal(size=3)
    out, pullback = vjp(lambda v: fnp.sin(v) * 2.0, x)
    (rows,) = pullback(np.eye(3))
    np.testing.assert_allclose(rows, np.diag(2 * np.cos(x)))


def test_jvp_of_a_pytree_output_has_its_structure() -> None:
    x = np.array([1.0, 2.0])
    out, tangent = jvp(lambda v: (v * v, {"s": v.sum()}), (x,), (np.array([1.0, 0.0]),))
    np.testing.assert_allclose(out[0], x * x)
    np.testing.assert_allclose(tangent[0], [2.0, 0.0])
    np.testing.assert_allclose(tangent[1]["s"], 1.0)


# --- errors and purity ------------------------------------------------------------------------
@pytest.mark.parametrize("transform", [grad, value_and_grad, jacobian, jacfwd, hessian])
def test_bad_argnums_are_refused_naming_the_transform(transform: Any) -> None:
    f = lambda a, b: (a * b).sum()  # noqa: E731
    with pytest.raises(TypeError, match=f"{transform.__name__}: argnums must be"):
        transform(f, argnums=[0, 1])
    with pytest.raises(ValueError, match=f"{transform.__name__}: argnums=2 but fn was called with 2 positional arguments"):
        transform(f, argnums=2)(np.ones(2), np.ones(2))


def test_an_error_about_a_leaf_names_its_parameter_and_path() -> None:
    def loss(params: Any, x: Any) -> Any:
        return (params["layers"][2]["w"] * x).sum()

    params = {"layers": [{"w": np.ones(2)}, {"w": np.ones(2)}, {"w": "oops"}]}
    for transform in (grad, jacobian, jacfwd):
        with pytest.raises(TypeError, match=r"argument 0 \(params\['layers'\]\[2\]\['w'\]\)"):
            transform(loss, argnums=0)(params, np.ones(2))
    with pytest.raises(TypeError, match=r"vjp: argument 1 \(x\)"):
        vjp(lambda params, x: x, {"w": np.ones(2)}, "text")
    with pytest.raises(TypeError, match=r"grad: argument 2 \(rest\[1\]\)"):
        grad(lambda a, *rest: a.sum())(np.ones(1), np.ones(1), "bad")


def test_jvp_tangent_shape_errors_name_the_path() -> None:
    with pytest.raises(ValueError, match=r"jvp: tangent 0\['w'\] has shape \(3,\) but its primal has shape \(2,\)"):
        jvp(lambda p: p["w"].sum(), ({"w": np.ones(2)},), ({"w": np.ones(3)},))
    with pytest.raises(ValueError, match="jvp: tangent 0 has structure"):
        jvp(lambda p: p["w"].sum(), ({"w": np.ones(2)},), (np.ones(2),))


def test_a_function_returning_a_non_array_is_refused() -> None:
    for transform in (jacobian, jacfwd):
        with pytest.raises(TypeError, match=f"{transform.__name__}: fn must return a Tensor or a real array, got str"):
            transform(lambda x: "no")(np.ones(2))


def test_transforms_never_change_their_input_arrays() -> None:
    x = RNG.normal(size=4)
    before, flags = x.copy(), x.flags.writeable
    f = lambda v: (v * v * fnp.sin(v)).sum()  # noqa: E731
    for call in (
        lambda: grad(f, argnums=0)(x),
        lambda: jacobian(f)(x),
        lambda: jacfwd(f)(x),
        lambda: hessian(f)(x),
        lambda: hvp(f, (x,), (x,)),
        lambda: jvp(f, (x,), (x,)),
    ):
        result = call()
        assert np.array_equal(x, before) and x.flags.writeable == flags
        leaves = result if isinstance(result, tuple) else (result,)
        for leaf in leaves:  # fresh, writable results the caller may own
            assert np.asarray(leaf).flags.writeable


def test_float32_stays_float32_through_jacobians_and_hessians() -> None:
    x = RNG.normal(size=3).astype(np.float32)
    f = lambda v: (v * v * v).sum()  # noqa: E731
    for transform in (jacobian, jacfwd, hessian):
        assert transform(f)(x).dtype == np.float32
    assert hvp(f, (x,), (x,))[0].dtype == np.float32


def test_results_never_alias_the_callers_seeds_or_each_other() -> None:
    v = np.array([1.0, 2.0])
    _, tangent = jvp(lambda x: x, (np.zeros(2),), (v,))
    assert tangent is not v and not np.shares_memory(tangent, v) and v.flags.writeable
    (cotangent,) = vjp(lambda x: x, np.zeros(2))[1](v)
    assert not np.shares_memory(cotangent, v)
    ga, gb = grad(lambda a, b: (a + b).sum())(np.ones(2), np.ones(2))
    assert not np.shares_memory(ga, gb)
    ja, jb = jacobian(lambda a, b: a + b, argnums=(0, 1))(np.ones(2), np.ones(2))
    assert not np.shares_memory(ja, jb)


def test_vjp_of_a_pytree_output_takes_a_cotangent_of_its_structure() -> None:
    x = np.array([1.0, 2.0])
    out, pullback = vjp(lambda v: {"sq": v * v, "sum": v.sum()}, x)
    np.testing.assert_allclose(out["sq"], x * x)
    (g,) = pullback({"sq": np.array([1.0, 10.0]), "sum": np.array(3.0)})
    np.testing.assert_allclose(g, [2.0 * 1.0 + 3.0, 2.0 * 2.0 * 10.0 + 3.0])
    with pytest.raises(ValueError, match="vjp: the cotangent has structure"):
        pullback(np.ones(2))
    with pytest.raises(ValueError, match=r"vjp: cotangent\['sq'\] has shape \(3,\) but the output\['sq'\] has shape \(2,\)"):
        pullback({"sq": np.ones(3), "sum": np.array(1.0)})
