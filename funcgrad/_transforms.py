"""The transforms: functions that take a function and return its derivative.

Each call wraps its arguments in fresh nodes (``argument``), runs ``fn`` on them, and
reads derivatives at those nodes, so nothing is shared between calls or threads, and a
closed-over outer value is never mistaken for the inner argument.
"""

from __future__ import annotations

import functools
import inspect
from types import MappingProxyType
from typing import Any, Callable, Concatenate, Literal, Mapping, Optional, ParamSpec, Sequence, TypeVar, Union, overload

import numpy as np

from funcgrad import _backend, _graph, _vmap
from funcgrad._dtypes import as_numeric
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Trace, Value, apply, data_of
from funcgrad._tree import LEAF, TreeDef, flatten, flatten_with_paths, map as tree_map, unflatten
from funcgrad._typing import Array

A = TypeVar("A")  # the aux output of a has_aux function
T0 = TypeVar("T0")  # argument types: a gradient has its argument's type (pytrees)
T1 = TypeVar("T1")
T2 = TypeVar("T2")
T3 = TypeVar("T3")
T4 = TypeVar("T4")
Ps = ParamSpec("Ps")  # the remaining parameters, passed through unchanged
Argnums = Union[int, tuple[int, ...], None]  # a list is refused at run time too


# --- arguments and results -----------------------------------------------------------------
def check_argnums_type(argnums: object, transform: str) -> None:
    ok = argnums is None or (isinstance(argnums, int) and not isinstance(argnums, bool))
    if not ok and isinstance(argnums, tuple):
        ok = all(isinstance(n, int) and not isinstance(n, bool) for n in argnums)
    if not ok:
        raise TypeError(
            f"{transform}: argnums must be None, an int or a tuple of ints, got {argnums!r}; "
            f"for example {transform}(fn, argnums=(0, 1))"
        )


def resolve_argnums(argnums: Argnums, count: int, transform: str) -> tuple[int, ...]:
    """The argument positions to differentiate, each checked against ``count``."""
    positions = tuple(range(count)) if argnums is None else (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for n in positions:
        if not -count <= n < count:
            raise ValueError(
                f"{transform}: argnums={argnums!r} but fn was called with {count} positional argument"
                f"{'' if count == 1 else 's'}"
            )
    return tuple(n % count for n in positions)


def argument_name(fn: Callable[..., Any], position: int, path: str) -> str:
    """How an error names a leaf of positional argument ``position`` of ``fn``.

    ``argument 0 (params.layers[2].w)``: the position, and the path from the parameter's
    name in ``fn``'s signature when it has one.
    """
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # builtins and other callables without a signature
        parameters = []
    for index, parameter in enumerate(parameters):
        if parameter.kind is parameter.VAR_POSITIONAL:
            return f"argument {position} ({parameter.name}[{position - index}]{path})"
        if index == position and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            return f"argument {position} ({parameter.name}{path})"
    return f"argument {position}{path}"


class Traced:
    """One argument position of a traced call: its structure and the nodes of its leaves."""

    __slots__ = ("treedef", "nodes")

    def __init__(self, fn: Callable[..., Any], value: Any, position: int, transform: str, trace: Trace) -> None:
        leaves, self.treedef = flatten(value)
        try:
            self.nodes = [_graph.argument(leaf, transform, trace) for leaf in leaves]
        except TypeError:
            # Only a refused leaf is worth naming: its path and fn's parameter name are
            # looked up here, so a successful call never pays for them.
            for path, leaf in flatten_with_paths(value)[0]:
                _graph.argument(leaf, f"{transform}: {argument_name(fn, position, path)}", trace)
            raise

    def rebuild(self, leaves: Sequence[Any]) -> Any:
        return unflatten(self.treedef, leaves)

    def zeros_or(self, values: Mapping[Tensor, Any], nested: bool, handed: set[int], lead: tuple[int, ...] = ()) -> Any:
        """This argument's structure holding ``values`` at its nodes (zeros where absent)."""
        return self.rebuild([
            to_output(values[node], nested, handed) if node in values else _backend.zeros(node.data, lead + node.shape, node.dtype)
            for node in self.nodes
        ])


def trace_arguments(
    fn: Callable[..., Any], args: tuple[Any, ...], positions: tuple[int, ...], transform: str, trace: Trace
) -> tuple[list[Any], list[Traced]]:
    """``args`` with the leaves at ``positions`` replaced by fresh argument nodes of the
    call ``trace``, and one ``Traced`` per entry of ``positions``: a position named twice
    (``argnums=(0, 0)``) is traced once and gets the same gradient in both places."""
    call_args = list(args)
    by_position: dict[int, Traced] = {}
    for n in positions:
        if n not in by_position:
            t = by_position[n] = Traced(fn, args[n], n, transform, trace)
            call_args[n] = t.rebuild(t.nodes)
    return call_args, [by_position[n] for n in positions]


def finish(trace: Trace, traced: Sequence[Traced], escapes: bool) -> None:
    """End the call ``trace``: it no longer counts as running, and when its graph
    outlives it (``escapes``) its argument nodes stop borrowing the caller's arrays."""
    trace.live = False
    if escapes:
        _graph.seal([node for t in traced for node in t.nodes])


def check_positional(args: tuple[Any, ...], kwargs: Mapping[str, Any], transform: str) -> None:
    """Refuse a call with only keyword arguments: it would differentiate nothing."""
    if not args and kwargs:
        names = ", ".join(sorted(kwargs))
        raise TypeError(
            f"{transform}: differentiates positional arguments, and keyword arguments ({names}) are passed "
            f"through undifferentiated; pass the value positionally, e.g. {transform}(fn)(x) instead of "
            f"{transform}(fn)(x=x)"
        )


def split_output(result: Any, has_aux: bool, transform: str) -> tuple[Any, Any]:
    if not has_aux:
        return result, None
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise TypeError(
            f"{transform}: has_aux=True needs fn to return a pair (output, aux), "
            f"got {type(result).__name__}"
        )
    return result[0], result[1]


def check_output(out: Any, transform: str) -> Union[Tensor, Array]:
    """The function's output as a node or a constant array, or a TypeError."""
    if isinstance(out, Tensor):
        if type(out) is not Tensor:  # batched inside vmap while the arguments were not
            raise _vmap.BatchedOutput(out.record)  # type: ignore[attr-defined]  # a Batched
        return out
    if _backend.is_duck(out) and out.dtype.kind in "fiub":  # a constant of another library
        return out.astype(np.float64) if out.dtype.kind != "f" else out  # type: ignore[no-any-return]  # a duck array stands for an ndarray
    if isinstance(out, (np.ndarray, np.generic, float, int)):
        # A comparison or a boolean array is piecewise constant: a zero gradient, as in
        # autograd, rather than an error.
        array = np.asarray(out)
        if array.dtype.kind in "fiub":
            return array.astype(np.result_type(array, np.float64) if array.dtype.kind != "f" else array.dtype)
    raise TypeError(
        f"{transform}: fn must return a Tensor or a real array, got {type(out).__name__}"
        + (" (use has_aux=True to return (output, aux))" if isinstance(out, tuple) else "")
    )


def check_outputs(out: Any, transform: str) -> tuple[list[Union[Tensor, Array]], TreeDef]:
    """A pytree output's leaves, each checked as ``check_output`` does, and its structure."""
    if isinstance(out, (Tensor, np.ndarray)) or _backend.is_duck(out):
        return [check_output(out, transform)], LEAF
    leaves, treedef = flatten(out)
    return [check_output(leaf, transform) for leaf in leaves], treedef


def walk_all(outputs: Sequence[Any], stop: frozenset[Tensor]) -> list[Tensor]:
    """Nodes the Tensors among ``outputs`` depend on, in one topological order.

    Each walk is topological, and a node first seen in an earlier walk has all its
    parents before it there, so keeping first occurrences stays topological.
    """
    if len(outputs) == 1:
        return _graph.walk(outputs[0], stop) if isinstance(outputs[0], Tensor) else []
    order: list[Tensor] = []
    seen: set[Tensor] = set()
    for out in outputs:
        if isinstance(out, Tensor):
            for node in _graph.walk(out, stop):
                if node not in seen:
                    seen.add(node)
                    order.append(node)
    return order


def to_output(value: Value, nested: bool, handed: Optional[set[int]] = None) -> Any:
    """What a transform hands back: a node inside an enclosing transform, else a fresh array.

    Fresh means writable, owning its memory, and not handed out twice in one result
    (``handed`` holds the ids already returned): a rule may return a broadcast view,
    and two operands may receive the very same cotangent object.
    """
    if nested:
        return value
    array = value.data if isinstance(value, Tensor) else value
    if _backend.is_duck(array):  # stays in its library (a Dask result stays lazy)
        if handed is not None:
            if id(array) in handed:
                return _backend.copy(array)
            handed.add(id(array))
        return array
    array = np.asarray(array)
    if handed is not None:
        if id(array) in handed:
            return np.array(array)
        handed.add(id(array))
    return array if array.flags.writeable and array.flags.owndata else np.array(array)


def read_only(value: Any, dtype: np.dtype[Any], name: str) -> Any:
    """A caller's seed (cotangent, tangent) as a read-only array of ``dtype``, refused
    as ``Tensor()`` refuses data when it is not real numbers (naming ``name``).

    A view, so that what the transform returns is never the caller's own array; it is
    read only during the call (a recorded rule snapshots the constants it keeps)."""
    if isinstance(value, Tensor):
        return value
    array = as_numeric(value, name)
    if not isinstance(array, np.ndarray):  # a duck array: the rules never write it
        return array.astype(dtype) if array.dtype != dtype else array
    array = array.astype(dtype) if array.dtype != dtype else array.view()
    array.flags.writeable = False
    return array


def release(tree: Any, nested: bool) -> Any:
    """Aux output as the caller sees it: traced Tensors become arrays at the top level."""
    if nested or tree is None:
        return tree
    return tree_map(lambda leaf: to_output(leaf, False) if isinstance(leaf, Tensor) else leaf, tree)


# --- reverse mode --------------------------------------------------------------------------
def value_and_grad_call(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    argnums: Argnums,
    has_aux: bool,
    transform: str,
    kwargs: Optional[Mapping[str, Any]] = None,
) -> tuple[Any, Any, Any]:
    """``(value, gradients, aux)`` of ``fn(*args, **kwargs)``, gradients laid out as
    ``argnums`` asks. Keyword arguments are passed through and never differentiated."""
    kwargs = kwargs or {}
    check_positional(args, kwargs, transform)
    positions = resolve_argnums(argnums, len(args), transform)
    record = _vmap.record_of([args[n] for n in positions])
    if record is None:
        try:
            return _value_and_grad_call(fn, args, positions, argnums, has_aux, transform, kwargs)
        except _vmap.BatchedOutput as batched:  # fn closed over a value batched by vmap
            record = batched.record
    return _vmap.lifted_value_and_grad(value_and_grad, fn, args, kwargs, positions, argnums, has_aux, record)


def _value_and_grad_call(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    positions: tuple[int, ...],
    argnums: Argnums,
    has_aux: bool,
    transform: str,
    kwargs: Mapping[str, Any],
) -> tuple[Any, Any, Any]:
    trace = Trace()
    nested = False
    traced: list[Traced] = []
    try:
        call_args, traced = trace_arguments(fn, args, positions, transform, trace)
        out, aux = split_output(fn(*call_args, **kwargs), has_aux, transform)
        out = check_output(out, transform)
        nodes = [node for t in traced for node in t.nodes]
        cotangents: dict[Tensor, Value] = {}
        if isinstance(out, Tensor):
            order = _graph.walk(out, frozenset(nodes))
            nested = _graph.is_nested(order, nodes)
            seed = _backend.ones(out.data, out.shape, out.dtype)
            if not nested:
                # Hold no node, only the value: the sweep then frees each forward value as
                # soon as it has been used, as hand-written NumPy frees its activations.
                out = out.data
            cotangents = _graph.pullback(order, order[-1], seed, nodes, nested, consume=not nested)
    finally:
        finish(trace, traced, nested)
    handed: set[int] = set()
    grads = [t.zeros_or(cotangents, nested, handed) for t in traced]
    value = to_output(out, nested, handed)
    result = grads[0] if isinstance(argnums, int) else tuple(grads)
    return value, result, release(aux, nested)


# The overloads give exact result types (no peer library has them). Functions of Tensors
# take arrays and give arrays; any other argument type is a pytree whose gradient has
# that type. The types describe a top-level call: inside an enclosing transform the
# same calls return Tensors, so that the enclosing one can differentiate them.
# Each overload is one line on purpose: the table reads down the argnums cases.
# --- generated overloads of grad (tools/gen_overloads.py) ---
# fmt: off
@overload
def grad(fn: Callable[[Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike], tuple[Array]]: ...
@overload
def grad(fn: Callable[[Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike], Array]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike], Array]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: tuple[int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike], tuple[Array, Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike], Array]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike], tuple[Array, Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array, Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike], Array]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array, Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array, Array, Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], Array]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array, Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array, Array, Array, Array]]: ...
@overload
def grad(fn: Callable[Concatenate[Tensor, Ps], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[Concatenate[TensorLike, Ps], Array]: ...  # type: ignore[overload-cannot-match, overload-overlap]  # a Tensor parameter also matches a pytree row below (T0 = Tensor); this array row, first, is the one meant
@overload
def grad(fn: Callable[Concatenate[T0, Tensor, Ps], Tensor], argnums: Literal[1], has_aux: Literal[False] = ...) -> Callable[Concatenate[T0, TensorLike, Ps], Array]: ...  # type: ignore[overload-overlap]  # a Tensor parameter also matches a pytree row below (T0 = Tensor); this array row, first, is the one meant
@overload
def grad(fn: Callable[[T0], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[T0], tuple[T0]]: ...
@overload
def grad(fn: Callable[[T0, T1], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[T0, T1], tuple[T0, T1]]: ...
@overload
def grad(fn: Callable[[T0, T1], Tensor], argnums: tuple[Literal[0], Literal[1]], has_aux: Literal[False] = ...) -> Callable[[T0, T1], tuple[T0, T1]]: ...
@overload
def grad(fn: Callable[[T0, T1], Tensor], argnums: tuple[Literal[1], Literal[0]], has_aux: Literal[False] = ...) -> Callable[[T0, T1], tuple[T1, T0]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T0, T1, T2]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[0], Literal[1]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T0, T1]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[0], Literal[2]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T0, T2]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[1], Literal[0]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T1, T0]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[1], Literal[2]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T1, T2]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[2], Literal[0]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T2, T0]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[2], Literal[1]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T2, T1]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[0], Literal[1], Literal[2]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T0, T1, T2]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[0], Literal[2], Literal[1]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T0, T2, T1]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[1], Literal[0], Literal[2]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T1, T0, T2]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[1], Literal[2], Literal[0]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T1, T2, T0]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[2], Literal[0], Literal[1]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T2, T0, T1]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[2], Literal[1], Literal[0]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[T2, T1, T0]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3], tuple[T0, T1, T2, T3]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], tuple[T0, T1, T2, T3, T4]]: ...
@overload
def grad(fn: Callable[[T0], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[[T0], T0]: ...
@overload
def grad(fn: Callable[[T0, T1], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[[T0, T1], T0]: ...
@overload
def grad(fn: Callable[[T0, T1], Tensor], argnums: Literal[1], has_aux: Literal[False] = ...) -> Callable[[T0, T1], T1]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], T0]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: Literal[1], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], T1]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Tensor], argnums: Literal[2], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], T2]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3], T0]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: Literal[1], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3], T1]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: Literal[2], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3], T2]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: Literal[3], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3], T3]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], T0]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[1], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], T1]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[2], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], T2]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[3], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], T3]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[4], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], T4]: ...
@overload
def grad(fn: Callable[[Tensor], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[TensorLike], tuple[tuple[Array], A]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[TensorLike, TensorLike], tuple[tuple[Array, Array], A]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor, Tensor], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[TensorLike, TensorLike, TensorLike], tuple[tuple[Array, Array, Array], A]]: ...
@overload
def grad(fn: Callable[Concatenate[Tensor, Ps], tuple[Tensor, A]], argnums: Literal[0], has_aux: Literal[True]) -> Callable[Concatenate[TensorLike, Ps], tuple[Array, A]]: ...  # type: ignore[overload-overlap]  # a Tensor parameter also matches a pytree row below (T0 = Tensor); this array row, first, is the one meant
@overload
def grad(fn: Callable[[T0], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[T0], tuple[tuple[T0], A]]: ...
@overload
def grad(fn: Callable[[T0, T1], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[T0, T1], tuple[tuple[T0, T1], A]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[T0, T1, T2], tuple[tuple[T0, T1, T2], A]]: ...
@overload
def grad(fn: Callable[[T0], tuple[Tensor, A]], argnums: Literal[0], has_aux: Literal[True]) -> Callable[[T0], tuple[T0, A]]: ...
@overload
def grad(fn: Callable[[T0, T1], tuple[Tensor, A]], argnums: Literal[0], has_aux: Literal[True]) -> Callable[[T0, T1], tuple[T0, A]]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], tuple[Tensor, A]], argnums: Literal[0], has_aux: Literal[True]) -> Callable[[T0, T1, T2], tuple[T0, A]]: ...
@overload
def grad(fn: Callable[[T0], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[T0], Any]: ...
@overload
def grad(fn: Callable[[T0, T1], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[T0, T1], Any]: ...
@overload
def grad(fn: Callable[[T0, T1, T2], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[T0, T1, T2], Any]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[T0, T1, T2, T3], Any]: ...
@overload
def grad(fn: Callable[[T0, T1, T2, T3, T4], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[T0, T1, T2, T3, T4], Any]: ...
@overload
def grad(fn: Callable[Concatenate[Any, Any, Any, Any, Any, Any, Ps], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[Concatenate[Any, Any, Any, Any, Any, Any, Ps], Any]: ...
# fmt: on
# --- end of generated overloads of grad ---
def grad(fn: Callable[..., Any], argnums: Argnums = None, has_aux: bool = False) -> Callable[..., Any]:
    """The gradient of ``fn``'s output with respect to its positional arguments.

    ``argnums=None`` gives one gradient per positional argument, as a tuple; an int gives
    that one gradient; a tuple of ints a tuple in that order. A non-scalar output is
    seeded with ones (the gradient of its sum). Arguments may be pytrees; each gradient
    has its argument's structure. With ``has_aux=True``, ``fn`` returns
    ``(output, aux)`` and the result is ``(gradients, aux)``. Keyword arguments are
    passed to ``fn`` as they are, never differentiated. Transforms nest:
    ``grad(grad(f, argnums=0), argnums=0)`` is the second derivative.

    >>> import numpy as np
    >>> from funcgrad import mul
    >>> grad(lambda a, b: mul(a, b))(np.array([2]), np.array([3]))
    (array([3.]), array([2.]))
    >>> grad(lambda x: (x ** 3).sum(), argnums=0)(np.array([2.0]))
    array([12.])
    """
    check_argnums_type(argnums, "grad")

    @functools.wraps(fn)
    def grad_fn(*args: Any, **kwargs: Any) -> Any:
        _, grads, aux = value_and_grad_call(fn, args, argnums, has_aux, "grad", kwargs)
        return (grads, aux) if has_aux else grads

    return grad_fn


# --- generated overloads of value_and_grad (tools/gen_overloads.py) ---
# fmt: off
@overload
def value_and_grad(fn: Callable[[Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike], tuple[Array, tuple[Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike], tuple[Array, Array]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike], tuple[Array, tuple[Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: tuple[int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike], tuple[Array, tuple[Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array, Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array, Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array, Array, Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array, Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor, Tensor, Tensor], Tensor], argnums: tuple[int, int, int, int, int], has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike, TensorLike, TensorLike, TensorLike], tuple[Array, tuple[Array, Array, Array, Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[Concatenate[Tensor, Ps], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[Concatenate[TensorLike, Ps], tuple[Array, Array]]: ...  # type: ignore[overload-cannot-match, overload-overlap]  # a Tensor parameter also matches a pytree row below (T0 = Tensor); this array row, first, is the one meant
@overload
def value_and_grad(fn: Callable[Concatenate[T0, Tensor, Ps], Tensor], argnums: Literal[1], has_aux: Literal[False] = ...) -> Callable[Concatenate[T0, TensorLike, Ps], tuple[Array, Array]]: ...  # type: ignore[overload-overlap]  # a Tensor parameter also matches a pytree row below (T0 = Tensor); this array row, first, is the one meant
@overload
def value_and_grad(fn: Callable[[T0], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[T0], tuple[Array, tuple[T0]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[T0, T1], tuple[Array, tuple[T0, T1]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1], Tensor], argnums: tuple[Literal[0], Literal[1]], has_aux: Literal[False] = ...) -> Callable[[T0, T1], tuple[Array, tuple[T0, T1]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1], Tensor], argnums: tuple[Literal[1], Literal[0]], has_aux: Literal[False] = ...) -> Callable[[T0, T1], tuple[Array, tuple[T1, T0]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T0, T1, T2]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[0], Literal[1]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T0, T1]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[0], Literal[2]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T0, T2]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[1], Literal[0]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T1, T0]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[1], Literal[2]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T1, T2]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[2], Literal[0]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T2, T0]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[2], Literal[1]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T2, T1]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[0], Literal[1], Literal[2]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T0, T1, T2]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[0], Literal[2], Literal[1]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T0, T2, T1]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[1], Literal[0], Literal[2]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T1, T0, T2]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[1], Literal[2], Literal[0]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T1, T2, T0]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[2], Literal[0], Literal[1]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T2, T0, T1]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: tuple[Literal[2], Literal[1], Literal[0]], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, tuple[T2, T1, T0]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3], tuple[Array, tuple[T0, T1, T2, T3]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], tuple[Array, tuple[T0, T1, T2, T3, T4]]]: ...
@overload
def value_and_grad(fn: Callable[[T0], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[[T0], tuple[Array, T0]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[[T0, T1], tuple[Array, T0]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1], Tensor], argnums: Literal[1], has_aux: Literal[False] = ...) -> Callable[[T0, T1], tuple[Array, T1]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, T0]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: Literal[1], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, T1]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Tensor], argnums: Literal[2], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2], tuple[Array, T2]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3], tuple[Array, T0]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: Literal[1], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3], tuple[Array, T1]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: Literal[2], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3], tuple[Array, T2]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: Literal[3], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3], tuple[Array, T3]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[0], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], tuple[Array, T0]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[1], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], tuple[Array, T1]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[2], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], tuple[Array, T2]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[3], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], tuple[Array, T3]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[4], has_aux: Literal[False] = ...) -> Callable[[T0, T1, T2, T3, T4], tuple[Array, T4]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[TensorLike], tuple[tuple[Array, A], tuple[Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[TensorLike, TensorLike], tuple[tuple[Array, A], tuple[Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor, Tensor], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[TensorLike, TensorLike, TensorLike], tuple[tuple[Array, A], tuple[Array, Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[Concatenate[Tensor, Ps], tuple[Tensor, A]], argnums: Literal[0], has_aux: Literal[True]) -> Callable[Concatenate[TensorLike, Ps], tuple[tuple[Array, A], Array]]: ...  # type: ignore[overload-overlap]  # a Tensor parameter also matches a pytree row below (T0 = Tensor); this array row, first, is the one meant
@overload
def value_and_grad(fn: Callable[[T0], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[T0], tuple[tuple[Array, A], tuple[T0]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[T0, T1], tuple[tuple[Array, A], tuple[T0, T1]]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[T0, T1, T2], tuple[tuple[Array, A], tuple[T0, T1, T2]]]: ...
@overload
def value_and_grad(fn: Callable[[T0], tuple[Tensor, A]], argnums: Literal[0], has_aux: Literal[True]) -> Callable[[T0], tuple[tuple[Array, A], T0]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1], tuple[Tensor, A]], argnums: Literal[0], has_aux: Literal[True]) -> Callable[[T0, T1], tuple[tuple[Array, A], T0]]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], tuple[Tensor, A]], argnums: Literal[0], has_aux: Literal[True]) -> Callable[[T0, T1, T2], tuple[tuple[Array, A], T0]]: ...
@overload
def value_and_grad(fn: Callable[[T0], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[T0], Any]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[T0, T1], Any]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[T0, T1, T2], Any]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[T0, T1, T2, T3], Any]: ...
@overload
def value_and_grad(fn: Callable[[T0, T1, T2, T3, T4], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[[T0, T1, T2, T3, T4], Any]: ...
@overload
def value_and_grad(fn: Callable[Concatenate[Any, Any, Any, Any, Any, Any, Ps], Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[Concatenate[Any, Any, Any, Any, Any, Any, Ps], Any]: ...
# fmt: on
# --- end of generated overloads of value_and_grad ---
def value_and_grad(fn: Callable[..., Any], argnums: Argnums = None, has_aux: bool = False) -> Callable[..., Any]:
    """``(value, gradients)`` in one pass; with ``has_aux=True``, ``((value, aux), gradients)``.

    The gradients are laid out as in ``grad``.

    >>> import numpy as np
    >>> value_and_grad(lambda x: (x * x).sum(), argnums=0)(np.array([1.0, 2.0]))
    (array(5.), array([2., 4.]))
    """
    check_argnums_type(argnums, "value_and_grad")

    @functools.wraps(fn)
    def value_and_grad_fn(*args: Any, **kwargs: Any) -> Any:
        value, grads, aux = value_and_grad_call(fn, args, argnums, has_aux, "value_and_grad", kwargs)
        return ((value, aux), grads) if has_aux else (value, grads)

    return value_and_grad_fn


def backward(output: Tensor, wrt: Optional[Sequence[Tensor]] = None) -> Mapping[Tensor, Array]:
    """The engine under ``grad``: gradients of ``output`` (seeded with ones) at every node.

    Returns a fresh read-only mapping from each node ``output`` depends on (or only from
    the Tensors in ``wrt``) to its gradient; a Tensor in ``wrt`` that ``output`` does not
    depend on gets zeros.

    >>> import numpy as np
    >>> from funcgrad import Tensor
    >>> a = Tensor(np.array([2])); b = Tensor(np.array([3]))
    >>> g = backward(a.mul(b))
    >>> g[a], g[b]
    (array([3.]), array([2.]))
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"backward: output must be a Tensor, got {type(output).__name__}")
    targets = None if wrt is None else list(wrt)
    for position, t in enumerate(targets or ()):
        if not isinstance(t, Tensor):
            raise TypeError(f"backward: wrt[{position}] must be a Tensor, got {type(t).__name__}")
    order = _graph.walk(output)
    seed = _backend.ones(output.data, output.shape, output.dtype)
    cotangents = _graph.pullback(order, output, seed, targets, record=False)
    keys = order if targets is None else targets
    handed: set[int] = set()
    fresh = {
        node: to_output(cotangents[node], False, handed) if node in cotangents else _backend.zeros(node.data, node.shape, node.dtype)
        for node in keys
    }
    return MappingProxyType(fresh)


# --- vjp and jvp ---------------------------------------------------------------------------
# fmt: off
@overload
def vjp(fn: Callable[[Tensor], Tensor], x: TensorLike, /) -> tuple[Array, Callable[[TensorLike], tuple[Array]]]: ...
@overload
def vjp(fn: Callable[[Tensor, Tensor], Tensor], x: TensorLike, y: TensorLike, /) -> tuple[Array, Callable[[TensorLike], tuple[Array, Array]]]: ...
@overload
def vjp(fn: Callable[[T0], Tensor], x: T0, /) -> tuple[Array, Callable[[TensorLike], tuple[T0]]]: ...
@overload
def vjp(fn: Callable[[T0, T1], Tensor], x: T0, y: T1, /) -> tuple[Array, Callable[[TensorLike], tuple[T0, T1]]]: ...
@overload
def vjp(fn: Callable[..., Any], /, *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]: ...
# fmt: on
def vjp(fn: Callable[..., Any], /, *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """``(out, pullback)``: ``pullback(cotangent)`` gives one cotangent per primal.

    ``fn`` runs once; each ``pullback`` call is one reverse sweep over its graph, and a
    cotangent with extra leading axes pulls back all its rows in that one sweep. ``fn``
    may return a pytree; the cotangent then has its structure.

    >>> import numpy as np
    >>> out, pullback = vjp(lambda x: x * x, np.array([1.0, 3.0]))
    >>> pullback(np.array([1.0, 10.0]))
    (array([ 2., 60.]),)
    """
    record = _vmap.record_of(primals)
    if record is None:
        try:
            return _vjp(fn, primals)
        except _vmap.BatchedOutput as batched:  # fn closed over a value batched by vmap
            record = batched.record
    return _vmap.lifted_vjp(vjp, fn, primals, record)


def _vjp(fn: Callable[..., Any], primals: tuple[Any, ...]) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    trace = Trace()
    traced: list[Traced] = []
    try:
        call_args, traced = trace_arguments(fn, primals, tuple(range(len(primals))), "vjp", trace)
        outputs, out_def = check_outputs(fn(*call_args), "vjp")
        nodes = [node for t in traced for node in t.nodes]
        stop = frozenset(nodes)
        orders = [_graph.walk(out, stop) if isinstance(out, Tensor) else [] for out in outputs]
        nested = _graph.is_nested([node for order in orders for node in order], nodes)
    finally:
        finish(trace, traced, True)  # the pullback reads the primals after vjp returns

    def pullback(cotangent: Any) -> tuple[Any, ...]:
        # One reverse sweep per output leaf (a Tensor output is one leaf), summed.
        pairs, ct_def = ([("", cotangent)], LEAF) if out_def == LEAF else flatten_with_paths(cotangent)
        if ct_def != out_def:
            raise ValueError(f"vjp: the cotangent has structure {ct_def} but the output has {out_def}")
        cotangents: dict[Tensor, Value] = {}
        leads = set()
        record = nested
        for (path, leaf), out, order in zip(pairs, outputs, orders):
            seed = read_only(leaf, out.dtype, f"vjp: cotangent{path}")
            if seed.ndim < out.ndim or seed.shape[seed.ndim - out.ndim :] != out.shape:
                raise ValueError(f"vjp: cotangent{path} has shape {seed.shape} but the output{path} has shape {out.shape}")
            leads.add(seed.shape[: seed.ndim - out.ndim])
            record = record or isinstance(seed, Tensor)
            if isinstance(out, Tensor):
                for node, c in _graph.pullback(order, out, seed, nodes, nested or isinstance(seed, Tensor)).items():
                    if node in stop:
                        previous = cotangents.get(node)
                        cotangents[node] = c if previous is None else previous + c
        if len(leads) > 1:
            raise ValueError(f"vjp: the cotangents' leading batch axes differ: {sorted(leads)}")
        lead = leads.pop() if leads else ()
        handed: set[int] = set()
        return tuple(t.zeros_or(cotangents, record, handed, lead) for t in traced)

    handed: set[int] = set()
    return unflatten(out_def, [to_output(out, nested, handed) for out in outputs]), pullback


def seed_tangents(traced: list[Traced], tangents: tuple[Any, ...], transform: str) -> dict[Tensor, Value]:
    """The tangent of each argument node, checked against its primal's structure and shape."""
    seeds: dict[Tensor, Value] = {}
    for position, (t, tangent) in enumerate(zip(traced, tangents)):
        pairs, tangent_def = flatten_with_paths(tangent)
        if tangent_def != t.treedef:
            raise ValueError(f"{transform}: tangent {position} has structure {tangent_def}, its primal has {t.treedef}")
        for node, (path, leaf) in zip(t.nodes, pairs):
            value = read_only(leaf, node.dtype, f"{transform}: tangent {position}{path}")
            if type(value) is np.ndarray and value.ndim == 0 and _backend.is_duck(node.data):
                value = _backend.put(node.data, value)  # a number: the tangent of a duck primal is in its library
            if value.shape != node.shape:
                raise ValueError(
                    f"{transform}: tangent {position}{path} has shape {value.shape} but its primal has shape {node.shape}"
                )
            seeds[node] = value
    return seeds


def push(
    outputs: list[Union[Tensor, Array]],
    seeds: dict[Tensor, Value],
    lead: tuple[int, ...],
) -> tuple[list[Value], bool]:
    """Tangents of ``outputs`` given ``seeds`` at argument nodes (one forward sweep), and
    whether they are recorded for an enclosing transform."""
    nodes = list(seeds)
    order = walk_all(outputs, frozenset(nodes))
    nested = _graph.is_nested(order, nodes) or any(isinstance(v, Tensor) for v in seeds.values())
    tangents = _graph.pushforward(order, seeds, nested)
    result: list[Value] = []
    for out in outputs:
        t = tangents.get(out) if isinstance(out, Tensor) else None
        like = out.data if isinstance(out, Tensor) else out
        result.append(_backend.zeros(like, lead + out.shape, out.dtype) if t is None else t)
    return result, nested


# fmt: off
@overload
def jvp(fn: Callable[[Tensor], Tensor], primals: tuple[TensorLike], tangents: tuple[TensorLike]) -> tuple[Array, Array]: ...
@overload
def jvp(fn: Callable[[Tensor, Tensor], Tensor], primals: tuple[TensorLike, TensorLike], tangents: tuple[TensorLike, TensorLike]) -> tuple[Array, Array]: ...
@overload
def jvp(fn: Callable[[T0], Tensor], primals: tuple[T0], tangents: tuple[T0]) -> tuple[Array, Array]: ...
@overload
def jvp(fn: Callable[[T0, T1], Tensor], primals: tuple[T0, T1], tangents: tuple[T0, T1]) -> tuple[Array, Array]: ...
@overload
def jvp(fn: Callable[..., Any], primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]: ...
# fmt: on
def jvp(fn: Callable[..., Any], primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
    """``(out, tangent_out)``: ``fn``'s value and its directional derivative (forward mode).

    One forward sweep carries the tangents alongside the values: each primitive has a
    JVP rule, or one derived from its VJP rule by transposition. ``fn`` may return a
    pytree; ``tangent_out`` then has its structure.

    >>> import numpy as np
    >>> jvp(lambda x: x * x, (np.array([1.0, 3.0]),), (np.array([1.0, 0.0]),))
    (array([1., 9.]), array([2., 0.]))
    """
    if not isinstance(primals, tuple) or not isinstance(tangents, tuple):
        raise TypeError("jvp: primals and tangents must be tuples, e.g. jvp(f, (x,), (v,))")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    record = _vmap.record_of((primals, tangents))
    if record is None:
        try:
            return _jvp(fn, primals, tangents)
        except _vmap.BatchedOutput as batched:  # fn closed over a value batched by vmap
            record = batched.record
    return _vmap.lifted_jvp(jvp, fn, primals, tangents, record)


def _jvp(fn: Callable[..., Any], primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
    trace = Trace()
    traced: list[Traced] = []
    nested = False
    try:
        call_args, traced = trace_arguments(fn, primals, tuple(range(len(primals))), "jvp", trace)
        seeds = seed_tangents(traced, tangents, "jvp")
        outputs, treedef = check_outputs(fn(*call_args), "jvp")
        tangents_out, nested = push(outputs, seeds, ())
    finally:
        finish(trace, traced, nested)
    handed: set[int] = set()
    out = unflatten(treedef, [to_output(o, nested, handed) for o in outputs])
    return out, unflatten(treedef, [to_output(t, nested, handed) for t in tangents_out])


# --- stop_gradient -------------------------------------------------------------------------
def _zero_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # A zero the engine broadcasts to the operand's shape, and a constant, so that no
    # derivative of any order flows through (a recorded ``0 * c`` would carry one).
    return _backend.zeros(data_of(c), (), c.dtype)


def _view(x: Any) -> Any:
    # A view, so that making it read-only never touches the caller's array. (A duck
    # array has no flag to set: the node keeps it as it is.)
    return x if _backend.is_duck(x) else np.asarray(x).view()


stop_gradient_p = Primitive("stop_gradient", _view, vjp=_zero_rule, jvp=_zero_rule, piecewise_constant=True)


def stop_gradient(x: TensorLike) -> Tensor:
    """The value of ``x``, treated as a constant by every transform, at every order.

    >>> import numpy as np
    >>> from funcgrad import grad
    >>> grad(lambda x: (x * stop_gradient(x)).sum(), argnums=0)(np.array([3.0]))
    array([3.])
    """
    return apply(stop_gradient_p, x)
