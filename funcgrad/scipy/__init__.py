"""``funcgrad.scipy``: the SciPy functions HIPS autograd differentiates, differentiable to
any order (``special``, ``stats``, ``linalg``, ``signal``).

SciPy is an extra: ``pip install 'funcgrad[scipy]'``. Values come from SciPy; every
derivative rule is written in funcgrad ops, so it differentiates again.

>>> import funcgrad.scipy.special as fsp
>>> fsp.erf(0.0)
Tensor(0.0, op=erf)
"""

try:
    import scipy as _scipy  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised by simulating a missing SciPy
    raise ImportError(
        "funcgrad.scipy needs SciPy, an optional dependency: pip install 'funcgrad[scipy]'"
    ) from error

__all__: list[str] = []
