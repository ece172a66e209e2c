"""``funcgrad.scipy.special``: SciPy's special functions, differentiable to any order.

See docs/scipy.md for each derivative and the conventions (``xlogy(0, 0) = 0``).

>>> from funcgrad import grad
>>> grad(lambda x: digamma(x), argnums=0)(1.0)  # polygamma(1, 1) = pi**2 / 6
array(1.64493407)
"""

from funcgrad.scipy._special import beta as beta
from funcgrad.scipy._special import betainc as betainc
from funcgrad.scipy._special import betaln as betaln
from funcgrad.scipy._special import digamma as digamma
from funcgrad.scipy._special import erf as erf
from funcgrad.scipy._special import erfc as erfc
from funcgrad.scipy._special import erfcinv as erfcinv
from funcgrad.scipy._special import erfinv as erfinv
from funcgrad.scipy._special import expit as expit
from funcgrad.scipy._special import gamma as gamma
from funcgrad.scipy._special import gammainc as gammainc
from funcgrad.scipy._special import gammaincc as gammaincc
from funcgrad.scipy._special import gammaln as gammaln
from funcgrad.scipy._special import gammasgn as gammasgn
from funcgrad.scipy._special import i0 as i0
from funcgrad.scipy._special import i1 as i1
from funcgrad.scipy._special import iv as iv
from funcgrad.scipy._special import ive as ive
from funcgrad.scipy._special import j0 as j0
from funcgrad.scipy._special import j1 as j1
from funcgrad.scipy._special import jn as jn
from funcgrad.scipy._special import log_ndtr as log_ndtr
from funcgrad.scipy._special import logit as logit
from funcgrad.scipy._special import logsumexp as logsumexp
from funcgrad.scipy._special import multigammaln as multigammaln
from funcgrad.scipy._special import ndtr as ndtr
from funcgrad.scipy._special import ndtri as ndtri
from funcgrad.scipy._special import polygamma as polygamma
from funcgrad.scipy._special import psi as psi
from funcgrad.scipy._special import rgamma as rgamma
from funcgrad.scipy._special import xlog1py as xlog1py
from funcgrad.scipy._special import xlogy as xlogy
from funcgrad.scipy._special import y0 as y0
from funcgrad.scipy._special import y1 as y1
from funcgrad.scipy._special import yn as yn

__all__ = [
    "beta",
    "betainc",
    "betaln",
    "digamma",
    "erf",
    "erfc",
    "erfcinv",
    "erfinv",
    "expit",
    "gamma",
    "gammainc",
    "gammaincc",
    "gammaln",
    "gammasgn",
    "i0",
    "i1",
    "iv",
    "ive",
    "j0",
    "j1",
    "jn",
    "log_ndtr",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "rgamma",
    "xlog1py",
    "xlogy",
    "y0",
    "y1",
    "yn",
]
