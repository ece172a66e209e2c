"""Gradient-table rows for the breadth of NumPy's elementwise functions, reductions and
scans, constructors, complex faces and where (see test_ops_table.py for the checks)."""

from __future__ import annotations

from typing import Any

import numpy as np
from test_ops_table import AXES, BROADCAST, ELEMENTWISE, REDUCE, Row

import funcgrad.numpy as fnp
from funcgrad import Tensor
from funcgrad.numpy._logic import REASONS


def _t(x: Any) -> Any:
    """A Tensor for the ops that return plain arrays unless an argument is a Tensor."""
    return x if isinstance(x, Tensor) else Tensor(x)


def _with_zeros(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    value = rng.uniform(0.5, 1.5, shape)
    value[0, 1] = 0.0  # one zero in a row, and a row with two
    value[2, 0] = value[2, 2] = 0.0
    return value


CONDITION = np.array([True, False, True])
POSITIVE = dict(domain=(0.3, 3.0))
AWAY_FROM_0 = dict(domain=(0.3, 2.0), signed=True)
COORDS = np.array([0.0, 0.5, 1.5, 1.7, 3.0])  # non-uniform coordinates for gradient
CUMULATIVE = ({"axis": None}, {"axis": 0}, {"axis": -1})

ROWS = (
    # --- one argument: the transcendental table
    Row("sinh", fnp.sinh, np.sinh, ELEMENTWISE),
    Row("cosh", fnp.cosh, np.cosh, ELEMENTWISE),
    Row("arcsin", fnp.arcsin, np.arcsin, ELEMENTWISE, domain=(-0.8, 0.8)),
    Row("arccos", fnp.arccos, np.arccos, ELEMENTWISE, domain=(-0.8, 0.8)),
    Row("arcsinh", fnp.arcsinh, np.arcsinh, ELEMENTWISE),
    Row("arccosh", fnp.arccosh, np.arccosh, ELEMENTWISE, domain=(1.2, 3.0)),
    Row("arctanh", fnp.arctanh, np.arctanh, ELEMENTWISE, domain=(-0.8, 0.8)),
    Row("log2", fnp.log2, np.log2, ELEMENTWISE, **POSITIVE),
    Row("log10", fnp.log10, np.log10, ELEMENTWISE, **POSITIVE),
    Row("exp2", fnp.exp2, np.exp2, ELEMENTWISE),
    Row("cbrt", fnp.cbrt, np.cbrt, ELEMENTWISE, **AWAY_FROM_0),
    Row("fabs", fnp.fabs, np.fabs, ELEMENTWISE, **AWAY_FROM_0),
    Row("absolute", fnp.absolute, np.absolute, ELEMENTWISE, **AWAY_FROM_0),
    Row("sinc", fnp.sinc, np.sinc, ELEMENTWISE, domain=(-2.5, 2.5)),
    Row("sinc", fnp.sinc, np.sinc, ELEMENTWISE, domain=(-0.05, 0.05)),  # the series near 0
    Row("deg2rad", fnp.deg2rad, np.deg2rad, ELEMENTWISE),
    Row("rad2deg", fnp.rad2deg, np.rad2deg, ELEMENTWISE),
    Row("radians", fnp.radians, np.radians, ELEMENTWISE),
    Row("degrees", fnp.degrees, np.degrees, ELEMENTWISE),
    # --- piecewise constant, float results: zero gradients
    Row("floor", fnp.floor, np.floor, ELEMENTWISE),
    Row("ceil", fnp.ceil, np.ceil, ELEMENTWISE),
    Row("rint", fnp.rint, np.rint, ELEMENTWISE),
    Row("trunc", fnp.trunc, np.trunc, ELEMENTWISE),
    Row("fix", fnp.fix, np.fix, ELEMENTWISE),
    Row("round", fnp.round, np.round, ELEMENTWISE, kwargs=({}, {"decimals": 1})),
    Row("around", fnp.around, np.round, ELEMENTWISE, kwargs=({"decimals": 0},)),
    # --- two arguments, broadcasting both ways
    Row("logaddexp", fnp.logaddexp, np.logaddexp, BROADCAST),
    Row("logaddexp2", fnp.logaddexp2, np.logaddexp2, BROADCAST),
    Row("hypot", fnp.hypot, np.hypot, BROADCAST, **AWAY_FROM_0),
    Row("arctan2", fnp.arctan2, np.arctan2, BROADCAST, **AWAY_FROM_0),
    Row("fmax", fnp.fmax, np.fmax, BROADCAST),
    Row("fmin", fnp.fmin, np.fmin, BROADCAST),
    Row("mod", fnp.mod, np.mod, BROADCAST, domain=(0.5, 2.0), signed=True),
    Row("remainder", fnp.remainder, np.remainder, BROADCAST, domain=(0.5, 2.0), signed=True),
    Row("floor_divide", fnp.floor_divide, np.floor_divide, BROADCAST, domain=(0.5, 2.0), signed=True),
    Row("true_divide", fnp.true_divide, np.true_divide, BROADCAST, domain=(0.5, 2.0), signed=True),
    Row("nan_to_num", fnp.nan_to_num, np.nan_to_num, ELEMENTWISE, kwargs=({}, {"nan": 1.0, "posinf": 5.0, "neginf": -5.0})),
    # --- reductions and scans
    Row("amax", fnp.amax, np.amax, REDUCE, kwargs=AXES),
    Row("amin", fnp.amin, np.amin, REDUCE, kwargs=AXES),
    Row("ptp", fnp.ptp, np.ptp, REDUCE, kwargs=AXES),
    Row("average", fnp.average, np.average, REDUCE, kwargs=AXES),
    Row("average", lambda a, w, **k: fnp.average(a, weights=w, **k), lambda a, w, **k: np.average(a, weights=w, **k), (((2, 3), (2, 3)),), domain=(0.5, 2.0), kwargs=AXES),
    Row("average", lambda a, w, **k: fnp.average(a, weights=w, **k), lambda a, w, **k: np.average(a, weights=w, **k), (((2, 3), (3,)),), domain=(0.5, 2.0), kwargs=({"axis": -1}, {"axis": 1, "keepdims": True})),
    Row("average", lambda a, w: fnp.average(a, weights=w, axis=0), lambda a, w: np.average(a, weights=w, axis=0), (((2, 3), (2,)),), domain=(0.5, 2.0)),
    Row("nansum", fnp.nansum, np.nansum, REDUCE, kwargs=AXES),
    Row("nanmean", fnp.nanmean, np.nanmean, REDUCE, kwargs=AXES),
    Row("cumprod", fnp.cumprod, np.cumprod, REDUCE, domain=(0.5, 1.5), signed=True, kwargs=CUMULATIVE),
    Row("cumprod", fnp.cumprod, np.cumprod, (((3, 3),),), make=_with_zeros, kwargs=CUMULATIVE),  # exact with zeros
    Row("diff", fnp.diff, np.diff, (((2, 4),), ((5,),)), kwargs=({}, {"n": 2}, {"axis": 0}, {"prepend": 1.0}, {"append": 2.0, "n": 2})),
    Row("diff", fnp.diff, np.diff, (((2, 4),),), kwargs=({"prepend": np.ones((2, 1)), "append": np.zeros((2, 2))},)),
    Row("gradient", fnp.gradient, np.gradient, (((5,),),), kwargs=({}, {"edge_order": 2}, {"axis": 0})),
    Row("gradient", lambda f, **k: fnp.gradient(f, 0.5, **k), lambda f, **k: np.gradient(f, 0.5, **k), (((3, 4),),), kwargs=({"axis": 0}, {"axis": -1, "edge_order": 2})),
    Row("gradient", lambda f, **k: fnp.gradient(f, COORDS, **k), lambda f, **k: np.gradient(f, COORDS, **k), (((5,),),), kwargs=({}, {"edge_order": 2})),
    Row("gradient", lambda f, **k: fnp.gradient(f, 2.0, COORDS[:4], **k)[1], lambda f, **k: np.gradient(f, 2.0, COORDS[:4], **k)[1], (((3, 4),),), kwargs=({}, {"edge_order": 2})),
    # --- constructors that are differentiable when given Tensors
    Row("linspace", lambda a, b, **k: fnp.linspace(_t(a), b, **k), np.linspace, (((), ()), ((3,), (3,)), ((2,), ())), kwargs=({"num": 5}, {"num": 4, "endpoint": False}, {"num": 3, "axis": -1})),
    Row("logspace", lambda a, b, **k: fnp.logspace(a, _t(b), **k), np.logspace, (((), ()), ((2,), ())), domain=(-1.0, 1.0), kwargs=({"num": 4}, {"num": 3, "base": 2.0})),
    Row("full", lambda v: fnp.full((2, 3), _t(v)), lambda v: np.full((2, 3), v), (((),), ((3,),))),
    Row("full_like", lambda v: fnp.full_like(np.zeros((2, 3)), _t(v)), lambda v: np.full_like(np.zeros((2, 3), dtype=v.dtype), v), (((),), ((3,),))),
    # --- real faces of complex helpers
    Row("real", fnp.real, np.real, ELEMENTWISE),
    Row("imag", fnp.imag, np.imag, ELEMENTWISE),
    Row("conj", fnp.conj, np.conj, ELEMENTWISE),
    Row("conjugate", fnp.conjugate, np.conjugate, ELEMENTWISE),
    Row("angle", fnp.angle, np.angle, ELEMENTWISE, **AWAY_FROM_0, kwargs=({}, {"deg": True})),
    Row("real_if_close", fnp.real_if_close, np.real_if_close, ELEMENTWISE),
    # --- where, with keywords
    Row("where", lambda x, y: fnp.where(CONDITION, x=x, y=y), lambda x, y: np.where(CONDITION, x, y), (((2, 3), (3,)), ((), (2, 1)))),
)

_CONSTANT = "a plain NumPy array, as autograd's: a writable constant with nothing to differentiate"
NON_DIFFERENTIABLE: dict[str, str] = {
    **REASONS,
    **{name: _CONSTANT for name in ("zeros", "ones", "empty", "eye", "identity", "arange", "zeros_like", "ones_like")},
    **{name: "a constant (float, or None for newaxis), not a function" for name in ("pi", "e", "inf", "nan", "newaxis")},
}
