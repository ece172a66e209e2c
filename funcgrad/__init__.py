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
from funcgrad._checkpoint import checkpoint as checkpoint
from funcgrad._custom import custom_vjp as custom_vjp
from funcgrad._custom_jvp import custom_jvp as custom_jvp
from funcgrad._derived import elementwise_grad as elementwise_grad
from funcgrad._derived import make_ggnvp as make_ggnvp
from funcgrad._derived import tensor_jacobian_product as tensor_jacobian_product
from funcgrad._derived import vector_jacobian_product as vector_jacobian_product
from funcgrad._graph import toposort as toposort
from funcgrad._jit import jit as jit
from funcgrad._implicit import fixed_point as fixed_point
from funcgrad._jacobians import hessian as hessian
from funcgrad._jacobians import hvp as hvp
from funcgrad._jacobians import jacfwd as jacfwd
from funcgrad._jacobians import jacobian as jacobian
from funcgrad._jacobians import jacrev as jacrev
from funcgrad._linearize import linearize as linearize
from funcgrad._tensor import Tensor as Tensor
from funcgrad._transforms import backward as backward
from funcgrad._transforms import grad as grad
from funcgrad._transforms import jvp as jvp
from funcgrad._transforms import stop_gradient as stop_gradient
from funcgrad._transforms import value_and_grad as value_and_grad
from funcgrad._transforms import vjp as vjp
from funcgrad._vmap import vmap as vmap
from funcgrad.numpy._unary import reciprocal as reciprocal
from funcgrad.numpy._unary import square as square

__all__ = [
    "Tensor",
    "__version__",
    "add",
    "backward",
    "checkpoint",
    "custom_jvp",
    "custom_vjp",
    "divide",
    "elementwise_grad",
    "fixed_point",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jit",
    "jvp",
    "linearize",
    "make_ggnvp",
    "mul",
    "multiply",
    "negative",
    "power",
    "reciprocal",
    "square",
    "stop_gradient",
    "subtract",
    "tensor_jacobian_product",
    "toposort",
    "value_and_grad",
    "vector_jacobian_product",
    "vjp",
    "vmap",
]
