"""What the distributions share: logs of parameters that keep a Python scalar a Python
scalar (so a float32 argument stays float32), and values restricted to a support
without a NaN leaking into the gradient from outside it."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import _backend, _core_ops as ops
from funcgrad._core_ops import nowhere
from funcgrad._tensor import Primitive, Tensor, TensorLike, apply
from funcgrad.numpy._util import data
from funcgrad.scipy._elementwise import Row, primitive

LOG_2PI = math.log(2.0 * math.pi)


def log(v: Any) -> Any:
    """``log(v)``: a Python number for a Python number (no float64 array appears)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return math.log(v)
    return fnp.log(v)


def standardize(x: TensorLike, loc: Any, scale: Any) -> Tensor:
    return fnp.divide(fnp.subtract(x, loc), scale)


def on_support(inside: Any, z: Tensor, fn: Callable[[Tensor], Tensor], outside: float) -> Tensor:
    """``fn(z)`` where ``inside`` (a boolean array, data) holds and ``outside`` elsewhere.

    ``fn`` sees a safe value (1/2) outside, so no NaN or inf from beyond the support
    reaches the gradient through ``where`` (the trap a plain where would fall into)."""
    if nowhere(np.logical_not(inside)):  # NumPy data all on the support (duck data: guarded)
        return fn(z)
    # where_p itself: ``inside`` is already a boolean array of the data's library
    safe = apply(ops.where_p, inside, z, 0.5)
    return apply(ops.where_p, inside, fn(safe), outside)


def discrete(name: str, argument: str) -> Primitive:
    """The identity on a discrete argument (a count): no derivative, and asking for one
    raises NotImplementedError naming ``name`` and ``argument``."""
    row = Row(name, lambda k: k if _backend.is_duck(k) else np.asarray(k), (argument,), (None,), "", "", "", "")
    return primitive(row)


def constant_count(prim: Primitive, k: TensorLike) -> Tensor:
    return apply(prim, k)


def is_integer(k: Any) -> Any:
    kd = data(k)
    return np.equal(np.floor(kd), kd)


def broadcast_with(value: Tensor, *unused: Any) -> Tensor:
    """``value`` broadcast to the shape it has with arguments it does not depend on
    (``loc`` of an entropy): SciPy's result shape; their gradient is zeros."""
    target = np.broadcast_shapes(value.shape, *(np.shape(data(u)) for u in unused))
    return value if target == value.shape else fnp.broadcast_to(value, target)


def times(v: Any, factor: float) -> Any:
    """``v * factor``: a Python number for a Python number (no float64 array appears)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v * factor
    return fnp.multiply(v, factor)


def like(reference: Any, *values: Any) -> tuple[Any, ...]:
    """``values`` with each Python number made an array of the float dtype of the arrays
    among ``reference`` and ``values``:
    a Python scalar parameter (``df=3.0``) must not turn float32 data into float64."""
    arrays = [data(v) for v in (reference, *values) if isinstance(v, (Tensor, np.ndarray, np.generic)) or _backend.is_duck(v)]
    dtype = np.result_type(*[a.dtype for a in arrays]) if arrays else np.dtype(np.float64)
    if dtype.kind != "f":
        dtype = np.dtype(np.float64)
    return tuple(
        np.asarray(v, dtype=dtype) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in values
    )
