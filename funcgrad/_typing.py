"""Type aliases shared by every layer. Nothing here runs at import beyond aliases."""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np
import numpy.typing as npt

#: The data a Tensor holds and every gradient funcgrad returns: a real float array.
Array = npt.NDArray[np.floating[Any]]

#: What may stand where an array goes. Unlike ``numpy.typing.ArrayLike`` it leaves out
#: ``str`` and ``bytes``, so that passing a string where an array goes is a type error.
ArrayLike = Union[
    "np.ndarray[Any, Any]",
    np.generic,
    float,
    int,
    bool,
    Sequence["ArrayLike"],
]

#: What comparisons of Tensors return: they are not differentiable.
BoolArray = npt.NDArray[np.bool_]
