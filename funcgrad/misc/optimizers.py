"""autograd's ``sgd``, ``rmsprop`` and ``adam``, with its signatures and arithmetic.

``grad(x, i)`` is called with the current parameters (a pytree like ``x0``) and the
iteration number, and returns their gradient; ``callback(x, i, g)``, when given, sees
each iterate and its gradient before the step. The parameters are flattened with
:func:`funcgrad.misc.flatten.flatten`, stepped as one vector, and returned in ``x0``'s
structure as plain arrays. For pure, functional optimizers see :mod:`funcgrad.optim`.

>>> import numpy as np
>>> from funcgrad import grad
>>> loss = lambda p, i: ((p["w"] - 3.0) ** 2).sum()
>>> p = adam(grad(loss, argnums=0), {"w": np.zeros(2)}, step_size=0.1, num_iters=300)
>>> np.round(p["w"], 3)
array([3., 3.])
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional

import numpy as np

from funcgrad._tensor import Tensor
from funcgrad.misc.flatten import flatten

__all__ = ["adam", "rmsprop", "sgd"]

Grad = Callable[[Any, int], Any]
Callback = Optional[Callable[[Any, int, Any], Any]]
_FlatGrad = Callable[[np.ndarray, int], np.ndarray]


def _plain(vector: Any) -> np.ndarray:
    # The flattened gradient: Tensors from a grad that returns them, as values.
    return np.asarray(vector.data if isinstance(vector, Tensor) else vector, dtype=float)


def _on_trees(optimize: Callable[..., np.ndarray]) -> Callable[..., Any]:
    """An optimizer of flat vectors as one of pytrees (autograd's ``unflatten_optimizer``)."""

    @functools.wraps(optimize)
    def run(grad: Grad, x0: Any, callback: Callback = None, *args: Any, **kwargs: Any) -> Any:
        flat_x0, unflatten = flatten(x0)

        def flat_grad(x: np.ndarray, i: int) -> np.ndarray:
            return _plain(flatten(grad(unflatten(x), i))[0])

        flat_callback = None if callback is None else (lambda x, i, g: callback(unflatten(x), i, unflatten(g)))
        return unflatten(optimize(flat_grad, _plain(flat_x0), flat_callback, *args, **kwargs))

    return run


@_on_trees
def sgd(grad: _FlatGrad, x: np.ndarray, callback: Callback = None, num_iters: int = 200, step_size: float = 0.1, mass: float = 0.9) -> np.ndarray:
    """Stochastic gradient descent with momentum: v = mass v - (1 - mass) g; x = x + step_size v."""
    velocity = np.zeros(len(x))
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        velocity = mass * velocity - (1.0 - mass) * g
        x = x + step_size * velocity
    return x


@_on_trees
def rmsprop(grad: _FlatGrad, x: np.ndarray, callback: Callback = None, num_iters: int = 100, step_size: float = 0.1, gamma: float = 0.9, eps: float = 10**-8) -> np.ndarray:
    """Root-mean-square propagation: a = gamma a + (1 - gamma) g**2; x = x - step_size g / (sqrt(a) + eps)."""
    avg_sq_grad = np.ones(len(x))
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        avg_sq_grad = avg_sq_grad * gamma + g**2 * (1 - gamma)
        x = x - step_size * g / (np.sqrt(avg_sq_grad) + eps)
    return x


@_on_trees
def adam(grad: _FlatGrad, x: np.ndarray, callback: Callback = None, num_iters: int = 100, step_size: float = 0.001, b1: float = 0.9, b2: float = 0.999, eps: float = 10**-8) -> np.ndarray:
    """Adam (Kingma and Ba), with bias-corrected first and second moment estimates."""
    m = np.zeros(len(x))
    v = np.zeros(len(x))
    for i in range(num_iters):
        g = grad(x, i)
        if callback:
            callback(x, i, g)
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * (g**2) + b2 * v
        mhat = m / (1 - b1 ** (i + 1))
        vhat = v / (1 - b2 ** (i + 1))
        x = x - step_size * mhat / (np.sqrt(vhat) + eps)
    return x
