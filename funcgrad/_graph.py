"""The engine: ordering a graph and sweeping it backwards (VJP) or forwards (JVP).

It owns every invariant so that rules own only math: unbroadcasting, dtype, shape
checks, accumulation into fresh values, pruning to the nodes that matter, and freeing
each cotangent as soon as its last consumer ran. Nothing here recurses, so graph depth
is bounded by memory, not by Python's stack.
"""

from __future__ import annotations

from typing import AbstractSet, Any, Collection, Iterator, Optional

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._dtypes import as_numeric, snapshot, writable_by_caller
from funcgrad._tensor import (
    Operand,
    Params,
    Primitive,
    Rule,
    Tensor,
    Trace,
    Value,
    apply,
    data_of,
    is_traced,
    live_trace,
    make_node,
    set_data,
)

_NOTHING: frozenset[Tensor] = frozenset()


def walk(output: Tensor, stop: AbstractSet[Tensor] = _NOTHING) -> list[Tensor]:
    """Nodes ``output`` depends on, parents before children, ``output`` last.

    An iterative depth-first post-order visiting operands in argument order, so the
    order is deterministic. The operands of nodes in ``stop`` are not visited.
    """
    order: list[Tensor] = []
    seen = {output}
    # Two parallel stacks, nodes and the index of the next operand to look at, rather
    # than (node, iterator) pairs: on a deep chain the stack holds every node at once,
    # and a million live tuples and iterators cost more in garbage collection than the
    # walk itself. Small ints are cached, so the index stack allocates nothing.
    nodes = [output]
    positions = [0]
    append, add, push, pop, push_position, pop_position = (
        order.append, seen.add, nodes.append, nodes.pop, positions.append, positions.pop
    )
    while nodes:
        node = nodes[-1]
        inputs = () if node in stop else node.inputs
        i = positions[-1]
        n = len(inputs)
        while i < n:
            x = inputs[i]
            i += 1
            if type(x) is Tensor and x not in seen:
                add(x)
                positions[-1] = i
                push(x)
                push_position(0)
                break
        else:
            pop()
            pop_position()
            append(node)
    return order


def toposort(output: Tensor) -> tuple[Tensor, ...]:
    """The graph behind ``output`` in deterministic topological order.

    Parents come before children, visited in argument order; ``output`` is last.

    >>> import numpy as np
    >>> from funcgrad import Tensor
    >>> a = Tensor(np.array([2])); b = Tensor(np.array([3]))
    >>> c = a.mul(b)
    >>> toposort(c) == (a, b, c)
    True
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"toposort: output must be a Tensor, got {type(output).__name__}")
    return tuple(walk(output))


# --- reverse mode ---------------------------------------------------------------------
def _operands(node: Tensor, record: bool) -> tuple[Value, tuple[Operand, ...]]:
    """What a rule sees: nodes when its work must be recorded, else their NumPy data."""
    if record:
        return node, node.inputs
    return node.data, tuple([x.data if type(x) is Tensor else x for x in node.inputs])


def _fit(c: Value, target: tuple[int, ...], dtype: np.dtype[Any], primitive: Primitive, operand_shape: tuple[int, ...]) -> Value:
    """``c`` summed down (reverse mode) or broadcast up (forward mode) to ``target``, in ``dtype``.

    ``target`` is the batch axes followed by ``operand_shape``. Axes ``c`` has beyond the
    target sit right after the batch axes, as NumPy broadcasting puts them.
    """
    shape = c.shape
    extra = len(shape) - len(target)
    if extra > 0 and len(target) == len(operand_shape) and shape[extra:] == target:
        # The common unbroadcast (a bias added to a batch): sum the new leading axes away.
        c = ops.sum(c, tuple(range(extra)))
    elif shape != target:
        lead = len(target) - len(operand_shape)
        missing = len(target) - len(shape)
        if missing > 0:  # an operand the op broadcast: unit axes after the batch axes
            shape = shape[:lead] + (1,) * missing + shape[lead:]
            c = ops.reshape(c, shape)
        extra = len(shape) - len(target)
        kept = shape[:lead] + shape[lead + extra :]
        if any(n != t and n != 1 and t != 1 for n, t in zip(kept, target)):
            raise ValueError(
                f"{primitive.name}: its derivative rule returned shape {c.shape} for an operand of shape {operand_shape}"
            )
        summed = set(range(lead, lead + extra))
        summed.update(i if i < lead else i + extra for i, (n, t) in enumerate(zip(kept, target)) if t == 1 and n != 1)
        if summed:
            c = ops.sum(c, tuple(sorted(summed)), keepdims=True)
            kept = tuple(1 if t == 1 else n for n, t in zip(kept, target))
        if c.shape != kept:
            c = ops.reshape(c, kept)
        if kept != target:
            c = ops.broadcast_to(c, target)
    if c.dtype != dtype:
        c = ops.astype(c, dtype)
    return c


def _consumed(order: list[Tensor]) -> Iterator[Tensor]:
    """``reversed(order)``, removing each node from ``order`` as it is handed out."""
    pop = order.pop
    while order:
        yield pop()


def pullback(
    order: list[Tensor],
    output: Tensor,
    seed: Value,
    keep: Optional[Collection[Tensor]],
    record: bool,
    consume: bool = False,
) -> dict[Tensor, Value]:
    """Cotangents of the nodes in ``keep`` (all nodes when None) given ``seed`` at ``output``.

    ``order`` is ``walk(output, ...)``. ``seed`` may carry leading batch axes, which
    every cotangent then carries too. Only nodes between ``output`` and a kept node are
    visited, and a cotangent is dropped as soon as its node has passed it on.

    ``consume=True`` empties ``order`` as the sweep goes, so that each node, and the
    forward value it holds, is freed as soon as the nodes after it have run, as
    hand-written NumPy frees its activations layer by layer on the way back. That only
    frees anything when the caller holds no other reference into the graph: keep the
    output's ``data``, not the node, and pass ``order[-1]`` as ``output``.
    """
    relevant: Optional[set[Tensor]] = None
    if keep is not None:
        relevant = set(keep)
        add = relevant.add
        for node in order:
            if node.primitive is not None:
                for x in node.inputs:
                    if type(x) is Tensor and x in relevant:
                        add(node)
                        break
    keep_all = keep is None
    kept = _NOTHING if keep is None else frozenset(keep)
    lead = seed.shape[: seed.ndim - output.ndim]
    cotangents: dict[Tensor, Value] = {output: seed}
    del output  # the sweep reaches it through ``order``; holding it would pin the graph
    get, pop = cotangents.get, cotangents.pop
    # A processed node is never an operand of a node processed after it (reverse
    # topological order), so consuming also drops it from ``relevant``.
    discard = relevant.discard if consume and relevant is not None else None
    for node in _consumed(order) if consume else reversed(order):
        if discard is not None:
            discard(node)
        primitive = node.primitive
        if primitive is None:
            continue
        c = get(node) if keep_all or node in kept else pop(node, None)
        if c is None:
            continue
        inputs = node.inputs
        if len(inputs) == 1:
            # A unary op, the commonest node: the general loop below, unrolled.
            x = inputs[0]
            if type(x) is not Tensor or (relevant is not None and x not in relevant):
                continue
            x_data = x.data
            if record:
                ci = primitive.vjp(c, node, inputs, node.params, 0)
            else:  # the first-order fast path: rules see NumPy data and build no graph
                ci = primitive.vjp(c, node.data, (x_data,), node.params, 0)
            # Most rules return exactly the operand's shape and dtype: skip _fit's work.
            if lead or ci.shape != x_data.shape or (ci.dtype is not x_data.dtype and ci.dtype != x_data.dtype):
                ci = _fit(ci, lead + x_data.shape, x_data.dtype, primitive, x_data.shape)
            previous = get(x)
            # The first contribution is kept by reference; only fan-in allocates a sum.
            cotangents[x] = ci if previous is None else previous + ci
            continue
        if record:
            out: Value = node
            xs: tuple[Operand, ...] = inputs
        else:
            out = node.data
            if len(inputs) == 2:  # binary ops: a tuple display is cheaper than a comprehension
                a, b = inputs
                xs = (a.data if type(a) is Tensor else a, b.data if type(b) is Tensor else b)
            else:
                xs = tuple([x.data if type(x) is Tensor else x for x in inputs])
        vjp, params = primitive.vjp, node.params
        i = -1
        for x in inputs:
            i += 1
            if type(x) is not Tensor or (relevant is not None and x not in relevant):
                continue
            ci = vjp(c, out, xs, params, i)
            x_data = x.data
            if lead or ci.shape != x_data.shape or (ci.dtype is not x_data.dtype and ci.dtype != x_data.dtype):
                ci = _fit(ci, lead + x_data.shape, x_data.dtype, primitive, x_data.shape)
            previous = get(x)
            cotangents[x] = ci if previous is None else previous + ci
    return cotangents


# --- forward mode ---------------------------------------------------------------------
def _transposed_vjp(primitive: Primitive) -> Rule:
    """A JVP rule derived from ``primitive``'s VJP rule by transposition.

    The VJP rule is linear in its cotangent, so running it on a placeholder cotangent
    node and pulling the tangent back through that small graph applies its transpose,
    which is the JVP. Exact, and it needs only a VJP written in funcgrad ops.
    """

    def jvp(t: Value, out: Value, xs: tuple[Operand, ...], params: Params, i: int) -> Value:
        x_shape = np.shape(data_of(xs[i]))
        lead = t.shape[: t.ndim - len(x_shape)]
        out_data = data_of(out)
        placeholder = leaf(_backend.zeros(out_data, lead + out_data.shape, out_data.dtype))
        c = primitive.vjp(placeholder, out, xs, params, i)
        if not isinstance(c, Tensor):  # the rule ignores its cotangent: a zero derivative
            return ops.broadcast_to(_backend.zeros(out_data, (), out_data.dtype), lead + out_data.shape)
        x_data = data_of(xs[i])
        c = _fit(c, lead + x_shape, x_data.dtype if hasattr(x_data, "dtype") else np.result_type(x_data), primitive, x_shape)
        assert isinstance(c, Tensor)
        order = walk(c, frozenset([placeholder]))
        record = any(type(v) is Tensor for v in (t, out, *xs))
        result = pullback(order, c, t, [placeholder], record).get(placeholder)
        return result if result is not None else _backend.zeros(out_data, lead + out_data.shape, out_data.dtype)

    return jvp


def pushforward(order: list[Tensor], tangents: dict[Tensor, Value], record: bool) -> dict[Tensor, Value]:
    """Tangents of every node in ``order`` that depends on a node in ``tangents``.

    Tangents may carry leading batch axes (all the same); nodes with no tangent are
    constant with respect to the seeds and are skipped.
    """
    result = dict(tangents)
    if not tangents:
        return result
    some_node, some_tangent = next(iter(tangents.items()))
    lead = some_tangent.shape[: some_tangent.ndim - some_node.ndim]
    for node in order:
        primitive = node.primitive
        if primitive is None or node in result:
            continue
        total: Optional[Value] = None
        operands: Optional[tuple[Value, tuple[Operand, ...]]] = None
        for i, x in enumerate(node.inputs):
            t = result.get(x) if type(x) is Tensor else None
            if t is None:
                continue
            if operands is None:
                operands = _operands(node, record)
            if lead and primitive.elementwise and t.ndim - len(lead) < node.ndim:
                t = ops.align(t, t.ndim - len(lead), node.ndim)
            rule = primitive.jvp or _transposed_vjp(primitive)
            contribution = rule(t, operands[0], operands[1], node.params, i)
            total = contribution if total is None else total + contribution
        if total is not None:
            result[node] = _fit(total, lead + node.shape, node.dtype, primitive, node.shape)
    return result


# --- transform arguments ----------------------------------------------------------------
def _identity_rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    return c


#: Marks the nodes a transform wraps its arguments in. Reading gradients at these fresh
#: nodes, never at the caller's values, is what keeps nested transforms from confusing
#: an inner argument with a closed-over outer one (perturbation confusion).
argument_p = Primitive("argument", lambda x, trace=None: x, vjp=_identity_rule, jvp=_identity_rule)


def leaf(data: Any) -> Tensor:
    """A parentless node around fresh ``data`` that nothing else holds."""
    if isinstance(data, np.ndarray):
        data.setflags(write=False)
    return make_node(data)


def argument(value: Any, name: str, trace: Trace) -> Tensor:
    """A fresh node standing for one argument of the transform call ``trace``.

    An array becomes a parentless node marked with ``trace``. It borrows a read-only view
    of the caller's array (the caller's flags are never touched): a transform reads its
    arguments only while it runs, and ``seal`` copies them if its graph outlives the call.
    A Tensor, which an enclosing transform is tracing, becomes a node whose one operand is
    that Tensor, so the enclosing transform can differentiate through this one; it is
    marked with ``trace`` too, so that a value computed from it is traced by this call
    (``float(y)`` raises) whether or not an enclosing transform traces the Tensor.
    """
    if isinstance(value, Tensor):
        return apply(argument_p, value, trace=trace)
    array = as_numeric(value, name)
    if not isinstance(array, np.ndarray):  # a duck array: borrowed as it is, no flag to set
        if array.dtype.kind != "f":
            array = array.astype(np.float64)
        return make_node(array, (), argument_p, {"trace": trace})
    if array.dtype.kind == "f":
        array = array.view()
    else:
        array = array.astype(np.float64)
    array.flags.writeable = False
    return make_node(array, (), argument_p, {"trace": trace})


def seal(arguments: Collection[Tensor]) -> None:
    """Make argument nodes own what they borrowed, because their graph outlives the call
    (a ``vjp`` pullback, or a result an enclosing transform differentiates later).

    Replacing a node's data by an equal copy is invisible to every reader of the graph,
    and nobody else holds these nodes yet.
    """
    for node in arguments:
        if not node.inputs and writable_by_caller(node.data):
            set_data(node, snapshot(node.data))


def is_nested(order: list[Tensor], arguments: Collection[Tensor]) -> bool:
    """Whether an enclosing transform may differentiate this one's result.

    True when the graph reaches the root argument of another transform call that is
    still running: through a closed-over value (seen in ``order``) or through one of our
    own arguments being a traced Tensor. Then rules must record their work; otherwise
    they run on arrays. A call that has returned is no longer running, so a Tensor that
    escaped it never makes this call think it is nested (see ``Trace``).
    """
    own = set(arguments)
    for node in order:  # a plain loop: this runs once per node of every first-order call
        if not node.inputs and node not in own and live_trace(node):
            return True
    return any(is_traced(x) for node in arguments for x in node.inputs if type(x) is Tensor)
