"""Jacobians, Hessians and Hessian-vector products, built on the engine's batch axes.

A rule keeps any extra *leading* axes of the cotangent or tangent it is given (see
docs/design.md), so one sweep can carry many rows at once: ``jacobian`` pulls back an
identity of shape ``out.shape + out.shape`` (every output row at once) and ``jacfwd``
pushes forward an identity over the inputs (every input direction at once). Neither
loops in Python over rows.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Concatenate, Literal, Optional, Union, overload

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad import _graph, _vmap
from funcgrad._tensor import Tensor, TensorLike, Trace, Value, bind
from funcgrad._transforms import (
    T0,
    T1,
    T2,
    T3,
    T4,
    Ps,
    Traced,
    check_argnums_type,
    check_outputs,
    check_positional,
    finish,
    grad,
    jvp,
    push,
    resolve_argnums,
    to_output,
    trace_arguments,
)
from funcgrad._tree import unflatten
from funcgrad._typing import Array

JacArgnums = Union[int, tuple[int, ...]]


def _identity(shape: tuple[int, ...], dtype: np.dtype[Any], like: Any) -> Array:
    """The identity over an array of ``shape``, laid out as ``shape + shape``, in the
    library of ``like`` (the output's data)."""
    size = int(np.prod(shape, dtype=np.int64))
    return _backend.put(like, np.eye(size, dtype=dtype)).reshape(shape + shape)  # type: ignore[no-any-return]  # a duck array stands for an ndarray


#: NumPy's most dimensions for one array: 64 since NumPy 2, 32 before.
MAX_DIMS = 64 if int(np.__version__.split(".")[0]) >= 2 else 32


def _check_dimensions(outputs: list[Any], nodes: list[Tensor], transform: str, reverse: bool = False) -> None:
    """Refuse, naming the transform and the shapes, a Jacobian NumPy cannot hold."""
    for out in outputs:
        for node in nodes:
            ndim = np.ndim(out) + node.ndim
            if ndim > MAX_DIMS:
                raise ValueError(
                    f"{transform}: the Jacobian of an output of shape {np.shape(out)} with respect to an argument "
                    f"of shape {node.shape} would have {ndim} dimensions, more than NumPy's maximum of {MAX_DIMS}; "
                    "reshape the output or the argument to fewer axes"
                )
        if reverse and 2 * np.ndim(out) > MAX_DIMS:  # the rows pulled back: an identity of out.shape * 2
            raise ValueError(
                f"{transform}: an output of shape {np.shape(out)} has {np.ndim(out)} dimensions; reverse mode pulls "
                f"back all its rows at once ({2 * np.ndim(out)} dimensions, more than NumPy's maximum of {MAX_DIMS}); "
                "use jacfwd, or reshape the output to fewer axes"
            )


def _check_jacobian_argnums(argnums: object, transform: str) -> None:
    if argnums is None:
        raise TypeError(f"{transform}: argnums must be an int or a tuple of ints, got None")
    check_argnums_type(argnums, transform)


def _layout(per_output: list[list[Any]], treedef: Any, traced: list[Traced], argnums: JacArgnums) -> Any:
    """Output structure of (argument structure): the layout JAX uses for Jacobians."""
    rows = []
    for leaves in per_output:
        by_argument, start = [], 0
        for t in traced:
            by_argument.append(t.rebuild(leaves[start : start + len(t.nodes)]))
            start += len(t.nodes)
        rows.append(by_argument[0] if isinstance(argnums, int) else tuple(by_argument))
    return unflatten(treedef, rows)


# --- reverse mode -----------------------------------------------------------------------------
# fmt: off
@overload
def jacobian(fn: Callable[[Tensor], Tensor], argnums: Literal[0] = ...) -> Callable[[TensorLike], Array]: ...
@overload
def jacobian(fn: Callable[[Tensor, Tensor], Tensor], argnums: tuple[int, int]) -> Callable[[TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def jacobian(fn: Callable[Concatenate[Tensor, Ps], Tensor], argnums: Literal[0] = ...) -> Callable[Concatenate[TensorLike, Ps], Array]: ...  # type: ignore[overload-cannot-match, overload-overlap]  # mypy reads the one-parameter row as wider; functions with more parameters do reach this one, and a pytree T0 = Tensor gets the array row
@overload
def jacobian(fn: Callable[[T0], Tensor], argnums: Literal[0] = ...) -> Callable[[T0], T0]: ...
@overload
def jacobian(fn: Callable[[T0, T1], Tensor], argnums: Literal[0] = ...) -> Callable[[T0, T1], T0]: ...
@overload
def jacobian(fn: Callable[[T0, T1, T2], Tensor], argnums: Literal[0] = ...) -> Callable[[T0, T1, T2], T0]: ...
@overload
def jacobian(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: Literal[0] = ...) -> Callable[[T0, T1, T2, T3], T0]: ...
@overload
def jacobian(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[0] = ...) -> Callable[[T0, T1, T2, T3, T4], T0]: ...
@overload
def jacobian(fn: Callable[[T0], Any], argnums: JacArgnums = ...) -> Callable[[T0], Any]: ...
@overload
def jacobian(fn: Callable[[T0, T1], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1], Any]: ...
@overload
def jacobian(fn: Callable[[T0, T1, T2], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1, T2], Any]: ...
@overload
def jacobian(fn: Callable[[T0, T1, T2, T3], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1, T2, T3], Any]: ...
@overload
def jacobian(fn: Callable[[T0, T1, T2, T3, T4], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1, T2, T3, T4], Any]: ...
@overload
def jacobian(fn: Callable[Ps, Any], argnums: JacArgnums) -> Callable[Ps, Any]: ...
# fmt: on
def jacobian(fn: Callable[..., Any], argnums: JacArgnums = 0) -> Callable[..., Any]:
    """The Jacobian of ``fn`` by reverse mode, of shape ``out.shape + arg.shape``.

    All output rows are pulled back in one sweep: the seed is the identity over the
    output, laid out as ``out.shape + out.shape``, and every rule carries its leading
    axes along. An int ``argnums`` gives that argument's Jacobian (a pytree argument
    gives a pytree of Jacobians); a tuple gives a tuple. A pytree output gives its
    structure, each leaf holding the Jacobians of that leaf. ``jacrev`` is this function.

    >>> import numpy as np
    >>> jacobian(lambda x: x * x)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    _check_jacobian_argnums(argnums, "jacobian")
    return _reverse(fn, argnums, "jacobian")


jacrev = jacobian


def _reverse(fn: Callable[..., Any], argnums: JacArgnums, transform: str) -> Callable[..., Any]:
    @functools.wraps(fn)
    def jacobian_fn(*args: Any, **kwargs: Any) -> Any:
        check_positional(args, kwargs, transform)
        positions = resolve_argnums(argnums, len(args), transform)
        record = _vmap.record_of([args[n] for n in positions])
        if record is None:
            try:
                return plain(*args, **kwargs)
            except _vmap.BatchedOutput as batched:  # fn closed over a value batched by vmap
                record = batched.record
        return _vmap.lifted_jacobian(lambda f, a: _reverse(f, a, transform), fn, args, kwargs, positions, argnums, record)

    def plain(*args: Any, **kwargs: Any) -> Any:
        positions = resolve_argnums(argnums, len(args), transform)
        trace = Trace()
        traced: list[Traced] = []
        escapes = False
        try:
            call_args, traced = trace_arguments(fn, args, positions, transform, trace)
            outputs, treedef = check_outputs(fn(*call_args, **kwargs), transform)
            nodes = [node for t in traced for node in t.nodes]
            _check_dimensions(outputs, nodes, transform, reverse=True)
            stop = frozenset(nodes)
            per_output = []
            handed: set[int] = set()
            for out in outputs:  # one sweep per output leaf; a single Tensor output is one leaf
                cotangents: dict[Tensor, Value] = {}
                nested = False
                if isinstance(out, Tensor):
                    order = _graph.walk(out, stop)
                    nested = _graph.is_nested(order, nodes)
                    escapes = escapes or nested
                    cotangents = _graph.pullback(order, out, _identity(out.shape, out.dtype, out.data), nodes, nested)
                per_output.append([
                    to_output(cotangents[node], nested, handed) if node in cotangents else _backend.zeros(node.data, out.shape + node.shape, node.dtype)
                    for node in nodes
                ])
        finally:
            finish(trace, traced, escapes)
        return _layout(per_output, treedef, traced, argnums)

    return jacobian_fn


# --- forward mode -----------------------------------------------------------------------------
def _seeds(nodes: list[Tensor]) -> dict[Tensor, Value]:
    """Tangents that push every input direction at once: one leading axis of length
    ``n`` (all input elements together), node ``k`` holding the identity's block at its
    offset and zeros elsewhere."""
    total = sum(node.size for node in nodes)
    seeds: dict[Tensor, Value] = {}
    start = 0
    for node in nodes:
        block = np.zeros((total, node.size), dtype=node.dtype)
        block[start : start + node.size] = np.eye(node.size, dtype=node.dtype)
        block = block.reshape((total,) + node.shape)
        block.setflags(write=False)
        seeds[node] = _backend.put(node.data, block)
        start += node.size
    return seeds


def _arrange(tangent: Value, out_ndim: int, node: Tensor, start: int, total: int) -> Value:
    """Rows ``start:start + node.size`` of a pushed tangent (shape ``(n,) + out.shape``),
    arranged as ``out.shape + node.shape``."""
    if node.size != total:
        index = (slice(start, start + node.size),)
        tangent = bind(ops.getitem_p, tangent, index=index)
    tangent = ops.reshape(tangent, node.shape + tuple(tangent.shape[1:]))
    k = node.ndim
    return ops.transpose(tangent, tuple(range(k, k + out_ndim)) + tuple(range(k)))


# fmt: off
@overload
def jacfwd(fn: Callable[[Tensor], Tensor], argnums: Literal[0] = ...) -> Callable[[TensorLike], Array]: ...
@overload
def jacfwd(fn: Callable[[Tensor, Tensor], Tensor], argnums: tuple[int, int]) -> Callable[[TensorLike, TensorLike], tuple[Array, Array]]: ...
@overload
def jacfwd(fn: Callable[Concatenate[Tensor, Ps], Tensor], argnums: Literal[0] = ...) -> Callable[Concatenate[TensorLike, Ps], Array]: ...  # type: ignore[overload-cannot-match, overload-overlap]  # mypy reads the one-parameter row as wider; functions with more parameters do reach this one, and a pytree T0 = Tensor gets the array row
@overload
def jacfwd(fn: Callable[[T0], Tensor], argnums: Literal[0] = ...) -> Callable[[T0], T0]: ...
@overload
def jacfwd(fn: Callable[[T0, T1], Tensor], argnums: Literal[0] = ...) -> Callable[[T0, T1], T0]: ...
@overload
def jacfwd(fn: Callable[[T0, T1, T2], Tensor], argnums: Literal[0] = ...) -> Callable[[T0, T1, T2], T0]: ...
@overload
def jacfwd(fn: Callable[[T0, T1, T2, T3], Tensor], argnums: Literal[0] = ...) -> Callable[[T0, T1, T2, T3], T0]: ...
@overload
def jacfwd(fn: Callable[[T0, T1, T2, T3, T4], Tensor], argnums: Literal[0] = ...) -> Callable[[T0, T1, T2, T3, T4], T0]: ...
@overload
def jacfwd(fn: Callable[[T0], Any], argnums: JacArgnums = ...) -> Callable[[T0], Any]: ...
@overload
def jacfwd(fn: Callable[[T0, T1], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1], Any]: ...
@overload
def jacfwd(fn: Callable[[T0, T1, T2], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1, T2], Any]: ...
@overload
def jacfwd(fn: Callable[[T0, T1, T2, T3], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1, T2, T3], Any]: ...
@overload
def jacfwd(fn: Callable[[T0, T1, T2, T3, T4], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1, T2, T3, T4], Any]: ...
@overload
def jacfwd(fn: Callable[Ps, Any], argnums: JacArgnums) -> Callable[Ps, Any]: ...
# fmt: on
def jacfwd(fn: Callable[..., Any], argnums: JacArgnums = 0) -> Callable[..., Any]:
    """The Jacobian of ``fn`` by forward mode, of shape ``out.shape + arg.shape``.

    All input directions are pushed forward in one sweep: the tangents carry one leading
    axis running over every element of the differentiated arguments. Layout, ``argnums``
    and pytrees are as in ``jacobian``; forward mode is the cheaper one when the
    arguments are smaller than the output.

    >>> import numpy as np
    >>> jacfwd(lambda x: x[0] * x)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [2., 1.]])
    """
    _check_jacobian_argnums(argnums, "jacfwd")
    return _forward(fn, argnums, "jacfwd")


def _forward(fn: Callable[..., Any], argnums: JacArgnums, transform: str) -> Callable[..., Any]:
    @functools.wraps(fn)
    def jacfwd_fn(*args: Any, **kwargs: Any) -> Any:
        check_positional(args, kwargs, transform)
        positions = resolve_argnums(argnums, len(args), transform)
        record = _vmap.record_of([args[n] for n in positions])
        if record is None:
            try:
                return plain(*args, **kwargs)
            except _vmap.BatchedOutput as batched:  # fn closed over a value batched by vmap
                record = batched.record
        return _vmap.lifted_jacobian(lambda f, a: _forward(f, a, transform), fn, args, kwargs, positions, argnums, record)

    def plain(*args: Any, **kwargs: Any) -> Any:
        positions = resolve_argnums(argnums, len(args), transform)
        trace = Trace()
        traced: list[Traced] = []
        nested = False
        try:
            call_args, traced = trace_arguments(fn, args, positions, transform, trace)
            # A position named twice in argnums is one set of nodes: seed each node once.
            nodes = list(dict.fromkeys(node for t in traced for node in t.nodes))
            offsets, total = {}, 0
            for node in nodes:
                offsets[node] = total
                total += node.size
            outputs, treedef = check_outputs(fn(*call_args, **kwargs), transform)
            _check_dimensions(outputs, nodes, transform)
            tangents, nested = push(outputs, _seeds(nodes), (total,))
            per_output = []
            handed: set[int] = set()
            for out, tangent in zip(outputs, tangents):
                per_output.append([
                    to_output(_arrange(tangent, out.ndim, node, offsets[node], total), nested, handed)
                    for t in traced
                    for node in t.nodes
                ])
        finally:
            finish(trace, traced, nested)
        return _layout(per_output, treedef, traced, argnums)

    return jacfwd_fn


# --- second order -----------------------------------------------------------------------------
# fmt: off
@overload
def hessian(fn: Callable[[Tensor], Tensor], argnums: Literal[0] = ...) -> Callable[[TensorLike], Array]: ...
@overload
def hessian(fn: Callable[Concatenate[Tensor, Ps], Tensor], argnums: Literal[0] = ...) -> Callable[Concatenate[TensorLike, Ps], Array]: ...  # type: ignore[overload-cannot-match, overload-overlap]  # as for jacobian
@overload
def hessian(fn: Callable[[T0], Tensor], argnums: Literal[0] = ...) -> Callable[[T0], T0]: ...
@overload
def hessian(fn: Callable[[T0], Any], argnums: JacArgnums = ...) -> Callable[[T0], Any]: ...
@overload
def hessian(fn: Callable[[T0, T1], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1], Any]: ...
@overload
def hessian(fn: Callable[[T0, T1, T2], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1, T2], Any]: ...
@overload
def hessian(fn: Callable[[T0, T1, T2, T3], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1, T2, T3], Any]: ...
@overload
def hessian(fn: Callable[[T0, T1, T2, T3, T4], Any], argnums: JacArgnums = ...) -> Callable[[T0, T1, T2, T3, T4], Any]: ...
@overload
def hessian(fn: Callable[Ps, Any], argnums: JacArgnums) -> Callable[Ps, Any]: ...
# fmt: on
def hessian(fn: Callable[..., Any], argnums: JacArgnums = 0) -> Callable[..., Any]:
    """The Hessian of a scalar ``fn``, of shape ``arg.shape + arg.shape``.

    Forward over reverse: ``jacfwd(jacobian(fn))``, so the gradient is recorded once and
    all input directions are pushed through it in one batched forward sweep.

    >>> import numpy as np
    >>> hessian(lambda x: (x[0] * x[1] ** 2))(np.array([1.0, 2.0]))
    array([[0., 4.],
           [4., 2.]])
    """
    _check_jacobian_argnums(argnums, "hessian")
    return _forward(_reverse(fn, argnums, "hessian"), argnums, "hessian")


def hvp(fn: Callable[..., Any], primals: tuple[Any, ...], tangents: tuple[Any, ...]) -> Any:
    """The Hessian of a scalar ``fn`` times ``tangents``, without forming the Hessian.

    Forward over reverse: ``jvp(grad(fn), primals, tangents)[1]``, one tuple entry per
    primal, each with its primal's structure. It costs a small constant times one
    gradient, whatever the dimension.

    >>> import numpy as np
    >>> hvp(lambda x: (x ** 3).sum(), (np.array([1.0, 2.0]),), (np.array([1.0, 1.0]),))
    (array([ 6., 12.]),)
    """
    return jvp(grad(fn), primals, tangents)[1]
