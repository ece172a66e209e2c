"""jit: one trace per signature, replays that never take a stale branch, every transform
composing with it both ways, and clear refusals."""

from __future__ import annotations

import functools
import threading
from typing import Any

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import Tensor, custom_vjp, grad, hessian, jacfwd, jit, jvp, stop_gradient, value_and_grad
from funcgrad.nn import log_softmax, relu


def plain(fn: Any, *args: Any) -> Any:
    """The plain function's result as arrays (what jit must reproduce)."""
    out = fn(*args)
    if isinstance(out, tuple):
        return tuple(plain(lambda o=o: o) for o in out)
    return np.asarray(out.data if isinstance(out, Tensor) else out)


def same(a: Any, b: Any) -> None:
    if isinstance(b, tuple):
        assert isinstance(a, tuple) and len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y)
        return
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert np.asarray(a).dtype == np.asarray(b).dtype


# --- tracing once, replaying after --------------------------------------------------------
def test_later_calls_replay_without_running_fn() -> None:
    calls = []

    def f(x: Any) -> Any:
        calls.append(1)
        return fnp.sum(fnp.tanh(x) * x)

    jf = jit(f)
    for v in ([0.5, -1.0], [1.0, 2.0], [3.0, -4.0]):
        same(jf(np.array(v)), plain(f, np.array(v)))
    assert jf.trace_count == 1
    assert len(calls) == 1 + 3  # one trace, plus the three plain references


def test_new_shape_or_dtype_retraces() -> None:
    jf = jit(lambda x: fnp.sum(x * x))
    jf(np.ones(3))
    jf(np.ones(3) * 2)
    assert jf.trace_count == 1
    jf(np.ones(4))
    assert jf.trace_count == 2
    out = jf(np.ones(4, dtype=np.float32))
    assert jf.trace_count == 3 and out.dtype == np.float32
    assert "3 cached signatures" in jf.explain()


def test_static_arguments_are_part_of_the_key() -> None:
    def f(x: Any, n: int) -> Any:
        for _ in range(n):
            x = fnp.sin(x)
        return x

    jf = jit(f, static_argnums=1)
    x = np.array([0.3, 0.7])
    same(jf(x, 2), plain(f, x, 2))
    same(jf(x, 3), plain(f, x, 3))
    same(jf(x * 2, 2), plain(f, x * 2, 2))
    assert jf.trace_count == 2


def test_results_are_fresh_arrays_never_the_callers() -> None:
    jf = jit(lambda x, y: (x, fnp.sum(y)))
    x = np.array([1.0, 2.0])
    for _ in range(2):
        a, b = jf(x, x)
        assert a is not x and not np.shares_memory(a, x) and a.flags.writeable
        a[0] = 9.0
        assert x[0] == 1.0


def test_pytree_arguments_and_results() -> None:
    def f(p: dict[str, Any], xs: list[Any]) -> Any:
        return {"s": fnp.sum(p["w"] * xs[0]), "t": (p["b"] + xs[1],)}

    jf = jit(f)
    p = {"w": np.array([1.0, 2.0]), "b": np.array(0.5)}
    for k in (1.0, 2.0):
        out = jf(p, [np.array([k, k]), np.array(k)])
        assert set(out) == {"s", "t"} and isinstance(out["t"], tuple)
        np.testing.assert_allclose(out["s"], 3 * k)
        np.testing.assert_allclose(out["t"][0], 0.5 + k)
    assert jf.trace_count == 1


def test_plan_is_readable_and_frees_values() -> None:
    jf = jit(lambda x: fnp.sum(fnp.exp(fnp.sin(x)) * 2.0))
    text = jf.plan(np.ones(5))
    assert "def replay(a0):" in text and "sin" in text and "exp" in text and "del " in text
    assert jf.trace_count == 1


def test_cache_is_bounded() -> None:
    jf = jit(lambda x: fnp.sum(x))
    for n in range(1, 70):
        jf(np.ones(n))
    assert jf.explain().count("signature (") == 64


def test_threads_share_one_cache_safely() -> None:
    jf = jit(lambda x: fnp.sum(x * x))
    results: dict[int, Any] = {}

    def work(i: int) -> None:
        results[i] = [float(jf(np.full(3 + i % 3, float(k)))) for k in range(20)]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, got in results.items():
        assert got == [(3 + i % 3) * k * k for k in range(20)]
    assert jf.trace_count >= 3


# --- transforms compose both ways ----------------------------------------------------------
def cube(x: Any) -> Any:
    return fnp.sum(x**3 + fnp.sin(x))


def test_transforms_of_jit_differentiate_through_it() -> None:
    x = np.array([0.3, -1.2, 2.0])
    same(grad(jit(cube), argnums=0)(x), grad(cube, argnums=0)(x))
    same(hessian(jit(cube))(x), hessian(cube)(x))
    same(jacfwd(jit(lambda x: fnp.sin(x) * x))(x), jacfwd(lambda x: fnp.sin(x) * x)(x))
    same(jvp(jit(cube), (x,), (np.ones(3),)), jvp(cube, (x,), (np.ones(3),)))


def test_jit_of_transforms_replays_their_derivatives() -> None:
    for transform in (grad(cube, argnums=0), value_and_grad(cube, argnums=0), hessian(cube), jacfwd(lambda x: fnp.sin(x) * x)):
        jf = jit(transform)
        for v in ([0.3, -1.2, 2.0], [1.0, 0.5, -0.25]):
            same(jf(np.array(v)), plain(transform, np.array(v)))
        assert jf.trace_count == 1


def test_an_input_the_output_ignores_gets_zeros_under_jit() -> None:
    jf = jit(grad(lambda x, y: fnp.sum(x * x)))
    for k in (1.0, 2.0):
        gx, gy = jf(np.array([k, 2 * k]), np.array([5.0]))
        same(gx, np.array([2 * k, 4 * k]))
        same(gy, np.zeros(1))


def test_jit_inside_a_custom_vjp_rule() -> None:
    backward = jit(lambda x, g: 3.0 * x * x * g)

    @custom_vjp
    def f(x: Any) -> Any:
        return x**3

    f.defvjp(lambda x: (x**3, x), lambda x, g: (backward(x, g),))
    for v in ([1.0, 2.0], [-1.0, 0.5]):
        same(grad(lambda x: fnp.sum(f(x)), argnums=0)(np.array(v)), 3 * np.array(v) ** 2)
    assert backward.trace_count == 1
    # Under a second-order transform the rule is recorded, so jit runs fn as it is.
    np.testing.assert_allclose(hessian(lambda x: fnp.sum(f(x)))(np.array([1.0, 2.0])), np.diag([6.0, 12.0]))


def test_jit_closing_over_a_value_an_outer_grad_traces() -> None:
    inner = np.array([1.0, 2.0])

    def outer(w: Any) -> Any:
        return jit(lambda x: fnp.sum(x * w * w))(inner)

    same(grad(outer, argnums=0)(np.array([3.0, 4.0])), 2 * np.array([3.0, 4.0]) * inner)


def mlp_params(rng: np.random.Generator, dtype: Any) -> tuple[Any, ...]:
    sizes = [8, 16, 16, 3]
    out: list[Any] = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        out += [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(dtype), np.zeros(b, dtype)]
    return tuple(out)


def mlp_loss(params: Any, X: Any, onehot: Any) -> Any:
    W1, b1, W2, b2, W3, b3 = params
    h1 = fnp.tanh(X @ W1 + b1)
    h2 = fnp.tanh(h1 @ W2 + b2)
    z = h2 @ W3 + b3
    return (log_softmax(z) * onehot).sum() * (-1.0 / X.shape[0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_jitted_training_loop_gives_the_eager_losses_step_for_step(dtype: Any) -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((32, 8)).astype(dtype)
    onehot = np.eye(3, dtype=dtype)[rng.integers(0, 3, 32)]
    eager_step = value_and_grad(mlp_loss, argnums=0)
    jit_step = jit(value_and_grad(mlp_loss, argnums=0))
    p_eager = p_jit = mlp_params(rng, dtype)
    for _ in range(15):
        l1, g1 = eager_step(p_eager, X, onehot)
        l2, g2 = jit_step(p_jit, X, onehot)
        assert l1 == l2 and l2.dtype == dtype
        p_eager = tuple(p - 0.5 * g for p, g in zip(p_eager, g1))
        p_jit = tuple(p - 0.5 * g for p, g in zip(p_jit, g2))
    for a, b in zip(p_eager, p_jit):
        same(a, b)
    assert jit_step.trace_count == 1


def test_relu_network_replays_its_masks_without_retracing() -> None:
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((40, 2)), np.sign(rng.standard_normal((40, 1)))

    def loss(params: Any) -> Any:
        W1, b1, W2 = params
        f = relu(X @ W1 + b1) @ W2
        return relu(1 - y * f).mean() + 1e-4 * (W1 * W1).sum()

    params = (rng.standard_normal((2, 8)), rng.standard_normal(8) * 0.1, rng.standard_normal((8, 1)))
    step, jstep = value_and_grad(loss, argnums=0), jit(value_and_grad(loss, argnums=0))
    p1 = p2 = params
    for _ in range(30):
        (l1, g1), (l2, g2) = step(p1), jstep(p2)
        assert l1 == l2
        p1 = tuple(p - 0.1 * g for p, g in zip(p1, g1))
        p2 = tuple(p - 0.1 * g for p, g in zip(p2, g2))
    assert jstep.trace_count == 1


# --- never a stale branch ------------------------------------------------------------------
def branchy(x: Any) -> Any:
    if fnp.sum(x) > 0:
        return fnp.sum(x * x)
    return fnp.sum(fnp.sin(x))


def piecewise(x: Any) -> Any:
    return fnp.sum(fnp.where(x > 1.0, x * 3.0, x * x) + fnp.where(np.less(x, -1.0), -x, 0.0))


def early_exit(x: Any) -> Any:
    total = x * 0.0
    for _ in range(10):  # stops after a data-dependent number of steps
        total = total + fnp.cos(x)
        if bool(fnp.max(total) > 2.5):
            break
    return fnp.sum(total)


def argmax_indexing(x: Any) -> Any:
    i = fnp.argmax(x)
    return x[i] * 2.0 + fnp.sum(x[x.argmin() :])


def tensor_bool(x: Any) -> Any:
    return fnp.sum(x) * 2.0 if (fnp.sum(x) > 1.0).any() and fnp.all(x < 5.0) else fnp.sum(x) * -1.0


SIDES = [[1.0, 2.0, -0.5], [-1.0, -2.0, 0.5], [0.1, 0.2, 0.3], [3.0, -3.0, 0.5], [2.5, 2.0, 4.0], [0.0, 0.0, 0.0], [9.0, 0.0, 1.0]]


@pytest.mark.parametrize("fn", [branchy, piecewise, early_exit, argmax_indexing, tensor_bool], ids=lambda f: f.__name__)
def test_branches_follow_the_data_on_both_sides(fn: Any) -> None:
    jf, jg, jvg = jit(fn), jit(grad(fn, argnums=0)), jit(value_and_grad(fn, argnums=0))
    for v in SIDES + SIDES[::-1]:
        x = np.array(v)
        same(jf(x), plain(fn, x))
        same(jg(x), grad(fn, argnums=0)(x))
        same(jvg(x), value_and_grad(fn, argnums=0)(x))


def test_branches_seen_before_replay_without_tracing() -> None:
    jf = jit(branchy)
    for v in ([1.0, 2.0], [-1.0, -2.0]) * 5:
        same(jf(np.array(v)), plain(branchy, np.array(v)))
    assert jf.trace_count == 2  # one plan per branch, both kept


def test_a_branch_that_flips_every_call_ends_up_eager_and_stays_right() -> None:
    jf = jit(lambda x: fnp.sum(fnp.where(x > 0, x, -2.0 * x)))
    rng = np.random.default_rng(0)
    for _ in range(40):
        x = rng.standard_normal(6)
        same(jf(x), np.asarray(np.sum(np.where(x > 0, x, -2.0 * x))))
    assert jf.trace_count <= 12
    assert "runs eagerly" in jf.explain()


def test_rules_that_read_data_are_not_replayed() -> None:
    # max's rule reads where the maximum is (tie weights): a recorded backward with it
    # runs eagerly, and stays right.
    def f(x: Any) -> Any:
        return fnp.max(x) * fnp.sum(x)

    jg = jit(grad(f, argnums=0))
    for v in ([1.0, -2.0], [-1.0, 2.0], [0.2, 0.2]):
        same(jg(np.array(v)), grad(f, argnums=0)(np.array(v)))
    assert "runs eagerly" in jg.explain() and "rule of max" in jg.explain()


def test_abs_maximum_and_minimum_rules_replay_their_masks() -> None:
    def f(x: Any) -> Any:
        return fnp.sum(fnp.abs(x) * fnp.maximum(x, 0.5) + fnp.minimum(x, x * x))

    jg = jit(value_and_grad(f, argnums=0))
    for v in ([1.0, -2.0], [-1.0, 2.0], [0.5, 0.1], [0.0, 1.0]):
        same(jg(np.array(v)), value_and_grad(f, argnums=0)(np.array(v)))
    assert jg.trace_count == 1
    same(jit(hessian(f))(np.array([0.3, -2.0])), hessian(f)(np.array([0.3, -2.0])))


def test_side_effects_run_at_trace_time_only() -> None:
    seen = []

    def f(x: Any) -> Any:
        seen.append(f"{fnp.sum(x):.1f}")
        return fnp.sum(x * 2.0)

    jf = jit(f)
    jf(np.array([1.0]))
    jf(np.array([2.0]))
    assert seen == ["1.0"]


def test_stop_gradient_and_constants_replay() -> None:
    c = np.array([1.0, 2.0])
    jf = jit(grad(lambda x: fnp.sum(x * stop_gradient(x) + c * x), argnums=0))
    for v in ([1.0, 1.0], [3.0, -1.0]):
        same(jf(np.array(v)), np.array(v) + c)
    c[:] = 100.0  # a constant is fixed at trace time
    same(jf(np.array([1.0, 1.0])), np.array([2.0, 3.0]))


# --- errors --------------------------------------------------------------------------------
def test_a_non_tensor_output_leaf_is_refused() -> None:
    with pytest.raises(TypeError, match=r"jit: .* must return Tensors .* output\[1\] is float"):
        jit(lambda x: (fnp.sum(x), 1.0))(np.ones(2))
    with pytest.raises(TypeError, match=r"jit: .* output is str"):
        jit(lambda x: "no")(np.ones(2))


def test_an_unhashable_static_argument_is_refused() -> None:
    jf = jit(lambda x, sizes: fnp.sum(x) * len(sizes), static_argnums=(1,))
    with pytest.raises(TypeError, match=r"jit: static argument 1 .* unhashable \(list\)"):
        jf(np.ones(2), [1, 2])
    assert float(jf(np.ones(2), (1, 2))) == 4.0


def test_bad_static_argnums_are_refused() -> None:
    with pytest.raises(TypeError, match="jit: static_argnums"):
        jit(lambda x: x, static_argnums="0")  # type: ignore[arg-type]  # refused at run time too
    with pytest.raises(ValueError, match="jit: static_argnums"):
        jit(lambda x: fnp.sum(x), static_argnums=3)(np.ones(1))


def test_usable_as_a_decorator_with_and_without_static_argnums() -> None:
    @jit
    def f(x: Any) -> Any:
        return fnp.sum(x)

    @functools.partial(jit, static_argnums=1)
    def g(x: Any, k: int) -> Any:
        return fnp.sum(x) * k

    assert float(f(np.ones(3))) == 3.0 and float(g(np.ones(3), 2)) == 6.0
    assert f.__name__ == "f"


def forward_leaks(x: Any) -> Any:
    """fnp functions that read a traced value's data in the forward pass."""
    m = fnp.reshape(x[:4], (2, 2))
    sign, logdet = fnp.linalg.slogdet(m)
    taken = fnp.take(x, fnp.argsort(x)[:2])
    return fnp.sum(taken) + sign * logdet + fnp.linalg.norm(x - x[0]) + fnp.sum(fnp.where(x, x, 1.0)) + fnp.linalg.norm(x, ord=0)


def test_forward_reads_of_traced_data_are_guards() -> None:
    jf = jit(forward_leaks)
    for v in ([1.0, 2.0, 3.0, 4.0, 5.0], [4.0, 3.0, 2.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.5, 0.0], [-2.0, 1.0, 3.0, 1.0, 7.0]):
        same(jf(np.array(v)), plain(forward_leaks, np.array(v)))
    assert jf.trace_count >= 2  # the guards noticed the changed answers


def test_a_replay_holds_no_more_memory_than_the_eager_gradient() -> None:
    import gc
    import tracemalloc

    rng = np.random.default_rng(1)
    X = rng.standard_normal((128, 64))
    onehot = np.eye(3)[rng.integers(0, 3, 128)]
    sizes = [64, 128, 128, 3]
    params = tuple(
        p for a, b in zip(sizes[:-1], sizes[1:]) for p in (rng.standard_normal((a, b)) / np.sqrt(a), np.zeros(b))
    )
    eager, jitted = grad(mlp_loss, argnums=0), jit(grad(mlp_loss, argnums=0))

    def peak(run: Any) -> int:
        run()
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        run()
        top = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        return top

    assert peak(lambda: jitted(params, X, onehot)) <= peak(lambda: eager(params, X, onehot))


def test_a_replay_numpy_refuses_raises_what_the_plain_function_raises() -> None:
    jf = jit(lambda a: fnp.sum(fnp.linalg.inv(a)))
    jf(np.eye(2))
    with pytest.raises(np.linalg.LinAlgError):
        jf(np.zeros((2, 2)))
    same(jf(np.eye(2) * 2.0), np.asarray(1.0))


def test_jit_inside_jit_records_into_the_outer_plan() -> None:
    inner = jit(lambda x: fnp.sum(fnp.where(x > 0, x, 0.0)))
    outer = jit(lambda x: inner(x) * 2.0 + fnp.sum(x))
    for v in ([1.0, -2.0], [1.0, -3.0], [-1.0, 2.0]):
        same(outer(np.array(v)), np.asarray(2.0 * np.sum(np.maximum(v, 0.0)) + np.sum(v)))
    assert inner.trace_count == 0  # called with traced values only: it ran as it is
    assert outer.trace_count == 2  # the mask changed once
