"""``funcgrad.scipy.stats.beta``: the beta distribution on [loc, loc + scale].
``logpdf``/``pdf``/``entropy`` are differentiable in every argument; ``cdf``, ``sf`` and
their logs in ``x``, ``loc`` and ``scale`` (``betainc`` has no derivative in a or b).
Outside the support logpdf is -inf and the cdf 0 or 1, with zero gradients.

>>> from funcgrad import grad
>>> grad(logpdf, argnums=0)(0.5, 2.0, 2.0)  # (a - 1)/x - (b - 1)/(1 - x)
array(0.)
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._tensor import Tensor, TensorLike
from funcgrad.scipy import special as sp
from funcgrad.scipy.stats._common import like, broadcast_with, log, on_support, standardize

__all__ = ["cdf", "entropy", "logcdf", "logpdf", "logsf", "pdf", "sf"]


def _inside(z: Tensor) -> np.ndarray:
    return np.logical_and(np.greater_equal(z.data, 0), np.less_equal(z.data, 1))


def logpdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``xlogy(a - 1, z) + xlog1py(b - 1, -z) - betaln(a, b) - log(scale)``.

    d/dx = ((a - 1)/z - (b - 1)/(1 - z))/scale; d/da = log(z) - digamma(a) + digamma(a + b)
    (JVP: derived, a composite).

    >>> logpdf(0.5, 1.0, 1.0)
    Tensor(0.0, op=...)
    """
    a, b, loc, scale = like(x, a, b, loc, scale)
    z = standardize(x, loc, scale)
    density = lambda s: (  # noqa: E731
        sp.xlogy(fnp.subtract(a, 1.0), s) + sp.xlog1py(fnp.subtract(b, 1.0), -s) - sp.betaln(a, b) - log(scale)
    )
    return on_support(_inside(z), z, density, -np.inf)


def pdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``exp(logpdf)``; d/dtheta = pdf d(logpdf)/dtheta for every argument (JVP: derived, a composite).

    >>> pdf(0.5, 2.0, 2.0)
    Tensor(1.5, op=...)
    """
    return fnp.exp(logpdf(x, a, b, loc, scale))


def cdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``betainc(a, b, z)``, 0 below and 1 above the support; d/dx = pdf(x) (JVP:
    derived); none in ``a`` or ``b``.

    >>> cdf(0.25, 1.0, 1.0)
    Tensor(0.25, op=...)
    """
    a, b, loc, scale = like(x, a, b, loc, scale)
    z = standardize(x, loc, scale)
    return on_support(_inside(z), z, lambda s: sp.betainc(a, b, s), 0.0) + _above(z)


def sf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``betainc(b, a, 1 - z)``, accurate near z = 1; d/dx = -pdf(x) (JVP: derived);
    none in ``a`` or ``b``.

    >>> sf(0.25, 1.0, 1.0)
    Tensor(0.75, op=...)
    """
    a, b, loc, scale = like(x, a, b, loc, scale)
    z = standardize(x, loc, scale)
    return on_support(_inside(z), z, lambda s: sp.betainc(b, a, 1.0 - s), 0.0) + np.less(z.data, 0).astype(z.dtype)


def _above(z: Tensor) -> np.ndarray:
    return np.greater(z.data, 1).astype(z.dtype)


def logcdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log(cdf)``; d/dx = pdf/cdf (JVP: derived, a composite).

    >>> logcdf(1.0, 1.0, 1.0)
    Tensor(0.0, op=...)
    """
    return fnp.log(cdf(x, a, b, loc, scale))


def logsf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log(sf)``; d/dx = -pdf/sf (JVP: derived, a composite).

    >>> logsf(0.0, 1.0, 1.0)
    Tensor(0.0, op=...)
    """
    return fnp.log(sf(x, a, b, loc, scale))


def entropy(a: TensorLike, b: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``betaln(a, b) - (a-1) digamma(a) - (b-1) digamma(b) + (a+b-2) digamma(a+b)
    + log(scale)``; d/da = -(a-1) polygamma(1, a) + (a+b-2) polygamma(1, a+b), symmetrically
    d/db, d/dscale = 1/scale (JVP: derived, a composite).

    >>> entropy(1.0, 1.0)
    Tensor(0.0, op=...)
    """
    am1, bm1 = fnp.subtract(a, 1.0), fnp.subtract(b, 1.0)
    value = sp.betaln(a, b) - am1 * sp.digamma(a) - bm1 * sp.digamma(b) + (am1 + bm1) * sp.digamma(fnp.add(a, b))
    value = fnp.add(value, log(scale))
    return broadcast_with(value, loc)
