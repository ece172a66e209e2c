"""``convolve``: one primitive, the full N-d convolution; the modes ``'valid'`` and
``'same'`` are slices of it. Its derivatives are full convolutions again (with the other
operand flipped, then sliced), so it differentiates to any order.

Leading batch axes of a cotangent or tangent ride along as extra leading axes of
length-1 kernels: a full convolution with a length-1 axis leaves that axis as it is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.signal as ss

from funcgrad import _backend, _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy._util import data, shape


def _convolve_impl(in1: Any, in2: Any, method: str) -> Any:
    dtype = np.result_type(*[x.dtype if hasattr(x, "dtype") else np.result_type(x) for x in (in1, in2)])
    if type(in1) is np.ndarray and type(in2) is np.ndarray:
        return np.asarray(ss.convolve(in1, in2, mode="full", method=method)).astype(dtype, copy=False)
    duck = in1 if _backend.is_duck(in1) else in2
    convolve_ = _backend.function(duck, ss.convolve, "scipy.signal.convolve", "funcgrad.scipy.signal.convolve")
    out = convolve_(in1, in2, mode="full", method=method)
    return (out if _backend.is_duck(out) else np.asarray(out)).astype(dtype, copy=False)


def _lifted(x: Value, batch: int) -> Value:
    """``x`` with ``batch`` leading axes of length 1."""
    return ops.reshape(x, (1,) * batch + x.shape) if batch else x


def _flipped(x: Value) -> Value:
    return bind(ops.getitem_p, x, index=(slice(None, None, -1),) * x.ndim)


def _convolve_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    # d/din1 = correlate(g, in2, 'valid'): a full convolution with in2 flipped, sliced to
    # in1's shape starting at len(in2) - 1 on each axis (and symmetrically for in2).
    other = xs[1 - i]
    mine = np.shape(data(xs[i]))
    k = np.shape(data(other))
    batch = c.ndim - len(mine)
    full = bind(convolve_p, c, _lifted(_flipped(other), batch), method=p["method"])  # type: ignore[arg-type]  # array or Tensor
    index = (Ellipsis,) + tuple(slice(m - 1, m - 1 + n) for m, n in zip(k, mine))
    return bind(ops.getitem_p, full, index=index)


def _convolve_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    batch = c.ndim - np.ndim(data(xs[i]))
    other = _lifted(xs[1 - i], batch)  # type: ignore[arg-type]  # array or Tensor
    pair = (c, other) if i == 0 else (other, c)
    return bind(convolve_p, *pair, method=p["method"])


convolve_p = Primitive("convolve", _convolve_impl, vjp=_convolve_vjp, jvp=_convolve_jvp)


def _window(mode: str, s1: tuple[int, ...], s2: tuple[int, ...]) -> tuple[slice, ...]:
    """Where the ``mode`` output sits in the full convolution, as SciPy places it."""
    if mode == "full":
        return tuple(slice(None) for _ in s1)
    if mode == "same":  # centred, in1's shape
        return tuple(slice((a + b - 1 - a) // 2, (a + b - 1 - a) // 2 + a) for a, b in zip(s1, s2))
    if mode == "valid":
        if not (all(a >= b for a, b in zip(s1, s2)) or all(b >= a for a, b in zip(s1, s2))):
            raise ValueError(
                f"convolve: for mode='valid' one input must be at least as large as the other on every axis, got {s1} and {s2}"
            )
        return tuple(slice(min(a, b) - 1, max(a, b)) for a, b in zip(s1, s2))
    raise ValueError(f"convolve: mode must be 'full', 'valid' or 'same', got {mode!r}")


def convolve(in1: TensorLike, in2: TensorLike, mode: str = "full", method: str = "auto") -> Tensor:
    """The N-d convolution of ``in1`` and ``in2`` (of the same number of axes), as
    ``scipy.signal.convolve``: ``mode`` ``'full'``, ``'valid'`` or ``'same'``.

    It is bilinear: d/din1 is the correlation of g with in2 (a full convolution with in2
    flipped, sliced), and symmetrically d/din2 (JVP: rule).

    >>> convolve(Tensor([1.0, 2.0]), Tensor([1.0, 1.0]))
    Tensor([1., 3., 2.], op=convolve)
    >>> convolve(Tensor([1.0, 2.0, 3.0]), Tensor([1.0, 1.0]), mode="valid")
    Tensor([3., 5.], op=getitem)
    """
    s1, s2 = shape(in1), shape(in2)
    if len(s1) != len(s2):
        raise ValueError(f"convolve: in1 and in2 must have the same number of axes, got shapes {s1} and {s2}")
    if 0 in s1 or 0 in s2:
        raise ValueError(f"convolve: empty input (shapes {s1} and {s2})")
    if method not in ("auto", "direct", "fft"):
        raise ValueError(f"convolve: method must be 'auto', 'direct' or 'fft', got {method!r}")
    window = _window(mode, s1, s2)
    full = apply(convolve_p, in1, in2, method=method)
    if mode == "full":
        return full
    return apply(ops.getitem_p, full, index=window)
