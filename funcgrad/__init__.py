"""funcgrad: typed, immutable, functional automatic differentiation on NumPy.

>>> import numpy as np
>>> from funcgrad import grad, mul
>>> grad(lambda a, b: mul(a, b))(np.array([2]), np.array([3]))
(array([3.]), array([2.]))
"""

__version__ = "0.1.0"

from funcgrad._arith import add as add
from funcgrad._arith import divide as divide
from funcgrad._arith import mul as mul
from funcgrad._arith import multiply as multiply
from funcgrad._arith import negative as negative
from funcgrad._arith import power as power
from funcgrad._arith import subtract as subtract
from funcgrad._custom import custom_vjp as custom_vjp
from funcgrad._graph import toposort as toposort
from funcgrad._jacobians import hessian as hessian
from funcgrad._jacobians import hvp as hvp
from funcgrad._jacobians import jacfwd as jacfwd
from funcgrad._jacobians import jacobian as jacobian
from funcgrad._jacobians import jacrev as jacrev
from funcgrad._tensor import Tensor as Tensor
from funcgrad._transforms import backward as backward
from funcgrad._transforms import grad as grad
from funcgrad._transforms import jvp as jvp
from funcgrad._transforms import stop_gradient as stop_gradient
from funcgrad._transforms import value_and_grad as value_and_grad
from funcgrad._transforms import vjp as vjp
from funcgrad.numpy._unary import reciprocal as reciprocal
from funcgrad.numpy._unary import square as square

__all__ = [
    "Tensor",
    "__version__",
    "add",
    "backward",
    "custom_vjp",
    "divide",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "mul",
    "multiply",
    "negative",
    "power",
    "reciprocal",
    "square",
    "stop_gradient",
    "subtract",
    "toposort",
    "value_and_grad",
    "vjp",
]
