"""Rows for ``array``/``asarray``: sequences of Tensors stacked into one Tensor."""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from test_ops_table import Row

ROWS = (
    Row("array", lambda *xs: fnp.array(list(xs)), lambda *xs: np.array(xs), (((2, 3), (2, 3)), ((), (), ()))),
    Row("array", lambda x, y: fnp.array([[x, y], [y, x]]), lambda x, y: np.array([[x, y], [y, x]]), (((3,), (3,)),)),
    Row("asarray", lambda x, y: fnp.asarray((x, 2.0 * y)), lambda x, y: np.asarray((x, 2.0 * y)), (((), ()),)),
)
