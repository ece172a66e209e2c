"""The types the shape, split, sorting and contraction ops reveal, pinned with ``assert_type``."""

from __future__ import annotations

from typing import Union, assert_type

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import Tensor
from funcgrad._typing import Array

x = Tensor(np.ones((2, 4)))
assert_type(fnp.split(x, 2, axis=1), list[Tensor])
assert_type(fnp.array_split(x, 3), list[Tensor])
assert_type(fnp.hsplit(x, [1]), list[Tensor])
assert_type(fnp.atleast_1d(x), Tensor)
assert_type(fnp.atleast_2d(x, np.ones(3)), tuple[Tensor, ...])
assert_type(fnp.atleast_3d(1.0, x, x), tuple[Tensor, ...])
assert_type(fnp.r_[x, 0:3], Union[Tensor, Array])
assert_type(fnp.c_[x, x], Union[Tensor, Array])
assert_type(fnp.sort(x, axis=None), Tensor)
assert_type(fnp.partition(x, 1), Tensor)
assert_type(fnp.take_along_axis(x, np.zeros((2, 1), dtype=int), axis=1), Tensor)
assert_type(fnp.pad(x, 1, mode="edge"), Tensor)
assert_type(fnp.roll(x, (1, 2), axis=(0, 1)), Tensor)
assert_type(fnp.einsum(x, [0, 1], x, [0, 1], []), Tensor)
assert_type(fnp.einsum("ij->", x), Tensor)
assert_type(fnp.tensordot(x, x, axes=([0], [0])), Tensor)
assert_type(fnp.hstack([x, np.ones((2, 1))]), Tensor)
assert_type(fnp.select([x > 0], [x]), Tensor)
