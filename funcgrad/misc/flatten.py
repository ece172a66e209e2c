"""``flatten`` and ``flatten_func``, as ``autograd.misc.flatten`` has them.

A pytree (see :mod:`funcgrad.tree`) of arrays, Tensors and numbers becomes one float
vector, and ``unflatten`` rebuilds the tree from any vector of that length. Both are
funcgrad ops where Tensors are involved, so they work inside a transform (a prior on
all the weights of a network, ``flatten(params)[0]``, differentiates as a function of
``params``); on plain arrays they give plain arrays, as autograd's do.

One difference from autograd: the entries of a dict follow the dict's order (funcgrad's
pytree convention), where autograd sorts the keys.

>>> import numpy as np
>>> vector, unflatten = flatten([np.ones(2), (3.0, np.zeros((1, 2)))])
>>> vector
array([1., 1., 3., 0., 0.])
>>> unflatten(np.arange(5.0))
[array([0., 1.]), (array(2.), array([[3., 4.]]))]
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

import funcgrad.numpy as fnp
import funcgrad.tree as tree
from funcgrad._tensor import Tensor

__all__ = ["flatten", "flatten_func"]


def _holds_tensor(leaves: list[Any]) -> bool:
    return any(isinstance(leaf, Tensor) for leaf in leaves)


def flatten(value: Any) -> tuple[Any, Callable[[Any], Any]]:
    """``(vector, unflatten)``: the leaves of ``value`` raveled and joined in pytree order
    (a Tensor when a leaf is one: d/dleaf is the identity on its slice; else an array),
    and the function that splits a vector of that length back into ``value``'s structure
    (differentiable in the vector when it is a Tensor).
    """
    leaves, treedef = tree.flatten(value)
    shapes = [np.shape(leaf.data if isinstance(leaf, Tensor) else leaf) for leaf in leaves]
    sizes = [int(np.prod(s)) for s in shapes]
    vector: Any
    if not leaves:
        vector = np.zeros(0)
    elif _holds_tensor(leaves):
        vector = fnp.concatenate([fnp.reshape(leaf, (-1,)) for leaf in leaves])
    else:
        vector = np.concatenate([np.ravel(np.asarray(leaf, dtype=float)) for leaf in leaves])

    def unflatten(flat: Any) -> Any:
        if np.shape(flat.data if isinstance(flat, Tensor) else flat) != (sum(sizes),):
            raise ValueError(f"unflatten: expected a vector of length {sum(sizes)}, got shape {np.shape(flat)}")
        pieces, start = [], 0
        for shape, size in zip(shapes, sizes):
            piece = flat[start : start + size]
            pieces.append(fnp.reshape(piece, shape) if isinstance(flat, Tensor) else np.reshape(piece, shape))
            start += size
        return tree.unflatten(treedef, pieces)

    return vector, unflatten


def flatten_func(func: Callable[..., Any], example: Any) -> tuple[Callable[..., Any], Callable[[Any], Any], Any]:
    """``(flat_func, unflatten, flat_example)``: ``func`` of a pytree shaped like
    ``example`` as a function of one vector, its output flattened too.

    >>> f, unflatten, x0 = flatten_func(lambda p: p["a"] * p["b"], {"a": np.ones(2), "b": 2.0})
    >>> f(x0)
    array([2., 2.])
    """
    flat_example, unflatten = flatten(example)

    def flat_func(vector: Any, *args: Any) -> Any:
        return flatten(func(unflatten(vector), *args))[0]

    return flat_func, unflatten, flat_example
