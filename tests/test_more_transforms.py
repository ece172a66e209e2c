"""The transforms beyond grad/jvp: elementwise_grad, linearize, custom_jvp, checkpoint,
fixed_point, tensor_jacobian_product, make_ggnvp, each on its own properties.
(Their nesting with every other transform is tests/test_more_transforms_nesting.py.)"""

from __future__ import annotations

import gc
import weakref
from typing import Any

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import (
    Tensor,
    backward,
    checkpoint,
    custom_jvp,
    elementwise_grad,
    fixed_point,
    grad,
    hessian,
    jacfwd,
    jacobian,
    jvp,
    linearize,
    make_ggnvp,
    tensor_jacobian_product,
    vjp,
)
from funcgrad._tensor import Primitive, apply, bind
from funcgrad.numpy._unary import cos_p

X = np.array([0.3, -0.7, 1.1])


# --- elementwise_grad ---------------------------------------------------------------------
def test_elementwise_grad_is_the_derivative_at_every_point() -> None:
    np.testing.assert_allclose(elementwise_grad(fnp.tanh)(X), 1 - np.tanh(X) ** 2)


def test_elementwise_grad_nests_to_any_order() -> None:
    t = np.tanh(X)
    np.testing.assert_allclose(elementwise_grad(elementwise_grad(fnp.tanh))(X), -2 * t * (1 - t**2))
    d3 = elementwise_grad(elementwise_grad(elementwise_grad(fnp.sin)))
    np.testing.assert_allclose(d3(X), -np.cos(X))


def test_elementwise_grad_takes_argnums_and_refuses_none() -> None:
    np.testing.assert_allclose(elementwise_grad(lambda x, y: x * y, argnums=1)(X, 2 * X), X)
    with pytest.raises(TypeError, match="elementwise_grad: argnums"):
        elementwise_grad(fnp.sin, argnums=None)  # type: ignore[call-overload]


# --- linearize ----------------------------------------------------------------------------
def test_linearize_equals_jvp_for_any_tangent() -> None:
    f = lambda x, y: fnp.sin(x) * y + fnp.matmul(fnp.outer(x, y), x)  # noqa: E731
    y = np.array([2.0, 0.5, -1.0])
    out, f_jvp = linearize(f, X, y)
    np.testing.assert_allclose(out, jvp(f, (X, y), (X, y))[0])
    rng = np.random.default_rng(0)
    for _ in range(4):
        tx, ty = rng.normal(size=3), rng.normal(size=3)
        np.testing.assert_allclose(f_jvp(tx, ty), jvp(f, (X, y), (tx, ty))[1])


def test_linearize_runs_fn_once_however_many_tangents() -> None:
    calls = []

    def f(x: Any) -> Any:
        calls.append(1)
        return fnp.exp(x) * x

    _, f_jvp = linearize(f, X)
    for k in range(5):
        f_jvp(np.full(3, float(k)))
    assert len(calls) == 1


def _counting_primitive(counter: list[int]) -> Primitive:
    def impl(x: Any) -> Any:
        counter.append(1)
        return np.sin(x)

    def rule(c: Any, out: Any, xs: Any, params: Any, i: int) -> Any:
        return c * bind(cos_p, xs[0])

    return Primitive("counted_sin", impl, vjp=rule, jvp=rule)


def test_linearize_reevaluates_no_forward_value() -> None:
    counter: list[int] = []
    prim = _counting_primitive(counter)
    _, f_jvp = linearize(lambda x: apply(prim, x) * 2.0, X)
    assert len(counter) == 1
    np.testing.assert_allclose(f_jvp(np.ones(3)), 2 * np.cos(X))
    f_jvp(X)
    assert len(counter) == 1  # the tangents were pushed through the recorded graph


def test_linearize_primals_are_snapshots() -> None:
    x = X.copy()
    _, f_jvp = linearize(lambda x: x * x, x)
    x[:] = 100.0
    np.testing.assert_allclose(f_jvp(np.ones(3)), 2 * X)
    assert x.flags.writeable


def test_linearize_takes_pytrees_and_checks_tangents() -> None:
    params = {"w": X, "b": np.array(2.0)}
    out, f_jvp = linearize(lambda p: p["w"] * p["b"], params)
    np.testing.assert_allclose(f_jvp({"w": np.ones(3), "b": np.array(0.0)}), 2 * np.ones(3))
    with pytest.raises(ValueError, match="linearize: tangent 0"):
        f_jvp({"w": np.ones(3)})
    with pytest.raises(TypeError, match="one per primal"):
        f_jvp(np.ones(3), np.ones(3))


# --- custom_jvp -----------------------------------------------------------------------------
def _unusual_cube() -> Any:
    @custom_jvp
    def cube(x: Any) -> Any:
        return x * x * x

    @cube.defjvp
    def cube_jvp(primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
        (x,), (t,) = primals, tangents
        return cube(x), 5.0 * x * x * t  # deliberately not 3 x^2: its use is visible

    return cube


def test_custom_jvp_forward_mode_uses_the_rule() -> None:
    cube = _unusual_cube()
    out, t = jvp(cube, (X,), (np.ones(3),))
    np.testing.assert_allclose(out, X**3)
    np.testing.assert_allclose(t, 5 * X**2)
    np.testing.assert_allclose(jacfwd(cube)(X), np.diag(5 * X**2))


def test_custom_jvp_reverse_mode_is_the_rule_transposed() -> None:
    cube = _unusual_cube()
    np.testing.assert_allclose(grad(lambda x: cube(x).sum(), argnums=0)(X), 5 * X**2)
    np.testing.assert_allclose(jacobian(cube)(X), np.diag(5 * X**2))
    np.testing.assert_allclose(vjp(cube, X)[1](np.ones(3))[0], 5 * X**2)


def test_custom_jvp_higher_orders_differentiate_the_rule() -> None:
    cube = _unusual_cube()
    np.testing.assert_allclose(hessian(lambda x: cube(x).sum())(X), np.diag(10 * X))
    g2 = grad(lambda x: grad(lambda y: cube(y).sum(), argnums=0)(x).sum(), argnums=0)
    np.testing.assert_allclose(g2(X), 10 * X)


def test_custom_jvp_with_two_arguments_and_a_pytree() -> None:
    @custom_jvp
    def f(p: Any, y: Any) -> Any:
        return p["a"] * fnp.sin(y)

    @f.defjvp
    def f_jvp(primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
        (p, y), (tp, ty) = primals, tangents
        return f(p, y), 2.0 * tp["a"] * fnp.sin(y) + 3.0 * p["a"] * fnp.cos(y) * ty

    p, y = {"a": np.array([2.0])}, np.array([0.5])
    gp, gy = grad(lambda p, y: f(p, y).sum())(p, y)
    np.testing.assert_allclose(gp["a"], 2 * np.sin(0.5))
    np.testing.assert_allclose(gy, 3 * 2 * np.cos(0.5))


def test_custom_jvp_rule_is_set_once_and_decorating_returns_it() -> None:
    f = custom_jvp(lambda x: x * 2.0)

    def rule(p: tuple[Any, ...], t: tuple[Any, ...]) -> tuple[Any, Any]:
        return p[0] * 2.0, t[0] * 2.0

    assert f.defjvp(rule) is rule
    with pytest.raises(ValueError, match="already has a rule"):
        f.defjvp(rule)
    assert np.allclose(f(np.array(3.0)), 6.0)  # outside any transform: fn itself


def test_custom_jvp_refuses_a_closed_over_traced_value_rather_than_drop_its_derivative() -> None:
    def loss(w: Any) -> Any:
        f = custom_jvp(lambda x: x * w)
        f.defjvp(lambda p, t: (p[0] * w, t[0] * w))
        return f(Tensor(X)).sum()

    with pytest.raises(TypeError, match="pass it to fn as an argument"):
        grad(loss, argnums=0)(np.array(2.0))


# --- checkpoint ---------------------------------------------------------------------------
W = np.array([[0.2, -0.1, 0.05], [0.1, 0.3, -0.2], [0.0, 0.15, 0.25]])


def _block(x: Any, w: Any) -> Any:
    return x + fnp.tanh(fnp.matmul(w, x))


def test_checkpoint_gives_the_same_values_and_derivatives() -> None:
    cb = checkpoint(_block)
    plain = lambda x, w: (_block(_block(x, w), w) ** 2).sum()  # noqa: E731
    ckpt = lambda x, w: (cb(cb(x, w), w) ** 2).sum()  # noqa: E731
    for a, b in zip(grad(ckpt)(X, W), grad(plain)(X, W)):
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(hessian(ckpt)(X, W), hessian(plain)(X, W))
    np.testing.assert_allclose(jvp(ckpt, (X, W), (X, W))[1], jvp(plain, (X, W), (X, W))[1])
    np.testing.assert_allclose(jacfwd(lambda x: cb(x, W))(X), jacobian(lambda x: _block(x, W))(X))


def test_checkpoint_drops_intermediates_after_the_forward_pass() -> None:
    refs: list[weakref.ref[Tensor]] = []

    def block(x: Any, w: Any) -> Any:
        h = fnp.tanh(fnp.matmul(w, x))
        refs.append(weakref.ref(h))
        return x + h

    alive: list[bool] = []

    def loss(x: Any, w: Any, wrap: Any) -> Any:
        y = wrap(block)(x, w)
        alive.append(refs[-1]() is not None)  # right after the forward pass
        return (y * y).sum()

    g_ckpt = grad(loss, argnums=(0, 1))(X, W, checkpoint)
    g_plain = grad(loss, argnums=(0, 1))(X, W, lambda f: f)
    assert alive == [False, True]  # without checkpoint the graph holds the intermediate
    for a, b in zip(g_ckpt, g_plain):
        np.testing.assert_allclose(a, b)


def test_checkpoint_recomputes_once_per_backward_pass_whatever_the_operand_count() -> None:
    calls = []

    def block(x: Any, w: Any, b: Any) -> Any:
        calls.append(1)
        return x + fnp.tanh(fnp.matmul(w, x) + b)

    grad(lambda x, w, b: checkpoint(block)(x, w, b).sum())(X, W, X)
    assert len(calls) == 2  # the forward pass and one recomputation for all three operands


def test_checkpoint_of_a_pytree_output() -> None:
    def pair(x: Any, w: Any) -> Any:
        h = fnp.tanh(fnp.matmul(w, x))
        return {"h": h, "sq": (h * h).sum(), "note": "kept"}

    def loss(x: Any, w: Any, wrap: Any) -> Any:
        out = wrap(pair)(x, w)
        assert out["note"] == "kept"
        return (out["h"] * x).sum() + out["sq"] * 3.0

    for a, b in zip(grad(loss, argnums=(0, 1))(X, W, checkpoint), grad(loss, argnums=(0, 1))(X, W, lambda f: f)):
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(hessian(loss)(X, W, checkpoint), hessian(loss)(X, W, lambda f: f))
    np.testing.assert_allclose(
        jacobian(lambda x: checkpoint(pair)(x, W)["h"])(X), jacobian(lambda x: pair(x, W)["h"])(X)
    )


def test_checkpoint_reaches_closed_over_values() -> None:
    def loss(x: Any, w: Any) -> Any:
        return (checkpoint(lambda y: fnp.tanh(fnp.matmul(w.T, y) * 2.0))(x) ** 2).sum()

    def plain(x: Any, w: Any) -> Any:
        return (fnp.tanh(fnp.matmul(w.T, x) * 2.0) ** 2).sum()

    for a, b in zip(grad(loss)(X, W), grad(plain)(X, W)):
        np.testing.assert_allclose(a, b)
    np.testing.assert_allclose(hessian(loss, argnums=1)(X, W), hessian(plain, argnums=1)(X, W))


def test_checkpoint_works_on_tutorial_leaves_and_as_a_decorator() -> None:
    @checkpoint
    def block(x: Any, w: Any) -> Any:
        return x * fnp.sin(w)

    a, b = Tensor(X), Tensor(X * 2)
    g = backward((block(a, b) ** 2).sum())
    np.testing.assert_allclose(g[a], 2 * X * np.sin(2 * X) ** 2)
    assert block.__name__ == "block"
    np.testing.assert_allclose(block(X, X), X * np.sin(X))  # no transform: fn's value


def test_checkpointed_chain_of_100_blocks_matches_the_plain_chain() -> None:
    w = W * 0.5
    cb = checkpoint(_block)

    def chain(x: Any, block: Any) -> Any:
        for _ in range(100):
            x = block(x, w)
        return (x * x).sum()

    np.testing.assert_allclose(
        grad(chain, argnums=0)(X, cb), grad(chain, argnums=0)(X, _block), rtol=1e-12
    )


# --- fixed_point ----------------------------------------------------------------------------
def _distance(x: Any, y: Any) -> Any:
    return fnp.max(fnp.abs(x - y))


def _sqrt(a: Any) -> Any:
    return fixed_point(lambda a, x: 0.5 * (x + a / x), a, np.ones(np.shape(a)), _distance, 1e-13)


def test_fixed_point_solves_and_differentiates_by_the_implicit_function_theorem() -> None:
    a = np.array([2.0, 9.0])
    np.testing.assert_allclose(_sqrt(a).data, np.sqrt(a))
    np.testing.assert_allclose(jacobian(_sqrt)(a), np.diag(0.5 / np.sqrt(a)))
    np.testing.assert_allclose(jacfwd(_sqrt)(a), np.diag(0.5 / np.sqrt(a)))
    np.testing.assert_allclose(hessian(lambda a: _sqrt(a).sum())(a), np.diag(-0.25 * a**-1.5))


def test_fixed_point_is_not_unrolled() -> None:
    iterations = []

    def f(a: Any, x: Any) -> Any:
        iterations.append(1)
        return 0.5 * (x + a / x)

    seen: list[Any] = []

    def loss(a: Any) -> Any:
        out = fixed_point(f, a, np.array(1.0), _distance, 1e-13)
        seen.append(out)
        return out

    g = grad(loss, argnums=0)(np.array(2.0))
    np.testing.assert_allclose(g, 0.5 / np.sqrt(2.0))
    (node,) = seen
    # One node whose only operand is a: none of the iterates is in the graph.
    assert len(node.inputs) == 1 and node.inputs[0].primitive.name == "argument"
    assert len(iterations) > 5  # it did iterate (and the backward pass did not replay them)


def test_fixed_point_matches_finite_differences_on_a_contraction() -> None:
    w = np.array([[0.2, -0.3], [0.1, 0.4]])
    solve = lambda a: fixed_point(lambda a, x: fnp.tanh(fnp.matmul(w, x) + a), a, np.zeros(2), _distance, 1e-14)  # noqa: E731
    loss = lambda a: (solve(a) ** 2).sum()  # noqa: E731
    a0, eps = np.array([0.3, -0.5]), 1e-6
    fd = [(loss(a0 + eps * e).data - loss(a0 - eps * e).data) / (2 * eps) for e in np.eye(2)]
    np.testing.assert_allclose(grad(loss, argnums=0)(a0), fd, rtol=1e-6)


def test_fixed_point_refuses_a_closed_over_traced_value_rather_than_drop_its_derivative() -> None:
    def loss(w: Any) -> Any:
        return fixed_point(lambda a, x: 0.5 * x + a * w, np.array(1.0), np.array(0.0), _distance, 1e-12)

    with pytest.raises(TypeError, match="pass it in a instead"):
        grad(loss, argnums=0)(np.array(0.5))
    # passed in a, it is differentiated: x* = 2 a w, d/dw = 2 a
    solve = lambda w: fixed_point(lambda a, x: 0.5 * x + a[0] * a[1], (np.array(1.0), w), np.array(0.0), _distance, 1e-13)  # noqa: E731
    np.testing.assert_allclose(grad(solve, argnums=0)(np.array(0.5)), 2.0, rtol=1e-9)


def test_checkpoint_and_fixed_point_give_serial_answers_under_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    cb = checkpoint(_block)
    loss = lambda x, w: (cb(cb(x, w), w) ** 2).sum() + _sqrt(x * x + 1.0).sum()  # noqa: E731
    inputs = [X * (1 + k / 10) for k in range(8)]
    serial = [grad(loss)(x, W) for x in inputs]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda x: grad(loss)(x, W), inputs))
    for a, b in zip(serial, threaded):
        for u, v in zip(a, b):
            np.testing.assert_array_equal(u, v)


# --- tensor_jacobian_product, make_ggnvp -------------------------------------------------------
def test_tensor_jacobian_product_contracts_the_leading_output_axes() -> None:
    f = lambda x: fnp.outer(x, fnp.sin(x))  # noqa: E731
    J = jacobian(f)(X)  # (3, 3, 3)
    v = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(tensor_jacobian_product(f)(X, v), np.tensordot(v, J, axes=1))
    m = np.arange(9.0).reshape(3, 3)
    np.testing.assert_allclose(tensor_jacobian_product(f)(X, m), np.tensordot(m, J, axes=2))
    with pytest.raises(ValueError, match="tensor_jacobian_product"):
        tensor_jacobian_product(f)(X, np.ones(2))


def test_make_ggnvp_is_jt_h_j_v() -> None:
    a = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0]])
    f = lambda x: fnp.tanh(fnp.matmul(a, x))  # noqa: E731
    g = lambda y: fnp.exp(y).sum()  # noqa: E731
    J = jacobian(f)(X)
    H = np.diag(np.exp(np.tanh(a @ X)))
    v = np.array([1.0, -1.0, 0.5])
    np.testing.assert_allclose(make_ggnvp(f, g)(X)(v), J.T @ H @ J @ v)
    np.testing.assert_allclose(make_ggnvp(f)(X)(v), J.T @ J @ v)  # default g: ½|y|², H = I


def _fd_jacobian(fun: Any, x: Any, eps: float = 1e-6) -> Any:
    cols = [(np.asarray(fun(x + eps * e)) - np.asarray(fun(x - eps * e))) / (2 * eps) for e in np.eye(x.size)]
    return np.stack(cols, axis=-1)


def test_tensor_jacobian_product_and_ggnvp_match_finite_differences() -> None:
    a = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0]])
    f = lambda x: fnp.tanh(fnp.matmul(a, x)) * x[0]  # noqa: E731
    f_np = lambda x: np.tanh(a @ x) * x[0]  # noqa: E731
    J = _fd_jacobian(f_np, X)
    u = np.array([0.5, -2.0])
    np.testing.assert_allclose(tensor_jacobian_product(f)(X, u), u @ J, rtol=1e-7, atol=1e-9)
    g = lambda y: (fnp.exp(y) * y).sum()  # noqa: E731
    y = f_np(X)
    H = np.diag(np.exp(y) * (2 + y))  # d2/dy2 of y e^y, elementwise
    v = np.array([1.0, -1.0, 0.5])
    np.testing.assert_allclose(make_ggnvp(f, g)(X)(v), J.T @ H @ J @ v, rtol=1e-6, atol=1e-8)


def test_new_transforms_never_change_their_inputs() -> None:
    x = X.copy()
    x.setflags(write=True)
    elementwise_grad(fnp.sin)(x)
    linearize(fnp.sin, x)[1](x)
    grad(lambda x: checkpoint(fnp.sin)(x).sum(), argnums=0)(x)
    grad(lambda x: _sqrt(x * x + 1.0).sum(), argnums=0)(x)
    np.testing.assert_array_equal(x, X)
    assert x.flags.writeable
    gc.collect()
