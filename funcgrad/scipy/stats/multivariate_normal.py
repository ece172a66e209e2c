"""``funcgrad.scipy.stats.multivariate_normal``: the multivariate normal distribution,
differentiable in ``x``, ``mean`` and ``cov`` to any order, through a Cholesky factor
(the gradient in ``cov`` is symmetric). ``cov`` may be a matrix, a vector (its
diagonal) or a scalar (times the identity), as in SciPy.

>>> from funcgrad import grad
>>> grad(logpdf, argnums=0)(np.array([1.0, 2.0]), np.zeros(2), np.eye(2))
array([-1., -2.])
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import _backend
from funcgrad._typing import Array
from funcgrad._tensor import Tensor, TensorLike
from funcgrad.numpy._util import shape
from funcgrad.scipy._linalg import cholesky, solve_triangular
from funcgrad.numpy._util import tensor as as_tensor

__all__ = ["entropy", "logpdf", "pdf"]


def _covariance(cov: TensorLike, k: int) -> Tensor:
    c = as_tensor(cov)
    if c.ndim < 2:
        eye: Array = _backend.put(c.data, np.eye(k, dtype=c.dtype))
        return c * eye if c.ndim == 0 else fnp.reshape(c, (k, 1)) * eye
    return c


def _dimension(x: TensorLike, mean: Optional[TensorLike], cov: TensorLike) -> int:
    if mean is not None and len(shape(mean)) >= 1:
        return shape(mean)[-1]
    if len(shape(cov)) >= 1:
        return shape(cov)[-1]
    return shape(x)[-1] if len(shape(x)) else 1


def _log_det_and_factor(cov: Tensor) -> tuple[Tensor, Tensor]:
    factor = cholesky(cov, lower=True)
    # the diagonal as a masked row sum: gathers and einsum need more of a backend
    eye: Array = _backend.put(factor.data, np.eye(factor.shape[-1], dtype=factor.dtype))
    return 2.0 * fnp.sum(fnp.log(fnp.sum(factor * eye, axis=-1))), factor


def logpdf(x: TensorLike, mean: Optional[TensorLike] = None, cov: TensorLike = 1, allow_singular: bool = False) -> Tensor:
    """``-(k log(2 pi) + log det cov + d^T cov^-1 d)/2``, ``d = x - mean``, over the last
    axis of ``x``. d/dx = -cov^-1 d; d/dcov = (cov^-1 d d^T cov^-1 - cov^-1)/2,
    symmetric (JVP: derived, a composite of cholesky and solve_triangular rules).

    >>> logpdf(np.zeros(2), np.zeros(2), np.eye(2))
    Tensor(-1.83787707, op=...)
    """
    if allow_singular:
        raise NotImplementedError("multivariate_normal.logpdf: allow_singular=True is not supported")
    k = _dimension(x, mean, cov)
    d = as_tensor(x) if mean is None else fnp.subtract(x, mean)
    if d.ndim == 0 or d.shape[-1] != k:
        raise ValueError(f"multivariate_normal: x of shape {d.shape} does not have {k} components on its last axis")
    log_det, factor = _log_det_and_factor(_covariance(cov, k))
    batch = d.shape[:-1]
    z = solve_triangular(factor, fnp.transpose(fnp.reshape(d, (-1, k))), lower=True)  # (k, points)
    mahalanobis = fnp.reshape(fnp.sum(z * z, axis=0), batch)
    return -0.5 * (mahalanobis + log_det + k * math.log(2.0 * math.pi))


def pdf(x: TensorLike, mean: Optional[TensorLike] = None, cov: TensorLike = 1, allow_singular: bool = False) -> Tensor:
    """``exp(logpdf)``; d/dtheta = pdf d(logpdf)/dtheta for every argument (JVP: derived, a composite).

    >>> pdf(np.zeros(1), np.zeros(1), np.eye(1))
    Tensor(0.39894228, op=...)
    """
    return fnp.exp(logpdf(x, mean, cov, allow_singular))


def entropy(mean: Optional[TensorLike] = None, cov: TensorLike = 1) -> Tensor:
    """``(k (1 + log(2 pi)) + log det cov)/2``; d/dcov = cov^-1 / 2 (JVP: derived, a
    composite).

    >>> entropy(np.zeros(1), np.eye(1))
    Tensor(1.41893853, op=...)
    """
    k = _dimension(np.zeros(1), mean, cov)
    log_det, _ = _log_det_and_factor(_covariance(cov, k))
    return 0.5 * (log_det + k * (1.0 + math.log(2.0 * math.pi)))
