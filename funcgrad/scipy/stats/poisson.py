"""``funcgrad.scipy.stats.poisson``: the Poisson distribution, differentiable in ``mu``
to any order. The count ``k`` is discrete: asking for a derivative in it raises
NotImplementedError. A ``k`` that is not a non-negative integer has probability 0.

>>> from funcgrad import grad
>>> grad(logpmf, argnums=1)(2.0, 2.0)  # k/mu - 1
array(0.)
"""

from __future__ import annotations

import numpy as np

import funcgrad.numpy as fnp
from funcgrad._tensor import Tensor, TensorLike, apply
from funcgrad.numpy._util import data
from funcgrad.scipy import special as sp
from funcgrad.scipy.stats._common import like, discrete, on_support

__all__ = ["cdf", "logcdf", "logpmf", "logsf", "pmf", "sf"]

_k_p = discrete("poisson", "k")


def _count(k: TensorLike, loc: TensorLike) -> Tensor:
    return fnp.subtract(apply(_k_p, k), data(loc))


def logpmf(k: TensorLike, mu: TensorLike, loc: TensorLike = 0) -> Tensor:
    """``xlogy(k, mu) - mu - gammaln(k + 1)``; d/dmu = k/mu - 1 (JVP: derived, a composite).

    >>> logpmf(0.0, 1.0)
    Tensor(-1.0, op=...)
    """
    (mu,) = like(k, mu)
    n = _count(k, loc)
    valid = np.logical_and(np.equal(np.floor(n.data), n.data), np.greater_equal(n.data, 0))
    valid = np.broadcast_to(valid, np.broadcast_shapes(valid.shape, np.shape(data(mu))))
    mass = lambda s: sp.xlogy(s, mu) - mu - sp.gammaln(fnp.add(s, 1.0))  # noqa: E731
    return on_support(valid, fnp.broadcast_to(n, valid.shape), mass, -np.inf)


def pmf(k: TensorLike, mu: TensorLike, loc: TensorLike = 0) -> Tensor:
    """``exp(logpmf)``; d/dmu = pmf (k/mu - 1) (JVP: derived, a composite).

    >>> pmf(0.0, 1.0)
    Tensor(0.36787944, op=...)
    """
    return fnp.exp(logpmf(k, mu, loc))


def _floor_plus_one(k: TensorLike, loc: TensorLike) -> Tensor:
    n = _count(k, loc)
    return fnp.add(n - (n.data - np.floor(n.data)), 1.0)


def cdf(k: TensorLike, mu: TensorLike, loc: TensorLike = 0) -> Tensor:
    """``gammaincc(floor(k) + 1, mu)``, 0 for k < 0; d/dmu = -pmf(floor(k), mu)
    (JVP: derived, a composite).

    >>> cdf(0.0, 1.0)
    Tensor(0.36787944, op=...)
    """
    (mu,) = like(k, mu)
    a = _floor_plus_one(k, loc)
    inside = np.broadcast_to(np.greater_equal(a.data, 1), np.broadcast_shapes(a.shape, np.shape(data(mu))))
    return on_support(inside, fnp.broadcast_to(a, inside.shape), lambda s: sp.gammaincc(s, mu), 0.0)


def sf(k: TensorLike, mu: TensorLike, loc: TensorLike = 0) -> Tensor:
    """``gammainc(floor(k) + 1, mu)``, 1 for k < 0; d/dmu = pmf(floor(k), mu)
    (JVP: derived, a composite).

    >>> sf(0.0, 1.0)
    Tensor(0.63212056, op=...)
    """
    (mu,) = like(k, mu)
    a = _floor_plus_one(k, loc)
    inside = np.broadcast_to(np.greater_equal(a.data, 1), np.broadcast_shapes(a.shape, np.shape(data(mu))))
    return on_support(inside, fnp.broadcast_to(a, inside.shape), lambda s: sp.gammainc(s, mu), 1.0)


def logcdf(k: TensorLike, mu: TensorLike, loc: TensorLike = 0) -> Tensor:
    """``log(cdf)``; d/dmu = d(cdf)/dmu / cdf (JVP: derived, a composite).

    >>> logcdf(0.0, 1.0)
    Tensor(-1.0, op=...)
    """
    return fnp.log(cdf(k, mu, loc))


def logsf(k: TensorLike, mu: TensorLike, loc: TensorLike = 0) -> Tensor:
    """``log(sf)``; d/dmu = d(sf)/dmu / sf (JVP: derived, a composite).

    >>> logsf(0.0, 1.0)
    Tensor(-0.45867515, op=...)
    """
    return fnp.log(sf(k, mu, loc))
