"""Calls funcgrad.scipy must reject statically."""

from __future__ import annotations

import numpy as np

import funcgrad.scipy.special as fsp
from funcgrad.scipy import stats

x = np.array([0.5, 1.5])

fsp.erf(x, x)  # type: ignore[call-arg]  # erf takes one argument, as SciPy's ufunc
fsp.xlogy(x)  # type: ignore[call-arg]  # xlogy takes two
stats.norm.logpdf("x")  # type: ignore[arg-type]  # a str is not an array
