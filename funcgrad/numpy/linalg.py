"""``funcgrad.numpy.linalg``: solve, inv, det and norm, differentiable to any order.

>>> import funcgrad.numpy as fnp
>>> fnp.linalg.det(np.eye(2))
Tensor(1.0, op=det)
"""

import numpy as np

from funcgrad.numpy._linalg import det as det
from funcgrad.numpy._linalg import inv as inv
from funcgrad.numpy._linalg import norm as norm
from funcgrad.numpy._linalg import solve as solve

__all__ = ["det", "inv", "norm", "solve"]
