"""NumPy's dispatch protocols on Tensor (NEP 13 ``__array_ufunc__``, NEP 18
``__array_function__``): ``np.sin(t)``, ``np.dot(t, w)``, ``x_ndarray * t`` run funcgrad's
function of the same name and return a Tensor, so a NumPy call never turns a traced
value into a constant behind the user's back.

One table maps each NumPy callable to the funcgrad function that answers it. It is
derived from the names ``funcgrad.numpy`` exports (and ``linalg``'s), so a new op with
NumPy's name is a new row with no edit here; the two rows below are NumPy's aliases.
A NumPy function with no row raises a TypeError that names it and says what to do.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import _backend
from funcgrad._tensor import Tensor


#: NumPy's aliases whose names ``funcgrad.numpy`` does not export as separate functions.
_BASE: dict[Any, Callable[..., Any]] = {np.amax: fnp.max, np.amin: fnp.min}


def _table() -> Mapping[Any, Callable[..., Any]]:
    table = dict(_BASE)
    for namespace, ours in ((np, fnp), (np.linalg, fnp.linalg)):
        for name in ours.__all__:
            theirs = getattr(namespace, name, None)
            if callable(theirs) and not isinstance(theirs, type):
                table[theirs] = getattr(ours, name)
    return MappingProxyType(table)


#: NumPy callable -> the funcgrad function that answers it for Tensors. Built once, when
#: this module is imported, and read-only from then on.
HANDLED = _table()

#: ``ufunc.reduce`` and ``ufunc.accumulate`` as funcgrad's reductions and scans.
_REDUCE: Mapping[np.ufunc, str] = MappingProxyType({np.add: "sum", np.multiply: "prod", np.maximum: "max", np.minimum: "min"})
_ACCUMULATE: Mapping[np.ufunc, str] = MappingProxyType({np.add: "cumsum", np.multiply: "cumprod"})


def _numpy_name(func: Any) -> str:
    module = getattr(func, "__module__", None) or "numpy"
    if module.startswith("numpy.") and "._" in module or module.startswith("numpy._"):
        module = "numpy"
    return f"{module}.{getattr(func, '__name__', repr(func))}"


def _not_implemented(name: str) -> TypeError:
    short = name.rsplit(".", 1)[-1]
    instead = (
        f"use funcgrad.numpy.{short}"
        if hasattr(fnp, short)
        else "write it with funcgrad.numpy functions, or take a constant on purpose with "
        "stop_gradient(t) (or t.data) and call NumPy on that"
    )
    return TypeError(f"{name}: funcgrad has no differentiable version of it for Tensors; {instead}")


def _call(name: str, target: Callable[..., Any], args: Any, kwargs: Mapping[str, Any]) -> Any:
    try:
        return target(*args, **kwargs)
    except TypeError as error:
        if "argument" not in str(error) or not str(error).startswith(getattr(target, "__name__", "?")):
            raise
        # A keyword NumPy has and funcgrad does not (dtype=, out=, ...): name the call.
        raise TypeError(f"{name}: {error} (on Tensors it runs funcgrad.numpy.{target.__name__})") from None


def array_function(func: Any, types: Any, args: Any, kwargs: Mapping[str, Any]) -> Any:
    """``Tensor.__array_function__``: the funcgrad function in ``func``'s row."""
    if not all(issubclass(t, (Tensor, np.ndarray)) or _backend.is_duck_type(t) for t in types):
        return NotImplemented  # something else that dispatches: let it answer
    target = HANDLED.get(func)
    if target is None:
        raise _not_implemented(_numpy_name(func))
    return _call(_numpy_name(func), target, args, kwargs)


def array_ufunc(ufunc: np.ufunc, method: str, inputs: Any, kwargs: dict[str, Any]) -> Any:
    """``Tensor.__array_ufunc__``: ``ufunc(*inputs)`` and its reductions as funcgrad ops."""
    # Another library's array (Dask, CuPy) is data, a constant of its backend, as an
    # ndarray is; only something else that dispatches answers for itself.
    if any(hasattr(x, "__array_ufunc__") and not isinstance(x, (Tensor, np.ndarray, np.generic)) and not _backend.is_duck(x) for x in inputs):
        return NotImplemented
    name = f"numpy.{ufunc.__name__}"
    out = kwargs.pop("out", None)
    outs = out if isinstance(out, tuple) else (out,)
    if out is not None and any(type(o) is np.ndarray for o in outs):
        # `a -= t` on an ndarray `a` arrives here as subtract(a, t, out=(a,))
        raise TypeError(
            f"{name}: out= writes into a NumPy array, which cannot hold a Tensor's derivative "
            "(an in-place update such as `a -= t` of an array `a` by a Tensor `t`); rebind "
            "instead, `a = a - t`, which makes a Tensor"
        )
    if out is not None and any(o is not None for o in outs):
        raise TypeError(f"{name}: out= cannot be used with Tensors, which are immutable; use the returned value")
    if method == "__call__":
        target = HANDLED.get(ufunc)
        if target is None:
            raise _not_implemented(name)
        if kwargs:
            raise TypeError(f"{name}: keyword arguments {sorted(kwargs)} are not supported on Tensors")
        return target(*inputs)
    if method in ("reduce", "accumulate"):
        reduction = (_REDUCE if method == "reduce" else _ACCUMULATE).get(ufunc)
        if reduction is None or not hasattr(fnp, reduction):
            raise _not_implemented(f"{name}.{method}")
        kwargs.setdefault("axis", 0)  # a ufunc method reduces the first axis by default
        return _call(f"{name}.{method}", getattr(fnp, reduction), inputs, kwargs)
    if method == "outer" and ufunc in HANDLED:
        a, b = inputs
        expanded = fnp.reshape(a, fnp.shape(a) + (1,) * fnp.ndim(b))
        return HANDLED[ufunc](expanded, b)
    raise _not_implemented(f"{name}.{method}")
