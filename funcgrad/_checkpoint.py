"""``checkpoint``: rematerialisation. ``fn``'s intermediates are dropped after the forward
pass and recomputed when a derivative asks for them.

A call runs ``fn`` once on fresh argument nodes, keeps only the output's value, and
makes one node whose operands are ``fn``'s Tensor arguments (and the Tensors ``fn``
closes over). The graph ``fn`` built is then unreferenced, so it is freed at once. The
node's VJP rule re-runs ``fn`` on its operands and pulls the cotangent back through the
fresh graph: one extra forward pass per backward pass through the node. When an enclosing
transform records the rule, the recomputation runs on the operands as Tensors and
records itself, so every order of derivative is the derivative of ``fn`` itself; forward
mode is derived from the rule by transposition.
"""

from __future__ import annotations

import functools
import threading
import weakref
from typing import Any, Callable, Optional, ParamSpec, TypeVar

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import _graph
from funcgrad._dtypes import snapshot
from funcgrad._tensor import Operand, Params, Primitive, Rule, Tensor, Trace, Value, make_node
from funcgrad._transforms import finish
from funcgrad._tree import TreeDef, flatten, unflatten

P = ParamSpec("P")
R = TypeVar("R")


def checkpoint(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` with the same values and derivatives, whose intermediates are recomputed
    during the backward pass instead of kept (also usable as the decorator ``@checkpoint``).

    A chain of checkpointed blocks keeps one value per block (its output) rather than
    every intermediate, at the price of one more forward pass of each block during the
    backward pass. ``fn`` takes pytrees of arrays and Tensors (and any other leaves,
    passed through) and returns a Tensor or a pytree of them. It should be a pure function of its
    arguments and of Tensors or arrays it closes over, since it runs again.

    >>> import numpy as np
    >>> import funcgrad.numpy as fnp
    >>> from funcgrad import grad
    >>> @checkpoint
    ... def block(x, w):
    ...     return x + fnp.tanh(x * w)
    >>> grad(lambda x: block(block(x, 2.0), 2.0).sum(), argnums=0)(np.array([0.0, 1.0]))
    array([9.        , 1.14483583])
    """

    @functools.wraps(fn)
    def checkpointed(*args: P.args, **kwargs: P.kwargs) -> R:
        leaves, argdef = flatten((args, kwargs))
        name = getattr(fn, "__name__", "fn")
        trace = Trace()
        nodes: list[Tensor] = []
        try:
            call_leaves, arguments = _arguments(leaves, name, trace, nodes)
            call_args, call_kwargs = unflatten(argdef, call_leaves)
            out = fn(*call_args, **call_kwargs)
            out_leaves, out_def = flatten(out)
            tensors = [leaf for leaf in out_leaves if isinstance(leaf, Tensor)]
            if not tensors:
                return out  # constants: nothing to differentiate or recompute
            packed = _pack(tensors)
            lifted = _closures(packed, arguments)
            if not lifted and not any(node in arguments for node in _graph.walk(packed, frozenset(nodes))):
                return out  # computed from no Tensor: nothing to recompute
            data = packed.data
            layout = [(t.shape, t.dtype) for t in tensors]
            out_leaves = [None if isinstance(leaf, Tensor) else leaf for leaf in out_leaves]
        finally:
            finish(trace, [], False)
        del out, tensors, packed, call_leaves, call_args, call_kwargs  # fn's graph is dropped here
        operands = tuple(snapshot(leaf) if isinstance(leaf, np.ndarray) else leaf for leaf in leaves) + tuple(lifted)
        primitive = Primitive(f"checkpoint({name})", _refuse, vjp=_rule, jvp=None)
        params = {
            "fn": fn,
            "argdef": argdef,
            "tensors": tuple(i for i, leaf in enumerate(leaves) if isinstance(leaf, Tensor)),
            "count": len(leaves),
            "lifted": tuple(lifted),
            "memo": _Memo(),
            "layout": tuple(layout),
        }
        node = make_node(data, operands, primitive, params)
        if len(layout) == 1 and out_def.kind == "leaf":
            result: R = node  # type: ignore[assignment]  # R is a Tensor here
            return result
        rebuilt: R = unflatten(out_def, _unpack(node, layout, out_leaves))
        return rebuilt

    return checkpointed


def _arguments(leaves: list[Any], name: str, trace: Trace, nodes: list[Tensor]) -> tuple[list[Any], set[Tensor]]:
    """The leaves ``fn`` runs on in the forward pass: each Tensor replaced by a fresh,
    parentless argument node holding its data (so ``fn``'s graph does not reach the caller's)."""
    call = list(leaves)
    for i, leaf in enumerate(leaves):
        if isinstance(leaf, Tensor):
            node = _graph.argument(leaf.data, f"checkpoint({name}): argument leaf {i}", trace)
            nodes.append(node)
            call[i] = node
    return call, set(nodes)


def _closures(out: Tensor, arguments: set[Tensor]) -> list[Tensor]:
    """The stable roots of what ``fn`` closed over: the nearest ``Tensor(...)`` leaves and
    transform argument nodes its graph reaches besides its own arguments, in a
    deterministic order.

    They become operands of the checkpoint node, so that derivatives reach them. Roots,
    not the closed-over values themselves: ``fn`` may compute from a closed-over ``w``
    (``w.T``), and that node is new in every run, while the argument node ``w`` comes
    from is the same object. The nearest ones: an inner transform reads its gradient at
    its own argument node, which is an operand of an outer one's. Constants ``fn`` makes
    (``fnp.ones``) need no derivative and are left out.
    """
    roots: dict[Tensor, None] = {}
    seen = {out}
    stack = [out]
    while stack:
        node = stack.pop()
        if node in arguments:
            continue
        if node.primitive is None or node.primitive is _graph.argument_p:
            roots[node] = None
            continue
        for x in reversed(node.inputs):
            if type(x) is Tensor and x not in seen:
                seen.add(x)
                stack.append(x)
    return list(roots)


def _pack(tensors: list[Tensor]) -> Tensor:
    """The output Tensors as the node's one value: the Tensor itself, or their
    flattened data concatenated (as decompositions pack their outputs, docs/design.md)."""
    if len(tensors) == 1:
        return tensors[0]
    return fnp.concatenate([fnp.reshape(t, (-1,)) for t in tensors])


def _unpack(node: Tensor, layout: list[tuple[tuple[int, ...], Any]], leaves: list[Any]) -> list[Any]:
    """The output leaves again: each Tensor a slice of ``node``, reshaped and cast back."""
    pieces = iter(layout)
    start = 0
    result = []
    for leaf in leaves:
        if leaf is not None:
            result.append(leaf)
            continue
        shape, dtype = next(pieces)
        size = int(np.prod(shape, dtype=np.int64))
        piece = fnp.reshape(node[start : start + size], shape)
        result.append(piece if piece.dtype == dtype else piece.astype(dtype))
        start += size
    return result


def _refuse(*args: Any, **params: Any) -> Any:
    raise TypeError("checkpoint: its node is made from fn's output, never re-evaluated")


class _Memo:
    """The cotangents of one sweep through a checkpoint node, for its other operands.

    The engine asks a rule for one operand at a time, but one recomputation gives them
    all: the first request computes every operand's cotangent and leaves the rest here,
    keyed by the identity of the incoming cotangent ``c`` (one sweep), each entry taken
    out when served and dropped when ``c`` dies. A lock keeps threads apart.
    """

    __slots__ = ("lock", "entries", "__weakref__")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[tuple[int, int], tuple[Any, dict[int, Value]]] = {}

    def take(self, c: Value, out: Value, i: int) -> Optional[Value]:
        key = (id(c), id(out))
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0]() is not c:
                return None
            value = entry[1].pop(i, None)
            if not entry[1]:
                del self.entries[key]
            return value

    def put(self, c: Value, out: Value, values: dict[int, Value]) -> None:
        if not values:
            return
        key = (id(c), id(out))
        memo = weakref.ref(self)

        def drop(_: Any) -> None:
            owner = memo()
            if owner is not None:
                with owner.lock:
                    owner.entries.pop(key, None)

        try:
            ref = weakref.ref(c, drop)
        except TypeError:  # a NumPy scalar cannot be referenced weakly: recompute instead
            return
        with self.lock:
            self.entries[key] = (ref, values)


def memoized_rule(compute: Callable[[Value, Value, tuple[Operand, ...], Params], dict[int, Value]]) -> Rule:
    """A VJP rule that computes every operand's cotangent in one go (``compute``) and
    hands the others out from ``params["memo"]`` as the sweep asks for them: the engine
    asks one operand at a time, and one re-run must serve them all."""

    def rule(c: Value, out: Value, xs: tuple[Operand, ...], params: Params, i: int) -> Value:
        memo: _Memo = params["memo"]
        value = memo.take(c, out, i)
        if value is not None:
            return value
        values = compute(c, out, xs, params)
        value = values.pop(i)
        memo.put(c, out, values)
        return value

    return rule




def _recompute(c: Value, out: Value, xs: tuple[Operand, ...], params: Params) -> dict[int, Value]:
    """Every Tensor operand's cotangent, from one more forward pass of ``fn`` and one reverse sweep."""
    fn = params["fn"]
    argdef: TreeDef = params["argdef"]
    count: int = params["count"]
    lifted: tuple[Tensor, ...] = params["lifted"]
    record = isinstance(out, Tensor) or isinstance(c, Tensor)
    name = getattr(fn, "__name__", "fn")
    trace = Trace()
    try:
        call = list(xs[:count])
        nodes: dict[int, Tensor] = {}
        for k in params["tensors"]:
            # Recording, xs are the operands themselves: the argument node is connected to
            # them, so what the sweep returns is a function of them (higher order).
            nodes[k] = call[k] = _graph.argument(xs[k], f"checkpoint({name}): argument leaf {k}", trace)
        call_args, call_kwargs = unflatten(argdef, call)
        outputs = [leaf for leaf in flatten(fn(*call_args, **call_kwargs))[0] if isinstance(leaf, Tensor)]
        if [o.shape for o in outputs] != [shape for shape, _ in params["layout"]]:
            raise TypeError(f"checkpoint({name}): fn returned other Tensors when run again than in the forward pass")
        result = _pack(outputs)
        stop = frozenset(list(nodes.values()) + list(lifted))
        order = _graph.walk(result, stop)
        keep = list(nodes.values()) + list(lifted)
        cotangents = _graph.pullback(order, result, c, keep, record)
    finally:
        finish(trace, [], False)
    lead = tuple(c.shape[: c.ndim - len(np.shape(result.data))])
    values: dict[int, Value] = {}
    for k, node in nodes.items():
        values[k] = cotangents.get(node, np.zeros(lead + node.shape, node.dtype))
    for j, x in enumerate(lifted):
        values[count + j] = cotangents.get(x, np.zeros(lead + x.shape, x.dtype))
    return values



#: Operand ``i``'s cotangent: from the memo of this sweep, or by running ``fn`` again.
_rule = memoized_rule(_recompute)
