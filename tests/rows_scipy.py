"""Gradient-table rows for ``funcgrad.scipy``: values against SciPy itself, derivatives
to order 2 against finite differences (the table's checker). Without SciPy there are
no rows (and no scipy names are exported to cover)."""

from __future__ import annotations

from typing import Any

import numpy as np
from test_ops_table import AXES, BROADCAST, ELEMENTWISE, REDUCE, Row, _well_conditioned

COUNTS = np.array([0.0, 1.0, 3.0])  # poisson's k: a constant count per entry of mu


def _arr(v: Any) -> Any:
    """A list (how tests/test_ops_inputs.py passes arguments too) as an array."""
    return v if hasattr(v, "shape") else np.asarray(v)


def _dtype(v: Any) -> Any:
    return v.dtype if hasattr(v, "dtype") else np.float64


def _in_library(m: Any, constant: np.ndarray) -> Any:
    """A NumPy constant in the library of ``m``'s data (tests/test_backends.py)."""
    from funcgrad import Tensor, _backend

    return _backend.put(m.data if isinstance(m, Tensor) else m, constant)


def _spd(m: Any) -> Any:
    """A symmetric positive definite matrix from any square ``m`` (Tensor or array)."""
    m = _arr(m)
    n = m.shape[-1]
    return 0.5 * (m + m.T) + 3.0 * _in_library(m, np.eye(n, dtype=m.dtype))


def _banded(ab: Any, u: int) -> Any:
    """Banded storage with a dominant diagonal (row ``u``): a well-conditioned matrix."""
    ab = _arr(ab)
    shift = np.zeros(ab.shape, dtype=_dtype(ab))
    shift[u] = 3.0
    return ab + _in_library(ab, shift)


def _simplex(w: Any) -> Any:
    """Positive weights along axis 0 made into points of the simplex."""
    w = _arr(w)
    return w / w.sum(axis=0, keepdims=True)

try:
    import scipy.special as sc
    import scipy.stats as st
    import scipy.linalg as sl
    import scipy.signal as sg

    import funcgrad.numpy as fnp
    import funcgrad.scipy.linalg as fsl
    import funcgrad.scipy.signal as fsg
    import funcgrad.scipy.special as fsp
    from funcgrad.scipy import stats as fst
except ImportError:  # pragma: no cover - the scipy extra is not installed
    ROWS: tuple[Row, ...] = ()
    NON_DIFFERENTIABLE: dict[str, str] = {}
else:

    def _s(name: str) -> str:
        return f"scipy.special.{name}"

    def _unary(name: str, domain: tuple[float, float], **extra: Any) -> Row:
        return Row(_s(name), getattr(fsp, name), getattr(sc, name), ELEMENTWISE, domain=domain, **extra)

    def _ordered(name: str, reference: Any, orders: tuple[float, ...], domain: tuple[float, float], **extra: Any) -> Row:
        """A function of (order, x): the order a constant keyword of the row."""
        op = getattr(fsp, name)
        return Row(
            _s(name),
            lambda x, n: op(n, x),
            lambda x, n: reference(n, x),
            ELEMENTWISE,
            domain=domain,
            kwargs=tuple({"n": n} for n in orders),
            **extra,
        )

    SPECIAL = (
        _unary("erf", (-2.0, 2.0)),
        _unary("erfc", (-2.0, 2.0)),
        _unary("erfinv", (-0.8, 0.8)),
        _unary("erfcinv", (0.2, 1.8)),
        _unary("gamma", (0.5, 3.0)),
        _unary("gammaln", (0.5, 3.0)),
        _unary("gammasgn", (0.2, 0.8), signed=True),
        _unary("rgamma", (0.5, 3.0)),
        _unary("digamma", (0.5, 3.0)),
        _unary("psi", (0.5, 3.0)),
        _ordered("polygamma", sc.polygamma, (0, 1, 2), (0.5, 3.0)),
        Row(_s("beta"), fsp.beta, sc.beta, BROADCAST, domain=(0.5, 2.0)),
        Row(_s("betaln"), fsp.betaln, sc.betaln, BROADCAST, domain=(0.5, 2.0)),
        Row(
            _s("betainc"),
            lambda x, a, b: fsp.betainc(a, b, x),
            lambda x, a, b: sc.betainc(a, b, x),
            ELEMENTWISE,
            domain=(0.1, 0.9),
            kwargs=({"a": 2.0, "b": 3.0}, {"a": 0.5, "b": 1.5}),
        ),
        _ordered("gammainc", sc.gammainc, (0.5, 2.0), (0.3, 3.0)),
        _ordered("gammaincc", sc.gammaincc, (0.5, 2.0), (0.3, 3.0)),
        _unary("expit", (-4.0, 4.0)),
        _unary("logit", (0.1, 0.9)),
        Row(_s("logsumexp"), fsp.logsumexp, sc.logsumexp, REDUCE, kwargs=AXES),
        Row(
            _s("logsumexp"),
            lambda a, b, axis=None: fsp.logsumexp(a, axis=axis, b=b),
            lambda a, b, axis=None: sc.logsumexp(a, axis=axis, b=b),
            (((2, 3), (2, 3)), ((2, 3), (3,))),
            domain=(0.5, 2.0),
            kwargs=({}, {"axis": 0}),
        ),
        Row(_s("xlogy"), fsp.xlogy, sc.xlogy, BROADCAST, domain=(0.3, 2.0)),
        Row(_s("xlog1py"), fsp.xlog1py, sc.xlog1py, BROADCAST, domain=(0.3, 2.0)),
        _unary("log_ndtr", (-3.0, 3.0)),
        _unary("ndtr", (-2.0, 2.0)),
        _unary("ndtri", (0.1, 0.9)),
        _unary("i0", (-2.0, 2.0)),
        _unary("i1", (-2.0, 2.0)),
        _ordered("iv", sc.iv, (0.5, 2.0), (0.3, 2.0)),
        _ordered("ive", sc.ive, (0.5, 2.0), (0.3, 2.0)),
        _ordered("ive", sc.ive, (0, 1), (0.3, 2.0), signed=True),
        _unary("j0", (0.3, 3.0)),
        _unary("j1", (0.3, 3.0)),
        _ordered("jn", sc.jv, (0, 2, 3), (0.3, 3.0)),
        _unary("y0", (0.5, 3.0)),
        _unary("y1", (0.5, 3.0)),
        _ordered("yn", sc.yn, (1, 2), (0.5, 3.0)),
        Row(
            _s("multigammaln"),
            fsp.multigammaln,
            sc.multigammaln,
            ELEMENTWISE,
            domain=(1.5, 3.0),
            kwargs=({"d": 1}, {"d": 2}, {"d": 3}),
        ),
    )


    def _stat(dist: str, fn: str, shapes: Any, domain: tuple[float, float], **extra: Any) -> Row:
        return Row(f"scipy.stats.{dist}.{fn}", getattr(getattr(fst, dist), fn), getattr(getattr(st, dist), fn), shapes, domain=domain, **extra)

    def _shifted(dist: str, fn: str, params: int, move: Any, domain: tuple[float, float]) -> Row:
        """A row with loc and scale (the last two arguments) moved so x stays inside the support."""
        ours, theirs = getattr(getattr(fst, dist), fn), getattr(getattr(st, dist), fn)
        shapes = ((((2, 3), (3,)) + ((),) * (params - 2) + ((2, 1), ())),)
        return Row(
            f"scipy.stats.{dist}.{fn}",
            lambda *xs: ours(*xs[:params], *move(fnp, *xs[params:])),
            lambda *xs: theirs(*xs[:params], *move(np, *xs[params:])),
            shapes,
            domain=domain,
        )

    X = (((2, 3),), ((),))  # x alone (the standard distribution)
    X_LOC_SCALE = (((2, 3), (3,), (2, 1)), ((), (), ()))
    X_P = (((2, 3), (3,)), ((), ()))  # x and one shape parameter
    X_P_LOC_SCALE = (((2, 3), (3,), (2, 1), ()), ((), (), (), ()))
    X_PP = (((2, 3), (3,), (2, 1)), ((), (), ()))
    CONTINUOUS = ("pdf", "logpdf", "cdf", "logcdf", "sf", "logsf")

    STATS = (
        *(_stat("norm", f, X, (-2.0, 2.0)) for f in CONTINUOUS),
        *(_stat("norm", f, X_LOC_SCALE, (0.5, 2.0)) for f in CONTINUOUS),
        _stat("norm", "entropy", (((3,), (2, 3)), ((), ())), (0.5, 2.0)),
        # t: x in (-2, 2) with df, loc, scale in (0.5, 2); cdf-like ones not in df
        *(_stat("t", f, X_P_LOC_SCALE, (0.5, 2.0)) for f in ("pdf", "logpdf")),
        *(
            Row(f"scipy.stats.t.{f}", (lambda f: lambda x, loc, scale, df: getattr(fst.t, f)(x, df, loc, scale))(f),
                (lambda f: lambda x, loc, scale, df: getattr(st.t, f)(x, df, loc, scale))(f),
                (((2, 3), (3,), (2, 1)), ((), (), ())), domain=(0.5, 2.0), kwargs=({"df": 3.0}, {"df": 1.5}))
            for f in ("cdf", "logcdf", "sf", "logsf")
        ),
        _stat("t", "entropy", (((3,),), ((),)), (0.5, 3.0)),
        _stat("t", "entropy", (((3,), (2, 3), (3,)),), (0.5, 3.0)),
        # gamma and chi2: x > 0 (inside the support), a, df in (0.5, 3)
        *(_stat(d, f, X_P, (0.5, 3.0)) for d in ("gamma", "chi2") for f in ("pdf", "logpdf")),
        *(_shifted(d, f, 2, lambda m, loc, scale: (m.negative(loc), scale), (0.5, 3.0)) for d in ("gamma", "chi2") for f in ("pdf", "logpdf")),
        *(
            Row(f"scipy.stats.{d}.{f}", (lambda d, f: lambda x, scale, a: getattr(getattr(fst, d), f)(x, a, 0.0, scale))(d, f),
                (lambda d, f: lambda x, scale, a: getattr(getattr(st, d), f)(x, a, 0.0, scale))(d, f),
                (((2, 3), (3,)), ((), ())), domain=(0.5, 3.0), kwargs=({"a": 1.5}, {"a": 3.0}))
            for d in ("gamma", "chi2") for f in ("cdf", "logcdf", "sf", "logsf")
        ),
        *(_stat(d, "entropy", (((3,),), ((3,), (2, 3), (3,))), (0.5, 3.0)) for d in ("gamma", "chi2")),
        # beta: x in (0.1, 0.9), a, b too (shapes share the domain)
        *(_stat("beta", f, X_PP, (0.2, 0.8)) for f in ("pdf", "logpdf")),
        *(_shifted("beta", f, 3, lambda m, loc, scale: (m.multiply(-0.2, loc), m.add(1.0, scale)), (0.2, 0.8)) for f in ("pdf", "logpdf")),
        *(
            Row(f"scipy.stats.beta.{f}", (lambda f: lambda x, a, b: getattr(fst.beta, f)(x, a, b))(f),
                (lambda f: lambda x, a, b: getattr(st.beta, f)(x, a, b))(f),
                ELEMENTWISE, domain=(0.1, 0.9), kwargs=({"a": 2.0, "b": 3.0}, {"a": 0.7, "b": 1.5}))
            for f in ("cdf", "logcdf", "sf", "logsf")
        ),
        _stat("beta", "entropy", (((3,), (2, 3)), ((), ())), (0.5, 3.0)),
        # poisson: differentiable in mu; k a constant count
        *(
            Row(f"scipy.stats.poisson.{f}", (lambda f: lambda mu: getattr(fst.poisson, f)(COUNTS.astype(_dtype(mu)), mu))(f),
                (lambda f: lambda mu: getattr(st.poisson, f)(COUNTS.astype(_dtype(mu)), mu))(f), (((3,),), ((2, 3),)), domain=(0.5, 4.0))
            for f in ("pmf", "logpmf", "cdf", "logcdf", "sf", "logsf")
        ),
        # dirichlet: x on the simplex along axis 0, alpha > 0
        Row("scipy.stats.dirichlet.logpdf", lambda w, a: fst.dirichlet.logpdf(_simplex(w), a),
            lambda w, a: st.dirichlet.logpdf(_simplex(np.float64(w)), a), (((3,), (3,)), ((3, 2), (3,))), domain=(0.5, 2.0)),
        Row("scipy.stats.dirichlet.pdf", lambda w, a: fst.dirichlet.pdf(_simplex(w), a),
            lambda w, a: st.dirichlet.pdf(_simplex(np.float64(w)), a), (((3,), (3,)),), domain=(0.5, 2.0)),
        Row("scipy.stats.dirichlet.logpdf", lambda w, a: fst.dirichlet.logpdf(_simplex(w)[:2], a),
            lambda w, a: st.dirichlet.logpdf(_simplex(np.float64(w))[:2], a), (((3,), (3,)),), domain=(0.5, 2.0)),
        Row("scipy.stats.dirichlet.entropy", fst.dirichlet.entropy, st.dirichlet.entropy, (((3,),),), domain=(0.5, 3.0)),
        # multivariate_normal: cov = sym(m) + 3 I, positive definite
        Row("scipy.stats.multivariate_normal.logpdf", lambda x, mean, m: fst.multivariate_normal.logpdf(x, mean, _spd(m)),
            lambda x, mean, m: st.multivariate_normal.logpdf(x, mean, _spd(m)), (((3,), (3,), (3, 3)), ((2, 3), (3,), (3, 3)))),
        Row("scipy.stats.multivariate_normal.logpdf", lambda x, d: fst.multivariate_normal.logpdf(x, _in_library(x, np.zeros(3, _dtype(x))), d),
            lambda x, d: st.multivariate_normal.logpdf(x, np.zeros(3, _dtype(x)), d), (((2, 3), (3,)),), domain=(0.5, 2.0)),
        Row("scipy.stats.multivariate_normal.pdf", lambda x, mean, m: fst.multivariate_normal.pdf(x, mean, _spd(m)),
            lambda x, mean, m: st.multivariate_normal.pdf(x, mean, _spd(m)), (((2, 3), (3,), (3, 3)),)),
        Row("scipy.stats.multivariate_normal.entropy", lambda m: fst.multivariate_normal.entropy(None, _spd(m)),
            lambda m: st.multivariate_normal.entropy(None, _spd(m)), (((3, 3),),)),
    )

    def _tri(lower: bool) -> Any:
        return (lambda a: np.tril(a)) if lower else (lambda a: np.triu(a))

    TRIANGULAR = tuple(
        {"lower": lower, "trans": trans, "unit_diagonal": unit}
        for lower in (False, True) for trans in (0, "T") for unit in (False, True)
    )
    LINALG = (
        Row("scipy.linalg.solve_triangular", fsl.solve_triangular, sl.solve_triangular,
            (((3, 3), (3,)), ((3, 3), (3, 2))), kwargs=TRIANGULAR, make=_well_conditioned),
        Row("scipy.linalg.cholesky", lambda m, lower: fsl.cholesky(_spd(m), lower=lower),
            lambda m, lower: sl.cholesky(_spd(m), lower=lower), (((3, 3),),), kwargs=({"lower": False}, {"lower": True})),
        Row("scipy.linalg.cho_factor", lambda m, lower: fsl.cho_factor(_spd(m), lower=lower)[0],
            lambda m, lower: _tri(lower)(sl.cho_factor(_spd(m), lower=lower)[0]), (((3, 3),),),
            kwargs=({"lower": False}, {"lower": True})),
        Row("scipy.linalg.cho_solve", lambda m, b, lower: fsl.cho_solve(fsl.cho_factor(_spd(m), lower=lower), b),
            lambda m, b, lower: sl.cho_solve(sl.cho_factor(_spd(m), lower=lower), b), (((3, 3), (3,)), ((3, 3), (3, 2))),
            kwargs=({"lower": False}, {"lower": True})),
        Row("scipy.linalg.expm", fsl.expm, sl.expm, (((3, 3),), ((2, 2, 2),)), domain=(-1.0, 1.0), rtol32=1e-3),
        Row("scipy.linalg.sqrtm", lambda m: fsl.sqrtm(_spd(m)), lambda m: sl.sqrtm(_spd(m)), (((3, 3),),), rtol32=1e-3),
        Row("scipy.linalg.solve_banded", lambda ab, b, l, u: fsl.solve_banded((l, u), _banded(ab, u), b),
            lambda ab, b, l, u: sl.solve_banded((l, u), _banded(ab, u), b), (((3, 4), (4,)), ((3, 4), (4, 2))),
            kwargs=({"l": 1, "u": 1}, {"l": 2, "u": 0}, {"l": 0, "u": 2})),
        Row("scipy.linalg.solve_sylvester", fsl.solve_sylvester, sl.solve_sylvester,
            (((3, 3), (2, 2), (3, 2)),), make=_well_conditioned),
    )

    SIGNAL = (
        Row("scipy.signal.convolve", fsg.convolve, sg.convolve, (((4,), (2,)), ((2,), (4,)), ((3, 4), (2, 2)), ((2, 2, 2), (1, 2, 2))),
            kwargs=({}, {"mode": "same"}, {"mode": "valid"})),
        Row("scipy.signal.convolve", fsg.convolve, sg.convolve, (((3, 4), (2, 5)),), kwargs=({}, {"mode": "same"})),
    )

    ROWS = SPECIAL + STATS + LINALG + SIGNAL

    #: Not a gradient-table row: the table checks order 2 and forward mode, and odeint's
    #: adjoint gradient is first-order reverse mode only (they raise NotImplementedError).
    #: tests/test_scipy.py checks its values and first derivatives.
    NON_DIFFERENTIABLE = {"scipy.integrate.odeint": "first-order reverse mode only (the adjoint method)"}
