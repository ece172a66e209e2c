"""``check_grads``: compare funcgrad's derivatives with finite differences.

Public so users can check their own functions and custom rules the way funcgrad's own
gradient table checks every op.
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np

from funcgrad._dtypes import to_array
from funcgrad._tensor import Tensor
from funcgrad._transforms import grad, jvp
from funcgrad._tree import flatten, flatten_with_paths, unflatten
from funcgrad._typing import Array

__all__ = ["check_grads"]

#: (rtol, atol) per dtype. AD runs in the input's dtype, the reference in float64, so
#: float32 is allowed its rounding error; atol is relative to the largest derivative.
TOLERANCES: Mapping[str, tuple[float, float]] = MappingProxyType({"float32": (2e-3, 2e-3), "float64": (1e-6, 1e-6)})
#: The central-difference step. In float64 its truncation error (~step**2) and its
#: rounding error (~1e-16 / step) are both far below the float64 tolerance.
STEP = 1e-6

Scalar = Callable[[Sequence[Any]], Any]


def _contract(weights: Any, value: Any) -> Any:
    """``sum(weights * value)``: a Tensor when either is traced, else a float."""
    if isinstance(value, Tensor):
        return (value * weights).sum()
    if isinstance(weights, Tensor):
        return (weights * value).sum()
    return float(np.sum(np.asarray(value, dtype=np.float64) * weights))


def _random_like(rng: np.random.Generator, value: Any) -> Array:
    array = np.asarray(value.data if isinstance(value, Tensor) else value)
    dtype = array.dtype if array.dtype.kind == "f" else np.dtype(np.float64)
    weights: Array = rng.standard_normal(array.shape).astype(dtype)
    return weights


def _cast(weights: Array, leaves: Sequence[Any]) -> Array:
    """Weights in float64 when the leaves are (the reference), else in their own dtype."""
    if leaves and np.asarray(leaves[0].data if isinstance(leaves[0], Tensor) else leaves[0]).dtype == np.float64:
        return weights.astype(np.float64)
    return weights


def check_grads(
    fn: Callable[..., Any],
    *args: Any,
    order: int = 2,
    modes: Sequence[str] = ("rev", "fwd"),
    rtol: Optional[float] = None,
    atol: Optional[float] = None,
) -> None:
    """Check every derivative of ``fn`` at ``args`` up to ``order`` against finite differences.

    ``fn`` takes ``args`` (arrays or pytrees of arrays) and returns a Tensor (or a pytree
    of them). Its output is contracted with a fixed random cotangent ``u`` to a scalar ``s``; order 1 checks
    ``grad(s)`` (reverse mode, the same as a VJP with cotangent ``u``) and ``jvp(s)``
    along each input element (forward mode) against central differences of ``s``. Order
    k + 1 repeats this for ``s'`` = the order-k gradient contracted with random weights,
    so order 2 checks grad-of-grad and jvp-of-grad against differences of the gradient.
    With ``"rev"`` in ``modes`` and ``order >= 2`` the cotangent ``u`` is an input too
    (its path is ``cotangent[k]``), so order 2 also differentiates each VJP with respect
    to its cotangent: a reverse rule wrong only as a function of its cotangent is caught
    with ``modes=("rev",)``.
    References are always computed in float64, whatever the dtype of ``args``; the
    tolerance is the dtype's (``TOLERANCES``) unless ``rtol``/``atol`` are given.

    Raises AssertionError naming the worst error, its order and mode, the argument's
    pytree path and the element's index. Every input element is checked on its own (two
    evaluations and one ``jvp`` per element and order), so keep the inputs small.

    >>> import numpy as np
    >>> import funcgrad.numpy as fnp
    >>> check_grads(lambda x: fnp.sin(x) * x, np.array([0.5, 1.0]))
    >>> from funcgrad._tensor import Primitive, apply
    >>> wrong = Primitive("wrong_sin", np.sin, vjp=lambda c, out, xs, p, i: c)
    >>> check_grads(lambda x: apply(wrong, x), np.array([0.5, 1.0]), order=1)
    Traceback (most recent call last):
    ...
    AssertionError: check_grads: order-1 reverse-mode derivative of args[0] at index (1,) ...
    """
    if order < 1:
        raise ValueError(f"check_grads: order must be at least 1, got {order}")
    unknown = set(modes) - {"rev", "fwd"}
    if unknown:
        raise ValueError(f"check_grads: modes must be 'rev' and/or 'fwd', got {sorted(unknown)}")
    pairs, treedef = flatten_with_paths(args)
    paths = ["args" + path for path, _ in pairs]
    leaves = [to_array(leaf, f"check_grads: args{path}", copy=True) for path, leaf in pairs]
    dtype = np.result_type(*leaves) if leaves else np.dtype(np.float64)
    default_rtol, default_atol = TOLERANCES.get(str(dtype), TOLERANCES["float64"])
    tolerance = (default_rtol if rtol is None else rtol, default_atol if atol is None else atol)
    rng = np.random.default_rng(0)

    def call(values: Sequence[Any]) -> Any:
        return fn(*unflatten(treedef, list(values)))

    outputs, _ = flatten(call(leaves))
    cotangents = [_random_like(rng, out) for out in outputs]
    if "rev" in modes and order >= 2:
        # The cotangent u becomes an input of s = u . f(x). Then order 2 differentiates the
        # VJP with respect to u as well (reverse over reverse): a rule that is right for a
        # constant cotangent but wrong as a function of it (the VJP's own linearity) is
        # caught in reverse mode alone, not only through forward mode.
        count = len(leaves)
        scalar = _with_cotangent_inputs(call, count)
        leaves = leaves + cotangents
        paths = paths + [f"cotangent[{k}]" for k in range(len(cotangents))]
    else:
        scalar = _contracted(call, cotangents)
    for level in range(1, order + 1):
        _check_level(scalar, leaves, paths, level, modes, tolerance)
        if level == order:
            break
        weights = [_random_like(rng, leaf) for leaf in leaves]
        scalar = _contracted(functools.partial(_gradient, scalar), weights)


def _gradient(scalar: Scalar, values: Sequence[Any]) -> tuple[Any, ...]:
    def call(*vs: Any) -> Any:
        return scalar(vs)

    gradient_fn: Callable[..., tuple[Any, ...]] = grad(call)
    return gradient_fn(*values)


def _with_cotangent_inputs(call: Callable[[Sequence[Any]], Any], count: int) -> Scalar:
    """``values -> sum over outputs of u_k . f_k(x)``, with ``x = values[:count]`` and the
    cotangents ``u = values[count:]``."""

    def scalar(values: Sequence[Any]) -> Any:
        outputs, _ = flatten(call(values[:count]))
        total: Any = 0.0
        for u, out in zip(values[count:], outputs):
            total = total + _contract(u, out)
        return total

    return scalar


def _contracted(fn: Callable[[Sequence[Any]], Any], weights: list[Array]) -> Scalar:
    """``values -> sum of weights * leaves of fn(values)``: the scalar whose derivatives
    are checked. For ``fn`` the checked function it is ``u . f``; for ``fn`` the gradient
    of the previous scalar, the next order's scalar."""

    def scalar(values: Sequence[Any]) -> Any:
        outputs, _ = flatten(fn(values))
        total: Any = 0.0
        for w, out in zip(weights, outputs):
            total = total + _contract(_cast(w, values), out)
        return total

    return scalar


def _finite_differences(scalar: Scalar, leaves: list[Array]) -> list[Array]:
    """Central differences of ``scalar`` for every input element, all in float64."""
    base = [leaf.astype(np.float64) for leaf in leaves]
    result = []
    for j, leaf in enumerate(base):
        derivative: Array = np.zeros(leaf.shape)
        for index in np.ndindex(leaf.shape):
            plus, minus = leaf.copy(), leaf.copy()
            plus[index] += STEP
            minus[index] -= STEP
            up = float(np.asarray(_value(scalar(base[:j] + [plus] + base[j + 1 :]))))
            down = float(np.asarray(_value(scalar(base[:j] + [minus] + base[j + 1 :]))))
            derivative[index] = (up - down) / (2 * STEP)
        result.append(derivative)
    return result


def _value(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _forward(scalar: Scalar, leaves: list[Array]) -> list[Array]:
    """``jvp`` of ``scalar`` along each input element: forward mode, one pass each."""
    result = []
    zeros = [np.zeros_like(leaf) for leaf in leaves]
    for j, leaf in enumerate(leaves):
        derivative: Array = np.zeros(leaf.shape)
        for index in np.ndindex(leaf.shape):
            basis = zeros[j].copy()
            basis[index] = 1
            tangents = tuple(basis if k == j else zeros[k] for k in range(len(leaves)))
            _, tangent = jvp(lambda *vs: scalar(vs), tuple(leaves), tangents)
            derivative[index] = float(np.asarray(_value(tangent)))
        result.append(derivative)
    return result


def _check_level(
    scalar: Scalar, leaves: list[Array], paths: list[str], level: int, modes: Sequence[str], tolerance: tuple[float, float]
) -> None:
    reference = _finite_differences(scalar, leaves)
    scale = max([1.0] + [float(np.max(np.abs(r))) for r in reference if r.size])
    rtol, atol = tolerance
    worst: Optional[tuple[float, str, int, tuple[int, ...], float, float, float]] = None
    for mode in modes:
        if mode == "rev":
            computed: list[Array] = [np.asarray(g, dtype=np.float64) for g in _gradient(scalar, leaves)]
        else:
            computed = _forward(scalar, leaves)
        for j, (got, want) in enumerate(zip(computed, reference)):
            if not want.size:
                continue
            error = np.abs(got - want)
            allowed = atol * scale + rtol * np.abs(want)
            ratio = np.where(np.isfinite(error), error / allowed, np.inf)
            at = np.unravel_index(int(np.argmax(ratio)), want.shape)
            if worst is None or ratio[at] > worst[0]:
                worst = (float(ratio[at]), mode, j, tuple(int(k) for k in at), float(got[at]), float(want[at]), float(allowed[at]))
    if worst is not None and not worst[0] <= 1.0:
        _, mode, j, index, got_value, want_value, allowed_value = worst
        name = "reverse-mode" if mode == "rev" else "forward-mode"
        raise AssertionError(
            f"check_grads: order-{level} {name} derivative of {paths[j]} at index {index} "
            f"is {got_value!r} but finite differences give {want_value!r} "
            f"(error {abs(got_value - want_value):.3g}, allowed {allowed_value:.3g}; "
            f"the worst over all arguments and modes)"
        )
