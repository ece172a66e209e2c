"""Arithmetic under NumPy's names: the very functions ``funcgrad`` exports, plus
square and reciprocal (primitives in ``_unary``)."""

from funcgrad._arith import add as add
from funcgrad._arith import divide as divide
from funcgrad._arith import multiply as multiply
from funcgrad._arith import negative as negative
from funcgrad._arith import power as power
from funcgrad._arith import subtract as subtract
from funcgrad.numpy._unary import reciprocal as reciprocal
from funcgrad.numpy._unary import square as square
