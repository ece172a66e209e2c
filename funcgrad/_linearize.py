"""``linearize``: run ``fn`` once, then push any number of tangents through its graph.

The call records ``fn``'s graph as ``vjp`` does (fresh argument nodes, sealed because the
graph outlives the call). ``f_jvp(*tangents)`` is one forward sweep of the engine's
``pushforward`` over that recorded graph: every node already holds its forward value, so
neither ``fn``'s Python nor any forward value is computed again; only the tangents are.
"""

from __future__ import annotations

from typing import Any, Callable, overload

from funcgrad import _graph
from funcgrad._tensor import Tensor, TensorLike, Trace
from funcgrad._transforms import T0, T1, Traced, check_outputs, finish, push, seed_tangents, to_output, trace_arguments, walk_all
from funcgrad._tree import unflatten
from funcgrad._typing import Array


# fmt: off
@overload
def linearize(fn: Callable[[Tensor], Tensor], x: TensorLike, /) -> tuple[Array, Callable[[TensorLike], Array]]: ...  # type: ignore[overload-overlap]  # a Tensor primal also matches T0; this wider f_jvp is the one meant
@overload
def linearize(fn: Callable[[Tensor, Tensor], Tensor], x: TensorLike, y: TensorLike, /) -> tuple[Array, Callable[[TensorLike, TensorLike], Array]]: ...  # type: ignore[overload-overlap]  # as above
@overload
def linearize(fn: Callable[[T0], Tensor], x: T0, /) -> tuple[Array, Callable[[T0], Array]]: ...
@overload
def linearize(fn: Callable[[T0, T1], Tensor], x: T0, y: T1, /) -> tuple[Array, Callable[[T0, T1], Array]]: ...
@overload
def linearize(fn: Callable[..., Any], /, *primals: Any) -> tuple[Any, Callable[..., Any]]: ...
# fmt: on
def linearize(fn: Callable[..., Any], /, *primals: Any) -> tuple[Any, Callable[..., Any]]:
    """``(out, f_jvp)``: ``fn``'s value at ``primals`` and its JVP there as a function.

    ``f_jvp(*tangents)`` (one tangent per primal, each with its primal's structure and
    shapes) equals ``jvp(fn, primals, tangents)[1]``, computed by one forward sweep over
    the graph recorded when ``linearize`` ran ``fn``: ``fn`` runs once, however many
    tangents are pushed, and no forward value is recomputed. The primals are snapshots:
    changing the caller's arrays afterwards changes nothing.

    >>> import numpy as np
    >>> import funcgrad.numpy as fnp
    >>> out, f_jvp = linearize(fnp.sin, np.array([0.0, np.pi]))
    >>> f_jvp(np.array([1.0, 1.0]))
    array([ 1., -1.])
    >>> f_jvp(np.array([2.0, 1.0]))
    array([ 2., -1.])
    """
    trace = Trace()
    traced: list[Traced] = []
    try:
        call_args, traced = trace_arguments(fn, primals, tuple(range(len(primals))), "linearize", trace)
        outputs, treedef = check_outputs(fn(*call_args), "linearize")
        # Nested exactly when an enclosing transform runs around this call: then the
        # value is returned as a node, and the tangents too (push decides per call).
        nodes = [node for t in traced for node in t.nodes]
        nested = _graph.is_nested(walk_all(outputs, frozenset(nodes)), nodes)
    finally:
        finish(trace, traced, True)  # f_jvp reads the graph after linearize returns
    nodes_of = traced

    def f_jvp(*tangents: Any) -> Any:
        if len(tangents) != len(nodes_of):
            raise TypeError(f"linearize: f_jvp takes {len(nodes_of)} tangent(s), one per primal, got {len(tangents)}")
        seeds = seed_tangents(nodes_of, tangents, "linearize")
        pushed, record = push(outputs, seeds, ())
        handed: set[int] = set()
        return unflatten(treedef, [to_output(t, record, handed) for t in pushed])

    handed: set[int] = set()
    return unflatten(treedef, [to_output(o, nested, handed) for o in outputs]), f_jvp

