"""A small MLP whose parameters are an attrs class trains with grad(loss, argnums=0):
the gradient is a Params of the same structure, checked against finite differences,
and plain gradient descent drives the loss down by a large factor."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

import funcgrad.nn as nn
import funcgrad.numpy as fnp
import funcgrad.tree as tree
from funcgrad import grad, value_and_grad


@attrs.frozen
class Layer:
    w: Any
    b: Any


@attrs.frozen
class Params:
    layers: tuple[Layer, ...]


def predict(params: Params, x: Any) -> Any:
    h = x
    for layer in params.layers[:-1]:
        h = fnp.tanh(h @ layer.w + layer.b)
    last = params.layers[-1]
    return (h @ last.w + last.b).reshape(-1)


def loss(params: Params, x: Any, y: Any) -> Any:
    return ((predict(params, x) - y) ** 2).mean()


def init(rng: np.random.Generator, sizes: tuple[int, ...]) -> Params:
    return Params(tuple(
        Layer(rng.normal(size=(m, n)) / np.sqrt(m), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])
    ))


def data(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-2, 2, size=(64, 2))
    return x, np.sin(x[:, 0]) * np.cos(x[:, 1])


def test_gradient_of_attrs_params_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    params, (x, y) = init(rng, (2, 5, 1)), data(rng)
    g = grad(loss, argnums=0)(params, x, y)
    assert type(g) is Params and all(type(layer) is Layer for layer in g.layers)
    leaves, treedef = tree.flatten(params)
    for k, (leaf, got) in enumerate(zip(leaves, tree.flatten(g)[0])):
        assert got.shape == leaf.shape
        for idx in list(np.ndindex(leaf.shape))[:4]:
            step = np.zeros(leaf.shape)
            step[idx] = 1e-6
            up = tree.unflatten(treedef, [v + step if j == k else v for j, v in enumerate(leaves)])
            down = tree.unflatten(treedef, [v - step if j == k else v for j, v in enumerate(leaves)])
            expected = (float(loss(up, x, y)) - float(loss(down, x, y))) / 2e-6
            np.testing.assert_allclose(got[idx], expected, rtol=1e-5, atol=1e-8)


def test_mlp_trains_with_grad_argnums_0() -> None:
    rng = np.random.default_rng(1)
    params, (x, y) = init(rng, (2, 16, 16, 1)), data(rng)
    gradient = grad(loss, argnums=0)
    first = float(loss(params, x, y))
    for _ in range(300):
        params = tree.map(lambda p, g: p - 0.1 * g, params, gradient(params, x, y))
    last, g = value_and_grad(loss, argnums=0)(params, x, y)
    assert type(params) is Params
    assert last < first / 10, (first, last)
    assert np.isfinite(last)


def test_nn_ops_in_a_pytree_loss_have_gradients_of_the_params_structure() -> None:
    rng = np.random.default_rng(2)
    params = {"w": rng.normal(size=(3, 4)), "b": np.zeros(4)}
    x, labels = rng.normal(size=(5, 3)), np.eye(4)[[0, 1, 2, 3, 0]]

    def cross_entropy(p: Any) -> Any:
        return -(nn.log_softmax(x @ p["w"] + p["b"]) * labels).sum(axis=-1).mean()

    g = grad(cross_entropy, argnums=0)(params)
    assert list(g) == ["w", "b"]
    # the gradient of softmax cross-entropy in the bias is mean(softmax - labels)
    logits = x @ params["w"] + params["b"]
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(g["b"], (probs - labels).mean(axis=0), rtol=1e-10)
