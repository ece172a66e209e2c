"""``custom_jvp``: a function whose forward-mode rule the user writes.

The function becomes one node whose primitive is made for it. Its JVP rule calls the
user's ``rule(primals, tangents)`` with the tangent of one operand and zeros for the
others (the engine sums the contributions; a JVP is linear in its tangents). Its VJP
rule is the transpose of that linear map: the user's rule is run on a placeholder
tangent node and the cotangent is pulled back through the small graph it records, so
reverse mode, ``grad``, ``hessian`` and every nesting follow the user's rule.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Generic, Optional, ParamSpec, TypeVar

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad import _graph
from funcgrad._custom import _positional
from funcgrad._dtypes import as_numeric, snapshot, to_array
from funcgrad._tensor import Operand, Params, Primitive, Tensor, Value, bind, data_of, is_traced, make_node
from funcgrad._tree import TreeDef, flatten, unflatten

P = ParamSpec("P")
R = TypeVar("R")
JvpRule = Callable[[tuple[Any, ...], tuple[Any, ...]], tuple[Any, Any]]


class custom_jvp(Generic[P, R]):
    """``fn`` with a forward-mode rule of your own: ``f = custom_jvp(fn)``, then
    ``f.defjvp(rule)`` (also usable as the decorator ``@f.defjvp``).

    ``rule(primals, tangents)`` takes two tuples, one entry per positional argument, and
    returns ``(out, tangent_out)``. It must be linear in ``tangents``; write it in
    funcgrad ops, and reverse mode (``grad``, ``vjp``, ``jacobian``, ``hessian``) is
    derived from it by transposition, and higher orders differentiate the rule itself.
    The value ``f(*args)`` is ``fn(*args)``. Tangents always have their primal's shape.

    >>> import numpy as np
    >>> import funcgrad.numpy as fnp
    >>> from funcgrad import grad, jvp
    >>> @custom_jvp
    ... def log1pexp(x):
    ...     return fnp.log(1.0 + fnp.exp(x))
    >>> @log1pexp.defjvp
    ... def log1pexp_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return log1pexp(x), t * (1.0 - 1.0 / (1.0 + fnp.exp(x)))
    >>> jvp(log1pexp, (np.array([0.0]),), (np.array([1.0]),))[1]
    array([0.5])
    >>> grad(lambda x: log1pexp(x).sum(), argnums=0)(np.array([100.0]))   # stable: 1, not nan
    array([1.])
    """

    def __init__(self, fn: Callable[P, R]) -> None:
        self.fn = fn
        self._rule: Optional[JvpRule] = None
        self._primitive: Optional[Primitive] = None
        functools.update_wrapper(self, fn)

    def defjvp(self, rule: JvpRule) -> JvpRule:
        """Set the rule, once: ``rule(primals, tangents) -> (out, tangent_out)``. Returns
        ``rule``, so that ``@f.defjvp`` leaves the rule's name bound to it."""
        name = getattr(self.fn, "__name__", "fn")
        if self._primitive is not None:
            raise ValueError(f"custom_jvp: {name} already has a rule; wrap fn in a new custom_jvp instead")
        self._rule = rule
        self._primitive = Primitive(f"custom_jvp({name})", _refuse, vjp=self._vjp_rule, jvp=self._jvp_rule)
        return rule

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._primitive is None:
            return self.fn(*args, **kwargs)
        positional = _positional(self.fn, args, kwargs)
        leaves, argdef = flatten(positional)
        if not any(isinstance(leaf, Tensor) for leaf in leaves):
            return self.fn(*args, **kwargs)  # nothing is traced: no rule can be asked for
        # The value: fn on the operands' data, its graph dropped (the node stands for it).
        constants = [snapshot(leaf) if isinstance(leaf, np.ndarray) else leaf for leaf in leaves]
        plain = unflatten(argdef, [data_of(leaf) for leaf in constants])
        fn: Callable[..., Any] = self.fn
        out = fn(*plain)
        if isinstance(out, Tensor) and is_traced(out):
            # fn computes from a Tensor a running transform differentiates, but not
            # through its arguments: the node would not pass that derivative on.
            raise TypeError(
                f"{self._name()}: fn closes over a Tensor that a transform is differentiating; "
                "pass it to fn as an argument instead (and give the rule its tangent)"
            )
        data = out.data if isinstance(out, Tensor) else to_array(out, f"{self._name()}: fn's output", copy=True)
        data.setflags(write=False)
        params = {"argdef": argdef, "out_shape": data.shape}
        result: R = make_node(data, tuple(constants), self._primitive, params)  # type: ignore[assignment]  # R is a Tensor here
        return result

    # --- forward mode: the user's rule, one operand's tangent at a time ---------------
    def _tangent_out(self, xs: tuple[Operand, ...], i: int, t: Value, params: Params, keep: bool) -> Value:
        assert self._rule is not None
        argdef: TreeDef = params["argdef"]
        tangents = [t if j == i else np.zeros(np.shape(data_of(x)), np.result_type(t.dtype)) for j, x in enumerate(xs)]
        primals = unflatten(argdef, list(xs))
        result = self._rule(tuple(primals), tuple(unflatten(argdef, tangents)))
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError(f"{self._name()}: the rule must return a pair (out, tangent_out), got {type(result).__name__}")
        tangent_out = result[1]
        out_shape: tuple[int, ...] = params["out_shape"]
        if not isinstance(tangent_out, Tensor):
            tangent_out = as_numeric(tangent_out, f"{self._name()}: the rule's tangent_out").astype(t.dtype)
        if np.shape(data_of(tangent_out)) != out_shape:
            tangent_out = ops.broadcast_to(tangent_out, out_shape)
        return tangent_out if keep or not isinstance(tangent_out, Tensor) else tangent_out.data

    def _jvp_rule(self, t: Value, out: Value, xs: tuple[Operand, ...], params: Params, i: int) -> Value:
        keep = isinstance(out, Tensor) or isinstance(t, Tensor)
        x_shape = np.shape(data_of(xs[i]))
        lead = t.shape[: t.ndim - len(x_shape)]
        if not lead:
            return self._tangent_out(xs, i, t, params, keep)
        # The rule sees one tangent of its primal's shape at a time, as users write it;
        # the directions (jacfwd's batch) are stacked back together.
        rows = int(np.prod(lead, dtype=np.int64))
        flat = ops.reshape(t, (rows,) + x_shape)
        parts = [self._tangent_out(xs, i, bind(ops.getitem_p, flat, index=(r,)), params, keep) for r in range(rows)]
        return ops.reshape(bind(ops.stack_rows_p, *parts), lead + tuple(params["out_shape"]))

    # --- reverse mode: the transpose of the rule's linear map -------------------------
    def _vjp_rule(self, c: Value, out: Value, xs: tuple[Operand, ...], params: Params, i: int) -> Value:
        x_data = data_of(xs[i])
        x_shape = np.shape(x_data)
        placeholder = _graph.leaf(np.zeros(x_shape, dtype=np.result_type(x_data)))
        record = isinstance(out, Tensor) or isinstance(c, Tensor)
        # keep=True: the tangent must stay a node to be pulled back through.
        y = self._tangent_out(xs, i, placeholder, params, keep=True)
        if not isinstance(y, Tensor):  # the rule ignores this tangent: a zero derivative
            return np.zeros((), dtype=np.result_type(x_data))
        order = _graph.walk(y, frozenset([placeholder]))
        result = _graph.pullback(order, y, c, [placeholder], record).get(placeholder)
        return result if result is not None else np.zeros((), dtype=np.result_type(x_data))

    def _name(self) -> str:
        return self._primitive.name if self._primitive is not None else "custom_jvp"


def _refuse(*args: Any, **params: Any) -> Any:
    raise TypeError("custom_jvp: its node is made from fn's output, never re-evaluated")
