"""``funcgrad.scipy.linalg``: SciPy's triangular solves, Cholesky solves, matrix
exponential, square root, Sylvester solver and banded solver, differentiable to any order.

>>> import numpy as np
>>> from funcgrad import grad
>>> import funcgrad.numpy as fnp
>>> grad(lambda a: fnp.sum(expm(a)), argnums=0)(np.zeros((2, 2)))
array([[1., 1.],
       [1., 1.]])
"""

from funcgrad.scipy._linalg import cho_factor as cho_factor
from funcgrad.scipy._linalg import cho_solve as cho_solve
from funcgrad.scipy._linalg import cholesky as cholesky
from funcgrad.scipy._linalg import expm as expm
from funcgrad.scipy._linalg import solve_banded as solve_banded
from funcgrad.scipy._linalg import solve_sylvester as solve_sylvester
from funcgrad.scipy._linalg import solve_triangular as solve_triangular
from funcgrad.scipy._linalg import sqrtm as sqrtm

__all__ = ["cho_factor", "cho_solve", "cholesky", "expm", "solve_banded", "solve_sylvester", "solve_triangular", "sqrtm"]
