"""``funcgrad.scipy.signal``: ``convolve``, differentiable in both inputs to any order.

>>> from funcgrad import grad
>>> import funcgrad.numpy as fnp
>>> grad(lambda k: fnp.sum(convolve(np.array([1.0, 2.0, 3.0]), k, mode="valid")), argnums=0)(np.ones(2))
array([5., 3.])
"""

import numpy as np  # noqa: F401  (the example uses it)

from funcgrad.scipy._signal import convolve as convolve

__all__ = ["convolve"]
