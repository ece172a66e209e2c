"""Pure optimizers over any pytree, and learning-rate schedules.

An optimizer is a pair of pure functions: ``init(params)`` builds its state and
``update(grads, state, params)`` returns new parameters and a new state. Nothing is
changed in place: the parameters, gradients and state you pass are left as they were.
``params`` may be any pytree (tuples, lists, dicts, NamedTuples, dataclasses, attrs
classes) and keeps its type: a leaf that was a Tensor comes back a Tensor, an array an
array, and float32 stays float32.

>>> import numpy as np
>>> from funcgrad import grad
>>> from funcgrad.optim import adam
>>> loss = lambda p: ((p["w"] - 3.0) ** 2).sum()
>>> params = {"w": np.zeros(2)}
>>> opt = adam(0.1)
>>> state = opt.init(params)
>>> for _ in range(200):
...     params, state = opt.update(grad(loss, argnums=0)(params), state, params)
>>> np.round(params["w"], 3)
array([3., 3.])

Wherever a learning rate goes, a schedule may go instead: any callable of the step
(the number of updates made before this one, from 0) that returns a float, such as
``cosine_decay(0.1, 1000)`` or ``lambda step: 0.1 / (1 + step)``.

Each optimizer's docstring says whose convention it follows (PyTorch's or optax's)
where the two differ.
"""

from __future__ import annotations

import math
from typing import Any, Callable, TypeVar, Union

import attrs
import numpy as np

import funcgrad.tree as tree
from funcgrad._tensor import Tensor
from funcgrad._typing import Array

__all__ = [
    "OptState",
    "Optimizer",
    "Schedule",
    "adagrad",
    "adam",
    "adamw",
    "clip_by_global_norm",
    "constant",
    "cosine_decay",
    "exponential_decay",
    "global_norm",
    "linear_schedule",
    "piecewise_constant",
    "rmsprop",
    "sgd",
    "warmup_cosine_decay",
]

P = TypeVar("P")

#: A learning rate as a function of the step (updates made before this one, from 0).
Schedule = Callable[[int], float]
#: A fixed learning rate or a schedule.
LearningRate = Union[float, Schedule]


@attrs.frozen
class OptState:
    """An optimizer's state: the step count and its per-parameter slots.

    ``slots`` holds one pytree per slot (for Adam ``(m, v)``, the first and second moment
    estimates), each of the parameters' structure with read-only array leaves.
    """

    step: int
    slots: tuple[Any, ...] = ()


# The per-leaf update: (param, grad, slot leaves, step, lr) -> (new param, new slot leaves).
_LeafUpdate = Callable[[Array, Array, tuple[Array, ...], int, float], tuple[Array, tuple[Array, ...]]]


@attrs.frozen
class Optimizer:
    """``init(params) -> state`` and ``update(grads, state, params) -> (params, state)``."""

    name: str
    num_slots: int
    learning_rate: LearningRate
    leaf_update: _LeafUpdate = attrs.field(repr=False)
    #: What every slot starts at (0 but for Adagrad's ``initial_accumulator_value``).
    initial: float = 0.0

    def init(self, params: Any) -> OptState:
        """A fresh state for ``params``: step 0 and slots of the parameters' shapes and dtypes."""
        start = tree.map(lambda p: _frozen(np.full_like(_value(p), self.initial)), params)
        return OptState(step=0, slots=(start,) * self.num_slots)

    def update(self, grads: P, state: OptState, params: P) -> tuple[P, OptState]:
        """One step: new parameters of the type of ``params``, and the next state."""
        lr = _rate(self.learning_rate, state.step)
        param_leaves, treedef = tree.flatten(params)
        grad_leaves, grad_def = tree.flatten(grads)
        if grad_def != treedef:
            raise ValueError(f"{self.name}.update: grads have structure {grad_def}, params {treedef}")
        slot_leaves = [tree.flatten(slot)[0] for slot in state.slots]
        if any(len(leaves) != len(param_leaves) for leaves in slot_leaves):
            raise ValueError(f"{self.name}.update: the state was made for other params (init it with these)")
        new_params: list[Any] = []
        new_slots: list[list[Array]] = [[] for _ in state.slots]
        for index, (param, g) in enumerate(zip(param_leaves, grad_leaves)):
            p = _value(param)
            g_array = _value(g).astype(p.dtype, copy=False)
            if g_array.shape != p.shape:
                raise ValueError(f"{self.name}.update: a gradient of shape {g_array.shape} for a parameter of shape {p.shape}")
            slots = tuple(leaves[index] for leaves in slot_leaves)
            new_p, updated = self.leaf_update(p, g_array, slots, state.step, lr)
            new_p = _frozen(new_p.astype(p.dtype, copy=False))
            new_params.append(Tensor(new_p) if isinstance(param, Tensor) else new_p)
            for position, slot in enumerate(updated):
                new_slots[position].append(_frozen(slot.astype(p.dtype, copy=False)))
        rebuilt: P = tree.unflatten(treedef, new_params)
        return rebuilt, OptState(state.step + 1, tuple(tree.unflatten(treedef, leaves) for leaves in new_slots))


def _value(leaf: Any) -> Array:
    array = np.asarray(leaf)
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    return array


def _frozen(value: Array) -> Array:
    # Only ever given arrays this module made (0-d arithmetic gives NumPy scalars).
    array: Array = np.asarray(value)
    array.flags.writeable = False
    return array


def _rate(learning_rate: LearningRate, step: int) -> float:
    return float(learning_rate(step)) if callable(learning_rate) else float(learning_rate)


# --- optimizers -------------------------------------------------------------------------


def sgd(learning_rate: LearningRate, momentum: float = 0.0, nesterov: bool = False,
        weight_decay: float = 0.0) -> Optimizer:
    """Stochastic gradient descent, PyTorch's ``torch.optim.SGD`` (dampening 0).

    ``g = grad + weight_decay * p`` (L2, added to the gradient); with momentum
    ``b = momentum * b + g`` (so the first step's buffer is ``g``), then
    ``p = p - lr * (g + momentum * b)`` with ``nesterov`` or ``p = p - lr * b`` without.
    optax's ``sgd`` with ``momentum`` and ``nesterov`` computes the same.

    >>> import numpy as np
    >>> opt = sgd(0.1, momentum=0.9)
    >>> params, state = opt.update(np.array([1.0]), opt.init(np.array([0.0])), np.array([0.0]))
    >>> params, state.slots[0]
    (array([-0.1]), array([1.]))
    """
    if nesterov and momentum <= 0:
        raise ValueError("sgd: nesterov=True needs a momentum > 0")

    def leaf(p: Array, g: Array, slots: tuple[Array, ...], step: int, lr: float) -> tuple[Array, tuple[Array, ...]]:
        if weight_decay:
            g = g + weight_decay * p
        if not momentum:
            return p - lr * g, ()
        (buffer,) = slots
        buffer = momentum * buffer + g
        direction = g + momentum * buffer if nesterov else buffer
        return p - lr * direction, (buffer,)

    return Optimizer("sgd", 1 if momentum else 0, learning_rate, leaf)


def adam(learning_rate: LearningRate, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
         weight_decay: float = 0.0) -> Optimizer:
    """Adam (Kingma and Ba), as PyTorch's ``torch.optim.Adam`` and optax's ``adam``.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g**2``, then with the step count
    ``t`` (from 1) ``p = p - lr * (m / (1 - b1**t)) / (sqrt(v / (1 - b2**t)) + eps)``:
    eps outside the square root, as both do. ``weight_decay`` is PyTorch's L2 term added
    to the gradient (for decoupled decay use ``adamw``). Slots: ``(m, v)``.

    >>> import numpy as np
    >>> opt = adam(0.1)
    >>> params, _ = opt.update(np.array([2.0]), opt.init(np.array([1.0])), np.array([1.0]))
    >>> params   # the first step moves every entry by lr (times the gradient's sign)
    array([0.9])
    """
    return _adam("adam", learning_rate, b1, b2, eps, l2=weight_decay, decoupled=0.0)


def adamw(learning_rate: LearningRate, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
          weight_decay: float = 1e-2) -> Optimizer:
    """AdamW (Loshchilov and Hutter), PyTorch's ``torch.optim.AdamW``.

    Decoupled weight decay: ``p = p * (1 - lr * weight_decay)`` first, then the Adam
    step; PyTorch's default ``weight_decay=1e-2`` (optax's ``adamw`` decays the same way,
    ``p - lr * (adam_step + weight_decay * p)``, with a default of 1e-4). Slots: ``(m, v)``.

    >>> import numpy as np
    >>> opt = adamw(0.1, weight_decay=0.5)
    >>> params, _ = opt.update(np.array([0.0]), opt.init(np.array([1.0])), np.array([1.0]))
    >>> params   # no gradient: only the decay, 1 * (1 - 0.1 * 0.5)
    array([0.95])
    """
    return _adam("adamw", learning_rate, b1, b2, eps, l2=0.0, decoupled=weight_decay)


def _adam(name: str, learning_rate: LearningRate, b1: float, b2: float, eps: float, *, l2: float,
          decoupled: float) -> Optimizer:
    def leaf(p: Array, g: Array, slots: tuple[Array, ...], step: int, lr: float) -> tuple[Array, tuple[Array, ...]]:
        if l2:
            g = g + l2 * p
        if decoupled:
            p = p * (1.0 - lr * decoupled)
        m, v = slots
        m = b1 * m + (1.0 - b1) * g
        v = b2 * v + (1.0 - b2) * (g * g)
        t = step + 1
        m_hat = m / (1.0 - b1**t)
        v_hat = v / (1.0 - b2**t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps), (m, v)

    return Optimizer(name, 2, learning_rate, leaf)


def rmsprop(learning_rate: LearningRate, alpha: float = 0.99, eps: float = 1e-8, momentum: float = 0.0,
            weight_decay: float = 0.0) -> Optimizer:
    """RMSprop, PyTorch's ``torch.optim.RMSprop`` (not centered).

    ``v = alpha v + (1 - alpha) g**2``, then ``p = p - lr * g / (sqrt(v) + eps)``; with
    momentum ``b = momentum b + g / (sqrt(v) + eps)`` and ``p = p - lr * b``. PyTorch's
    defaults (``alpha=0.99``, eps outside the root); optax's ``rmsprop`` has
    ``decay=0.9`` and puts eps inside the root. Slots: ``(v,)`` or ``(v, b)``.

    >>> import numpy as np
    >>> opt = rmsprop(0.01, alpha=0.9, eps=0.0)
    >>> params, _ = opt.update(np.array([2.0]), opt.init(np.array([1.0])), np.array([1.0]))
    >>> np.round(params, 6)   # 1 - 0.01 * 2 / sqrt(0.1 * 4)
    array([0.968377])
    """

    def leaf(p: Array, g: Array, slots: tuple[Array, ...], step: int, lr: float) -> tuple[Array, tuple[Array, ...]]:
        if weight_decay:
            g = g + weight_decay * p
        v = alpha * slots[0] + (1.0 - alpha) * (g * g)
        scaled = g / (np.sqrt(v) + eps)
        if not momentum:
            return p - lr * scaled, (v,)
        buffer = momentum * slots[1] + scaled
        return p - lr * buffer, (v, buffer)

    return Optimizer("rmsprop", 2 if momentum else 1, learning_rate, leaf)


def adagrad(learning_rate: LearningRate, eps: float = 1e-10, initial_accumulator_value: float = 0.0,
            weight_decay: float = 0.0) -> Optimizer:
    """Adagrad, PyTorch's ``torch.optim.Adagrad`` (no ``lr_decay``; use a schedule).

    ``s = s + g**2``, ``p = p - lr * g / (sqrt(s) + eps)``, ``s`` starting at
    ``initial_accumulator_value``; PyTorch's ``eps=1e-10`` outside the root (optax's
    ``adagrad`` starts at 0.1 and puts eps 1e-7 inside). Slots: ``(s,)``.

    >>> import numpy as np
    >>> opt = adagrad(0.5)
    >>> params, _ = opt.update(np.array([4.0]), opt.init(np.array([1.0])), np.array([1.0]))
    >>> params   # 1 - 0.5 * 4 / sqrt(16)
    array([0.5])
    """

    def leaf(p: Array, g: Array, slots: tuple[Array, ...], step: int, lr: float) -> tuple[Array, tuple[Array, ...]]:
        if weight_decay:
            g = g + weight_decay * p
        total = slots[0] + g * g
        return p - lr * g / (np.sqrt(total) + eps), (total,)

    return Optimizer("adagrad", 1, learning_rate, leaf, initial=initial_accumulator_value)


# --- gradient clipping ------------------------------------------------------------------


def global_norm(grads: Any) -> float:
    """The 2-norm of all leaves of ``grads`` together, as if concatenated.

    >>> import numpy as np
    >>> global_norm({"a": np.array([3.0]), "b": np.array([[4.0]])})
    5.0
    """
    leaves, _ = tree.flatten(grads)
    return math.sqrt(sum(float(np.sum(np.square(np.asarray(leaf, dtype=np.float64)))) for leaf in leaves))


def clip_by_global_norm(grads: P, max_norm: float) -> P:
    """``grads`` scaled by ``max_norm / global_norm(grads)`` when that norm exceeds ``max_norm``.

    optax's convention (``clip_by_global_norm``: exact, no epsilon; PyTorch's
    ``clip_grad_norm_`` divides by ``norm + 1e-6``). Returns a new pytree of the same
    type; each leaf keeps its dtype.

    >>> import numpy as np
    >>> clip_by_global_norm({"a": np.array([3.0]), "b": np.array([4.0])}, 1.0)
    {'a': array([0.6]), 'b': array([0.8])}
    """
    if max_norm <= 0:
        raise ValueError(f"clip_by_global_norm: max_norm must be positive (got {max_norm})")
    norm = global_norm(grads)
    scale = 1.0 if norm <= max_norm else max_norm / norm
    clipped: P = tree.map(lambda g: _frozen(np.asarray(np.asarray(g) * scale, dtype=_value(g).dtype)), grads)
    return clipped


# --- schedules --------------------------------------------------------------------------


def constant(value: float) -> Schedule:
    """``value`` at every step.

    >>> constant(0.1)(1000)
    0.1
    """
    return lambda step: float(value)


def exponential_decay(init_value: float, decay_rate: float, transition_steps: int,
                      staircase: bool = False) -> Schedule:
    """``init_value * decay_rate ** (step / transition_steps)`` (optax's convention);
    with ``staircase`` the exponent is rounded down.

    >>> exponential_decay(1.0, 0.5, 10)(20)
    0.25
    """
    if transition_steps <= 0:
        raise ValueError("exponential_decay: transition_steps must be positive")

    def schedule(step: int) -> float:
        exponent = step / transition_steps
        return float(init_value * decay_rate ** (math.floor(exponent) if staircase else exponent))

    return schedule


def linear_schedule(init_value: float, end_value: float, transition_steps: int) -> Schedule:
    """From ``init_value`` at step 0 linearly to ``end_value`` at ``transition_steps``, then flat.

    >>> linear_schedule(0.0, 1.0, 4)(1), linear_schedule(0.0, 1.0, 4)(9)
    (0.25, 1.0)
    """
    if transition_steps <= 0:
        return constant(end_value)

    def schedule(step: int) -> float:
        fraction = min(max(step, 0), transition_steps) / transition_steps
        return float(init_value + (end_value - init_value) * fraction)

    return schedule


def cosine_decay(init_value: float, decay_steps: int, alpha: float = 0.0) -> Schedule:
    """Half a cosine from ``init_value`` to ``alpha * init_value`` over ``decay_steps``,
    then flat (optax's ``cosine_decay_schedule``).

    >>> cosine_decay(1.0, 10)(5), cosine_decay(1.0, 10)(10)
    (0.5, 0.0)
    """
    if decay_steps <= 0:
        raise ValueError("cosine_decay: decay_steps must be positive")

    def schedule(step: int) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * min(max(step, 0), decay_steps) / decay_steps))
        return float(init_value * ((1.0 - alpha) * cosine + alpha))

    return schedule


def warmup_cosine_decay(init_value: float, peak_value: float, warmup_steps: int, decay_steps: int,
                        end_value: float = 0.0) -> Schedule:
    """Linear warmup from ``init_value`` to ``peak_value`` over ``warmup_steps``, then a
    cosine to ``end_value`` at ``decay_steps`` (counted from step 0, warmup included),
    as optax's ``warmup_cosine_decay_schedule``.

    >>> s = warmup_cosine_decay(0.0, 1.0, warmup_steps=2, decay_steps=4)
    >>> tuple(round(s(step), 3) for step in range(6))
    (0.0, 0.5, 1.0, 0.5, 0.0, 0.0)
    """
    warmup = linear_schedule(init_value, peak_value, warmup_steps)
    span = max(decay_steps - warmup_steps, 1)

    def schedule(step: int) -> float:
        if step < warmup_steps:
            return warmup(step)
        cosine = 0.5 * (1.0 + math.cos(math.pi * min(step - warmup_steps, span) / span))
        return float(end_value + (peak_value - end_value) * cosine)

    return schedule


def piecewise_constant(boundaries: list[int], values: list[float]) -> Schedule:
    """``values[i]`` for steps before ``boundaries[i]`` (and ``values[-1]`` after the last).

    >>> s = piecewise_constant([10, 20], [1.0, 0.1, 0.01])
    >>> s(0), s(10), s(25)
    (1.0, 0.1, 0.01)
    """
    if len(values) != len(boundaries) + 1:
        raise ValueError("piecewise_constant: needs one value more than boundaries")
    pairs = tuple(zip(boundaries, values))
    last = float(values[-1])

    def schedule(step: int) -> float:
        for boundary, value in pairs:
            if step < boundary:
                return float(value)
        return last

    return schedule
