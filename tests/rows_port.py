"""Rows for what porting autograd programs needed: ``meshgrid``."""

from __future__ import annotations

from typing import Any

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import Tensor
from test_ops_table import Row


def _t(x: Any) -> Any:
    """A Tensor: meshgrid gives plain arrays unless a vector is one."""
    return x if isinstance(x, Tensor) else Tensor(x)


def _grid(k: int) -> tuple[Row, ...]:
    """Grid ``k`` of meshgrid (a tuple of grids), over 2 and 3 vectors, both indexings."""
    kwargs = ({}, {"indexing": "ij"}, {"sparse": True}, {"indexing": "ij", "sparse": True})
    return (
        Row("meshgrid", lambda a, b, **kw: fnp.meshgrid(_t(a), b, **kw)[k], lambda a, b, **kw: np.meshgrid(a, b, **kw)[k], (((3,), (2,)), ((), (4,))), kwargs=kwargs),
        Row("meshgrid", lambda a, b, c, **kw: fnp.meshgrid(a, _t(b), c, **kw)[k], lambda a, b, c, **kw: np.meshgrid(a, b, c, **kw)[k], (((2,), (3,), (4,)),), kwargs=kwargs),
    )


ROWS = (*_grid(0), *_grid(1), Row("meshgrid", lambda a: fnp.meshgrid(_t(a))[0], lambda a: np.meshgrid(a)[0], (((3,),),)))
