"""The one place that decides which arrays funcgrad accepts and in which dtype."""

from __future__ import annotations

from typing import Any

import numpy as np

from funcgrad._typing import Array


def to_array(value: Any, name: str, *, copy: bool) -> Array:
    """Convert ``value`` to a read-only real float array, or raise naming ``name``.

    Integer and bool input becomes float64 (the tutorial's ``np.array([2])``); float32
    and float64 keep their dtype. Complex, object and string input is refused, because a
    gradient of it would be silently wrong (complex) or meaningless (the rest).
    ``copy=False`` returns a read-only *view* where no conversion is needed, so the
    caller's array keeps its own flags.
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged lists, unconvertible objects
        raise TypeError(f"{name}: cannot be read as a numeric array ({error})") from None
    kind = array.dtype.kind
    if kind == "f":
        array = np.array(array, copy=True) if copy else array.view()
    elif kind in "iub":
        array = array.astype(np.float64)
    else:
        raise TypeError(
            f"{name}: expected real numbers (float, int or bool), got dtype {array.dtype}"
            f" from {type(value).__name__}; funcgrad differentiates real arrays only"
        )
    array.flags.writeable = False
    return array
