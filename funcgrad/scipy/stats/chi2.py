"""``funcgrad.scipy.stats.chi2``: the chi-squared distribution, the gamma distribution
with shape ``df/2`` and scale ``2 scale``; differentiable as ``stats.gamma`` is (cdf,
sf and their logs not in ``df``).

>>> from funcgrad import grad
>>> grad(logpdf, argnums=0)(2.0, 4.0)  # (df/2 - 1)/x - 1/2
array(0.)
"""

from __future__ import annotations

from typing import Any

from funcgrad._tensor import Tensor, TensorLike
from funcgrad.scipy.stats import gamma as _gamma
from funcgrad.scipy.stats._common import times

__all__ = ["cdf", "entropy", "logcdf", "logpdf", "logsf", "pdf", "sf"]


def _shape_scale(df: TensorLike, scale: TensorLike) -> tuple[Any, Any]:
    return times(df, 0.5), times(scale, 2.0)


def logpdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``gamma.logpdf(x, df/2, loc, 2 scale)``; d/dx = ((df/2 - 1)/z - 1)/(2 scale)
    (JVP: derived, a composite).

    >>> logpdf(2.0, 2.0)
    Tensor(-1.69314718, op=...)
    """
    a, s = _shape_scale(df, scale)
    return _gamma.logpdf(x, a, loc, s)


def pdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``exp(logpdf)``; d/dtheta = pdf d(logpdf)/dtheta for every argument (JVP: derived, a composite).

    >>> pdf(0.0, 2.0)
    Tensor(0.5, op=...)
    """
    a, s = _shape_scale(df, scale)
    return _gamma.pdf(x, a, loc, s)


def cdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``gammainc(df/2, z/2)``; d/dx = pdf(x) (JVP: derived); none in ``df``.

    >>> cdf(0.0, 2.0)
    Tensor(0.0, op=...)
    """
    a, s = _shape_scale(df, scale)
    return _gamma.cdf(x, a, loc, s)


def sf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``gammaincc(df/2, z/2)``; d/dx = -pdf(x) (JVP: derived); none in ``df``.

    >>> sf(0.0, 2.0)
    Tensor(1.0, op=...)
    """
    a, s = _shape_scale(df, scale)
    return _gamma.sf(x, a, loc, s)


def logcdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log(cdf)``; d/dx = pdf/cdf (JVP: derived, a composite).

    >>> logcdf(2.0, 2.0)
    Tensor(-0.45867515, op=...)
    """
    a, s = _shape_scale(df, scale)
    return _gamma.logcdf(x, a, loc, s)


def logsf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log(sf)``; d/dx = -pdf/sf (JVP: derived, a composite).

    >>> logsf(2.0, 2.0)
    Tensor(-1.0, op=...)
    """
    a, s = _shape_scale(df, scale)
    return _gamma.logsf(x, a, loc, s)


def entropy(df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``gamma.entropy(df/2, loc, 2 scale)``; d/ddf = (1 + (1 - df/2) polygamma(1, df/2))/2
    (JVP: derived, a composite).

    >>> entropy(2.0)
    Tensor(1.69314718, op=...)
    """
    a, s = _shape_scale(df, scale)
    return _gamma.entropy(a, loc, s)
