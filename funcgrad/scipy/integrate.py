"""``funcgrad.scipy.integrate``: ``odeint``, differentiable in ``y0``, ``t`` and ``args``
by the adjoint method (first-order reverse mode).

>>> import numpy as np
>>> odeint(lambda y, t: -y, np.array([1.0]), np.array([0.0])).data
array([[1.]])
"""

from funcgrad.scipy._integrate import odeint as odeint

__all__ = ["odeint"]
