"""``funcgrad.numpy.linalg``: NumPy's linear algebra, differentiable to any order.

Solvers and determinants (``solve``, ``inv``, ``det``, ``slogdet``, ``pinv``, ``lstsq``),
decompositions (``cholesky``, ``eigh``, ``eigvalsh``, ``svd``, ``qr``), products
(``matrix_power``, ``multi_dot``) and ``norm`` with every real ``ord``; all batched over
leading axes where NumPy is. Tuple results unpack as NumPy's named tuples do.

>>> import funcgrad.numpy as fnp
>>> fnp.linalg.det(np.eye(2))
Tensor(1.0, op=det)
"""

import numpy as np

from funcgrad.numpy._decomp import EighResult as EighResult
from funcgrad.numpy._decomp import QRResult as QRResult
from funcgrad.numpy._decomp import SVDResult as SVDResult
from funcgrad.numpy._decomp import cholesky as cholesky
from funcgrad.numpy._decomp import eigh as eigh
from funcgrad.numpy._decomp import eigvalsh as eigvalsh
from funcgrad.numpy._decomp import qr as qr
from funcgrad.numpy._decomp import svd as svd
from funcgrad.numpy._linalg import SlogdetResult as SlogdetResult
from funcgrad.numpy._linalg import det as det
from funcgrad.numpy._linalg import inv as inv
from funcgrad.numpy._linalg import matrix_power as matrix_power
from funcgrad.numpy._linalg import multi_dot as multi_dot
from funcgrad.numpy._linalg import slogdet as slogdet
from funcgrad.numpy._linalg import solve as solve
from funcgrad.numpy._norm import norm as norm
from funcgrad.numpy._pinv import lstsq as lstsq
from funcgrad.numpy._pinv import pinv as pinv

__all__ = [
    "cholesky",
    "det",
    "eigh",
    "eigvalsh",
    "inv",
    "lstsq",
    "matrix_power",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
]
