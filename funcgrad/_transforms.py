"""The transforms: functions that take a function and return its derivative.

Each call wraps its arguments in fresh nodes (``argument``), runs ``fn`` on them, and
reads derivatives at those nodes, so nothing is shared between calls or threads, and a
closed-over outer value is never mistaken for the inner argument.
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any, Callable, Literal, Mapping, Optional, Sequence, TypeVar, Union, overload

import numpy as np

from funcgrad import _graph
from funcgrad._tensor import Tensor, TensorLike, Value
from funcgrad._tree import flatten, flatten_with_paths, map as tree_map, unflatten
from funcgrad._typing import Array

A = TypeVar("A")
Argnums = Union[int, Sequence[int], None]


# --- arguments and results -----------------------------------------------------------------
def check_argnums_type(argnums: Argnums, transform: str) -> None:
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


class Traced:
    """One argument position of a traced call: its structure and the nodes of its leaves."""

    __slots__ = ("treedef", "nodes")

    def __init__(self, value: Any, position: int, transform: str) -> None:
        pairs, self.treedef = flatten_with_paths(value)
        self.nodes = [
            _graph.argument(leaf, f"{transform}: argument {position}{path}") for path, leaf in pairs
        ]

    def rebuild(self, leaves: Sequence[Any]) -> Any:
        return unflatten(self.treedef, leaves)


def trace_arguments(args: tuple[Any, ...], positions: tuple[int, ...], transform: str) -> tuple[list[Any], list[Traced]]:
    """``args`` with the leaves at ``positions`` replaced by fresh argument nodes."""
    call_args = list(args)
    traced = []
    for n in positions:
        t = Traced(args[n], n, transform)
        call_args[n] = t.rebuild(t.nodes)
        traced.append(t)
    return call_args, traced


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
        return out
    if isinstance(out, (np.ndarray, np.generic, float, int)) and not isinstance(out, bool):
        array = np.asarray(out)
        if array.dtype.kind in "fiu":
            return array.astype(np.result_type(array, np.float64) if array.dtype.kind != "f" else array.dtype)
    raise TypeError(
        f"{transform}: fn must return a Tensor or a real array, got {type(out).__name__}"
        + (" (use has_aux=True to return (output, aux))" if isinstance(out, tuple) else "")
    )


def to_output(value: Value, nested: bool) -> Any:
    """What a transform hands back: a node inside an enclosing transform, else a fresh array.

    Fresh means writable and owning its memory (a rule may return a broadcast view, and
    two operands may receive the very same cotangent object).
    """
    if nested:
        return value
    array = np.asarray(value.data if isinstance(value, Tensor) else value)
    return array if array.flags.writeable and array.flags.owndata else np.array(array)


def release(tree: Any, nested: bool) -> Any:
    """Aux output as the caller sees it: traced Tensors become arrays at the top level."""
    if nested:
        return tree
    return tree_map(lambda leaf: to_output(leaf, False) if isinstance(leaf, Tensor) else leaf, tree)


# --- reverse mode --------------------------------------------------------------------------
def value_and_grad_call(
    fn: Callable[..., Any], args: tuple[Any, ...], argnums: Argnums, has_aux: bool, transform: str
) -> tuple[Any, Any, Any]:
    """``(value, gradients, aux)`` of ``fn(*args)``, gradients laid out as ``argnums`` asks."""
    positions = resolve_argnums(argnums, len(args), transform)
    call_args, traced = trace_arguments(args, positions, transform)
    out, aux = split_output(fn(*call_args), has_aux, transform)
    out = check_output(out, transform)
    nodes = [node for t in traced for node in t.nodes]
    cotangents: dict[Tensor, Value] = {}
    nested = False
    if isinstance(out, Tensor):
        order = _graph.walk(out, frozenset(nodes))
        nested = _graph.is_nested(order, nodes)
        seed = np.ones(out.shape, dtype=out.dtype)
        cotangents = _graph.pullback(order, out, seed, nodes, nested)
    grads = []
    for t in traced:
        leaves = [
            to_output(cotangents[node], nested) if node in cotangents else np.zeros(node.shape, node.dtype)
            for node in t.nodes
        ]
        grads.append(t.rebuild(leaves))
    value = to_output(out, nested)
    result = grads[0] if isinstance(argnums, int) else tuple(grads)
    return value, result, release(aux, nested)


@overload
def grad(fn: Callable[[Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike], tuple[Array]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def grad(fn: Callable[[Tensor], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[TensorLike], tuple[tuple[Array], A]]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor], tuple[Tensor, A]], argnums: None = ..., *, has_aux: Literal[True]) -> Callable[[TensorLike, TensorLike], tuple[tuple[Array, Array], A]]: ...
@overload
def grad(fn: Callable[[Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike], Array]: ...
@overload
def grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike], Array]: ...
@overload
def grad(fn: Callable[..., Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[..., Any]: ...
def grad(fn: Callable[..., Any], argnums: Argnums = None, has_aux: bool = False) -> Callable[..., Any]:
    """The gradient of ``fn``'s output with respect to its positional arguments.

    ``argnums=None`` gives one gradient per positional argument, as a tuple; an int gives
    that one gradient; a tuple of ints a tuple in that order. A non-scalar output is
    seeded with ones (the gradient of its sum). Arguments may be pytrees; each gradient
    has its argument's structure. With ``has_aux=True``, ``fn`` returns
    ``(output, aux)`` and the result is ``(gradients, aux)``.

    >>> import numpy as np
    >>> from funcgrad import mul
    >>> grad(lambda a, b: mul(a, b))(np.array([2]), np.array([3]))
    (array([3.]), array([2.]))
    """
    check_argnums_type(argnums, "grad")

    @functools.wraps(fn)
    def grad_fn(*args: Any) -> Any:
        _, grads, aux = value_and_grad_call(fn, args, argnums, has_aux, "grad")
        return (grads, aux) if has_aux else grads

    return grad_fn


@overload
def value_and_grad(fn: Callable[[Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike], tuple[Array, tuple[Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: None = ..., has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike], tuple[Array, tuple[Array, Array]]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike], tuple[Array, Array]]: ...
@overload
def value_and_grad(fn: Callable[[Tensor, Tensor], Tensor], argnums: int, has_aux: Literal[False] = ...) -> Callable[[TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def value_and_grad(fn: Callable[..., Any], argnums: Argnums = ..., has_aux: bool = ...) -> Callable[..., Any]: ...
def value_and_grad(fn: Callable[..., Any], argnums: Argnums = None, has_aux: bool = False) -> Callable[..., Any]:
    """``(value, gradients)`` in one pass; with ``has_aux=True``, ``((value, aux), gradients)``.

    >>> import numpy as np
    >>> value_and_grad(lambda x: (x * x).sum(), argnums=0)(np.array([1.0, 2.0]))
    (array(5.), array([2., 4.]))
    """
    check_argnums_type(argnums, "value_and_grad")

    @functools.wraps(fn)
    def value_and_grad_fn(*args: Any) -> Any:
        value, grads, aux = value_and_grad_call(fn, args, argnums, has_aux, "value_and_grad")
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
    seed = np.ones(output.shape, dtype=output.dtype)
    cotangents = _graph.pullback(order, output, seed, targets, record=False)
    keys = order if targets is None else targets
    fresh = {
        node: to_output(cotangents[node], False) if node in cotangents else np.zeros(node.shape, node.dtype)
        for node in keys
    }
    return MappingProxyType(fresh)



# --- vjp and jvp ---------------------------------------------------------------------------
def vjp(fn: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """``(out, pullback)``: ``pullback(cotangent)`` gives one cotangent per primal.

    >>> import numpy as np
    >>> out, pullback = vjp(lambda x: x * x, np.array([1.0, 3.0]))
    >>> pullback(np.array([1.0, 10.0]))
    (array([ 2., 60.]),)
    """
    positions = tuple(range(len(primals)))
    call_args, traced = trace_arguments(primals, positions, "vjp")
    out = check_output(fn(*call_args), "vjp")
    nodes = [node for t in traced for node in t.nodes]
    order = _graph.walk(out, frozenset(nodes)) if isinstance(out, Tensor) else []
    nested = _graph.is_nested(order, nodes)
    out_shape, out_dtype = np.shape(out.data if isinstance(out, Tensor) else out), np.result_type(out.data if isinstance(out, Tensor) else out)

    def pullback(cotangent: Any) -> tuple[Any, ...]:
        seed = cotangent if isinstance(cotangent, Tensor) else np.asarray(cotangent, dtype=out_dtype)
        if seed.shape != out_shape:
            raise ValueError(f"vjp: cotangent has shape {seed.shape} but the output has shape {out_shape}")
        record = nested or isinstance(seed, Tensor)
        cotangents = _graph.pullback(order, out, seed, nodes, record) if isinstance(out, Tensor) else {}
        return tuple(
            t.rebuild([
                to_output(cotangents[node], record) if node in cotangents else np.zeros(node.shape, node.dtype)
                for node in t.nodes
            ])
            for t in traced
        )

    return to_output(out, nested), pullback


def jvp(fn: Callable[..., Any], primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> tuple[Any, Any]:
    """``(out, tangent_out)``: ``fn``'s value and its directional derivative (forward mode).

    >>> import numpy as np
    >>> jvp(lambda x: x * x, (np.array([1.0, 3.0]),), (np.array([1.0, 0.0]),))
    (array([1., 9.]), array([2., 0.]))
    """
    if not isinstance(primals, tuple) or not isinstance(tangents, tuple):
        raise TypeError("jvp: primals and tangents must be tuples, e.g. jvp(f, (x,), (v,))")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    call_args, traced = trace_arguments(primals, tuple(range(len(primals))), "jvp")
    seeds: dict[Tensor, Value] = {}
    for position, (t, tangent) in enumerate(zip(traced, tangents)):
        tangent_leaves, tangent_def = flatten(tangent)
        if tangent_def != t.treedef:
            raise ValueError(f"jvp: tangent {position} has structure {tangent_def}, primal has {t.treedef}")
        for node, leaf in zip(t.nodes, tangent_leaves):
            value = leaf if isinstance(leaf, Tensor) else np.asarray(leaf, dtype=node.dtype)
            if value.shape != node.shape:
                raise ValueError(f"jvp: tangent {position} has shape {value.shape} but its primal has shape {node.shape}")
            seeds[node] = value
    out = check_output(fn(*call_args), "jvp")
    if not isinstance(out, Tensor):
        return out, np.zeros(out.shape, out.dtype)
    nodes = list(seeds)
    order = _graph.walk(out, frozenset(nodes))
    nested = _graph.is_nested(order, nodes) or any(isinstance(v, Tensor) for v in seeds.values())
    tangent_out = _graph.pushforward(order, seeds, nested).get(out)
    if tangent_out is None:
        tangent_out = np.zeros(out.shape, out.dtype)
    return to_output(out, nested), to_output(tangent_out, nested)

