"""The types of what porting autograd programs added: integer astype, meshgrid, random."""

from __future__ import annotations

from typing import Any, assert_type

import numpy as np

import funcgrad.numpy as fnp
import funcgrad.numpy.random as npr
from funcgrad import Tensor
from funcgrad._typing import IntArray

t = Tensor(np.ones((2, 3)))
assert_type(t.astype(float), Tensor)
assert_type(t.astype(np.float64), Tensor)
assert_type(fnp.floor(t).astype(int), np.ndarray[Any, Any])
assert_type(fnp.floor(t).astype(np.int32), np.ndarray[Any, Any])
assert_type(fnp.sign(t).astype(bool), np.ndarray[Any, Any])
assert_type(fnp.meshgrid(t[0], t[1]), tuple[Any, ...])
assert_type(npr.RandomState(0), np.random.RandomState)
# ndarray methods autograd's boxes have
assert_type(abs(t), Tensor)
assert_type(t.cumprod(axis=1), Tensor)
assert_type(t.diagonal(), Tensor)
assert_type(t.trace(), Tensor)
assert_type(t.ptp(axis=0), Tensor)
assert_type(t.repeat(2, axis=0), Tensor)
assert_type(t.take(np.array([0, 1]), axis=1), Tensor)
assert_type(t.round(), Tensor)
assert_type(t.nonzero(), tuple[IntArray, ...])
