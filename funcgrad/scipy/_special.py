"""SciPy's special functions, as one table of elementwise rows plus logsumexp and
multigammaln (which take an axis or an integer dimension).

Each derivative is written with the table's own primitives (digamma' is
``polygamma(1, x)``, iv' is ``(iv(v-1, z) + iv(v+1, z)) / 2``, ...), so every function
differentiates to any order. Orders of Bessel functions and of polygamma, and the
shape parameters of ``gammainc``, ``gammaincc`` and ``betainc``, have no derivative
here (as in autograd): a traced Tensor there raises NotImplementedError when its
derivative is asked for.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np
import scipy.special as sc

import funcgrad.nn as nn
import funcgrad.numpy as fnp
from funcgrad.numpy._util import tensor
from funcgrad import _backend, _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy._unary import log1p_p
from funcgrad.numpy._util import data, zeros_like
from funcgrad.scipy._elementwise import Row, keeping_dtype, primitive, wrapper

_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)

_P: dict[str, Primitive] = {}  # the table's primitives by name, filled below


def _f(name: str, *args: Any) -> Value:
    """The table's function ``name`` inside a rule."""
    return bind(_P[name], *args)


def _exp(x: Any) -> Value:
    return bind(ops.exp_p, x)


def _log(x: Any) -> Value:
    return bind(ops.log_p, x)


def _reciprocal(x: Any) -> Value:
    return bind(ops.divide_p, 1.0, x)


def _sign(x: Operand) -> Any:
    return np.sign(data(x))  # piecewise constant: data, not a node


def _masked(mask: Any, value: Operand, safe: float) -> Value:
    """``value`` with ``safe`` where ``mask`` holds: keeps log and division finite there."""
    return ops.where(mask, safe, value)


# --- xlogy and xlog1py: 0 where x == 0, even at y == 0 ---------------------------------
def _xlogy_dx(xs: tuple[Operand, ...], out: Value) -> Value:
    # d/dx = log(y); at x == 0 and y == 0 (where x log y has no limit) 0 by convention.
    x, y = xs
    both = np.logical_and(np.equal(data(x), 0), np.equal(data(y), 0))
    return ops.where(both, 0.0, _log(_masked(both, y, 1.0)))


def _xlogy_dy(xs: tuple[Operand, ...], out: Value) -> Value:
    # d/dy = x / y, and 0 where x == 0 (x log y is 0 there for every y): exact.
    x, y = xs
    zero = np.equal(data(x), 0)
    return ops.where(zero, 0.0, x / _masked(zero, y, 1.0))


def _xlog1py_dx(xs: tuple[Operand, ...], out: Value) -> Value:
    x, y = xs
    both = np.logical_and(np.equal(data(x), 0), np.equal(data(y), -1))
    return ops.where(both, 0.0, bind(log1p_p, _masked(both, y, 0.0)))


def _xlog1py_dy(xs: tuple[Operand, ...], out: Value) -> Value:
    x, y = xs
    zero = np.equal(data(x), 0)
    return ops.where(zero, 0.0, x / (1.0 + _masked(zero, y, 0.0)))


def _d_beta(k: int) -> Callable[[tuple[Operand, ...], Value], Value]:
    def d(xs: tuple[Operand, ...], out: Value) -> Value:
        return out * (_f("digamma", xs[k]) - _f("digamma", xs[0] + xs[1]))

    return d


def _d_betaln(k: int) -> Callable[[tuple[Operand, ...], Value], Value]:
    def d(xs: tuple[Operand, ...], out: Value) -> Value:
        return _f("digamma", xs[k]) - _f("digamma", xs[0] + xs[1])

    return d


def _d_betainc(xs: tuple[Operand, ...], out: Value) -> Value:
    a, b, x = xs  # the beta density: x**(a-1) (1-x)**(b-1) / B(a, b)
    return _exp(_f("xlogy", a - 1.0, x) + _f("xlog1py", b - 1.0, -x) - _f("betaln", a, b))


def _d_gammainc(xs: tuple[Operand, ...], out: Value) -> Value:
    a, x = xs  # the gamma density: x**(a-1) e**-x / Gamma(a)
    return _exp(_f("xlogy", a - 1.0, x) - x - _f("gammaln", a))


def _lacks(x: Operand, name: str) -> bool:
    """Whether the library of ``x``'s data has no ``scipy.special.<name>`` (CuPy has no
    iv or jv): NumPy data never lacks one."""
    value = data(x)
    if type(value) is np.ndarray or not _backend.is_duck(value):
        return False
    try:
        _special(name, value)
    except TypeError:
        return True
    return False


def _over_x(x: Operand, f: Value, at_zero: float) -> Value:
    """``f / x``, and ``at_zero`` (its limit) where x == 0: the double where."""
    zero = np.equal(data(x), 0)
    return ops.where(zero, at_zero, f / _masked(zero, x, 1.0))


def _d_i1(xs: tuple[Operand, ...], out: Value) -> Value:
    # (i0 + iv(2, x)) / 2; where the library has no iv, the same by the recurrence
    # iv(2, x) = i0(x) - 2 i1(x) / x: i0(x) - i1(x)/x, 1/2 at x == 0
    x = xs[0]
    if _lacks(x, "iv"):
        return _f("i0", x) - _over_x(x, _f("i1", x), 0.5)
    return 0.5 * (_f("i0", x) + _f("iv", 2.0, x))


def _d_j1(xs: tuple[Operand, ...], out: Value) -> Value:
    # (j0 - jn(2, x)) / 2; without jv, by jn(2, x) = 2 j1(x)/x - j0(x): j0(x) - j1(x)/x
    x = xs[0]
    if _lacks(x, "jv"):
        return _f("j0", x) - _over_x(x, _f("j1", x), 0.5)
    return 0.5 * (_f("j0", x) - _f("jn", 2, x))


def _order(xs: tuple[Operand, ...]) -> Any:
    return data(xs[0])  # an order is a constant (it has no derivative)


ROWS: tuple[Row, ...] = (
    Row("erf", sc.erf, ("z",), (lambda xs, out: (2.0 / _SQRT_PI) * _exp(-xs[0] * xs[0]),),
        "The error function, elementwise.", "d/dz = 2/sqrt(pi) exp(-z**2)",
        "erf(Tensor([0.0, 1.0]))", "Tensor([0.        , 0.84270079], op=erf)"),
    Row("erfc", sc.erfc, ("x",), (lambda xs, out: (-2.0 / _SQRT_PI) * _exp(-xs[0] * xs[0]),),
        "``1 - erf(x)``, accurate for large x.", "d/dx = -2/sqrt(pi) exp(-x**2)",
        "erfc(Tensor([0.0]))", "Tensor([1.], op=erfc)"),
    Row("erfinv", sc.erfinv, ("y",), (lambda xs, out: (_SQRT_PI / 2.0) * _exp(out * out),),
        "The inverse of erf on (-1, 1).", "d/dy = sqrt(pi)/2 exp(erfinv(y)**2), from the output",
        "erfinv(Tensor([0.0]))", "Tensor([0.], op=erfinv)"),
    Row("erfcinv", sc.erfcinv, ("y",), (lambda xs, out: (-_SQRT_PI / 2.0) * _exp(out * out),),
        "The inverse of erfc on (0, 2).", "d/dy = -sqrt(pi)/2 exp(erfcinv(y)**2), from the output",
        "erfcinv(Tensor([0.5]))", "Tensor([0.47693628], op=erfcinv)"),
    Row("gamma", sc.gamma, ("z",), (lambda xs, out: out * _f("digamma", xs[0]),),
        "The gamma function.", "d/dz = gamma(z) digamma(z)",
        "gamma(Tensor([1.0, 5.0]))", "Tensor([ 1., 24.], op=gamma)"),
    Row("gammaln", sc.gammaln, ("x",), (lambda xs, out: _f("digamma", xs[0]),),
        "``log|gamma(x)|``.", "d/dx = digamma(x)",
        "gammaln(Tensor([1.0, 3.0]))", "Tensor([0.        , 0.69314718], op=gammaln)"),
    Row("gammasgn", sc.gammasgn, ("x",), (lambda xs, out: zeros_like(out),),
        "The sign of gamma(x): piecewise constant.", "d/dx = 0",
        "gammasgn(Tensor([-0.5, 2.0]))", "Tensor([-1.,  1.], op=gammasgn)"),
    Row("rgamma", sc.rgamma, ("z",), (lambda xs, out: -out * _f("digamma", xs[0]),),
        "``1 / gamma(z)``, 0 at the poles of gamma.", "d/dz = -rgamma(z) digamma(z)",
        "rgamma(Tensor([1.0, 3.0]))", "Tensor([1. , 0.5], op=rgamma)"),
    Row("digamma", sc.digamma, ("z",), (lambda xs, out: _f("polygamma", 1, xs[0]),),
        "``gamma'(z) / gamma(z)``.", "d/dz = polygamma(1, z)",
        "digamma(Tensor([1.0]))", "Tensor([-0.57721566], op=digamma)"),
    Row("psi", sc.psi, ("z",), (lambda xs, out: _f("polygamma", 1, xs[0]),),
        "The digamma function (SciPy's other name).", "d/dz = polygamma(1, z)",
        "psi(Tensor([1.0]))", "Tensor([-0.57721566], op=psi)"),
    Row("polygamma", sc.polygamma, ("n", "x"), (None, lambda xs, out: _f("polygamma", _order(xs) + 1, xs[1])),
        "The n-th derivative of digamma; n a non-negative integer.",
        "d/dx = polygamma(n + 1, x); none in n",
        "polygamma(1, Tensor([1.0]))", "Tensor([1.64493407], op=polygamma)", dtype_from=(1,)),
    Row("beta", sc.beta, ("a", "b"), (_d_beta(0), _d_beta(1)),
        "The beta function ``gamma(a) gamma(b) / gamma(a + b)``.",
        "d/da = beta(a, b) (digamma(a) - digamma(a + b)), and symmetrically d/db",
        "beta(Tensor([1.0]), 2.0)", "Tensor([0.5], op=beta)"),
    Row("betaln", sc.betaln, ("a", "b"), (_d_betaln(0), _d_betaln(1)),
        "``log|beta(a, b)|``.", "d/da = digamma(a) - digamma(a + b), and symmetrically d/db",
        "betaln(Tensor([1.0]), 1.0)", "Tensor([0.], op=betaln)"),
    Row("betainc", sc.betainc, ("a", "b", "x"), (None, None, _d_betainc),
        "The regularized incomplete beta function.",
        "d/dx = x**(a-1) (1-x)**(b-1) / beta(a, b); none in a or b",
        "betainc(1.0, 1.0, Tensor([0.25]))", "Tensor([0.25], op=betainc)"),
    Row("gammainc", sc.gammainc, ("a", "x"), (None, _d_gammainc),
        "The regularized lower incomplete gamma function.",
        "d/dx = x**(a-1) e**-x / gamma(a); none in a",
        "gammainc(1.0, Tensor([0.0]))", "Tensor([0.], op=gammainc)"),
    Row("gammaincc", sc.gammaincc, ("a", "x"), (None, lambda xs, out: -_d_gammainc(xs, out)),
        "The regularized upper incomplete gamma function, ``1 - gammainc``.",
        "d/dx = -x**(a-1) e**-x / gamma(a); none in a",
        "gammaincc(1.0, Tensor([0.0]))", "Tensor([1.], op=gammaincc)"),
    Row("expit", sc.expit, ("x",), (lambda xs, out: out * (1.0 - out),),
        "The logistic sigmoid ``1 / (1 + e**-x)``.", "d/dx = expit(x) (1 - expit(x)), from the output",
        "expit(Tensor([0.0]))", "Tensor([0.5], op=expit)"),
    Row("logit", sc.logit, ("x",), (lambda xs, out: _reciprocal(xs[0] * (1.0 - xs[0])),),
        "``log(x / (1 - x))``, the inverse of expit.", "d/dx = 1 / (x (1 - x))",
        "logit(Tensor([0.5]))", "Tensor([0.], op=logit)"),
    Row("xlogy", sc.xlogy, ("x", "y"), (_xlogy_dx, _xlogy_dy),
        "``x log(y)``, and 0 where x == 0 (even at y == 0).",
        "d/dx = log(y), d/dy = x / y; where x == 0: d/dy = 0 and, at y == 0 too, d/dx = 0",
        "xlogy(Tensor([0.0, 2.0]), Tensor([0.0, 1.0]))", "Tensor([0., 0.], op=xlogy)"),
    Row("xlog1py", sc.xlog1py, ("x", "y"), (_xlog1py_dx, _xlog1py_dy),
        "``x log(1 + y)``, and 0 where x == 0 (even at y == -1).",
        "d/dx = log1p(y), d/dy = x / (1 + y); where x == 0: d/dy = 0 and, at y == -1 too, d/dx = 0",
        "xlog1py(Tensor([0.0, 2.0]), Tensor([-1.0, 0.0]))", "Tensor([0., 0.], op=xlog1py)"),
    Row("log_ndtr", sc.log_ndtr, ("x",), (lambda xs, out: _exp(-0.5 * xs[0] * xs[0] - out) / _SQRT_2PI,),
        "The log of the standard normal CDF, accurate in both tails.",
        "d/dx = exp(-x**2/2 - log_ndtr(x)) / sqrt(2 pi), from the output",
        "log_ndtr(Tensor([0.0]))", "Tensor([-0.69314718], op=log_ndtr)"),
    Row("ndtr", sc.ndtr, ("x",), (lambda xs, out: _exp(-0.5 * xs[0] * xs[0]) / _SQRT_2PI,),
        "The standard normal CDF.", "d/dx = exp(-x**2/2) / sqrt(2 pi)",
        "ndtr(Tensor([0.0]))", "Tensor([0.5], op=ndtr)"),
    Row("ndtri", sc.ndtri, ("y",), (lambda xs, out: _SQRT_2PI * _exp(0.5 * out * out),),
        "The inverse of ndtr.", "d/dy = sqrt(2 pi) exp(ndtri(y)**2 / 2), from the output",
        "ndtri(Tensor([0.5]))", "Tensor([0.], op=ndtri)"),
    Row("i0", sc.i0, ("x",), (lambda xs, out: _f("i1", xs[0]),),
        "The modified Bessel function of order 0.", "d/dx = i1(x)",
        "i0(Tensor([0.0]))", "Tensor([1.], op=i0)"),
    Row("i1", sc.i1, ("x",), (_d_i1,),
        "The modified Bessel function of order 1.", "d/dx = (i0(x) + iv(2, x)) / 2",
        "i1(Tensor([0.0]))", "Tensor([0.], op=i1)"),
    Row("iv", sc.iv, ("v", "z"),
        (None, lambda xs, out: 0.5 * (_f("iv", _order(xs) - 1.0, xs[1]) + _f("iv", _order(xs) + 1.0, xs[1]))),
        "The modified Bessel function of real order v.", "d/dz = (iv(v-1, z) + iv(v+1, z)) / 2; none in v",
        "iv(0, Tensor([0.0]))", "Tensor([1.], op=iv)", dtype_from=(1,)),
    Row("ive", sc.ive, ("v", "z"),
        (None, lambda xs, out: 0.5 * (_f("ive", _order(xs) - 1.0, xs[1]) + _f("ive", _order(xs) + 1.0, xs[1]))
         - _sign(xs[1]) * out),
        "``iv(v, z) exp(-|z|)``, exponentially scaled.",
        "d/dz = (ive(v-1, z) + ive(v+1, z)) / 2 - sign(z) ive(v, z); none in v",
        "ive(0, Tensor([0.0]))", "Tensor([1.], op=ive)", dtype_from=(1,)),
    Row("j0", sc.j0, ("x",), (lambda xs, out: -_f("j1", xs[0]),),
        "The Bessel function of the first kind of order 0.", "d/dx = -j1(x)",
        "j0(Tensor([0.0]))", "Tensor([1.], op=j0)"),
    Row("j1", sc.j1, ("x",), (_d_j1,),
        "The Bessel function of the first kind of order 1.", "d/dx = (j0(x) - jn(2, x)) / 2",
        "j1(Tensor([0.0]))", "Tensor([0.], op=j1)"),
    Row("jn", sc.jv, ("n", "x"),
        (None, lambda xs, out: 0.5 * (_f("jn", _order(xs) - 1, xs[1]) - _f("jn", _order(xs) + 1, xs[1]))),
        "The Bessel function of the first kind of order n (SciPy's jv).",
        "d/dx = (jn(n-1, x) - jn(n+1, x)) / 2; none in n",
        "jn(0, Tensor([0.0]))", "Tensor([1.], op=jn)", dtype_from=(1,)),
    Row("y0", sc.y0, ("x",), (lambda xs, out: -_f("y1", xs[0]),),
        "The Bessel function of the second kind of order 0.", "d/dx = -y1(x)",
        "y0(Tensor([1.0]))", "Tensor([0.08825696], op=y0)"),
    Row("y1", sc.y1, ("x",), (lambda xs, out: 0.5 * (_f("y0", xs[0]) - _f("yn", 2, xs[0])),),
        "The Bessel function of the second kind of order 1.", "d/dx = (y0(x) - yn(2, x)) / 2",
        "y1(Tensor([1.0]))", "Tensor([-0.78121282], op=y1)"),
    Row("yn", sc.yn, ("n", "x"),
        (None, lambda xs, out: 0.5 * (_f("yn", _order(xs) - 1, xs[1]) - _f("yn", _order(xs) + 1, xs[1]))),
        "The Bessel function of the second kind of integer order n.",
        "d/dx = (yn(n-1, x) - yn(n+1, x)) / 2; none in n",
        "yn(0, Tensor([1.0]))", "Tensor([0.08825696], op=yn)", dtype_from=(1,)),
)

# --- on other libraries' data: SciPy's name for each function, and what stands in for ---
# polygamma where a library lacks it (Dask maps SciPy's ufuncs, and polygamma is none).
#: SciPy's ufunc behind a function that is not one (Dask maps only ufuncs over its
#: chunks): ``zeta(x, q)`` is the Python function over the Hurwitz zeta ufunc ``_zeta``.
_UFUNCS = {"zeta": getattr(getattr(sc, "_ufuncs", None), "_zeta", sc.zeta)}


def _special(name: str, x: Any) -> Any:
    """SciPy's ufunc ``name`` in the library of ``x`` (a duck array)."""
    fn = _UFUNCS.get(name) or getattr(sc, name)
    return _backend.function(x, fn, f"scipy.special.{name}", f"funcgrad.scipy.special.{name}")


def _polygamma_from_zeta(n: Any, x: Any) -> Any:
    # SciPy's own definition: psi(x) for n == 0, else (-1)**(n+1) n! zeta(n + 1, x)
    like = x if _backend.is_duck(x) else n
    psi, gamma_, zeta = (_special(name, like) for name in ("psi", "gamma", "zeta"))
    return np.where(np.equal(n, 0), psi(x), (-1.0) ** (np.add(n, 1)) * gamma_(np.add(n, 1.0)) * zeta(np.add(n, 1), x))


_SCIPY_NAMES = {"jn": "jv"}  # a row's name where it is not SciPy's
_FALLBACKS = {"polygamma": _polygamma_from_zeta}
ROWS = tuple(
    row._replace(path=f"scipy.special.{_SCIPY_NAMES.get(row.name, row.name)}", fallback=_FALLBACKS.get(row.name))
    for row in ROWS
)

_WRAPPERS: dict[str, Callable[..., Tensor]] = {}
for _row in ROWS:
    _P[_row.name] = primitive(_row)
    _WRAPPERS[_row.name] = wrapper(_row, _P[_row.name], __name__)

Unary = Callable[[TensorLike], Tensor]
Binary = Callable[[TensorLike, TensorLike], Tensor]
Ternary = Callable[[TensorLike, TensorLike, TensorLike], Tensor]

erf: Unary = _WRAPPERS["erf"]
erfc: Unary = _WRAPPERS["erfc"]
erfinv: Unary = _WRAPPERS["erfinv"]
erfcinv: Unary = _WRAPPERS["erfcinv"]
gamma: Unary = _WRAPPERS["gamma"]
gammaln: Unary = _WRAPPERS["gammaln"]
gammasgn: Unary = _WRAPPERS["gammasgn"]
rgamma: Unary = _WRAPPERS["rgamma"]
digamma: Unary = _WRAPPERS["digamma"]
psi: Unary = _WRAPPERS["psi"]
polygamma: Binary = _WRAPPERS["polygamma"]
beta: Binary = _WRAPPERS["beta"]
betaln: Binary = _WRAPPERS["betaln"]
betainc: Ternary = _WRAPPERS["betainc"]
gammainc: Binary = _WRAPPERS["gammainc"]
gammaincc: Binary = _WRAPPERS["gammaincc"]
expit: Unary = _WRAPPERS["expit"]
logit: Unary = _WRAPPERS["logit"]
xlogy: Binary = _WRAPPERS["xlogy"]
xlog1py: Binary = _WRAPPERS["xlog1py"]
log_ndtr: Unary = _WRAPPERS["log_ndtr"]
ndtr: Unary = _WRAPPERS["ndtr"]
ndtri: Unary = _WRAPPERS["ndtri"]
i0: Unary = _WRAPPERS["i0"]
i1: Unary = _WRAPPERS["i1"]
iv: Binary = _WRAPPERS["iv"]
ive: Binary = _WRAPPERS["ive"]
j0: Unary = _WRAPPERS["j0"]
j1: Unary = _WRAPPERS["j1"]
jn: Binary = _WRAPPERS["jn"]
y0: Unary = _WRAPPERS["y0"]
y1: Unary = _WRAPPERS["y1"]
yn: Binary = _WRAPPERS["yn"]


# --- multigammaln: an integer dimension d as a parameter --------------------------------
def _multigammaln_impl(a: Any, d: int) -> Any:
    if type(a) is np.ndarray or not _backend.is_duck(a):
        return sc.multigammaln(a, d)
    try:
        return _backend.function(a, sc.multigammaln, "scipy.special.multigammaln", "funcgrad.scipy.special.multigammaln")(a, d)
    except TypeError:  # SciPy's definition, with the library's gammaln (Dask maps the ufunc)
        gammaln_ = _special("gammaln", a)
        total = 0.25 * d * (d - 1) * math.log(math.pi)
        for j in range(d):
            total = total + gammaln_(a - 0.5 * j)
        return total


def _multigammaln_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    a = xs[0]
    total: Value = _f("digamma", a)
    for j in range(1, p["d"]):
        total = total + _f("digamma", a - 0.5 * j)
    return c * total


multigammaln_p = Primitive(
    "multigammaln", keeping_dtype(_multigammaln_impl), vjp=_multigammaln_rule, jvp=_multigammaln_rule, elementwise=True
)


def multigammaln(a: TensorLike, d: int) -> Tensor:
    """The log of the multivariate gamma function of dimension ``d``, elementwise in
    ``a`` (which must exceed (d - 1)/2).

    d/da = sum over j < d of digamma(a - j/2) (JVP: rule); ``d`` is an integer.

    >>> multigammaln(Tensor([1.0]), 1)
    Tensor([0.], op=multigammaln)
    """
    if isinstance(d, Tensor) or int(d) != d or d < 1:
        raise TypeError(f"multigammaln: d must be a positive integer, got {d!r}")
    return apply(multigammaln_p, a, d=int(d))


# --- logsumexp: nn.logsumexp, with SciPy's weights b ------------------------------------

Axis = Union[int, Sequence[int], None]


def logsumexp(
    a: TensorLike, axis: Axis = None, b: Optional[TensorLike] = None, keepdims: bool = False, return_sign: bool = False
) -> Tensor:
    """``log(sum(b * exp(a)))`` over ``axis``, shifted by the maximum so it never overflows.

    d/da = b exp(a - out) and d/db = exp(a - out) along ``axis`` (JVP: rule, that of
    ``funcgrad.nn.logsumexp``, without b; derived, a composite, with b). Weights ``b``
    must be >= 0 (a zero weight drops its term, with a finite gradient);
    ``return_sign=True`` (for negative weights) raises NotImplementedError.

    >>> logsumexp(Tensor([1000.0, 1000.0]))
    Tensor(1000.69314718, op=logsumexp)
    >>> logsumexp(Tensor([0.0, 0.0]), b=np.array([1.0, 0.0]))
    Tensor(0.0, op=reshape)
    """
    if return_sign:
        raise NotImplementedError("logsumexp: return_sign=True (negative weights b) is not supported")
    if b is None:
        return nn.logsumexp(a, axis=axis, keepdims=keepdims)
    # m + log(sum(b exp(a - m))) with m the maximum of a, a constant: the value does not
    # depend on m, so neither does the (exact) gradient, and no term overflows. Unlike
    # logsumexp(a + log b), d/db = exp(a - out) stays finite at a zero weight.
    a, b = tensor(a, "logsumexp", "a"), tensor(b, "logsumexp", "b")
    both = np.broadcast_shapes(a.shape, b.shape)
    axes = ops.normalize_axis(axis, len(both), "logsumexp")
    top = np.max(np.broadcast_to(a.data, both), axis=axes, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0).astype(np.result_type(a.data, b.data))
    with np.errstate(divide="ignore"):  # all weights zero: log(0) = -inf, as SciPy
        total = fnp.log(fnp.sum(fnp.multiply(b, fnp.exp(fnp.subtract(a, top))), axis=axes, keepdims=True)) + top
    return total if keepdims else fnp.squeeze(total, axis=axes)
