"""``fixed_point``: a solution differentiated by the implicit function theorem.

The forward pass iterates ``x = f(a, x)`` on plain arrays and keeps only the answer
``x*``, as one node whose operands are the leaves of ``a``; no iterate is recorded. At a
fixed point ``x* = f(a, x*)``, so ``dx*/da = (I - ∂f/∂x)⁻¹ ∂f/∂a``, and the reverse rule
needs ``w = (I - ∂f/∂x)⁻ᵀ g``: the fixed point of the adjoint iteration
``w = g + (∂f/∂x)ᵀ w``, which converges whenever the forward one does (same spectrum).
Then ``a``'s cotangent is ``(∂f/∂a)ᵀ w``. As in autograd, when an enclosing transform
records the rule the adjoint solve is itself a ``fixed_point`` (of ``(a, x*, g)``), so
it is differentiated the same way, to any order; forward mode is the rule transposed.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from funcgrad._checkpoint import _Memo, memoized_rule
from funcgrad._dtypes import snapshot, to_array
from funcgrad._tensor import Operand, Params, Primitive, Tensor, Value, data_of, is_traced, make_node
from funcgrad._transforms import vjp
from funcgrad._tree import flatten, unflatten


def _solve(f: Callable[[Any, Any], Any], a: Any, x0: Any, distance: Callable[[Any, Any], Any], tol: float) -> Any:
    """Iterate ``x = f(a, x)`` from ``x0`` until ``distance(x, x_prev) <= tol``, on arrays."""
    x_prev = x0
    first = f(a, x0)
    if isinstance(first, Tensor) and is_traced(first):
        # f computes from a Tensor a running transform differentiates, but not through
        # a: the node would not pass that derivative on, a silently wrong number.
        raise TypeError(
            "fixed_point: f closes over a Tensor that a transform is differentiating; "
            "pass it in a instead (a may be a tuple or any pytree), e.g. fixed_point(f, (a, w), ...)"
        )
    x = data_of(first)
    while float(data_of(distance(x, x_prev))) > tol:
        x, x_prev = data_of(f(a, x)), x
    return x


def fixed_point(f: Callable[[Any, Any], Any], a: Any, x0: Any, distance: Callable[[Any, Any], Any], tol: float) -> Tensor:
    """The fixed point of ``x = f(a, x)``, iterated from ``x0`` until
    ``distance(x, x_prev) <= tol``, differentiable in ``a`` (a pytree) by the implicit
    function theorem, as autograd's ``misc.fixed_points.fixed_point``.

    Nothing is unrolled: the forward iterations are not recorded, and the reverse rule
    solves the adjoint fixed-point iteration ``w = g + (∂f/∂x)ᵀ w`` at ``x*``. ``x0`` is not
    differentiated. ``f`` is written in funcgrad ops; ``distance`` returns a scalar.

    >>> import numpy as np
    >>> import funcgrad.numpy as fnp
    >>> from funcgrad import grad
    >>> sqrt = lambda a: fixed_point(lambda a, x: 0.5 * (x + a / x), a, np.array(1.0),
    ...                              lambda x, y: fnp.abs(x - y), 1e-12)
    >>> sqrt(np.array(2.0))
    Tensor(1.41421356)
    >>> grad(sqrt, argnums=0)(np.array(2.0))                       # 1 / (2 sqrt(2))
    array(0.35355339)
    """
    leaves, adef = flatten(a)
    leaves = [snapshot(leaf) if isinstance(leaf, np.ndarray) else leaf for leaf in leaves]
    plain = unflatten(adef, [data_of(leaf) for leaf in leaves])
    start = to_array(data_of(x0), "fixed_point: x0", copy=True)
    x_star = to_array(_solve(f, plain, start, distance, tol), "fixed_point: f's value", copy=True)
    if not any(isinstance(leaf, Tensor) for leaf in leaves):
        return Tensor(x_star)
    params = {"f": f, "adef": adef, "distance": distance, "tol": tol, "memo": _Memo()}
    return make_node(x_star, tuple(leaves), fixed_point_p, params)


def _cotangents(g: Value, x_star: Value, xs: tuple[Operand, ...], params: Params) -> dict[int, Value]:
    """The cotangent of every Tensor leaf of ``a``: ``(∂f/∂a)ᵀ w`` with ``w`` the adjoint fixed point."""
    f, distance, tol = params["f"], params["distance"], params["tol"]
    a = unflatten(params["adef"], list(xs))
    record = isinstance(x_star, Tensor) or isinstance(g, Tensor) or any(isinstance(x, Tensor) for x in xs)
    if record:
        # Differentiable: the adjoint solve is a fixed_point of (a, x*, g), whose own
        # rule differentiates it by the implicit function theorem again.
        w: Any = fixed_point(_adjoint_step(f), (a, x_star, g), np.zeros(np.shape(data_of(g)), np.result_type(data_of(g))), distance, tol)
    else:
        # The first-order path: one pullback of f at x*, reused by every iteration.
        _, pull = vjp(lambda x: f(a, x), x_star)
        w = _solve(lambda _, w: data_of(pull(w)[0]) + g, None, np.zeros_like(g), distance, tol)
    _, pull_a = vjp(lambda a: f(a, x_star), a)
    (cotangent,) = pull_a(w)
    leaves, _ = flatten(cotangent)
    return {k: leaf for k, leaf in enumerate(leaves) if isinstance(xs[k], (Tensor, np.ndarray))}


def _adjoint_step(f: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def step(params: Any, w: Any) -> Any:
        a, x_star, g = params
        _, pull = vjp(lambda x: f(a, x), x_star)
        return pull(w)[0] + g

    return step


def _refuse(*args: Any, **params: Any) -> Any:
    raise TypeError("fixed_point: its node is made from the solution, never re-evaluated")


fixed_point_p = Primitive("fixed_point", _refuse, vjp=memoized_rule(_cotangents), jvp=None)
