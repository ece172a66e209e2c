"""An MLP classifier on scikit-learn's digits (8x8 images, bundled), trained with Adam.

    python examples/mlp_digits.py [--quick]

Parameters are a frozen attrs class; the gradient comes back as the same class, and
``funcgrad.optim.adam`` returns new parameters of that class at every step. Full mode
reaches a test accuracy of about 0.97 in a few seconds.
"""

from __future__ import annotations

import argparse

import attrs
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tqdm import tqdm

import funcgrad.numpy as fnp
from funcgrad import Tensor, value_and_grad
from funcgrad.nn import log_softmax, relu
from funcgrad.optim import adam, cosine_decay


@attrs.frozen
class MLP:
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray


def init(rng: np.random.Generator, sizes: tuple[int, int, int]) -> MLP:
    n_in, n_hidden, n_out = sizes
    return MLP(
        w1=rng.normal(0, np.sqrt(2 / n_in), (n_in, n_hidden)), b1=np.zeros(n_hidden),
        w2=rng.normal(0, np.sqrt(1 / n_hidden), (n_hidden, n_out)), b2=np.zeros(n_out),
    )


def logits(p: MLP, x: np.ndarray) -> Tensor:
    return relu(x @ p.w1 + p.b1) @ p.w2 + p.b2


def loss(p: MLP, x: np.ndarray, y: np.ndarray) -> Tensor:
    # Cross-entropy: minus the mean log-probability of the right class.
    log_p = log_softmax(logits(p, x), axis=-1)
    return -fnp.mean(log_p[np.arange(len(y)), y])


def accuracy(p: MLP, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(logits(p, x).data, axis=1) == y))


def main(quick: bool = False) -> float:
    digits = load_digits()
    x = digits.data / 16.0
    x_train, x_test, y_train, y_test = train_test_split(x, digits.target, test_size=0.25, random_state=0)
    rng = np.random.default_rng(0)
    params = init(rng, (64, 64, 10))
    epochs, batch = (4, 64) if quick else (40, 64)
    steps = epochs * (len(x_train) // batch)
    opt = adam(cosine_decay(1e-2, steps))
    state = opt.init(params)
    step_fn = value_and_grad(loss, argnums=0)
    bar = tqdm(range(epochs), desc="epochs", unit="epoch")
    for _ in bar:
        order = rng.permutation(len(x_train))
        for start in range(0, len(order) - batch + 1, batch):
            idx = order[start : start + batch]
            value, g = step_fn(params, x_train[idx], y_train[idx])
            params, state = opt.update(g, state, params)
        bar.set_postfix(loss=f"{float(value):.3f}")
    acc = accuracy(params, x_test, y_test)
    print(f"result: test_accuracy={acc:.4f} train_accuracy={accuracy(params, x_train, y_train):.4f} steps={steps}")
    return acc


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 epochs instead of 40")
    main(parser.parse_args().quick)
