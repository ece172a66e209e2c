"""``funcgrad.numpy.random``: NumPy's random module, under the name autograd programs use.

Programs written for autograd import ``autograd.numpy.random as npr``; the same line with
``funcgrad`` runs. Sampling is not differentiated (as in autograd): these are NumPy's own
functions and classes (``RandomState``, ``seed``, ``randn``, ``default_rng``, ...),
re-exported unchanged, and what they return are plain arrays. A Tensor mixes with a
sample as with any array (``rs.randn(n, d) * fnp.exp(log_std) + mean`` is a Tensor):

>>> import funcgrad.numpy.random as npr
>>> rs = npr.RandomState(0)
>>> rs.randn(2).round(4)
array([1.7641, 0.4002])
>>> import numpy
>>> npr.RandomState is numpy.random.RandomState
True

Sizes and shapes passed to them are ints (``rs.randn(*t.shape)``); pass ``t.data`` where
you want a sampler to read a Tensor's value as a parameter (``rs.choice(k, p=w.data)``).
"""

from numpy.random import *  # noqa: F403  (the whole of numpy.random, unchanged)
from numpy.random import __all__ as __all__
