"""``custom_vjp``: a function whose reverse-mode rule the user writes.

The function becomes one node whose primitive is made for it: its VJP rule calls the
user's ``bwd``, and its JVP is derived from that rule by transposition. Because ``fwd``
runs on the traced arguments, its residuals stay connected to them, and because
``bwd`` may be written in funcgrad ops, the rule records itself under an enclosing
transform: ``f`` then works under ``jvp``, ``jacfwd``, ``hessian`` and nested ``grad``.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Generic, Optional, ParamSpec, TypeVar

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad._dtypes import as_numeric, snapshot, to_array
from funcgrad._tensor import Operand, Params, Primitive, Tensor, Value, bind, data_of, make_node
from funcgrad._tree import TreeDef, flatten, map as tree_map

P = ParamSpec("P")
R = TypeVar("R")


class custom_vjp(Generic[P, R]):
    """``fn`` with a reverse-mode rule of your own: ``f = custom_vjp(fn)``, then
    ``f.defvjp(fwd, bwd)``.

    ``fwd(*args)`` returns ``(out, residuals)``: the output and whatever ``bwd`` needs.
    ``bwd(residuals, g)`` returns a tuple with one cotangent per positional argument
    (each with its argument's structure, or None for zeros), given the cotangent ``g``
    of the output, which always has the output's shape. Write ``bwd`` in funcgrad ops
    and ``f`` also works under ``jvp``, ``jacfwd``, ``hessian`` and nested ``grad``: the
    forward-mode rule is derived from ``bwd`` by transposition, and higher derivatives
    differentiate ``bwd`` itself. ``fwd`` and ``bwd`` should compute from their
    arguments only: a value they close over is a constant to the rule.

    >>> import numpy as np
    >>> from funcgrad import grad
    >>> @custom_vjp
    ... def square(x):
    ...     return x * x
    >>> square.defvjp(lambda x: (x * x, x), lambda x, g: (2 * x * g,))
    >>> grad(lambda x: square(x).sum(), argnums=0)(np.array([3.0]))
    array([6.])
    """

    def __init__(self, fn: Callable[P, R]) -> None:
        self.fn = fn
        self._fwd: Optional[Callable[..., tuple[Any, Any]]] = None
        self._bwd: Optional[Callable[[Any, Any], Any]] = None
        self._primitive: Optional[Primitive] = None
        functools.update_wrapper(self, fn)

    def defvjp(self, fwd: Callable[P, tuple[R, Any]], bwd: Callable[[Any, Any], tuple[Any, ...]]) -> None:
        """Set the rule, once: ``fwd(*args) -> (out, residuals)``, ``bwd(residuals, g) -> cotangents``."""
        name = getattr(self.fn, "__name__", "fn")
        if self._primitive is not None:
            raise ValueError(f"custom_vjp: {name} already has a rule; wrap fn in a new custom_vjp instead")
        self._fwd, self._bwd = fwd, bwd
        self._primitive = Primitive(f"custom_vjp({name})", _refuse, vjp=self._rule, jvp=None)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._primitive is None:
            return self.fn(*args, **kwargs)
        positional = _positional(self.fn, args, kwargs)
        leaves, argdef = flatten(positional)
        if not any(isinstance(leaf, Tensor) for leaf in leaves):
            return self.fn(*args, **kwargs)  # nothing is traced: no rule can be asked for
        assert self._fwd is not None
        pair = self._fwd(*positional)
        # A bare output would unpack along its first axis into (out[0], out[1]) and give a
        # wrong value silently; ask for the pair instead.
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(
                f"{self._primitive_name()}: fwd ({_name(self._fwd)}) must return a pair (out, residuals), "
                f"got {_describe(pair)}; return (out, ()) when bwd needs no residuals"
            )
        out, residuals = pair
        # Snapshots: bwd runs later, so an array fwd hands over (its output, a residual)
        # is copied if its owner can still write it; the owner's flags are never touched.
        data = out.data if isinstance(out, Tensor) else to_array(out, f"{self._primitive_name()}: fwd's output", copy=False)
        residuals = tree_map(lambda r: snapshot(r) if isinstance(r, np.ndarray) else r, residuals)
        params = {"residuals": residuals, "argdef": argdef, "out_shape": data.shape}
        result: R = make_node(data, tuple(leaves), self._primitive, params)  # type: ignore[assignment]  # R is a Tensor here
        return result

    def _rule(self, c: Value, out: Value, xs: tuple[Operand, ...], params: Params, i: int) -> Value:
        """The VJP rule of this function's primitive: ``bwd``'s cotangent for operand ``i``.

        ``out`` is a Tensor exactly when an enclosing transform records this rule; then
        the residuals stay Tensors so the rule differentiates, else they become arrays.
        """
        recording = isinstance(out, Tensor)
        residuals = params["residuals"] if recording else tree_map(data_of, params["residuals"])
        keep_tensors = recording or isinstance(c, Tensor)
        x_shape = np.shape(data_of(xs[i]))
        out_shape: tuple[int, ...] = params["out_shape"]
        lead = c.shape[: c.ndim - len(out_shape)]
        if not lead:
            return self._cotangent(residuals, c, params["argdef"], i, x_shape, keep_tensors)
        # bwd sees one cotangent of the output's shape at a time, as users write it; the
        # rows (Jacobian rows, or forward-mode directions) are stacked back together.
        rows = int(np.prod(lead, dtype=np.int64))
        flat = ops.reshape(c, (rows,) + out_shape)
        parts = [
            self._cotangent(residuals, bind(ops.getitem_p, flat, index=(r,)), params["argdef"], i, x_shape, keep_tensors)
            for r in range(rows)
        ]
        return ops.reshape(bind(ops.stack_rows_p, *parts), lead + x_shape)

    def _cotangent(
        self, residuals: Any, g: Value, argdef: TreeDef, i: int, x_shape: tuple[int, ...], keep_tensors: bool
    ) -> Value:
        assert self._bwd is not None
        cotangents = self._bwd(residuals, g)
        count = len(argdef.children)
        if not isinstance(cotangents, tuple) or len(cotangents) != count:
            raise TypeError(
                f"{self._primitive_name()}: bwd ({_name(self._bwd)}) must return a tuple of {count} cotangent"
                f"{'' if count == 1 else 's'}, one per positional argument, got {_describe(cotangents)}"
            )
        # Operand i is the i-th leaf of the arguments; find its argument and its place.
        start = 0
        for position, (child, cotangent) in enumerate(zip(argdef.children, cotangents)):
            n = child.num_leaves
            if i < start + n:
                if cotangent is None:
                    return np.zeros(x_shape, dtype=np.result_type(g.dtype))
                leaves, treedef = flatten(cotangent)
                if treedef != child:
                    raise TypeError(
                        f"{self._primitive_name()}: bwd's cotangent {position} has structure {treedef}, "
                        f"its argument has {child}"
                    )
                value = leaves[i - start]
                if not isinstance(value, Tensor):  # refused as Tensor() refuses data: no silent cast
                    value = as_numeric(value, f"{self._primitive_name()}: bwd's cotangent {position}").astype(g.dtype)
                got = np.shape(data_of(value))
                if got != x_shape:
                    where = f"cotangent {position}" + (f" (leaf {i - start})" if n > 1 else "")
                    raise ValueError(
                        f"{self._primitive_name()}: bwd ({_name(self._bwd)}) returned {where} of shape {got}, "
                        f"but its argument has shape {x_shape}; each cotangent must have its argument's shape"
                    )
                return value if keep_tensors or not isinstance(value, Tensor) else value.data
            start += n
        raise AssertionError("operand index beyond the arguments' leaves")

    def _primitive_name(self) -> str:
        return self._primitive.name if self._primitive is not None else "custom_vjp"


def _refuse(*args: Any, **params: Any) -> Any:
    raise TypeError("custom_vjp: its node is made from fwd's output, never re-evaluated")


def _positional(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """The call's arguments as positional ones, which is what ``bwd`` answers for."""
    if not kwargs:
        return args
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    if bound.kwargs:
        raise TypeError(f"custom_vjp: keyword-only arguments {sorted(bound.kwargs)} are not supported; make them positional")
    return tuple(bound.args)


def _describe(value: Any) -> str:
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    shape = getattr(value, "shape", None)
    return f"a {type(value).__name__} of shape {shape}" if shape is not None else type(value).__name__


def _name(fn: Any) -> str:
    return str(getattr(fn, "__name__", None) or repr(fn))
