"""Type aliases shared by every layer. Nothing here runs at import beyond aliases."""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np
import numpy.typing as npt

#: The data a Tensor holds and every gradient funcgrad returns: a real float array.
Array = npt.NDArray[np.floating[Any]]

#: What may stand where an array goes. Unlike ``numpy.typing.ArrayLike`` it leaves out
#: ``str`` and ``bytes``, so that passing a string where an array goes is a type error.
#: Nested sequences are spelled out to a fixed depth because a recursive
#: ``Sequence["ArrayLike"]`` admits ``str`` (a str is a Sequence of str, all the way down).
_Scalar = Union[np.generic, float, int, bool]
ArrayLike = Union[
    "np.ndarray[Any, Any]",
    _Scalar,
    Sequence[Union[_Scalar, "np.ndarray[Any, Any]"]],
    Sequence[Sequence[_Scalar]],
    Sequence[Sequence[Sequence[_Scalar]]],
    Sequence[Sequence[Sequence[Sequence[_Scalar]]]],
]

#: Integer answers about data (argmax, argsort): plain arrays.
IntArray = npt.NDArray[np.intp]

#: What comparisons of Tensors return: they are not differentiable.
BoolArray = npt.NDArray[np.bool_]

#: An integer or boolean dtype as ``astype`` takes it (``int``, ``np.int32``, ``np.dtype(bool)``).
IntegerDType = Union[
    "type[int]", "type[bool]", "type[np.integer[Any]]", "type[np.bool_]", "np.dtype[np.integer[Any]]", "np.dtype[np.bool_]"
]
