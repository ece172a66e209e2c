"""``funcgrad.numpy``: NumPy's functions, differentiable to any order.

Import it as ``import funcgrad.numpy as fnp``. Every function accepts Tensors, arrays
or scalars, returns a Tensor and keeps float32 and float64. See docs/ops.md for the
list, the conventions where a derivative is undefined, and the ``where`` trap.

>>> import numpy as np
>>> import funcgrad.numpy as fnp
>>> from funcgrad import grad
>>> grad(lambda x: fnp.sum(fnp.sin(x) ** 2), argnums=0)(np.array([0.0]))
array([0.])
"""

from funcgrad.numpy._arith import add as add
from funcgrad.numpy._array import array as array
from funcgrad.numpy._array import asarray as asarray
from funcgrad.numpy._arith import divide as divide
from funcgrad.numpy._arith import multiply as multiply
from funcgrad.numpy._arith import negative as negative
from funcgrad.numpy._arith import power as power
from funcgrad.numpy._arith import reciprocal as reciprocal
from funcgrad.numpy._arith import square as square
from funcgrad.numpy._arith import subtract as subtract
from funcgrad.numpy._unary import abs as abs
from funcgrad.numpy._unary import arctan as arctan
from funcgrad.numpy._unary import cos as cos
from funcgrad.numpy._unary import exp as exp
from funcgrad.numpy._unary import expm1 as expm1
from funcgrad.numpy._unary import log as log
from funcgrad.numpy._unary import log1p as log1p
from funcgrad.numpy._unary import sign as sign
from funcgrad.numpy._unary import sin as sin
from funcgrad.numpy._unary import sqrt as sqrt
from funcgrad.numpy._unary import tan as tan
from funcgrad.numpy._unary import tanh as tanh
from funcgrad.numpy._select import clip as clip
from funcgrad.numpy._select import maximum as maximum
from funcgrad.numpy._select import minimum as minimum
from funcgrad.numpy._select import where as where
from funcgrad.numpy._reduce import cumsum as cumsum
from funcgrad.numpy._reduce import max as max
from funcgrad.numpy._reduce import mean as mean
from funcgrad.numpy._reduce import min as min
from funcgrad.numpy._reduce import prod as prod
from funcgrad.numpy._reduce import std as std
from funcgrad.numpy._reduce import sum as sum
from funcgrad.numpy._reduce import var as var
from funcgrad.numpy._contract import dot as dot
from funcgrad.numpy._contract import einsum as einsum
from funcgrad.numpy._contract import matmul as matmul
from funcgrad.numpy._contract import outer as outer
from funcgrad.numpy._shape import broadcast_to as broadcast_to
from funcgrad.numpy._shape import concatenate as concatenate
from funcgrad.numpy._shape import expand_dims as expand_dims
from funcgrad.numpy._shape import reshape as reshape
from funcgrad.numpy._shape import squeeze as squeeze
from funcgrad.numpy._shape import stack as stack
from funcgrad.numpy._shape import take as take
from funcgrad.numpy._shape import transpose as transpose
from funcgrad.numpy import linalg as linalg

__all__ = [
    "abs",
    "add",
    "arctan",
    "array",
    "asarray",
    "broadcast_to",
    "clip",
    "concatenate",
    "cos",
    "cumsum",
    "divide",
    "dot",
    "einsum",
    "exp",
    "expand_dims",
    "expm1",
    "log",
    "log1p",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "multiply",
    "negative",
    "outer",
    "power",
    "prod",
    "reciprocal",
    "reshape",
    "sign",
    "sin",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "subtract",
    "sum",
    "take",
    "tan",
    "tanh",
    "transpose",
    "var",
    "where",
]
