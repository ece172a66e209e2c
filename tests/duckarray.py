"""``Strict``: a stand-in for an accelerator array library (CuPy) that runs anywhere.

It speaks NumPy's dispatch protocols over a private NumPy array and, like CuPy, offers
no way back into NumPy but an explicit ``.get()``: ``np.asarray`` on it raises, and a
NumPy array operand (other than a number or an index) raises too. A funcgrad op that
silently converts its data, or makes a NumPy array where it should make one of the
data's library, fails on it as it would on a GPU, so the backend tests can check every
op's implementation and rules on a machine without one.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np
import numpy.lib.mixins


class StrictConversion(TypeError):
    pass


def _unwrap(value: Any, where: str) -> Any:
    if isinstance(value, Strict):
        return value._array
    if isinstance(value, np.ndarray) and value.ndim > 0:
        raise StrictConversion(f"Strict: {where} got a NumPy array of shape {value.shape}; host arrays are not allowed")
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v, where) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v, where) for k, v in value.items()}
    return value


def _wrap(value: Any) -> Any:
    if isinstance(value, (np.ndarray, np.generic)) and not isinstance(value, np.dtype):
        return Strict(np.asarray(value), _own=True)
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _index(item: Any) -> Any:
    """Indices may be NumPy integer or boolean arrays (CuPy takes them too)."""
    if isinstance(item, tuple):
        return tuple(_index(i) for i in item)
    return item._array if isinstance(item, Strict) else item


#: NEP 35's functions with ``like=``: NumPy calls them on the host data for the library.
_CREATION = {np.array, np.asarray, np.asanyarray, np.ascontiguousarray, np.arange, np.empty, np.eye, np.identity, np.full, np.ones, np.zeros, np.tri}


def _known(value: Any) -> bool:
    return isinstance(value, (Strict, np.ndarray, np.generic, int, float, bool, tuple, list, slice, type(None)))


class Strict(numpy.lib.mixins.NDArrayOperatorsMixin):
    __slots__ = ("_array",)

    def __init__(self, array: Any, _own: bool = False) -> None:
        self._array = array if _own else np.array(array)

    # what an array is
    shape = property(lambda self: self._array.shape)
    dtype = property(lambda self: self._array.dtype)
    ndim = property(lambda self: self._array.ndim)
    size = property(lambda self: self._array.size)
    T = property(lambda self: Strict(self._array.T, _own=True))

    def get(self) -> np.ndarray:
        """The data as a NumPy array: the one way out, as CuPy's ``.get()``."""
        return self._array.copy()

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise StrictConversion("Strict: implicit conversion to a NumPy array is not allowed; use .get()")

    def __repr__(self) -> str:
        return f"Strict({self._array!r})"

    def __len__(self) -> int:
        return len(self._array)

    def __bool__(self) -> bool:
        return bool(self._array)

    def __float__(self) -> float:
        return float(self._array)

    def __int__(self) -> int:
        return int(self._array)

    def __getitem__(self, index: Any) -> Any:
        return _wrap(self._array[_index(index)])

    def __setitem__(self, index: Any, value: Any) -> None:
        self._array[_index(index)] = _unwrap(value, "__setitem__")

    def __getattr__(self, attribute: str) -> Any:
        # ndarray's methods (reshape, astype, sum, copy, ...), results wrapped again; not
        # its protocols (__array_interface__ would let np.asarray copy the data to the
        # host silently) nor its buffer (.data), which CuPy's arrays do not offer either
        if attribute.startswith("__") or attribute in ("data", "ctypes"):
            raise AttributeError(f"Strict has no attribute {attribute!r} (a host view of the data)")
        method = getattr(self._array, attribute)
        if not callable(method):
            return _wrap(method)
        return lambda *args, **kwargs: _wrap(method(*_unwrap(args, attribute), **_unwrap(kwargs, attribute)))

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if not all(_known(x) for x in inputs):  # a funcgrad Tensor answers for itself (NEP 13)
            return NotImplemented
        where = f"numpy.{ufunc.__name__}.{method}"
        if method == "at":  # (array, index, values): the index may be a NumPy array
            target, index, *rest = inputs
            getattr(ufunc, method)(_unwrap(target, where), _index(index), *_unwrap(tuple(rest), where))
            return None
        if "out" in kwargs:
            kwargs["out"] = tuple(_unwrap(o, where) for o in kwargs["out"])
        return _wrap(getattr(ufunc, method)(*_unwrap(inputs, where), **_unwrap(kwargs, where)))

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if not all(issubclass(t, (Strict, np.ndarray)) for t in types):
            return NotImplemented
        where = f"numpy.{func.__name__}"
        if func in _CREATION:  # np.asarray(host, like=strict): the explicit transfer, as cupy.asarray
            return _wrap(func(*_index(args), **kwargs))
        return _wrap(func(*_unwrap(args, where), **_unwrap(kwargs, where)))


def _linalg_function(function: Any) -> Any:
    def strict(*args: Any, **kwargs: Any) -> Any:
        where = f"numpy.linalg.{function.__name__}"
        return _wrap(function(*_unwrap(args, where), **_unwrap(kwargs, where)))

    strict.__name__ = strict.__qualname__ = function.__name__
    return strict


#: ``duckarray.linalg``, as ``cupy.linalg``: the library's own linear algebra (NumPy's,
#: on the private arrays), which ``funcgrad._backend.function`` finds by its path.
linalg = types.ModuleType(f"{__name__}.linalg", "Strict's linear algebra, as cupy.linalg")
for _name in ("cholesky", "det", "eigh", "eigvalsh", "inv", "lstsq", "matrix_power", "norm", "pinv", "qr", "slogdet", "solve", "svd"):
    setattr(linalg, _name, _linalg_function(getattr(np.linalg, _name)))
sys.modules[linalg.__name__] = linalg


# --- the library's SciPy, as CuPy keeps it in ``cupyx.scipy`` -----------------------------
# SciPy's functions do not dispatch, so funcgrad looks them up in the data's library
# (``funcgrad._backend.function``: ``duckarray.scipy.special.erf`` here, as
# ``cupyx.scipy.special.erf`` for CuPy). Each module holds SciPy's function, taking and
# giving Strict arrays, for the names CuPy's module has (CuPy 13: ``cupyx.scipy.special``
# has no ``iv``, ``ive`` or ``jv``; ``cupyx.scipy.linalg`` no ``sqrtm``,
# ``solve_sylvester`` or ``solve_banded``), so a row CuPy cannot run fails here too.
def _on_host(fn: Any, where: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return _wrap(fn(*_unwrap(args, where), **_unwrap(kwargs, where)))

    call.__name__ = call.__qualname__ = getattr(fn, "__name__", where)
    return call


def _submodule(path: str, source: Any, names: tuple[str, ...]) -> Any:
    import sys
    import types

    module = types.ModuleType(f"{__name__}.{path}", f"Strict's {path}: {source.__name__}'s functions, on Strict arrays")
    for attribute in names:
        setattr(module, attribute, _on_host(getattr(source, attribute), f"{path}.{attribute}"))
    sys.modules[module.__name__] = module
    return module


def _scipy_namespace() -> None:
    import scipy.linalg
    import scipy.signal
    import scipy.special

    # the functions funcgrad's scipy rows use that CuPy (13) provides too
    special = ("beta", "betainc", "betaln", "digamma", "erf", "erfc", "erfcinv", "erfinv", "expit", "gamma",
               "gammainc", "gammaincc", "gammaln", "gammasgn", "i0", "i1", "j0", "j1", "log_ndtr", "logit",
               "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "rgamma", "xlog1py", "xlogy", "y0", "y1", "yn", "zeta")
    _submodule("scipy.special", scipy.special, special)
    _submodule("scipy.linalg", scipy.linalg, ("solve_triangular", "expm"))
    _submodule("scipy.signal", scipy.signal, ("convolve",))
    _submodule("scipy", scipy, ())


_scipy_namespace()
