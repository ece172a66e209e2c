"""The machinery behind SciPy's elementwise functions: one table row per function makes
its primitive (SciPy's value, float32 kept) and its typed public wrapper.

A row gives, for every argument, its local derivative written in funcgrad ops as a
function of the primals and the output, or None where SciPy's function has no
derivative funcgrad implements (an integer order, the shape ``a`` of ``gammainc``).
The rule is ``c * derivative`` for the VJP and the JVP alike, so every row has a real
JVP rule and differentiates to any order. Asking for a missing derivative (a Tensor in
that argument, under a transform that needs it) raises NotImplementedError naming the
function and the argument.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, NamedTuple, Optional

import numpy as np

from funcgrad import _backend
from funcgrad._tensor import Operand, Params, Primitive, Rule, Tensor, TensorLike, Value, apply, bind

#: A local derivative: ``(xs, out) -> d out / d x_i``, in funcgrad ops.
Derivative = Callable[["tuple[Operand, ...]", Value], Value]


class Row(NamedTuple):
    name: str
    impl: Callable[..., Any]  # SciPy's function
    args: tuple[str, ...]  # SciPy's argument names, for errors and the docs
    derivatives: tuple[Optional[Derivative], ...]
    summary: str  # one line: what it computes
    rule: str  # the derivative, as the docstring states it
    example: str  # a call whose repr the docstring shows
    shows: str
    dtype_from: Optional[tuple[int, ...]] = None  # the arguments that set the dtype (None: all)
    path: Optional[str] = None  # SciPy's public name (scipy.special.jv), looked up in a duck array's library
    fallback: Optional[Callable[..., Any]] = None  # for a library without it: the function from others it has


def _float_dtype(args: tuple[Any, ...], positions: Optional[tuple[int, ...]]) -> Any:
    chosen = [a for k, a in enumerate(args) if positions is None or k in positions]
    dtypes = [a.dtype for a in chosen if isinstance(a, (np.ndarray, np.generic)) or _backend.is_duck(a)]
    dtype = np.result_type(*dtypes) if dtypes else np.dtype(np.float64)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def in_library(
    fn: Callable[..., Any], path: str, where: str, duck: Any, fallback: Optional[Callable[..., Any]] = None
) -> Callable[..., Any]:
    """``fn`` (SciPy's function, public name ``path``) for the library of ``duck``: its
    counterpart there (``cupyx.scipy.special.erf``; SciPy's ufunc itself for Dask, see
    ``_backend.function``), else ``fallback`` (written with functions the library does
    have), else the TypeError naming ``where`` and what the library lacks."""
    try:
        found: Callable[..., Any] = _backend.function(duck, fn, path, where)
        return found
    except TypeError:
        if fallback is None:
            raise
        return fallback


def keeping_dtype(
    fn: Callable[..., Any],
    positions: Optional[tuple[int, ...]] = None,
    path: Optional[str] = None,
    where: str = "",
    fallback: Optional[Callable[..., Any]] = None,
) -> Callable[..., Any]:
    """``fn`` with its result cast to the float dtype of its (array) arguments at
    ``positions``: SciPy computes some functions (polygamma, yn) in float64 only, and an
    integer order must not promote a float32 argument.

    With ``path`` (SciPy's public name) a duck array among the arguments has ``fn``
    looked up in its library (``in_library``), and its result stays there."""

    def impl(*args: Any, **params: Any) -> Any:
        call = fn
        if path is not None:
            for a in args:
                if type(a) is not np.ndarray and _backend.is_duck(a):
                    call = in_library(fn, path, where, a, fallback)
                    break
        out = call(*args, **params)
        if type(out) is not np.ndarray and not _backend.is_duck(out):
            out = np.asarray(out)
        return out.astype(_float_dtype(args, positions), copy=False)

    return impl


def no_derivative(op: str, argument: str) -> NotImplementedError:
    return NotImplementedError(
        f"{op}: no derivative with respect to its argument {argument!r}; "
        f"pass {argument} as a constant (an array or number), not a traced Tensor"
    )


def make_rule(name: str, args: tuple[str, ...], derivatives: tuple[Optional[Derivative], ...]) -> Rule:
    def rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
        derivative = derivatives[i]
        if derivative is None:
            raise no_derivative(name, args[i])
        return c * derivative(xs, out)

    return rule


def primitive(row: Row, module: str = "funcgrad.scipy.special") -> Primitive:
    rule = make_rule(row.name, row.args, row.derivatives)
    impl = keeping_dtype(row.impl, row.dtype_from, row.path, f"{module}.{row.name}", row.fallback)
    return Primitive(row.name, impl, vjp=rule, jvp=rule, elementwise=True)


def docstring(row: Row) -> str:
    return f"{row.summary} {row.rule} (JVP: rule).\n\n>>> {row.example}\n{row.shows}\n"


def wrapper(row: Row, prim: Primitive, module: str) -> Callable[..., Tensor]:
    """The public function: positional arguments, as SciPy's ufuncs take them."""

    def op(*args: TensorLike) -> Tensor:
        if len(args) != len(row.args):
            raise TypeError(f"{row.name}() takes {len(row.args)} arguments ({', '.join(row.args)}), got {len(args)}")
        return apply(prim, *args)

    op.__name__ = op.__qualname__ = row.name
    op.__module__ = module
    op.__doc__ = docstring(row)
    positional = inspect.Parameter.POSITIONAL_ONLY
    op.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # what help() and inspect show
        [inspect.Parameter(name, positional) for name in row.args], return_annotation="Tensor"
    )
    return op


def call(prim: Primitive, *args: Any) -> Value:
    """``prim`` applied inside a rule (no graph on the first-order path)."""
    return bind(prim, *args)
