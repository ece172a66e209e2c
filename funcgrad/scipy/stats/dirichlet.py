"""``funcgrad.scipy.stats.dirichlet``: the Dirichlet distribution, differentiable in ``x``
and ``alpha`` to any order. As SciPy: the components of ``x`` lie along its first axis
(shape ``(K,)`` or ``(K, N)`` for N points), and a ``x`` of K - 1 components gets the
last one as ``1 - sum``.

>>> from funcgrad import grad
>>> grad(logpdf, argnums=1)(np.array([0.5, 0.5]), np.array([1.0, 1.0]))
array([0.30685282, 0.30685282])
"""

from __future__ import annotations

import numpy as np  # noqa: F401  (the examples use it)

import funcgrad.numpy as fnp
from funcgrad._tensor import Tensor, TensorLike
from funcgrad.numpy._util import shape
from funcgrad.scipy import special as sp
from funcgrad.scipy.stats._common import as_tensor

__all__ = ["entropy", "logpdf", "pdf"]


def _components(x: TensorLike, k: int) -> Tensor:
    xt = as_tensor(x)
    if xt.shape[0] == k - 1:
        rest = fnp.subtract(1.0, fnp.sum(xt, axis=0, keepdims=True))
        xt = fnp.concatenate([xt, rest], axis=0)
    if xt.shape[0] != k:
        raise ValueError(f"dirichlet: x must have {k} (or {k - 1}) components along axis 0, got shape {xt.shape}")
    return xt


def _log_normalizer(alpha: Tensor) -> Tensor:
    return fnp.sum(sp.gammaln(alpha)) - sp.gammaln(fnp.sum(alpha))


def logpdf(x: TensorLike, alpha: TensorLike) -> Tensor:
    """``sum((alpha - 1) log x) - sum(gammaln(alpha)) + gammaln(sum(alpha))``.

    d/dx_i = (alpha_i - 1)/x_i, d/dalpha_i = log x_i - digamma(alpha_i) + digamma(sum alpha)
    (JVP: derived, a composite).

    >>> logpdf(np.array([0.2, 0.8]), np.array([1.0, 1.0]))
    Tensor(0.0, op=...)
    """
    a = as_tensor(alpha)
    if a.ndim != 1:
        raise ValueError(f"dirichlet: alpha must be a vector, got shape {a.shape}")
    xt = _components(x, a.shape[0])
    column = fnp.reshape(a, (a.shape[0],) + (1,) * (xt.ndim - 1))
    return fnp.sum(sp.xlogy(fnp.subtract(column, 1.0), xt), axis=0) - _log_normalizer(a)


def pdf(x: TensorLike, alpha: TensorLike) -> Tensor:
    """``exp(logpdf)``; d/dtheta = pdf d(logpdf)/dtheta for every argument (JVP: derived, a composite).

    >>> pdf(np.array([0.2, 0.8]), np.array([1.0, 1.0]))
    Tensor(1.0, op=...)
    """
    return fnp.exp(logpdf(x, alpha))


def entropy(alpha: TensorLike) -> Tensor:
    """``log B(alpha) + (a0 - K) digamma(a0) - sum((alpha - 1) digamma(alpha))``, a0 the
    sum of alpha; d/dalpha_i = (a0 - K) polygamma(1, a0) - (alpha_i - 1) polygamma(1, alpha_i)
    (JVP: derived, a composite).

    >>> entropy(np.array([1.0, 1.0]))
    Tensor(0.0, op=...)
    """
    a = as_tensor(alpha)
    k = shape(a)[0]
    a0 = fnp.sum(a)
    return _log_normalizer(a) + (a0 - k) * sp.digamma(a0) - fnp.sum(fnp.subtract(a, 1.0) * sp.digamma(a))
