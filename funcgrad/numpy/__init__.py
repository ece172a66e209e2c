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
from funcgrad.numpy._arrange import flip as flip
from funcgrad.numpy._arrange import fliplr as fliplr
from funcgrad.numpy._arrange import flipud as flipud
from funcgrad.numpy._arrange import moveaxis as moveaxis
from funcgrad.numpy._arrange import pad as pad
from funcgrad.numpy._arrange import ravel as ravel
from funcgrad.numpy._arrange import repeat as repeat
from funcgrad.numpy._arrange import roll as roll
from funcgrad.numpy._arrange import rollaxis as rollaxis
from funcgrad.numpy._arrange import rot90 as rot90
from funcgrad.numpy._arrange import swapaxes as swapaxes
from funcgrad.numpy._arrange import tile as tile
from funcgrad.numpy._join import append as append
from funcgrad.numpy._join import array_split as array_split
from funcgrad.numpy._join import atleast_1d as atleast_1d
from funcgrad.numpy._join import atleast_2d as atleast_2d
from funcgrad.numpy._join import atleast_3d as atleast_3d
from funcgrad.numpy._join import c_ as c_
from funcgrad.numpy._join import column_stack as column_stack
from funcgrad.numpy._join import dsplit as dsplit
from funcgrad.numpy._join import dstack as dstack
from funcgrad.numpy._join import hsplit as hsplit
from funcgrad.numpy._join import hstack as hstack
from funcgrad.numpy._join import r_ as r_
from funcgrad.numpy._join import row_stack as row_stack
from funcgrad.numpy._join import split as split
from funcgrad.numpy._join import vsplit as vsplit
from funcgrad.numpy._join import vstack as vstack
from funcgrad.numpy._diag import diag as diag
from funcgrad.numpy._diag import diagonal as diagonal
from funcgrad.numpy._diag import trace as trace
from funcgrad.numpy._diag import tril as tril
from funcgrad.numpy._diag import triu as triu
from funcgrad.numpy._sort import msort as msort
from funcgrad.numpy._sort import partition as partition
from funcgrad.numpy._sort import select as select
from funcgrad.numpy._sort import sort as sort
from funcgrad.numpy._sort import take_along_axis as take_along_axis
from funcgrad.numpy._contract import cross as cross
from funcgrad.numpy._contract import inner as inner
from funcgrad.numpy._contract import kron as kron
from funcgrad.numpy._contract import tensordot as tensordot
from funcgrad.numpy._contract import vdot as vdot
from funcgrad.numpy import linalg as linalg

__all__ = [
    "abs",
    "add",
    "append",
    "arctan",
    "array_split",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_to",
    "c_",
    "clip",
    "column_stack",
    "concatenate",
    "cos",
    "cross",
    "cumsum",
    "diag",
    "diagonal",
    "divide",
    "dot",
    "dsplit",
    "dstack",
    "einsum",
    "exp",
    "expand_dims",
    "expm1",
    "flip",
    "fliplr",
    "flipud",
    "hsplit",
    "hstack",
    "inner",
    "kron",
    "log",
    "log1p",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "moveaxis",
    "msort",
    "multiply",
    "negative",
    "outer",
    "pad",
    "partition",
    "power",
    "prod",
    "r_",
    "ravel",
    "reciprocal",
    "repeat",
    "reshape",
    "roll",
    "rollaxis",
    "rot90",
    "row_stack",
    "select",
    "sign",
    "sin",
    "sort",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "subtract",
    "sum",
    "swapaxes",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "trace",
    "transpose",
    "tril",
    "triu",
    "var",
    "vdot",
    "vsplit",
    "vstack",
    "where",
]
