"""The one place that decides which arrays funcgrad accepts, in which dtype, and when
an array must be copied so that nothing the caller does later can change it."""

from __future__ import annotations

from typing import Any

import numpy as np

from funcgrad import _backend
from funcgrad._typing import Array


def writable_by_caller(array: Array) -> bool:
    """Whether someone holding ``array`` (or the array it views) can still change it.

    A read-only array that owns its data, or a view of such an array (NumPy collapses
    view chains to the owner), cannot be written through: every array funcgrad makes is
    one. Anything else may change under us and is copied when it must be kept, as is
    every duck array (Dask, CuPy): those have no read-only flag to trust.
    """
    if not isinstance(array, np.ndarray):
        return True
    if array.flags.writeable:
        return True
    base = array.base
    return base is not None and (type(base) is not np.ndarray or base.flags.writeable)


def snapshot(array: Array) -> Array:
    """``array`` fixed as it is now: itself when nobody can write it, else a read-only copy."""
    if writable_by_caller(array):
        if not isinstance(array, np.ndarray):
            return _backend.copy(array)
        array = array.copy()
        array.flags.writeable = False
    return array


def check_kind(array: Array, value: Any, name: str) -> None:
    """Refuse complex, object and string data, naming ``name``."""
    if array.dtype.kind not in "fiub":
        raise TypeError(
            f"{name}: expected real numbers (float, int or bool), got dtype {array.dtype}"
            f" from {type(value).__name__}; funcgrad differentiates real arrays only"
        )


def as_numeric(value: Any, name: str) -> Array:
    """``np.asarray(value)``, refusing what is not a real numeric array, naming ``name``.

    A duck array (Dask, CuPy) stays what it is: converting it would compute a Dask graph
    into memory, or copy a GPU array to the host, without anyone asking."""
    if _backend.is_duck(value):
        check_kind(value, value, name)
        return value  # type: ignore[no-any-return]  # a duck array stands for an ndarray
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged lists, unconvertible objects
        raise TypeError(f"{name}: cannot be read as a numeric array ({error})") from None
    check_kind(array, value, name)
    return array


def to_array(value: Any, name: str, *, copy: bool) -> Array:
    """Convert ``value`` to a read-only real float array, or raise naming ``name``.

    Integer and bool input becomes float64 (the tutorial's ``np.array([2])``); float32
    and float64 keep their dtype. Complex, object and string input is refused, because a
    gradient of it would be silently wrong (complex) or meaningless (the rest).
    ``copy=True`` always copies; ``copy=False`` copies only what the caller could still
    write (``snapshot``), and never changes the caller's array or its flags.
    """
    array = as_numeric(value, name)
    if not isinstance(array, np.ndarray):  # a duck array: a copy or a cast, never a flag
        return _backend.copy(array) if array.dtype.kind == "f" else array.astype(np.float64)
    if array.dtype.kind == "f":
        if copy:
            array = np.array(array, copy=True)
        elif writable_by_caller(array):
            array = array.copy()
        else:
            return array
    else:
        array = array.astype(np.float64)
    array.flags.writeable = False
    return array
