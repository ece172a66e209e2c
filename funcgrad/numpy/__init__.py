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
from funcgrad.numpy._transcendental import absolute as absolute
from funcgrad.numpy._transcendental import arccos as arccos
from funcgrad.numpy._transcendental import arccosh as arccosh
from funcgrad.numpy._transcendental import arcsin as arcsin
from funcgrad.numpy._transcendental import arcsinh as arcsinh
from funcgrad.numpy._transcendental import arctanh as arctanh
from funcgrad.numpy._transcendental import cbrt as cbrt
from funcgrad.numpy._transcendental import cosh as cosh
from funcgrad.numpy._transcendental import deg2rad as deg2rad
from funcgrad.numpy._transcendental import degrees as degrees
from funcgrad.numpy._transcendental import exp2 as exp2
from funcgrad.numpy._transcendental import fabs as fabs
from funcgrad.numpy._transcendental import log10 as log10
from funcgrad.numpy._transcendental import log2 as log2
from funcgrad.numpy._transcendental import rad2deg as rad2deg
from funcgrad.numpy._transcendental import radians as radians
from funcgrad.numpy._transcendental import sinc as sinc
from funcgrad.numpy._transcendental import sinh as sinh
from funcgrad.numpy._binary_ops import arctan2 as arctan2
from funcgrad.numpy._binary_ops import floor_divide as floor_divide
from funcgrad.numpy._binary_ops import fmax as fmax
from funcgrad.numpy._binary_ops import fmin as fmin
from funcgrad.numpy._binary_ops import hypot as hypot
from funcgrad.numpy._binary_ops import logaddexp as logaddexp
from funcgrad.numpy._binary_ops import logaddexp2 as logaddexp2
from funcgrad.numpy._binary_ops import mod as mod
from funcgrad.numpy._binary_ops import nan_to_num as nan_to_num
from funcgrad.numpy._binary_ops import remainder as remainder
from funcgrad.numpy._binary_ops import true_divide as true_divide
from funcgrad.numpy._rounding import around as around
from funcgrad.numpy._rounding import ceil as ceil
from funcgrad.numpy._rounding import fix as fix
from funcgrad.numpy._rounding import floor as floor
from funcgrad.numpy._rounding import rint as rint
from funcgrad.numpy._rounding import round as round
from funcgrad.numpy._rounding import trunc as trunc
from funcgrad.numpy._scan import amax as amax
from funcgrad.numpy._scan import amin as amin
from funcgrad.numpy._scan import average as average
from funcgrad.numpy._scan import cumprod as cumprod
from funcgrad.numpy._scan import diff as diff
from funcgrad.numpy._scan import gradient as gradient
from funcgrad.numpy._scan import nanmean as nanmean
from funcgrad.numpy._scan import nansum as nansum
from funcgrad.numpy._scan import ptp as ptp
from funcgrad.numpy._construct import arange as arange
from funcgrad.numpy._construct import e as e
from funcgrad.numpy._construct import empty as empty
from funcgrad.numpy._construct import eye as eye
from funcgrad.numpy._construct import full as full
from funcgrad.numpy._construct import full_like as full_like
from funcgrad.numpy._construct import identity as identity
from funcgrad.numpy._construct import inf as inf
from funcgrad.numpy._construct import linspace as linspace
from funcgrad.numpy._construct import logspace as logspace
from funcgrad.numpy._construct import meshgrid as meshgrid
from funcgrad.numpy._construct import nan as nan
from funcgrad.numpy._construct import newaxis as newaxis
from funcgrad.numpy._construct import ones as ones
from funcgrad.numpy._construct import ones_like as ones_like
from funcgrad.numpy._construct import pi as pi
from funcgrad.numpy._construct import zeros as zeros
from funcgrad.numpy._construct import zeros_like as zeros_like
from funcgrad.numpy._complex import angle as angle
from funcgrad.numpy._complex import conj as conj
from funcgrad.numpy._complex import conjugate as conjugate
from funcgrad.numpy._complex import imag as imag
from funcgrad.numpy._complex import real as real
from funcgrad.numpy._complex import real_if_close as real_if_close
from funcgrad.numpy._logic import all as all
from funcgrad.numpy._logic import allclose as allclose
from funcgrad.numpy._logic import any as any
from funcgrad.numpy._logic import argmax as argmax
from funcgrad.numpy._logic import argmin as argmin
from funcgrad.numpy._logic import argsort as argsort
from funcgrad.numpy._logic import argwhere as argwhere
from funcgrad.numpy._logic import array_equal as array_equal
from funcgrad.numpy._logic import count_nonzero as count_nonzero
from funcgrad.numpy._logic import equal as equal
from funcgrad.numpy._logic import greater as greater
from funcgrad.numpy._logic import greater_equal as greater_equal
from funcgrad.numpy._logic import isclose as isclose
from funcgrad.numpy._logic import isfinite as isfinite
from funcgrad.numpy._logic import isinf as isinf
from funcgrad.numpy._logic import isnan as isnan
from funcgrad.numpy._logic import less as less
from funcgrad.numpy._logic import less_equal as less_equal
from funcgrad.numpy._logic import logical_and as logical_and
from funcgrad.numpy._logic import logical_not as logical_not
from funcgrad.numpy._logic import logical_or as logical_or
from funcgrad.numpy._logic import logical_xor as logical_xor
from funcgrad.numpy._logic import ndim as ndim
from funcgrad.numpy._logic import nonzero as nonzero
from funcgrad.numpy._logic import not_equal as not_equal
from funcgrad.numpy._logic import signbit as signbit
from funcgrad.numpy._logic import result_type as result_type
from funcgrad.numpy._logic import searchsorted as searchsorted
from funcgrad.numpy._logic import shape as shape
from funcgrad.numpy._logic import size as size
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
from funcgrad.numpy import random as random

__all__ = [
    "abs",
    "absolute",
    "add",
    "all",
    "allclose",
    "amax",
    "amin",
    "angle",
    "any",
    "append",
    "arange",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "argmax",
    "argmin",
    "argsort",
    "argwhere",
    "around",
    "array",
    "array_equal",
    "array_split",
    "asarray",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "average",
    "broadcast_to",
    "c_",
    "cbrt",
    "ceil",
    "clip",
    "column_stack",
    "concatenate",
    "conj",
    "conjugate",
    "cos",
    "cosh",
    "count_nonzero",
    "cross",
    "cumprod",
    "cumsum",
    "deg2rad",
    "degrees",
    "diag",
    "diagonal",
    "diff",
    "divide",
    "dot",
    "dsplit",
    "dstack",
    "e",
    "einsum",
    "empty",
    "equal",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "eye",
    "fabs",
    "fix",
    "flip",
    "fliplr",
    "flipud",
    "floor",
    "floor_divide",
    "fmax",
    "fmin",
    "full",
    "full_like",
    "gradient",
    "greater",
    "greater_equal",
    "hsplit",
    "hstack",
    "hypot",
    "identity",
    "imag",
    "inf",
    "inner",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "kron",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "logaddexp",
    "logaddexp2",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logspace",
    "matmul",
    "max",
    "maximum",
    "mean",
    "meshgrid",
    "min",
    "minimum",
    "mod",
    "moveaxis",
    "msort",
    "multiply",
    "nan",
    "nan_to_num",
    "nanmean",
    "nansum",
    "ndim",
    "negative",
    "newaxis",
    "nonzero",
    "not_equal",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "partition",
    "pi",
    "power",
    "prod",
    "ptp",
    "r_",
    "rad2deg",
    "radians",
    "ravel",
    "real",
    "real_if_close",
    "reciprocal",
    "remainder",
    "repeat",
    "reshape",
    "result_type",
    "rint",
    "roll",
    "rollaxis",
    "rot90",
    "round",
    "row_stack",
    "searchsorted",
    "select",
    "shape",
    "sign",
    "signbit",
    "sin",
    "sinc",
    "sinh",
    "size",
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
    "true_divide",
    "trunc",
    "var",
    "vdot",
    "vsplit",
    "vstack",
    "where",
    "zeros",
    "zeros_like",
]
