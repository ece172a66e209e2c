"""``funcgrad.scipy.stats``: distributions as modules of functions with SciPy's names and
signatures (``norm.logpdf(x, loc=0, scale=1)``), differentiable in every continuous
parameter. See docs/scipy.md for which derivatives each has.

>>> from funcgrad.scipy.stats import norm
>>> norm.cdf(0.0)
Tensor(0.5, op=ndtr)
"""

from funcgrad.scipy.stats import beta as beta
from funcgrad.scipy.stats import chi2 as chi2
from funcgrad.scipy.stats import dirichlet as dirichlet
from funcgrad.scipy.stats import gamma as gamma
from funcgrad.scipy.stats import multivariate_normal as multivariate_normal
from funcgrad.scipy.stats import norm as norm
from funcgrad.scipy.stats import poisson as poisson
from funcgrad.scipy.stats import t as t

__all__ = ["beta", "chi2", "dirichlet", "gamma", "multivariate_normal", "norm", "poisson", "t"]
