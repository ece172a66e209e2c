"""Which array library holds the data: decided by the data, never by a setting.

A Tensor holds a NumPy array, or the array of any library that speaks NumPy's dispatch
protocols (``__array_ufunc__`` and ``__array_function__``): a Dask array, a CuPy array.
Such a *duck array* is kept as it is through every op and rule, because the rules are
written with NumPy's functions and those dispatch to the data's own library. This module
is the one place that tells the kinds apart, names them, and refuses to mix them.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Iterable, Optional, cast

import numpy as np

from funcgrad._typing import Array


def is_duck(value: Any) -> bool:
    """Whether ``value`` is another library's array, kept as it is (not a NumPy array,
    scalar or a funcgrad node, which also speaks the protocols)."""
    kind = type(value)
    return kind is not np.ndarray and is_duck_type(kind) and hasattr(value, "dtype") and hasattr(value, "shape")


def is_duck_type(kind: type) -> bool:
    """Whether arrays of class ``kind`` are duck arrays."""
    return (
        not issubclass(kind, (np.ndarray, np.generic))
        and hasattr(kind, "__array_function__")
        and hasattr(kind, "__array_ufunc__")
        and not getattr(kind, "__funcgrad_node__", False)
    )


def name(value: Any) -> str:
    """The library an array belongs to: ``"numpy"``, ``"dask"``, ``"cupy"``, ..."""
    if isinstance(value, (float, int)):
        return "numpy"
    return name_of_type(type(value))


def name_of_type(kind: type) -> str:
    """The library arrays of class ``kind`` belong to."""
    return "numpy" if issubclass(kind, (np.ndarray, np.generic)) else kind.__module__.partition(".")[0]


def _describe(value: Any) -> str:
    kind = type(value)
    return f"{name(value)} ({kind.__module__}.{kind.__qualname__})"


def mixed(values: Iterable[Any]) -> Optional[tuple[Any, Any]]:
    """Two arrays of different libraries among ``values``, or None.

    Python numbers and NumPy scalars or 0-d arrays are numbers, which every library
    takes; any other NumPy array next to a duck array is a second backend.
    """
    first: Any = None
    for value in values:
        if isinstance(value, (np.ndarray, np.generic)):
            if np.ndim(value) == 0:
                continue
        elif not is_duck(value):
            continue
        if first is None:
            first = value
        elif type(value) is not type(first) and name(value) != name(first):
            return first, value
    return None


def check_one(where: str, values: Iterable[Any]) -> None:
    """Refuse, naming ``where`` and both libraries, operands of two array libraries."""
    pair = mixed(values)
    if pair is not None:
        raise MixedBackends(where, *pair)


class MixedBackends(TypeError):
    """An op was given arrays of two libraries (NumPy and Dask, Dask and CuPy, ...)."""

    def __init__(self, where: str, first: Any, second: Any) -> None:
        super().__init__(
            f"{where}: operands from two array libraries, {_describe(first)} and {_describe(second)}; "
            "the data chooses the backend and funcgrad never moves data between libraries "
            "silently. Convert one side yourself, e.g. dask.array.from_array(x) or "
            "cupy.asarray(x) to move a NumPy array over, x.compute() or x.get() to bring one back"
        )


def namespace(value: Any) -> ModuleType:
    """The NumPy-like module of ``value``'s library: ``numpy``, ``dask.array``, ``cupy``;
    for another library, the array API namespace its arrays name
    (``__array_namespace__``), else the top-level module of its type."""
    if not is_duck(value):
        return np
    library = name(value)
    if library == "dask":
        return importlib.import_module("dask.array")
    if library != "cupy" and hasattr(value, "__array_namespace__"):
        return value.__array_namespace__()  # type: ignore[no-any-return]  # the array API's module
    return importlib.import_module(library)


def function(value: Any, numpy_function: Any, path: str, where: str) -> Any:
    """``numpy_function`` (whose public path is ``path``: ``"linalg.cholesky"``,
    ``"scipy.special.erf"``) as ``value``'s library provides it, or a TypeError naming
    ``where`` and what the library lacks.

    Ops whose implementation lives in a submodule (``linalg``, ``scipy.special``) look
    their function up here instead of calling NumPy's or SciPy's: ``numpy.linalg``
    forwards to a duck array's library only when that library implements the function
    (Dask otherwise computes the whole array into memory, with a warning), and SciPy's
    functions do not dispatch at all, except its ufuncs on Dask, which maps any ufunc
    over its chunks.
    """
    if not is_duck(value):
        return numpy_function
    library = name(value)
    if library == "dask" and isinstance(numpy_function, np.ufunc):
        return numpy_function
    head, _, rest = path.partition(".")
    if head == "scipy":  # scipy.special.erf -> cupyx.scipy.special.erf
        module_name, attribute = f"{_SCIPY_HOMES.get(library, library)}.scipy.{rest.rpartition('.')[0]}", rest.rpartition(".")[2]
    else:
        module_name = f"{namespace(value).__name__}.{path.rpartition('.')[0]}".rstrip(".")
        attribute = path.rpartition(".")[2]
    try:
        found = getattr(importlib.import_module(module_name), attribute, None)
    except ImportError:
        found = None
    if found is None:
        raise TypeError(
            f"{where}: the {library} backend has no {path} (looked for {module_name}.{attribute}); "
            "docs/backends.md lists what each backend provides. Bring the data into NumPy "
            "on purpose (x.compute() for Dask, x.get() for CuPy) to use this op"
        )
    return found


#: Where a library keeps its SciPy counterparts.
_SCIPY_HOMES = {"cupy": "cupyx"}


# A duck array is typed as the ndarray it stands for: it answers the same calls.
def zeros(like: Any, shape: tuple[int, ...], dtype: Any) -> Array:
    """Zeros of ``shape`` and ``dtype`` in ``like``'s library (NumPy for numbers)."""
    if is_duck(like):
        return cast(Array, np.zeros_like(like, shape=shape, dtype=dtype))
    return np.zeros(shape, dtype=dtype)


def ones(like: Any, shape: tuple[int, ...], dtype: Any) -> Array:
    """Ones of ``shape`` and ``dtype`` in ``like``'s library (NumPy for numbers)."""
    if is_duck(like):
        return cast(Array, np.ones_like(like, shape=shape, dtype=dtype))
    return np.ones(shape, dtype=dtype)


def put(like: Any, array: Any) -> Any:
    """A constant funcgrad made with NumPy (a mask, an identity, an index grid) in
    ``like``'s library, so that it meets ``like``'s data there. (NEP 35's ``like=``:
    each library makes its own array from the NumPy one; a small constant moves once.)"""
    if not is_duck(like):
        return array
    return np.asarray(array, like=like)


def copy(array: Any) -> Any:
    """A duck array no later write to ``array`` can change: its library's copy. (A Dask
    array's copy shares the task graph, which nothing writes: a new handle, not data.)"""
    return array.copy()
