"""``jit``: trace a function once per argument signature, then replay its NumPy calls.

A first call for a signature (argument structure, shapes, dtypes, and the values of the
static arguments) runs ``fn`` on fresh argument nodes of a ``JitTrace`` call, exactly
as a transform runs its function. An inner ``grad``/``value_and_grad``/``jvp`` sees that
it is nested (its graph reaches the live jit call's arguments) and records its backward
as nodes, so the whole computation, forward and derivatives, is one graph of primitives.
That graph becomes a *plan*: straight-line Python source calling each primitive's NumPy
``impl`` in topological order, each value deleted after its last use, which is compiled
once and called on later arguments with no graph, no nodes and none of ``fn``'s Python.

Never a stale branch. Every plain answer the trace computed from a traced value (a
comparison, ``bool(t)``, ``argmax``, ``fnp.any``, ...) was recorded by the live trace
record as a *guard* (``_tensor.observe``): the plan recomputes it from the new values and,
when it differs, gives up and the call is traced again. Derivative rules that read
their operands' data as constants (a tie mask, a zero test) cannot be replayed; a trace
that recorded such a rule is not cached and runs eagerly instead (``explain()`` says
which rule). A plan is checked once, on the arguments it was traced with, against the
traced values before it is kept.

State lives in the jitted function's own cache (a lock-guarded LRU), never in a module.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from typing import Any, Callable, Generic, Hashable, Optional, ParamSpec, Sequence, TypeVar, Union

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad import _graph
from funcgrad._dtypes import as_numeric, snapshot
from funcgrad._tensor import JitTrace, Primitive, Tensor, is_traced
from funcgrad._transforms import finish, to_output, trace_arguments, walk_all
from funcgrad._tree import flatten, flatten_with_paths, unflatten
from funcgrad.nn import relu_grad_p, relu_p

P = ParamSpec("P")
R = TypeVar("R")

#: What a replay returns when one of its guards no longer holds.
_RETRACE = object()

#: Primitives whose derivative rules compute only with funcgrad ops on their operands
#: (or read only shapes and dtypes): a backward they recorded replays correctly for new
#: values. A rule that reads its operands' data as a constant (max's tie weights, prod's
#: zero test, fmax's shares, hypot's zero test, ...) is not here, and a trace that
#: recorded it runs eagerly. ``power`` is safe while its exponent is a constant.
REPLAYABLE_RULES = frozenset({
    "add", "subtract", "multiply", "divide", "negative", "exp", "log", "matmul", "sum", "reshape",
    "transpose", "broadcast_to", "astype", "getitem", "scatter_add", "stack_rows", "argument",
    "stop_gradient", "where", "relu", "relu_grad", "sigmoid", "softplus", "softmax", "logsumexp",
    "log_softmax", "sin", "cos", "tan", "tanh", "arctan", "sqrt", "square", "reciprocal", "log1p",
    "expm1", "sinh", "cosh", "arcsin", "arccos", "arcsinh", "arccosh", "arctanh", "log2", "log10",
    "exp2", "cbrt", "logaddexp", "logaddexp2", "arctan2", "concatenate", "cumsum", "einsum",
    "inv", "solve", "det", "abs", "sign", "maximum", "minimum", "tie_share",
})

_MAXSIZE = 64
#: After this many guard failures for one signature, it runs eagerly from then on: a
#: branch that flips every call is cheaper to run than to retrace.
_MAX_RETRACES = 8
#: Plans kept per signature, one per branch seen (a guard picks the one that holds).
_VARIANTS = 4


def _same(got: Any, want: Any) -> bool:
    """Whether a guard's recomputed answer equals the recorded one (shape, dtype, values)."""
    if isinstance(want, (np.ndarray, np.generic)):
        a, b = np.asarray(got), np.asarray(want)
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b, equal_nan=b.dtype.kind == "f"))
    if isinstance(want, tuple):
        return isinstance(got, tuple) and len(got) == len(want) and all(_same(g, w) for g, w in zip(got, want))
    return type(got) is type(want) and bool(got == want)


def _as_array(value: Any) -> Any:
    """A 0-d result as an array of float data, as the engine keeps it (``_result_node``)."""
    out = value if _backend.is_duck(value) else np.asarray(value)
    return out if out.dtype.kind == "f" else out.astype(np.float64)


class _Plan:
    """One recorded trace: its compiled replay, or the reason it runs eagerly."""

    __slots__ = ("run", "source", "out_def", "reason", "guards", "steps")

    def __init__(self) -> None:
        self.run: Optional[Callable[..., Any]] = None
        self.source = ""
        self.out_def: Any = None
        self.reason = ""
        self.guards = 0
        self.steps = 0


class _Entry:
    """A cached signature: its plans (one per branch seen), newest first."""

    __slots__ = ("plans", "retraces", "eager", "reason")

    def __init__(self) -> None:
        self.plans: list[_Plan] = []
        self.retraces = 0
        self.eager = False
        self.reason = ""


def _describe_key(key: Any) -> str:
    _, leaves, statics, kwargs = key
    shapes = ", ".join(
        f"{'' if kind is np.ndarray else _backend.name_of_type(kind) + ' '}{dtype}{list(shape)}" for shape, dtype, kind in leaves
    )
    extra = "".join(f", static {n}={v!r}" for n, v in statics) + "".join(f", {k}={v!r}" for k, v in kwargs)
    return f"({shapes}{extra})"


class jit(Generic[P, R]):
    """``fn`` traced once per argument signature and replayed as straight-line NumPy.

    The first call for a given argument structure, shapes and dtypes (and values of the
    arguments named in ``static_argnums``, which must be hashable) runs ``fn`` once on
    tracing nodes and records its computation, derivatives included; later calls with
    that signature replay the recorded NumPy calls without running ``fn``'s Python.
    Every data-dependent decision the trace took (a comparison, ``bool(t)``, ``argmax``)
    is a guard: a replay whose guard no longer holds traces again, so a jitted function
    never returns a number the plain one would not. Python side effects (``print``) run
    only while tracing. Keyword arguments are static. Under an enclosing transform
    (``grad(jit(f))``) ``fn`` runs as it is, so it differentiates like any function.

    >>> import numpy as np
    >>> import funcgrad.numpy as fnp
    >>> from funcgrad import value_and_grad
    >>> step = jit(value_and_grad(lambda w: fnp.sum(fnp.tanh(w) ** 2), argnums=0))
    >>> step(np.array([0.5, -1.0]))
    (array(0.79357793), array([ 0.72686198, -0.63970001]))
    >>> step(np.array([1.0, 2.0]))[0], step.trace_count
    (array(1.50937483), 1)
    """

    def __init__(self, fn: Callable[P, R], static_argnums: Union[int, Sequence[int]] = ()) -> None:
        if not callable(fn):
            raise TypeError(f"jit: fn must be callable, got {type(fn).__name__}")
        numbers = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
        for n in numbers:
            if not isinstance(n, int) or isinstance(n, bool):
                raise TypeError(f"jit: static_argnums must be an int or a tuple of ints, got {static_argnums!r}")
        self.fn = fn
        self.static_argnums = numbers
        self.trace_count = 0
        self._cache: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        functools.update_wrapper(self, fn)

    # --- calls -------------------------------------------------------------------------
    # Arrays, Tensors and pytrees of them go where fn takes Tensors, and what comes back
    # is fn's result as arrays: no precise signature says both, so the call takes Any.
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        statics = self._statics(len(args))
        prepared = self._prepare(args, kwargs, statics)
        if prepared is None:  # under an enclosing transform: fn is differentiated as it is
            return self.fn(*args, **kwargs)
        key, arrays = prepared
        with self._lock:
            entry = self._cache.get(key)
            if entry is not None:
                self._cache.move_to_end(key)
        if entry is not None:
            if entry.eager:
                return self._eager(args, kwargs)
            for plan in entry.plans:
                if plan.run is None:
                    continue
                try:
                    result = plan.run(*arrays)
                except Exception:  # NumPy refused these values: the trace raises the real error
                    break
                if result is not _RETRACE:
                    handed = {id(a) for a in arrays}  # a result that is an argument is copied
                    return unflatten(plan.out_def, [to_output(v, False, handed) for v in result])
            entry.retraces += 1
            if entry.retraces > _MAX_RETRACES:
                entry.eager = True
                entry.reason = f"its guards failed {entry.retraces} times: it runs eagerly"
                return self._eager(args, kwargs)
        value, _ = self._trace(key, args, kwargs, statics)
        return value

    def plan(self, *args: Any, **kwargs: Any) -> str:
        """The recorded plan for these arguments (tracing them if need be), as readable text:
        the replay's source, its guards, or why it runs eagerly."""
        statics = self._statics(len(args))
        prepared = self._prepare(args, kwargs, statics)
        if prepared is None:
            return "jit: called under an enclosing transform, fn runs as it is (no plan)"
        key, _ = prepared
        with self._lock:
            entry = self._cache.get(key)
        if entry is None:
            self._trace(key, args, kwargs, statics)
            with self._lock:
                entry = self._cache.get(key)
        if entry is None:
            return "jit: fn closes over a value an enclosing transform traces; it runs as it is (no plan)"
        return self._text(key, entry)

    def explain(self) -> str:
        """Every cached signature, its plan (or why it runs eagerly) and the trace count."""
        with self._lock:
            entries = list(self._cache.items())
        name = getattr(self.fn, "__name__", "fn")
        head = f"jit({name}): traced {self.trace_count} time{'' if self.trace_count == 1 else 's'}, {len(entries)} cached signature{'' if len(entries) == 1 else 's'}"
        return "\n\n".join([head] + [self._text(key, plan) for key, plan in entries])

    def clear_cache(self) -> None:
        """Forget every recorded plan (closed-over values are constants of a trace)."""
        with self._lock:
            self._cache.clear()

    # --- internals ---------------------------------------------------------------------
    def _statics(self, count: int) -> tuple[int, ...]:
        positions = []
        for n in self.static_argnums:
            if not -count <= n < count:
                raise ValueError(f"jit: static_argnums={self.static_argnums!r} but fn was called with {count} positional arguments")
            positions.append(n % count)
        return tuple(sorted(set(positions)))

    def _prepare(self, args: tuple[Any, ...], kwargs: dict[str, Any], statics: tuple[int, ...]) -> Optional[tuple[Hashable, list[Any]]]:
        """The cache key of a call and its arguments' leaves as arrays; None when a leaf
        is traced by an enclosing transform."""
        name = getattr(self.fn, "__name__", "fn")
        static_values = []
        for n in statics:
            try:
                hash(args[n])
            except TypeError:
                raise TypeError(
                    f"jit: static argument {n} of {name} is unhashable ({type(args[n]).__name__}); a static "
                    "argument is part of the cache key, so pass a hashable value (a tuple, not a list) or "
                    "leave it out of static_argnums"
                ) from None
            static_values.append((n, args[n]))
        for k, v in kwargs.items():
            try:
                hash(v)
            except TypeError:
                raise TypeError(
                    f"jit: keyword argument {k}= of {name} is unhashable ({type(v).__name__}); keyword arguments "
                    "are static (part of the cache key): pass arrays positionally"
                ) from None
        treedefs = []
        signature = []
        arrays: list[Any] = []
        for n, arg in enumerate(args):
            if n in statics:
                continue
            kind = type(arg)
            structure: Hashable
            # The commonest arguments (an array, a tuple or list of arrays) are keyed by
            # their container alone: hashing a TreeDef costs more than this whole check.
            if kind is np.ndarray:
                leaves, structure = [arg], "array"
            elif (kind is tuple or kind is list) and all(type(a) is np.ndarray for a in arg):
                leaves, structure = list(arg), (kind.__name__, len(arg))
            else:
                leaves, structure = flatten(arg)
            treedefs.append(structure)
            for leaf in leaves:
                if type(leaf) is Tensor:
                    if is_traced(leaf):
                        return None
                    array = leaf.data
                elif type(leaf) is np.ndarray and leaf.dtype.kind == "f":
                    array = leaf
                else:
                    array = as_numeric(leaf, f"jit: argument {n}")
                    if array.dtype.kind != "f":
                        array = array.astype(np.float64)
                arrays.append(array)
                # The library is part of the signature: a trace keeps its constants in it.
                signature.append((array.shape, array.dtype, type(array)))
        key = (tuple(treedefs), tuple(signature), tuple(static_values), tuple(sorted(kwargs.items())))
        return key, arrays

    def _eager(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The plain function, its Tensor results as fresh arrays."""
        out = self.fn(*args, **kwargs)
        leaves, out_def = self._outputs(out)
        handed: set[int] = set()
        return unflatten(out_def, [to_output(leaf, False, handed) for leaf in leaves])

    def _outputs(self, out: Any) -> tuple[list[Any], Any]:
        name = getattr(self.fn, "__name__", "fn")
        pairs, out_def = flatten_with_paths(out)
        for path, leaf in pairs:
            value = leaf.data if isinstance(leaf, Tensor) else leaf
            if not (isinstance(leaf, (Tensor, np.ndarray, np.generic)) or _backend.is_duck(leaf)) or np.result_type(value.dtype).kind not in "fiub":
                raise TypeError(
                    f"jit: {name} must return Tensors (or a pytree of them), but output{path or ''} is "
                    f"{type(leaf).__name__}; compute it with funcgrad ops, or return it from outside the jitted function"
                )
        return [leaf for _, leaf in pairs], out_def

    def _trace(self, key: Hashable, args: tuple[Any, ...], kwargs: dict[str, Any], statics: tuple[int, ...]) -> tuple[Any, _Plan]:
        """Run ``fn`` on tracing nodes, record the plan for ``key``, and return the value."""
        trace = JitTrace()
        dynamic = tuple(n for n in range(len(args)) if n not in statics)
        traced: list[Any] = []
        nested = False
        try:
            call_args, traced = trace_arguments(self.fn, args, dynamic, "jit", trace)
            leaves, out_def = self._outputs(self.fn(*call_args, **kwargs))
            nodes = [node for t in traced for node in t.nodes]
            guards = trace.guards
            roots = [leaf for leaf in leaves if isinstance(leaf, Tensor)] + [t for g in guards for t in g[0]]
            order = walk_all(roots, frozenset(nodes))
            nested = _graph.is_nested(order, nodes)
        finally:
            finish(trace, traced, nested)
        with self._lock:
            self.trace_count += 1
        if nested:  # fn closes over a value an enclosing transform traces: its result is theirs
            return unflatten(out_def, leaves), _Plan()
        plan = _record(nodes, leaves, guards, order)
        plan.out_def = out_def
        handed: set[int] = set()
        value = unflatten(out_def, [to_output(leaf, False, handed) for leaf in leaves])
        if plan.run is not None:
            _verify(plan, nodes, leaves)
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                entry = self._cache[key] = _Entry()
            # The newest trace first; a few branches of one signature are kept side by side.
            entry.plans = [plan] + entry.plans[: _VARIANTS - 1]
            if plan.run is None:  # a trace that cannot be replayed: the plain function from now on
                entry.eager, entry.reason = True, plan.reason
            self._cache.move_to_end(key)
            while len(self._cache) > _MAXSIZE:
                self._cache.popitem(last=False)
        return value, plan

    def _text(self, key: Hashable, entry: "_Entry") -> str:
        head = f"signature {_describe_key(key)}:"
        if entry.eager and entry.reason:
            return f"{head} runs eagerly: {entry.reason}"
        parts = []
        for n, plan in enumerate(entry.plans):
            if plan.run is None:
                parts.append(f"{head} runs eagerly: {plan.reason}")
            else:
                branch = f" (branch {n + 1} of {len(entry.plans)})" if len(entry.plans) > 1 else ""
                parts.append(f"{head}{branch} {plan.steps} steps, {plan.guards} guard{'' if plan.guards == 1 else 's'}\n{plan.source}")
        return "\n".join(parts)


def _record(nodes: list[Tensor], outputs: list[Any], guards: list[Any], order: list[Tensor]) -> _Plan:
    """The plan of a trace: source for a straight-line replay, compiled; or why not."""
    plan = _Plan()
    own = set(nodes)
    names: dict[Tensor, str] = {node: f"a{i}" for i, node in enumerate(nodes)}
    namespace: dict[str, Any] = {
        "_RETRACE": _RETRACE, "_same": _same, "_as_array": _as_array, "_add_reduce": np.add.reduce,
        "_maximum": np.maximum, "_where": np.where, "_greater": np.greater,
    }
    constants: dict[int, str] = {}

    def constant(value: Any) -> str:
        if isinstance(value, Tensor):
            value = value.data
        if isinstance(value, np.ndarray) or _backend.is_duck(value):
            value = snapshot(value)
        name = constants.get(id(value))
        if name is None:
            name = constants[id(value)] = f"k{len(constants)}"
            namespace[name] = value
        return name

    steps: list[Tensor] = []
    inner = any(node.primitive is _graph.argument_p and node not in own for node in order)
    seen: dict[Hashable, Tensor] = {}  # common subexpressions: one step per distinct call
    for node in order:
        if node in own:
            continue
        if any(type(x) is Tensor and x in names for x in node.inputs):
            primitive = node.primitive
            assert primitive is not None
            if inner and not _replayable_rule(node):
                plan.reason = (
                    f"the trace recorded the derivative rule of {primitive.name}, which reads its operands' values "
                    "as constants (a mask or a tie), so it cannot be replayed for new values"
                )
                return plan
            if primitive is _graph.argument_p:  # an inner transform's argument: the value itself
                names[node] = names[node.inputs[0]]  # type: ignore[index]  # its one operand is a Tensor
                continue
            call = _call_key(node, names)
            twin = seen.get(call) if call is not None else None
            if twin is not None:
                names[node] = names[twin]
                continue
            if call is not None:
                seen[call] = node
            names[node] = f"v{len(steps)}"
            steps.append(node)
    # Where each value is last read: a step, a guard (placed after its operands), the result.
    # Values are named, and several nodes may share a name (aliases, common subexpressions).
    definition = {names[node]: i for i, node in enumerate(steps)}
    placed: dict[int, list[int]] = {}
    for g, (tensors, _, _) in enumerate(guards):
        at = max((definition.get(names[t], -1) for t in tensors if t in names), default=-1)
        placed.setdefault(at, []).append(g)
    last: dict[str, int] = {}
    for i, node in enumerate(steps):
        for x in node.inputs:
            if type(x) is Tensor and x in names:
                last[names[x]] = i
    for at, members in placed.items():
        for g in members:
            for t in guards[g][0]:
                if t in names:
                    last[names[t]] = max(last.get(names[t], -1), at)
    results = {names[leaf] for leaf in outputs if isinstance(leaf, Tensor) and leaf in names}
    frees: dict[int, list[str]] = {}
    for name, i in last.items():
        if name not in results:
            frees.setdefault(i, []).append(name)

    lines = [f"def replay({', '.join(names[n] for n in nodes)}):"]

    def emit_guards(at: int) -> None:
        for g in placed.get(at, ()):
            tensors, recompute, answer = guards[g]
            namespace[f"g{g}"], namespace[f"r{g}"] = recompute, answer
            operands = ", ".join(names[t] if t in names else constant(t) for t in tensors)
            lines.append(f"    if not _same(g{g}({operands}), r{g}): return _RETRACE")

    emit_guards(-1)
    for i, node in enumerate(steps):
        primitive = node.primitive
        assert primitive is not None
        operands = [names[x] if type(x) is Tensor and x in names else constant(x) for x in node.inputs]
        if primitive is _graph.argument_p:
            lines.append(f"    v{i} = {operands[0]}")
        else:
            for k, v in node.params.items():
                namespace[f"p{i}_{k}"] = v
            inline = _INLINE.get(primitive)
            if inline is not None:  # the impl's own body: every value in a plan is an ndarray
                call = inline(operands, {k: f"p{i}_{k}" for k in node.params})
            else:
                namespace[f"f{i}"] = primitive.impl
                operands += [f"{k}=p{i}_{k}" for k in node.params]
                call = f"f{i}({', '.join(operands)})"
            lines.append(f"    v{i} = {'_as_array(' + call + ')' if node.ndim == 0 else call}  # {primitive.name} -> {node.dtype}{list(node.shape)}")
        emit_guards(i)
        if i in frees:
            lines.append(f"    del {', '.join(frees[i])}")
    returned = [names[leaf] if isinstance(leaf, Tensor) and leaf in names else constant(leaf) for leaf in outputs]
    lines.append(f"    return ({', '.join(returned)}{',' if len(returned) == 1 else ''})")
    plan.source = "\n".join(lines)
    plan.steps, plan.guards = len(steps), len(guards)
    code = compile(plan.source, "<funcgrad.jit plan>", "exec")
    exec(code, namespace)  # the plan's own namespace: its impls, constants and guards
    plan.run = namespace["replay"]
    return plan


#: The bodies of the commonest core impls, written into the plan instead of a call of the
#: impl (each saves a Python call per step). Exactly the impls' own NumPy calls, valid
#: because every operand a plan computes is an ndarray (0-d results are made arrays).
_INLINE: dict[Primitive, Callable[[list[str], dict[str, str]], str]] = {
    ops.sum_p: lambda xs, p: f"_add_reduce({xs[0]}, axis={p['axis']}, keepdims={p['keepdims']})",
    ops.transpose_p: lambda xs, p: f"{xs[0]}.transpose({p['axes']})",
    ops.reshape_p: lambda xs, p: f"{xs[0]}.reshape({p['shape']})",
    ops.getitem_p: lambda xs, p: f"{xs[0]}[{p['index']}]",
    ops.where_p: lambda xs, p: f"_where({xs[0]}, {xs[1]}, {xs[2]})",
    relu_p: lambda xs, p: f"_maximum({xs[0]}, 0.0)",
    relu_grad_p: lambda xs, p: f"_where(_greater({xs[1]}, 0), {xs[0]}, 0.0)",
}


def _call_key(node: Tensor, names: dict[Tensor, str]) -> Optional[Hashable]:
    """What makes two steps the same NumPy call (impl, operands, params), or None."""
    primitive = node.primitive
    assert primitive is not None
    operands = tuple(names[x] if type(x) is Tensor and x in names else ("k", id(x)) for x in node.inputs)
    try:
        params = tuple(sorted(node.params.items()))
        key = (id(primitive.impl), operands, params)
        hash(key)
    except TypeError:  # an index array in the params: compared by identity
        key = (id(primitive.impl), operands, tuple((k, id(v)) for k, v in sorted(node.params.items())))
    return key


def _replayable_rule(node: Tensor) -> bool:
    primitive = node.primitive
    assert primitive is not None
    if primitive.name == "power":
        return type(node.inputs[1]) is not Tensor
    return primitive.name in REPLAYABLE_RULES


def _verify(plan: _Plan, nodes: list[Tensor], outputs: list[Any]) -> None:
    """Replay the plan on the traced arguments once: it must give the traced values."""
    assert plan.run is not None
    try:
        result = plan.run(*[node.data for node in nodes])
    except Exception as error:  # an impl that cannot run outside the engine (custom_vjp's node)
        plan.run, plan.reason = None, f"its replay raised {type(error).__name__}: {error}"
        return
    if result is _RETRACE:
        plan.run, plan.reason = None, "its guards do not hold for the arguments it was traced with"
        return
    for got, leaf in zip(result, outputs):
        want = leaf.data if isinstance(leaf, Tensor) else leaf
        if _backend.is_duck(want):
            # Comparing values would compute a Dask graph twice: the replay must give the
            # same kind of array, shape and dtype, and its ops are the traced ones.
            if type(got) is not type(want) or got.shape != want.shape or got.dtype != want.dtype:
                plan.run, plan.reason = None, "its replay differs from the traced values in kind, shape or dtype"
                return
            continue
        want = np.asarray(want)
        got = np.asarray(got)
        if got.shape != want.shape or got.dtype != want.dtype or not np.array_equal(got, want, equal_nan=want.dtype.kind == "f"):
            plan.run, plan.reason = None, "its replay differs from the traced values (a primitive with hidden state)"
            return
