"""``funcgrad.misc``: autograd's ``autograd.misc`` helpers, for programs ported from it.

``flatten`` turns a pytree of arrays into one vector and back (differentiably), and
``optimizers`` holds autograd's ``sgd``, ``rmsprop`` and ``adam`` with its signatures
(``adam(grad, x0, callback=None, num_iters=100, step_size=0.001, ...)``, ``grad(x, i)``).
For new code, :mod:`funcgrad.optim` has pure ``init``/``update`` optimizers.

>>> import numpy as np
>>> from funcgrad.misc import flatten
>>> vector, unflatten = flatten({"w": np.ones((2, 2)), "b": np.zeros(2)})
>>> vector
array([1., 1., 1., 1., 0., 0.])
>>> unflatten(vector)["b"]
array([0., 0.])
"""

from funcgrad.misc.flatten import flatten as flatten

__all__ = ["flatten"]
