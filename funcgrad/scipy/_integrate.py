"""``odeint`` with its gradient by the adjoint method (as autograd's): one backward
integration of the augmented system ``[y, a, a_args]`` from the last time to the first,
adding each output's cotangent to the adjoint ``a`` at its time.

The backward pass runs SciPy's integrator on NumPy values, so odeint has first-order
reverse-mode derivatives only: a second derivative, forward mode (a JVP or jacfwd) or a
derivative of a derivative raises NotImplementedError instead of a wrong number.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import scipy.integrate as si

from funcgrad import _backend
from funcgrad._graph import pullback, walk
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, data_of


def _call(func: Callable[..., Any], y: Any, s: float, args: tuple[Any, ...]) -> Any:
    out = func(y, s, *args)
    return np.asarray(data_of(out), dtype=np.float64)


def _odeint_impl(y0: Any, t: Any, *args: Any, func: Callable[..., Any], options: tuple[tuple[str, Any], ...]) -> Any:
    shape = np.shape(y0)
    dtype = np.result_type(np.asarray(y0), *[np.asarray(a) for a in args]) if args else np.asarray(y0).dtype

    def rhs(y: Any, s: float) -> Any:
        return _call(func, y.reshape(shape), s, args).ravel()

    ys = si.odeint(rhs, np.ravel(y0).astype(np.float64), np.asarray(t, dtype=np.float64), **dict(options))
    return ys.reshape((len(t),) + shape).astype(dtype, copy=False)


def _dynamics_and_vjp(
    func: Callable[..., Any], y: Any, s: float, args: tuple[Any, ...], a: Any
) -> tuple[Any, Any, list[Any]]:
    """``f(y, s)`` and ``a^T df/dy``, ``a^T df/dargs``: one small graph and one pullback."""
    y_leaf = Tensor(y)
    arg_leaves = [Tensor(x) for x in args]
    out = func(y_leaf, s, *arg_leaves)
    if not isinstance(out, Tensor):  # f depends on neither y nor args
        return np.asarray(out, dtype=np.float64), np.zeros_like(y), [np.zeros(np.shape(x)) for x in args]
    grads = pullback(walk(out), out, a.reshape(out.shape), [y_leaf, *arg_leaves], False)
    gy = np.asarray(grads.get(y_leaf, np.zeros(y.shape)), dtype=np.float64)
    gargs = [np.asarray(grads.get(leaf, np.zeros(leaf.shape)), dtype=np.float64) for leaf in arg_leaves]
    return np.asarray(out.data, dtype=np.float64), gy, gargs


def _adjoint(c: Any, ys: Any, xs: tuple[Any, ...], p: Params) -> tuple[Any, Any, list[Any]]:
    """Cotangents of y0, t and args for one cotangent ``c`` of the whole trajectory."""
    func, options = p["func"], dict(p["options"])
    y0, t, args = xs[0], np.asarray(xs[1], dtype=np.float64), tuple(np.asarray(x, dtype=np.float64) for x in xs[2:])
    shape = np.shape(y0)
    n = int(np.prod(shape, dtype=int))
    sizes = [int(np.size(x)) for x in args]
    g = np.asarray(c, dtype=np.float64).reshape(len(t), n)
    y_traj = np.asarray(ys, dtype=np.float64).reshape(len(t), n)
    gt = np.zeros(len(t))
    a = np.zeros(n)
    a_args = np.zeros(int(np.sum(sizes, dtype=int)))

    def augmented(state: Any, s: float) -> Any:
        y, adj = state[:n], state[n : 2 * n]
        f, gy, gargs = _dynamics_and_vjp(func, y.reshape(shape), s, args, adj)
        flat = np.concatenate([x.ravel() for x in gargs]) if gargs else np.zeros(0)
        return np.concatenate([f.ravel(), -gy.ravel(), -flat])

    for i in range(len(t) - 1, 0, -1):
        f_i = _call(func, y_traj[i].reshape(shape), float(t[i]), args).ravel()
        gt[i] = g[i] @ f_i
        a = a + g[i]
        state = si.odeint(augmented, np.concatenate([y_traj[i], a, a_args]), np.array([t[i], t[i - 1]]), **options)[-1]
        a, a_args = state[n : 2 * n], state[2 * n :]
    gt[0] = -(a @ _call(func, y_traj[0].reshape(shape), float(t[0]), args).ravel())
    a = a + g[0]
    split = np.split(a_args, np.cumsum(sizes)[:-1]) if args else []
    return a.reshape(shape), gt, [v.reshape(np.shape(x)) for v, x in zip(split, args)]


def _odeint_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    if any(type(v) is Tensor for v in (c, out, *xs)):
        raise NotImplementedError(
            "odeint: only first-order reverse-mode derivatives are implemented (the adjoint method); "
            "no forward mode (jvp, jacfwd) and no derivative of a derivative"
        )
    target = np.shape(xs[i])
    dtype = np.result_type(np.asarray(xs[i]))
    batch = c.shape[: c.ndim - out.ndim]
    result = np.empty(batch + target, dtype=np.float64)
    for index in np.ndindex(batch):  # a stack of cotangents (jacobian): one adjoint solve each
        gy0, gt, gargs = _adjoint(np.asarray(c)[index], out, xs, p)
        result[index] = gy0 if i == 0 else (gt if i == 1 else gargs[i - 2])
    return result.astype(dtype if dtype.kind == "f" else np.float64, copy=False)


odeint_p = Primitive("odeint", _odeint_impl, vjp=_odeint_vjp)


def odeint(
    func: Callable[..., Any],
    y0: TensorLike,
    t: TensorLike,
    args: tuple[TensorLike, ...] = (),
    rtol: float = 1e-10,
    atol: float = 1e-10,
    mxstep: int = 0,
) -> Tensor:
    """The solution of ``dy/dt = func(y, t, *args)`` at the times ``t``, ``y(t[0]) = y0``,
    by ``scipy.integrate.odeint``; shape ``(len(t),) + y0.shape``. ``func`` is written in
    funcgrad ops (or NumPy's, for a func that ``args`` do not enter).

    d/dy0, d/dargs and d/dt by the adjoint method: a is integrated backward with
    da/dt = -a^T df/dy and d(a_args)/dt = -a^T df/dargs, taking each output's cotangent at
    its time; d/dt_i = g_i . f(y_i, t_i) (JVP: none: first-order reverse mode only, and
    forward mode raises NotImplementedError). Tolerances default tighter than SciPy's so
    the gradients are accurate.

    >>> import funcgrad.numpy as fnp
    >>> from funcgrad import grad
    >>> decay = lambda y, t, k: -k * y
    >>> ys = odeint(decay, np.array([1.0]), np.array([0.0, 1.0]), (np.array(1.0),))
    >>> np.round(ys.data[-1], 6)  # e**-1
    array([0.367879])
    >>> g = grad(lambda k: fnp.sum(odeint(decay, np.array([1.0]), np.array([0.0, 1.0]), (k,))[-1]), argnums=0)
    >>> round(float(g(np.array(1.0))), 6)  # d/dk e**-k = -e**-1
    -0.367879
    """
    if np.ndim(data_of(t)) != 1 or np.shape(data_of(t))[0] < 1:
        raise ValueError(f"odeint: t must be a vector of times, got shape {np.shape(data_of(t))}")
    for value in (y0, t, *args):  # SciPy's integrator runs on NumPy data only: no silent copy
        if _backend.is_duck(data_of(value)):
            _backend.function(data_of(value), si.odeint, "scipy.integrate.odeint", "funcgrad.scipy.integrate.odeint")
            raise TypeError(f"funcgrad.scipy.integrate.odeint: runs on NumPy data only, got {_backend.name(data_of(value))} data")
    options = (("rtol", float(rtol)), ("atol", float(atol)), ("mxstep", int(mxstep)))
    return apply(odeint_p, y0, t, *args, func=func, options=options)
