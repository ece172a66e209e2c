"""``array`` and ``asarray``: a (nested) sequence of Tensors, arrays and numbers as one
differentiable Tensor, the way NumPy builds one array from it."""

from __future__ import annotations

from typing import Any

import numpy as np

from funcgrad import _backend
from funcgrad._dtypes import to_array
from funcgrad._tensor import Tensor, make_node
from funcgrad.numpy._util import tensor


def _holds_duck(sequence: Any) -> bool:
    """Whether a (nested) list or tuple holds another library's array (a cheap type test
    for the numbers and Tensors a long list is made of)."""
    stack = [sequence]
    while stack:
        for v in stack.pop():
            kind = type(v)
            if kind is list or kind is tuple:
                stack.append(v)
            elif kind is not float and kind is not int and kind is not Tensor and _backend.is_duck(v):
                return True
    return False


def _lifted(value: Any) -> Any:
    """``value`` with each duck array (Dask, CuPy) in it a constant Tensor, so that the
    sequence is stacked in that library (NumPy would read such entries into host memory)."""
    if type(value) in (list, tuple):
        return [_lifted(v) for v in value]
    if _backend.is_duck(value):
        return make_node(to_array(value, "array: object", copy=False))
    return value


def array(object: Any, dtype: Any = None) -> Tensor:
    """``object`` as one Tensor: a list or tuple holding Tensors is stacked (as NumPy
    stacks the entries of a nested list), so every entry keeps its derivative. d/d(entry)
    is the identity on that entry's slot (JVP: rule).

    A Tensor is returned as it is; arrays and numbers become a constant Tensor (integer
    and bool data as float64, as ``Tensor()`` does). ``dtype`` may be a float dtype.
    Another library's arrays (Dask, CuPy) in the sequence are stacked in that library.

    >>> import numpy as np
    >>> from funcgrad import grad
    >>> grad(lambda a: array([a[0] * a[1], a[1]]).sum(), argnums=0)(np.array([2.0, 3.0]))
    array([3., 3.])
    """
    if type(object) in (list, tuple) and _holds_duck(object):
        object = _lifted(object)
    result = tensor(object, "array", "object")
    if dtype is None or np.dtype(dtype) == result.dtype:
        return result
    target = np.dtype(dtype)
    if target.kind != "f":
        raise TypeError(
            f"array(dtype={target}): a Tensor holds float data (astype converts between float "
            "dtypes only); for an integer or boolean constant use numpy.array(...)"
        )
    converted: Tensor = result.astype(target)
    return converted


def asarray(a: Any, dtype: Any = None) -> Tensor:
    """The same as :func:`array`: a Tensor is immutable, so NumPy's copy-or-not
    distinction does not arise. d/d(entry) is the identity on its slot (JVP: rule).

    >>> asarray([1.0, Tensor(2.0)])
    Tensor([1., 2.], op=stack_rows)
    """
    return array(a, dtype)



