"""funcgrad: typed, immutable, functional automatic differentiation on NumPy.

>>> import numpy as np
>>> from funcgrad import grad, mul
>>> grad(lambda a, b: mul(a, b))(np.array([2]), np.array([3]))
(array([3.]), array([2.]))
"""

from funcgrad._arith import add as add
from funcgrad._arith import divide as divide
from funcgrad._arith import mul as mul
from funcgrad._arith import multiply as multiply
from funcgrad._arith import negative as negative
from funcgrad._arith import power as power
from funcgrad._arith import subtract as subtract
from funcgrad._graph import toposort as toposort
from funcgrad._tensor import Tensor as Tensor
from funcgrad._transforms import backward as backward
from funcgrad._transforms import grad as grad
from funcgrad._transforms import jvp as jvp
from funcgrad._transforms import value_and_grad as value_and_grad
from funcgrad._transforms import vjp as vjp

__all__ = [
    "Tensor",
    "add",
    "backward",
    "divide",
    "grad",
    "jvp",
    "mul",
    "multiply",
    "negative",
    "power",
    "subtract",
    "toposort",
    "value_and_grad",
    "vjp",
]
