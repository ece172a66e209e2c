"""``funcgrad.scipy.stats.t``: Student's t distribution. ``logpdf``/``pdf`` and
``entropy`` are differentiable in every argument, ``df`` included; ``cdf``, ``sf`` and
their logs in ``x``, ``loc`` and ``scale`` (their derivative in ``df`` raises
NotImplementedError, as autograd has none).

>>> from funcgrad import grad
>>> grad(logpdf, argnums=0)(1.0, 3.0)  # -(df + 1) x / (df + x**2)
array(-1.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc

import funcgrad.numpy as fnp
from funcgrad import _backend, _core_ops as ops
from funcgrad._tensor import Operand, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy._unary import log1p_p
from funcgrad.scipy import special as sp
from funcgrad.scipy._elementwise import Row, primitive
from funcgrad.scipy._special import _P
from funcgrad.scipy.stats._common import like, broadcast_with, log, standardize

__all__ = ["cdf", "entropy", "logcdf", "logpdf", "logsf", "pdf", "sf"]


def _log_density(df: Any, z: Any) -> Any:
    """The standard t log density, on values (usable inside a rule)."""
    half = 0.5 * (df + 1.0)
    norm = bind(_P["gammaln"], half) - bind(_P["gammaln"], 0.5 * df) - 0.5 * ops.log(df * math.pi)
    return norm - half * bind(log1p_p, z * z / df)


def _cdf_dz(xs: tuple[Operand, ...], out: Value) -> Value:
    return ops.exp(_log_density(xs[0], xs[1]))


def _stdtr_from_betainc(df: Any, x: Any) -> Any:
    """``stdtr`` for a library without it (CuPy): from the regularized incomplete beta
    function, ``I = betainc(df/2, 1/2, df/(df + x**2))`` is twice the tail beyond |x|."""
    like_x = x if _backend.is_duck(x) else df
    betainc = _backend.function(like_x, sc.betainc, "scipy.special.betainc", "funcgrad.scipy.stats.t.cdf")
    tail = 0.5 * betainc(0.5 * df, 0.5, df / (df + x * x))
    return np.where(np.less(x, 0), tail, 1.0 - tail)


_stdtr_p = primitive(
    Row("t.cdf", sc.stdtr, ("df", "x"), (None, _cdf_dz), "", "", "", "",
        path="scipy.special.stdtr", fallback=_stdtr_from_betainc),
    module="funcgrad.scipy.stats",
)


def logpdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``gammaln((df+1)/2) - gammaln(df/2) - log(df pi)/2 - log(scale)
    - (df+1)/2 log1p(z**2/df)``, ``z = (x - loc)/scale``.

    d/dx = -(df+1) z / (scale (df + z**2)); d/ddf through gammaln and log1p
    (JVP: derived, a composite).

    >>> logpdf(0.0, 1.0)  # the Cauchy density at 0: 1/pi
    Tensor(-1.14472989, op=...)
    """
    df, loc, scale = like(x, df, loc, scale)
    z = standardize(x, loc, scale)
    half = fnp.multiply(fnp.add(df, 1.0), 0.5)
    value: Tensor = (
        sp.gammaln(half) - sp.gammaln(fnp.multiply(df, 0.5)) - 0.5 * fnp.log(fnp.multiply(df, math.pi))
        - log(scale) - half * fnp.log1p(z * z / df)
    )
    return value


def pdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``exp(logpdf)`` (JVP: derived, a composite); d/dx = pdf d(logpdf)/dx.

    >>> pdf(0.0, 1.0)
    Tensor(0.31830989, op=...)
    """
    return fnp.exp(logpdf(x, df, loc, scale))


def cdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """SciPy's ``stdtr(df, z)``; d/dx = pdf(x) (JVP: rule); none in ``df``.

    >>> cdf(0.0, 3.0)
    Tensor(0.5, op=...)
    """
    df, loc, scale = like(x, df, loc, scale)
    return apply(_stdtr_p, df, standardize(x, loc, scale))


def sf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``stdtr(df, -z)``; d/dx = -pdf(x) (JVP: rule); none in ``df``.

    >>> sf(0.0, 3.0)
    Tensor(0.5, op=...)
    """
    df, loc, scale = like(x, df, loc, scale)
    return apply(_stdtr_p, df, -standardize(x, loc, scale))


def logcdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log(cdf)``; d/dx = pdf/cdf (JVP: derived, a composite).

    >>> logcdf(0.0, 3.0)
    Tensor(-0.69314718, op=...)
    """
    return fnp.log(cdf(x, df, loc, scale))


def logsf(x: TensorLike, df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``log(sf)``; d/dx = -pdf/sf (JVP: derived, a composite).

    >>> logsf(0.0, 3.0)
    Tensor(-0.69314718, op=...)
    """
    return fnp.log(sf(x, df, loc, scale))


def entropy(df: TensorLike, loc: TensorLike = 0.0, scale: TensorLike = 1.0) -> Tensor:
    """``(df+1)/2 (digamma((df+1)/2) - digamma(df/2)) + log(sqrt(df) beta(df/2, 1/2))
    + log(scale)``; d/ddf through digamma and betaln, d/dscale = 1/scale (JVP: derived, a
    composite).

    >>> entropy(1.0)  # the Cauchy entropy, log(4 pi)
    Tensor(2.53102425, op=...)
    """
    half = fnp.multiply(fnp.add(df, 1.0), 0.5)
    value = (
        half * (sp.digamma(half) - sp.digamma(fnp.multiply(df, 0.5)))
        + 0.5 * fnp.log(df) + sp.betaln(fnp.multiply(df, 0.5), 0.5)
    )
    value = fnp.add(value, log(scale))
    return broadcast_with(value, loc)
