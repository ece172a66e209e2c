"""The types linalg calls reveal: tuple results are NumPy's named tuples of Tensors."""

from __future__ import annotations

from typing import assert_type

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import Tensor
from funcgrad.numpy.linalg import EighResult, QRResult, SlogdetResult, SVDResult

a = np.eye(3)
assert_type(fnp.linalg.cholesky(a), Tensor)
assert_type(fnp.linalg.eigh(a), EighResult)
assert_type(fnp.linalg.eigh(a).eigenvectors, Tensor)
assert_type(fnp.linalg.eigvalsh(a), Tensor)
assert_type(fnp.linalg.svd(a), SVDResult)
assert_type(fnp.linalg.svd(a, full_matrices=False), SVDResult)
assert_type(fnp.linalg.svd(a, compute_uv=False), Tensor)
assert_type(fnp.linalg.qr(a), QRResult)
assert_type(fnp.linalg.qr(a, mode="r"), Tensor)
assert_type(fnp.linalg.slogdet(a), SlogdetResult)
assert_type(fnp.linalg.slogdet(a).logabsdet, Tensor)
assert_type(fnp.linalg.pinv(a), Tensor)
assert_type(fnp.linalg.lstsq(a, np.ones(3)), tuple[Tensor, Tensor, int, Tensor])
assert_type(fnp.linalg.matrix_power(a, -2), Tensor)
assert_type(fnp.linalg.multi_dot([a, a, a]), Tensor)
assert_type(fnp.linalg.norm(a, "nuc"), Tensor)
u, s, vh = fnp.linalg.svd(a)
assert_type(u, Tensor)
