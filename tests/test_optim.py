"""funcgrad.optim: each optimizer's steps against hand-computed ones, purity, dtypes, pytrees."""

from __future__ import annotations

import doctest
import math
from typing import NamedTuple

import attrs
import numpy as np
import pytest

import funcgrad.optim as optim
from funcgrad import Tensor, grad

P0 = np.array([1.0, -2.0])
G1 = np.array([0.5, 1.0])
G2 = np.array([-1.0, 2.0])


def two_steps(opt: optim.Optimizer, p0: np.ndarray = P0) -> tuple[np.ndarray, np.ndarray]:
    state = opt.init(p0)
    p1, state = opt.update(G1, state, p0)
    p2, state = opt.update(G2, state, p1)
    return p1, p2


def test_module_doctests_pass() -> None:
    result = doctest.testmod(optim, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 10


def test_sgd_plain_is_p_minus_lr_g() -> None:
    p1, p2 = two_steps(optim.sgd(0.1))
    np.testing.assert_allclose(p1, P0 - 0.1 * G1)
    np.testing.assert_allclose(p2, P0 - 0.1 * G1 - 0.1 * G2)


def test_sgd_momentum_and_weight_decay_follow_pytorch() -> None:
    mu, wd, lr = 0.9, 0.1, 0.1
    p1, p2 = two_steps(optim.sgd(lr, momentum=mu, weight_decay=wd))
    g = G1 + wd * P0
    b = g  # PyTorch: the first buffer is the gradient itself
    e1 = P0 - lr * b
    g = G2 + wd * e1
    b = mu * b + g
    np.testing.assert_allclose(p1, e1)
    np.testing.assert_allclose(p2, e1 - lr * b)


def test_sgd_nesterov_steps_along_g_plus_mu_b() -> None:
    mu, lr = 0.9, 0.1
    p1, p2 = two_steps(optim.sgd(lr, momentum=mu, nesterov=True))
    b = G1
    e1 = P0 - lr * (G1 + mu * b)
    b = mu * b + G2
    np.testing.assert_allclose(p1, e1)
    np.testing.assert_allclose(p2, e1 - lr * (G2 + mu * b))


def test_adam_two_steps_by_hand() -> None:
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    p1, p2 = two_steps(optim.adam(lr))
    m = (1 - b1) * G1
    v = (1 - b2) * G1**2
    e1 = P0 - lr * (m / (1 - b1)) / (np.sqrt(v / (1 - b2)) + eps)
    m = b1 * m + (1 - b1) * G2
    v = b2 * v + (1 - b2) * G2**2
    e2 = e1 - lr * (m / (1 - b1**2)) / (np.sqrt(v / (1 - b2**2)) + eps)
    np.testing.assert_allclose(p1, e1, rtol=1e-12)
    np.testing.assert_allclose(p2, e2, rtol=1e-12)


def test_adam_weight_decay_is_l2_in_the_gradient_and_adamw_decouples_it() -> None:
    lr, wd = 0.01, 0.5
    p1, _ = two_steps(optim.adam(lr, weight_decay=wd))
    g = G1 + wd * P0
    np.testing.assert_allclose(p1, P0 - lr * np.sign(g), rtol=1e-6)  # Adam's first step is lr * sign
    w1, _ = two_steps(optim.adamw(lr, weight_decay=wd))
    np.testing.assert_allclose(w1, P0 * (1 - lr * wd) - lr * np.sign(G1), rtol=1e-6)


def test_rmsprop_two_steps_by_hand_with_momentum() -> None:
    lr, alpha, eps, mu = 0.01, 0.99, 1e-8, 0.5
    p1, p2 = two_steps(optim.rmsprop(lr, momentum=mu))
    v = (1 - alpha) * G1**2
    b = G1 / (np.sqrt(v) + eps)
    e1 = P0 - lr * b
    v = alpha * v + (1 - alpha) * G2**2
    b = mu * b + G2 / (np.sqrt(v) + eps)
    np.testing.assert_allclose(p1, e1)
    np.testing.assert_allclose(p2, e1 - lr * b)


def test_adagrad_accumulates_squares_from_the_initial_value() -> None:
    lr, init, eps = 0.1, 0.25, 1e-10
    p1, p2 = two_steps(optim.adagrad(lr, initial_accumulator_value=init))
    s = init + G1**2
    e1 = P0 - lr * G1 / (np.sqrt(s) + eps)
    s = s + G2**2
    np.testing.assert_allclose(p1, e1)
    np.testing.assert_allclose(p2, e1 - lr * G2 / (np.sqrt(s) + eps))


def test_a_schedule_is_called_with_the_step_count_from_zero() -> None:
    seen: list[int] = []

    def schedule(step: int) -> float:
        seen.append(step)
        return 0.1 * (step + 1)

    p1, p2 = two_steps(optim.sgd(schedule))
    assert seen == [0, 1]
    np.testing.assert_allclose(p2, P0 - 0.1 * G1 - 0.2 * G2)


@pytest.mark.parametrize(
    "schedule, expected",
    [
        (optim.constant(0.3), [0.3, 0.3, 0.3]),
        (optim.exponential_decay(1.0, 0.5, 2), [1.0, 2**-0.5, 0.5]),
        (optim.exponential_decay(1.0, 0.5, 2, staircase=True), [1.0, 1.0, 0.5]),
        (optim.linear_schedule(1.0, 0.0, 2), [1.0, 0.5, 0.0]),
        (optim.cosine_decay(2.0, 2, alpha=0.5), [2.0, 1.5, 1.0]),
        (optim.warmup_cosine_decay(0.0, 1.0, 1, 3), [0.0, 1.0, 0.5]),
        (optim.piecewise_constant([1, 2], [3.0, 2.0, 1.0]), [3.0, 2.0, 1.0]),
    ],
)
def test_schedules_give_their_values_at_steps_0_1_2(schedule: optim.Schedule, expected: list[float]) -> None:
    assert [schedule(step) for step in range(3)] == pytest.approx(expected)


def test_clip_by_global_norm_scales_only_above_the_threshold() -> None:
    grads = {"a": np.array([3.0]), "b": np.array([[4.0]], dtype=np.float32)}
    assert optim.global_norm(grads) == pytest.approx(5.0)
    clipped = optim.clip_by_global_norm(grads, 2.5)
    np.testing.assert_allclose(clipped["a"], [1.5])
    np.testing.assert_allclose(clipped["b"], [[2.0]])
    assert clipped["b"].dtype == np.float32
    kept = optim.clip_by_global_norm(grads, 10.0)
    np.testing.assert_array_equal(kept["a"], grads["a"])


ALL = [
    optim.sgd(0.1),
    optim.sgd(0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    optim.adam(0.1),
    optim.adamw(0.1),
    optim.rmsprop(0.1, momentum=0.5),
    optim.adagrad(0.1),
]


@attrs.frozen
class Layer:
    w: Tensor
    b: Tensor


class Model(NamedTuple):
    layers: list[Layer]
    scale: np.ndarray


def model_loss(m: Model, x: np.ndarray) -> Tensor:
    h = x
    for layer in m.layers:
        h = (h @ layer.w + layer.b) * 0.5
    return ((h * m.scale) ** 2).sum()


@pytest.mark.parametrize("opt", ALL, ids=lambda opt: opt.name)
def test_nothing_is_mutated_and_the_pytree_type_and_dtypes_are_kept(opt: optim.Optimizer) -> None:
    rng = np.random.default_rng(0)
    model = Model(
        layers=[Layer(Tensor(rng.normal(size=(3, 3)).astype(np.float32)), Tensor(np.zeros(3, np.float32)))],
        scale=np.ones(3, np.float32),
    )
    x = rng.normal(size=(2, 3)).astype(np.float32)
    before = [np.array(leaf) for leaf in (model.layers[0].w, model.layers[0].b, model.scale)]
    state = opt.init(model)
    g = grad(model_loss, argnums=0)(model, x)
    g_before = np.array(g.layers[0].w)
    new, state2 = opt.update(g, state, model)
    assert type(new) is Model and type(new.layers) is list and type(new.layers[0]) is Layer
    assert isinstance(new.layers[0].w, Tensor) and isinstance(new.scale, np.ndarray)
    for leaf in (new.layers[0].w.data, new.layers[0].b.data, new.scale):
        assert leaf.dtype == np.float32
    for slot in state2.slots:
        assert slot.layers[0].w.dtype == np.float32
    after = [np.array(leaf) for leaf in (model.layers[0].w, model.layers[0].b, model.scale)]
    for old, now in zip(before, after):
        np.testing.assert_array_equal(old, now)
    np.testing.assert_array_equal(g_before, g.layers[0].w)
    assert state.step == 0 and state2.step == 1
    assert not np.array_equal(np.asarray(new.layers[0].w), before[0])


@pytest.mark.parametrize("opt", [optim.sgd(0.05, momentum=0.9), optim.adam(0.05), optim.rmsprop(optim.exponential_decay(0.05, 0.01, 400)),
                                 optim.adagrad(0.5)],
                         ids=lambda opt: opt.name)
def test_each_optimizer_minimises_a_quadratic(opt: optim.Optimizer) -> None:
    def loss(p: dict[str, Tensor]) -> Tensor:
        return ((p["w"] - 3.0) ** 2).sum() + ((p["b"] + 1.0) ** 2).sum()

    params = {"w": np.zeros(2), "b": np.zeros(())}
    state = opt.init(params)
    for _ in range(400):
        params, state = opt.update(grad(loss, argnums=0)(params), state, params)
    assert float(loss({"w": Tensor(params["w"]), "b": Tensor(params["b"])}).data) < 1e-3


def test_grads_of_another_structure_are_refused_naming_the_optimizer() -> None:
    opt = optim.adam(0.1)
    state = opt.init({"w": np.zeros(2)})
    with pytest.raises(ValueError, match="adam.update"):
        opt.update({"v": np.zeros(2)}, state, {"w": np.zeros(2)})


def test_state_arrays_are_read_only() -> None:
    opt = optim.adam(0.1)
    _, state = opt.update(G1, opt.init(P0), P0)
    with pytest.raises(ValueError):
        state.slots[0][...] = 0.0
    assert math.isclose(float(state.slots[0][0]), 0.05)
