"""The types funcgrad.scipy calls reveal: Tensors out, SciPy's positional ufunc arity in."""

from __future__ import annotations

from typing import assert_type

import numpy as np

import funcgrad.scipy.special as fsp
from funcgrad import Tensor, grad
from funcgrad._typing import Array
from funcgrad.scipy import linalg, signal, stats

x = np.array([0.5, 1.5])

assert_type(fsp.erf(x), Tensor)
assert_type(fsp.jn(2, x), Tensor)
assert_type(fsp.betainc(1.0, 2.0, x), Tensor)
assert_type(fsp.logsumexp(x, axis=0), Tensor)
assert_type(stats.norm.logpdf(x, loc=0.0, scale=2.0), Tensor)
assert_type(stats.multivariate_normal.logpdf(x, np.zeros(2), np.eye(2)), Tensor)
assert_type(linalg.cho_factor(np.eye(2)), tuple[Tensor, bool])
assert_type(linalg.expm(np.eye(2)), Tensor)
assert_type(signal.convolve(x, x, mode="same"), Tensor)


def loss(t: Tensor) -> Tensor:
    return stats.norm.logpdf(t).sum()


assert_type(grad(loss, argnums=0)(x), Array)
