"""The types of Tensor's ndarray-like methods, conversions and list operands."""

from __future__ import annotations

from typing import assert_type

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import Tensor
from funcgrad._typing import Array, BoolArray, IntArray

t = Tensor(np.ones((2, 3)))
assert_type(t.max(), Tensor)
assert_type(t.min(axis=0, keepdims=True), Tensor)
assert_type(t.prod(axis=(0, 1)), Tensor)
assert_type(t.clip(0.0, 1.0), Tensor)
assert_type(t.dot(t.T), Tensor)
assert_type(t.ravel(), Tensor)
assert_type(t.flatten(), Tensor)
assert_type(t.squeeze(), Tensor)
assert_type(t.swapaxes(0, 1), Tensor)
assert_type(t.cumsum(axis=1), Tensor)
assert_type(t.var(ddof=1), Tensor)
assert_type(t.std(axis=0), Tensor)
assert_type(t.astype(np.float32), Tensor)
assert_type(t.argmax(), IntArray)
assert_type(t.argsort(axis=0), IntArray)
assert_type(t.any(), BoolArray)
assert_type(t.all(axis=1), BoolArray)
assert_type(t.item(), float)
assert_type(float(t[0, 0]), float)
assert_type(f"{t[0, 0]:.3f}", str)
assert_type(t > 0.0, BoolArray)
# A list holding Tensors is an array to every op.
assert_type(fnp.sum([t[0], t[1]]), Tensor)
assert_type(fnp.array([t[0], np.ones(3)]), Tensor)
assert_type(t + [t[0], t[1]], Tensor)
