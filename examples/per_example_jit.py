"""Per-example gradients with ``vmap``, and a training loop compiled with ``jit``.

    python examples/per_example_jit.py [--quick]

A softmax classifier on scikit-learn's digits. ``vmap(grad(loss))`` gives the gradient
of every example in one batched pass (checked against a Python loop of ``grad``); their
norms are what differentially private SGD clips. Then the same model is trained with
``jit(value_and_grad(loss))``: traced on the first step, replayed as straight-line NumPy
after, with the same losses as the eager loop step for step.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from tqdm import tqdm

import funcgrad.numpy as fnp
from funcgrad import Tensor, grad, jit, value_and_grad, vmap
from funcgrad.nn import log_softmax


def loss(w: Tensor, x: Tensor, onehot: Tensor) -> Tensor:
    return -fnp.mean(fnp.sum(log_softmax(x @ w) * onehot, axis=-1))


def main(quick: bool = False) -> float:
    digits = load_digits()
    x = digits.data / 16.0
    onehot = np.eye(10)[digits.target]
    w = np.zeros((64, 10))

    # --- per-example gradients: one batched pass against a loop -------------------------
    batch = 64
    per_example = vmap(grad(loss, argnums=0), in_axes=(None, 0, 0))(w, x[:batch, None], onehot[:batch, None])
    looped = np.stack([grad(loss, argnums=0)(w, x[i : i + 1], onehot[i : i + 1]) for i in range(batch)])
    gap = float(np.max(np.abs(per_example - looped)))
    norms = np.linalg.norm(per_example.reshape(batch, -1), axis=1)
    print(f"per-example gradients {per_example.shape}: largest difference from a loop {gap:.1e}, "
          f"norms {norms.min():.3f}..{norms.max():.3f}")

    # --- a jitted training loop, step for step the eager one -----------------------------
    steps = 30 if quick else 300
    eager_step = value_and_grad(loss, argnums=0)
    jitted_step = jit(value_and_grad(loss, argnums=0))
    losses = {}
    seconds = {}
    for name, step in (("eager", eager_step), ("jit", jitted_step)):
        params, history = w, []
        start = time.perf_counter()
        for _ in tqdm(range(steps), desc=name, disable=quick):
            value, g = step(params, x, onehot)
            params = params - 0.5 * g
            history.append(float(value))
        seconds[name] = time.perf_counter() - start
        losses[name] = history
    same = float(np.max(np.abs(np.array(losses["eager"]) - np.array(losses["jit"]))))
    print(f"{steps} steps: final loss {losses['jit'][-1]:.4f}; eager {seconds['eager']:.2f} s, "
          f"jit {seconds['jit']:.2f} s (traced {jitted_step.trace_count} time)")
    print(f"result: per_example_gap={gap:.2e} loss_gap={same:.2e} final_loss={losses['jit'][-1]:.4f}")
    return same


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 training steps instead of 300")
    main(parser.parse_args().quick)
