"""Gradient-table rows for the shape, join/split, diagonal, sorting and contraction
families (funcgrad/numpy/_arrange.py, _join.py, _diag.py, _sort.py, _contract.py).

Functions that return lists (the split family, atleast_* of several arrays) get one
row per output, through a lambda that picks it.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

import funcgrad.numpy as fnp
from test_ops_table import Row

SQUARE = (((3, 3),), ((2, 3, 4),))
C1 = np.array([True, False, False])
C2 = np.array([[True], [False]])


def _pick(name: str, op: Callable[..., Any], reference: Callable[..., Any], count: int, shapes: Any, kwargs: Any) -> tuple[Row, ...]:
    """One row per output of a function that returns a list."""
    return tuple(
        Row(name, lambda *xs, _k=k, **kw: op(*xs, **kw)[_k], lambda *xs, _k=k, **kw: reference(*xs, **kw)[_k], shapes, kwargs=kwargs)
        for k in range(count)
    )


def _seq(op: Callable[..., Any]) -> Callable[..., Any]:
    """``op(xs)`` for a function of a sequence, taking the arrays as positional arguments."""
    return lambda *xs, **kw: op(xs, **kw)


ROWS: tuple[Row, ...] = (
    # --- rearrangements
    Row("ravel", fnp.ravel, np.ravel, (((2, 3),), ((),)), kwargs=({}, {"order": "F"})),
    Row("swapaxes", fnp.swapaxes, np.swapaxes, (((2, 3, 1),),), kwargs=({"axis1": 0, "axis2": -1}, {"axis1": 1, "axis2": 1})),
    Row("moveaxis", fnp.moveaxis, np.moveaxis, (((2, 3, 4),),), kwargs=({"source": 0, "destination": -1}, {"source": (0, 1), "destination": (-1, 0)})),
    Row("rollaxis", fnp.rollaxis, np.rollaxis, (((2, 3, 4),),), kwargs=({"axis": 2}, {"axis": 0, "start": 3}, {"axis": -1, "start": 1})),
    Row("flip", fnp.flip, np.flip, (((2, 3),),), kwargs=({}, {"axis": 0}, {"axis": -1}, {"axis": (0, 1)})),
    Row("flip", fnp.flip, np.flip, (((),),)),
    Row("fliplr", fnp.fliplr, np.fliplr, (((2, 3),), ((2, 3, 2),))),
    Row("flipud", fnp.flipud, np.flipud, (((2, 3),), ((3,),))),
    Row("rot90", fnp.rot90, np.rot90, (((2, 3),),), kwargs=({}, {"k": 0}, {"k": 2}, {"k": 3}, {"k": -1})),
    Row("rot90", fnp.rot90, np.rot90, (((2, 3, 2),),), kwargs=({"axes": (0, -1)}, {"k": 3, "axes": (2, 1)})),
    Row("roll", fnp.roll, np.roll, (((2, 3),),), kwargs=({"shift": 1}, {"shift": -2, "axis": 1}, {"shift": (1, 2), "axis": (0, -1)}, {"shift": 1, "axis": (0, 0)})),
    Row("roll", fnp.roll, np.roll, (((),),), kwargs=({"shift": 1},)),
    Row("tile", fnp.tile, np.tile, (((2, 3),), ((),)), kwargs=({"reps": 2}, {"reps": (2, 1)}, {"reps": (2, 1, 2)})),
    Row("repeat", fnp.repeat, np.repeat, (((2, 3),),), kwargs=({"repeats": 2}, {"repeats": 2, "axis": -1}, {"repeats": [1, 0, 2], "axis": 1}, {"repeats": 3, "axis": 0})),
    Row("repeat", fnp.repeat, np.repeat, (((),),), kwargs=({"repeats": 3},)),
    Row(
        "pad",
        fnp.pad,
        np.pad,
        (((2, 3),),),
        kwargs=(
            {"pad_width": 1},
            {"pad_width": ((1, 0), (2, 1)), "constant_values": 1.5},
            {"pad_width": ((0, 2), (3, 1)), "mode": "edge"},
            {"pad_width": ((1, 3), (4, 2)), "mode": "reflect"},
            {"pad_width": ((3, 1), (2, 4)), "mode": "symmetric"},
            {"pad_width": ((2, 5), (1, 4)), "mode": "wrap"},
        ),
    ),
    Row("pad", fnp.pad, np.pad, (((3,),),), kwargs=({"pad_width": (2, 1), "mode": "reflect"}, {"pad_width": 0})),
    Row(
        "pad",
        fnp.pad,
        np.pad,
        (((2, 3),),),
        kwargs=(
            {"pad_width": ((1, 0), (2, 1)), "mode": "maximum"},
            {"pad_width": 1, "mode": "minimum", "stat_length": 2},
            {"pad_width": ((2, 1), (0, 3)), "mode": "mean", "stat_length": ((1, 2), (3, 1))},
            {"pad_width": 2, "mode": "linear_ramp"},
            {"pad_width": ((1, 2), (3, 0)), "mode": "linear_ramp", "end_values": ((1.0, -2.0), (0.5, 3.0))},
        ),
    ),
    Row("pad", fnp.pad, np.pad, (((2, 3, 2),),), kwargs=tuple({"pad_width": ((1, 1), (0, 2), (2, 0)), "mode": m} for m in ("maximum", "mean", "linear_ramp", "wrap"))),
    Row("pad", fnp.pad, np.pad, (((),),), kwargs=({"pad_width": 1}, {"pad_width": 2, "mode": "wrap"})),
    Row("pad", fnp.pad, np.pad, (((2, 3),),), kwargs=({"pad_width": {-1: (1, 2)}, "mode": "symmetric"}, {"pad_width": {0: 1}})),
    # --- joining
    Row("hstack", _seq(fnp.hstack), _seq(np.hstack), (((2, 3), (2, 1)), ((3,), (2,)), ((), ()))),
    Row("vstack", _seq(fnp.vstack), _seq(np.vstack), (((2, 3), (1, 3)), ((3,), (3,)), ((), ()))),
    Row("row_stack", _seq(fnp.row_stack), _seq(np.vstack), (((2, 3), (1, 3)), ((3,), (3,)))),
    Row("dstack", _seq(fnp.dstack), _seq(np.dstack), (((2, 3), (2, 3)), ((3,), (3,)), ((2, 3, 1), (2, 3, 2)), ((), ()))),
    Row("column_stack", _seq(fnp.column_stack), _seq(np.column_stack), (((3,), (3, 2)), ((3,), (3,)), ((), ()))),
    Row("atleast_1d", fnp.atleast_1d, np.atleast_1d, (((),), ((2, 3),))),
    Row("atleast_2d", fnp.atleast_2d, np.atleast_2d, (((),), ((3,),), ((2, 3),))),
    Row("atleast_3d", fnp.atleast_3d, np.atleast_3d, (((),), ((3,),), ((2, 3),), ((2, 3, 1, 2),))),
    *_pick("atleast_1d", fnp.atleast_1d, np.atleast_1d, 2, (((), (2,)),), ({},)),
    *_pick("atleast_2d", fnp.atleast_2d, np.atleast_2d, 2, (((), (2,)),), ({},)),
    *_pick("atleast_3d", fnp.atleast_3d, np.atleast_3d, 2, (((2,), (2, 3)),), ({},)),
    Row("append", fnp.append, np.append, (((2, 3), (1, 3)),), kwargs=({}, {"axis": 0}, {"axis": -2})),
    Row("append", fnp.append, np.append, (((), (2,)),)),
    Row("r_", lambda x, y: fnp.r_[x, 0.5, y], lambda x, y: np.r_[x, 0.5, y], (((2,), (3,)), ((), (2,)))),
    Row("r_", lambda x, y: fnp.r_["-1", x, y], lambda x, y: np.r_["-1", x, y], (((2, 3), (2, 1)),)),
    Row("r_", lambda x, y: fnp.r_["0,2,0", x, y], lambda x, y: np.r_["0,2,0", x, y], (((3,), (2, 1)),)),
    Row("c_", lambda x, y: fnp.c_[x, y], lambda x, y: np.c_[x, y], (((3,), (3,)), ((3, 2), (3,)), ((), (1,)))),
    # --- splitting: one row per output part
    *_pick("split", fnp.split, np.split, 2, (((4, 3),),), ({"indices_or_sections": 2}, {"indices_or_sections": [1, 3], "axis": 0})),
    *_pick("split", fnp.split, np.split, 3, (((2, 6),),), ({"indices_or_sections": 3, "axis": -1}, {"indices_or_sections": [-4, 5], "axis": 1})),
    *_pick("array_split", fnp.array_split, np.array_split, 3, (((5, 2),),), ({"indices_or_sections": 3}, {"indices_or_sections": [2, 2]})),
    *_pick("hsplit", fnp.hsplit, np.hsplit, 2, (((2, 4),), ((4,),)), ({"indices_or_sections": 2},)),
    *_pick("vsplit", fnp.vsplit, np.vsplit, 2, (((4, 2),),), ({"indices_or_sections": [1]},)),
    *_pick("dsplit", fnp.dsplit, np.dsplit, 2, (((1, 2, 4),),), ({"indices_or_sections": 2},)),
    # --- diagonals and triangles
    Row("diag", fnp.diag, np.diag, (((3,),), ((2, 3),)), kwargs=({}, {"k": 1}, {"k": -2})),
    Row("diagonal", fnp.diagonal, np.diagonal, SQUARE, kwargs=({}, {"offset": 1}, {"offset": -1, "axis1": -1, "axis2": 0})),
    Row("trace", fnp.trace, np.trace, SQUARE, kwargs=({}, {"offset": 1}, {"offset": -1, "axis1": -1, "axis2": 0})),
    Row("tril", fnp.tril, np.tril, (((3, 4),), ((2, 3, 3),), ((3,),)), kwargs=({}, {"k": 1}, {"k": -1})),
    Row("triu", fnp.triu, np.triu, (((3, 4),), ((2, 3, 3),), ((3,),)), kwargs=({}, {"k": 1}, {"k": -1})),
    # --- sorting and gathering
    Row("sort", fnp.sort, np.sort, (((2, 3),),), kwargs=({}, {"axis": 0}, {"axis": None}, {"axis": -1, "kind": "quicksort"})),
    Row("sort", fnp.sort, np.sort, (((),),), kwargs=({"axis": None},)),
    Row("msort", fnp.msort, lambda x: np.sort(x, axis=0), (((3, 2),), ((3,),))),
    Row("partition", fnp.partition, np.partition, (((2, 5),),), kwargs=({"kth": 2}, {"kth": (0, 3), "axis": 1}, {"kth": 1, "axis": 0}, {"kth": -1, "axis": None})),
    Row(
        "take_along_axis",
        fnp.take_along_axis,
        np.take_along_axis,
        (((2, 3),),),
        kwargs=(
            {"indices": np.array([[0, 2, 2], [1, 0, 0]]), "axis": 1},
            {"indices": np.array([[1, 0, 1]]), "axis": 0},
            {"indices": np.array([5, 0, 3]), "axis": None},
            {"indices": np.array([[2], [0]]), "axis": -1},
        ),
    ),
    Row("take_along_axis", fnp.take_along_axis, np.take_along_axis, (((),),), kwargs=({"indices": np.array([0, 0]), "axis": None},)),
    Row("select", lambda x, y: fnp.select([C1, C2], [x, y]), lambda x, y: np.select([C1, C2], [x, y]), (((2, 3), (3,)), ((3,), ()))),
    Row("take_along_axis", fnp.take_along_axis, np.take_along_axis, (((),),), kwargs=({"indices": np.array([0, 0]), "axis": None},)),
    Row("select", lambda x, y: fnp.select([C2], [x], default=y), lambda x, y: np.select([C2], [x], default=y), (((2, 3), (3,)),)),
    # --- contractions
    Row("kron", fnp.kron, np.kron, (((2, 3), (2, 2)), ((3,), (2, 2)), ((), (3,)), ((2,), (3,)))),
    Row("tensordot", fnp.tensordot, np.tensordot, (((2, 3), (3, 2)),), kwargs=({"axes": 1}, {"axes": ([1, 0], [0, 1])}, {"axes": 0})),
    Row("tensordot", fnp.tensordot, np.tensordot, (((2, 3, 4), (3, 4, 2)),), kwargs=({}, {"axes": ([-1], [1])})),
    Row("tensordot", fnp.tensordot, np.tensordot, (((), (2,)),), kwargs=({"axes": 0},)),
    Row("inner", fnp.inner, np.inner, (((3,), (3,)), ((2, 3), (4, 3)), ((), (2, 3)))),
    Row("vdot", fnp.vdot, np.vdot, (((2, 3), (6,)), ((3,), (3,)), ((), ()))),
    Row("cross", fnp.cross, np.cross, (((3,), (3,)), ((2, 3), (3,)), ((2, 1, 3), (4, 3)))),
    Row("cross", fnp.cross, np.cross, (((3, 2), (3, 1)),), kwargs=({"axis": 0}, {"axisa": 0, "axisb": 0, "axisc": 0})),
    Row("cross", fnp.cross, np.cross, (((3, 2), (2, 3)),), kwargs=({"axisa": 0}, {"axisa": 0, "axisc": 0})),
    Row("einsum", lambda x, y: fnp.einsum(x, [0, 1], y, [1, 2], [0, 2]), lambda x, y: np.einsum(x, [0, 1], y, [1, 2], [0, 2]), (((2, 3), (3, 2)),)),
    Row("einsum", lambda x: fnp.einsum(x, [0, 0]), lambda x: np.einsum(x, [0, 0]), (((3, 3),),)),
    Row("einsum", lambda x, y: fnp.einsum(x, [], y, [0]), lambda x, y: np.einsum(x, [], y, [0]), (((), (2,)),)),
    Row("einsum", lambda x, y: fnp.einsum(x, [27, 0], y, [0, 3]), lambda x, y: np.einsum(x, [27, 0], y, [0, 3]), (((2, 3), (3, 2)),)),
    Row(
        "einsum",
        lambda x, y: fnp.einsum(x, [Ellipsis, 0, 1], y, [Ellipsis, 1], [Ellipsis, 0]),
        lambda x, y: np.einsum(x, [Ellipsis, 0, 1], y, [Ellipsis, 1], [Ellipsis, 0]),
        (((2, 2, 3), (3,)), ((2, 3), (2, 1, 3))),
    ),
)
