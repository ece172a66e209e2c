"""Non-differentiable helpers users mix into differentiable code, as one table.

Each runs NumPy's function on the data of its operands (a traced Tensor's value is
read with ``data``, never converted, so it works inside a transform) and returns
NumPy's plain integer, boolean or shape result: there is nothing to differentiate, and
a plain array cannot be mistaken for a differentiable one. Branching on one is fine:
the branch taken is differentiated.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Iterator

import numpy as np

from funcgrad._tensor import Tensor, guard, jit_traces, snapshot_answer


def _unwrap(value: Any) -> Any:
    if type(value) is Tensor:
        return value.data
    if isinstance(value, (list, tuple)) and value and builtins_any(type(v) is Tensor for v in value):
        return type(value)(_unwrap(v) for v in value)
    return value


def _tensors(values: Any) -> list[Tensor]:
    """The Tensors among ``values`` and one level into their lists and tuples, in order."""
    found: list[Tensor] = []
    for value in values:
        if type(value) is Tensor:
            found.append(value)
        elif isinstance(value, (list, tuple)):
            found.extend(v for v in value if type(v) is Tensor)
    return found


class _Slot:
    """Where a guard puts the new data of a Tensor operand."""


_SLOT = _Slot()


def _freeze(value: Any) -> Any:
    """``value`` for a guard to keep: Tensors become slots, arrays snapshots."""
    if type(value) is Tensor:
        return _SLOT
    if isinstance(value, np.ndarray):
        return snapshot_answer(value)
    if isinstance(value, (list, tuple)) and builtins_any(type(v) is Tensor for v in value):
        return type(value)(_SLOT if type(v) is Tensor else v for v in value)
    return value


def _thaw(value: Any, datas: Iterator[Any]) -> Any:
    if value is _SLOT:
        return next(datas)
    if isinstance(value, (list, tuple)) and builtins_any(v is _SLOT for v in value):
        return type(value)(next(datas) if v is _SLOT else v for v in value)
    return value


builtins_any = any
#: Answers about the shape or dtype alone: fixed for a jit trace, so never guards.
_STATIC = frozenset({"shape", "ndim", "size", "result_type"})


def _plain(name: str, impl: Callable[..., Any], kind: str, example: str, shows: str) -> Callable[..., Any]:
    static = name in _STATIC

    def op(*args: Any, **kwargs: Any) -> Any:
        for a in (*args, *kwargs.values()):
            if isinstance(a, Tensor) and type(a) is not Tensor:  # inside vmap: a per-example result
                return type(a).apply_plain(impl, args, kwargs)  # type: ignore[attr-defined]  # vmap's Batched
        result = impl(*(_unwrap(a) for a in args), **{k: _unwrap(v) for k, v in kwargs.items()})
        if not static:
            tensors = [t for t in _tensors((*args, *kwargs.values())) if t.inputs or t.primitive is not None]
            traces = jit_traces(tensors) if tensors else None
            if traces:
                # A guard of the jit trace: the same answer recomputed from new data.
                frozen_args = [_freeze(a) for a in args]
                frozen_kwargs = {k: _freeze(v) for k, v in kwargs.items()}

                def recompute(*datas: Any) -> Any:
                    it = iter(datas)
                    thawed = [_thaw(a, it) for a in frozen_args]
                    return impl(*thawed, **{k: _thaw(v, it) for k, v in frozen_kwargs.items()})

                guard(traces, _tensors((*args, *kwargs.values())), recompute, result)
        return result

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"NumPy's ``{name}`` on the data: a plain {kind}, not differentiable (no derivative; JVP: none).\n\n    >>> {name}{example}\n    {shows}\n    "
    try:
        op.__signature__ = inspect.signature(impl)  # type: ignore[attr-defined]  # NumPy's, for help() and IDEs
    except (TypeError, ValueError):  # some ufuncs have no introspectable signature
        pass
    return op


X = "(Tensor([1.0, -3.0, 2.0]))"
XY = "(Tensor([1.0, 2.0]), 2.0)"
# name                               impl               result kind           example     shows
argmax = _plain("argmax", np.argmax, "integer result", X, "np.int64(2)")
argmin = _plain("argmin", np.argmin, "integer result", X, "np.int64(1)")
argsort = _plain("argsort", np.argsort, "integer array", X, "array([1, 0, 2])")
argwhere = _plain("argwhere", np.argwhere, "integer array", X, "array([[0],\n           [1],\n           [2]])")
nonzero = _plain("nonzero", np.nonzero, "tuple of integer arrays", X, "(array([0, 1, 2]),)")
searchsorted = _plain("searchsorted", np.searchsorted, "integer array", "(Tensor([1.0, 2.0, 3.0]), 2.5)", "np.int64(2)")
all = _plain("all", np.all, "boolean result", X, "np.True_")
any = _plain("any", np.any, "boolean result", X, "np.True_")
count_nonzero = _plain("count_nonzero", np.count_nonzero, "integer result", X, "np.int64(3)")
isnan = _plain("isnan", np.isnan, "boolean array", "(Tensor([1.0, np.nan]))", "array([False,  True])")
isinf = _plain("isinf", np.isinf, "boolean array", "(Tensor([1.0, np.inf]))", "array([False,  True])")
isfinite = _plain("isfinite", np.isfinite, "boolean array", "(Tensor([1.0, np.inf]))", "array([ True, False])")
signbit = _plain("signbit", np.signbit, "boolean array", X, "array([False,  True, False])")
isclose = _plain("isclose", np.isclose, "boolean array", XY, "array([False,  True])")
allclose = _plain("allclose", np.allclose, "bool", XY, "False")
array_equal = _plain("array_equal", np.array_equal, "bool", XY, "False")
shape = _plain("shape", np.shape, "tuple of ints", X, "(3,)")
ndim = _plain("ndim", np.ndim, "int", X, "1")
size = _plain("size", np.size, "int", X, "3")
result_type = _plain("result_type", np.result_type, "dtype", "(Tensor(np.float32(1.0)), 2.0)", "dtype('float32')")
logical_and = _plain("logical_and", np.logical_and, "boolean array", XY, "array([ True,  True])")
logical_or = _plain("logical_or", np.logical_or, "boolean array", XY, "array([ True,  True])")
logical_not = _plain("logical_not", np.logical_not, "boolean array", X, "array([False, False, False])")
logical_xor = _plain("logical_xor", np.logical_xor, "boolean array", XY, "array([False, False])")
greater = _plain("greater", np.greater, "boolean array", XY, "array([False, False])")
greater_equal = _plain("greater_equal", np.greater_equal, "boolean array", XY, "array([False,  True])")
less = _plain("less", np.less, "boolean array", XY, "array([ True, False])")
less_equal = _plain("less_equal", np.less_equal, "boolean array", XY, "array([ True,  True])")
equal = _plain("equal", np.equal, "boolean array", XY, "array([False,  True])")
not_equal = _plain("not_equal", np.not_equal, "boolean array", XY, "array([ True, False])")

REASONS = {op.__name__: op.__doc__.split("\n")[0] for op in (argmax, argmin, argsort, argwhere, nonzero, searchsorted, all, any, count_nonzero, isnan, isinf, isfinite, signbit, isclose, allclose, array_equal, shape, ndim, size, result_type, logical_and, logical_or, logical_not, logical_xor, greater, greater_equal, less, less_equal, equal, not_equal)}  # type: ignore[union-attr]  # every doc is set above

__all__ = sorted(REASONS)
