"""``funcgrad.scipy.stats.norm``: the normal distribution, differentiable in ``x``,
``loc`` and ``scale`` to any order (composites of funcgrad ops and ``ndtr``/``log_ndtr``).

>>> from funcgrad import grad
>>> grad(logpdf, argnums=0)(1.0)  # d/dx = -(x - loc) / scale**2
array(-1.)
"""

from __future__ import annotations

import math


import funcgrad.numpy as fnp
from funcgrad._tensor import Tensor, TensorLike
from funcgrad.scipy import special as sp
from funcgrad.scipy.stats._common import like, LOG_2PI, broadcast_with, log, standardize

__all__ = ["cdf", "entropy", "logcdf", "logpdf", "logsf", "pdf", "sf"]


def logpdf(x: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``-z**2/2 - log(scale) - log(2 pi)/2`` with ``z = (x - loc)/scale``.

    d/dx = -z/scale, d/dloc = z/scale, d/dscale = (z**2 - 1)/scale (JVP: derived, a
    composite of ops with rules).

    >>> logpdf(0.0)
    Tensor(-0.91893853, op=...)
    """
    loc, scale = like(x, loc, scale)
    z = standardize(x, loc, scale)
    value: Tensor = -0.5 * z * z - log(scale) - 0.5 * LOG_2PI
    return value


def pdf(x: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``exp(logpdf)``; d/dx = -pdf z/scale (JVP: derived, a composite).

    >>> pdf(0.0)
    Tensor(0.39894228, op=...)
    """
    return fnp.exp(logpdf(x, loc, scale))


def cdf(x: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``ndtr(z)``; d/dx = pdf(x) (JVP: derived, a composite).

    >>> cdf(0.0)
    Tensor(0.5, op=...)
    """
    loc, scale = like(x, loc, scale)
    return sp.ndtr(standardize(x, loc, scale))


def logcdf(x: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log_ndtr(z)``, accurate far in the left tail; d/dx = pdf/cdf (JVP: derived).

    >>> logcdf(0.0)
    Tensor(-0.69314718, op=...)
    """
    loc, scale = like(x, loc, scale)
    return sp.log_ndtr(standardize(x, loc, scale))


def sf(x: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``1 - cdf = ndtr(-z)``; d/dx = -pdf(x) (JVP: derived, a composite).

    >>> sf(0.0)
    Tensor(0.5, op=...)
    """
    loc, scale = like(x, loc, scale)
    return sp.ndtr(-standardize(x, loc, scale))


def logsf(x: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log_ndtr(-z)``; d/dx = -pdf/sf (JVP: derived, a composite).

    >>> logsf(0.0)
    Tensor(-0.69314718, op=...)
    """
    loc, scale = like(x, loc, scale)
    return sp.log_ndtr(-standardize(x, loc, scale))


def entropy(loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log(scale) + (1 + log(2 pi))/2``; d/dscale = 1/scale, d/dloc = 0 (JVP: derived).

    >>> entropy()
    Tensor(1.41893853, op=...)
    """
    value = fnp.add(log(scale), 0.5 * (1.0 + math.log(2.0 * math.pi)))
    return broadcast_with(value, loc)
