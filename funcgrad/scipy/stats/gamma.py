"""``funcgrad.scipy.stats.gamma``: the gamma distribution with shape ``a``.
``logpdf``/``pdf``/``entropy`` are differentiable in every argument; ``cdf``, ``sf`` and
their logs in ``x``, ``loc`` and ``scale`` (``gammainc`` has no derivative in ``a``).
Outside the support (x < loc) logpdf is -inf, pdf and cdf 0, with zero gradients.

>>> from funcgrad import grad
>>> grad(logpdf, argnums=0)(1.0, 2.0)  # (a - 1)/x - 1
array(0.)
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._tensor import Tensor, TensorLike
from funcgrad.scipy import special as sp
from funcgrad.scipy.stats._common import like, broadcast_with, log, on_support, standardize

__all__ = ["cdf", "entropy", "logcdf", "logpdf", "logsf", "pdf", "sf"]


def logpdf(x: TensorLike, a: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``xlogy(a - 1, z) - z - gammaln(a) - log(scale)``, ``z = (x - loc)/scale``.

    d/dx = ((a - 1)/z - 1)/scale, d/da = log(z) - digamma(a) (JVP: derived, a composite).

    >>> logpdf(1.0, 1.0)
    Tensor(-1.0, op=...)
    """
    a, loc, scale = like(x, a, loc, scale)
    z = standardize(x, loc, scale)
    density = lambda s: sp.xlogy(fnp.subtract(a, 1.0), s) - s - sp.gammaln(a) - log(scale)  # noqa: E731
    return on_support(np.greater_equal(z.data, 0), z, density, -np.inf)


def pdf(x: TensorLike, a: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``exp(logpdf)``; d/dtheta = pdf d(logpdf)/dtheta for every argument (JVP: derived, a composite).

    >>> pdf(0.0, 1.0)
    Tensor(1.0, op=...)
    """
    return fnp.exp(logpdf(x, a, loc, scale))


def cdf(x: TensorLike, a: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``gammainc(a, z)``; d/dx = pdf(x) (JVP: derived); none in ``a``.

    >>> cdf(0.0, 1.0)
    Tensor(0.0, op=...)
    """
    a, loc, scale = like(x, a, loc, scale)
    z = standardize(x, loc, scale)
    return on_support(np.greater_equal(z.data, 0), z, lambda s: sp.gammainc(a, s), 0.0)


def sf(x: TensorLike, a: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``gammaincc(a, z)``; d/dx = -pdf(x) (JVP: derived); none in ``a``.

    >>> sf(0.0, 1.0)
    Tensor(1.0, op=...)
    """
    a, loc, scale = like(x, a, loc, scale)
    z = standardize(x, loc, scale)
    return on_support(np.greater_equal(z.data, 0), z, lambda s: sp.gammaincc(a, s), 1.0)


def logcdf(x: TensorLike, a: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log(cdf)``; d/dx = pdf/cdf (JVP: derived, a composite).

    >>> logcdf(1.0, 1.0)
    Tensor(-0.45867515, op=...)
    """
    return fnp.log(cdf(x, a, loc, scale))


def logsf(x: TensorLike, a: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log(sf)``; d/dx = -pdf/sf (JVP: derived, a composite).

    >>> logsf(1.0, 1.0)
    Tensor(-1.0, op=...)
    """
    return fnp.log(sf(x, a, loc, scale))


def entropy(a: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``a + gammaln(a) + (1 - a) digamma(a) + log(scale)``; d/da = 1 + (1 - a)
    polygamma(1, a) (JVP: derived, a composite).

    >>> entropy(1.0)
    Tensor(1.0, op=...)
    """
    value = fnp.add(fnp.add(a, sp.gammaln(a)) + fnp.subtract(1.0, a) * sp.digamma(a), log(scale))
    return broadcast_with(value, loc)
