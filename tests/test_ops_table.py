"""The gradient table: one row per exported op, checked by one parametrised test.

Each row names the op, the NumPy reference for its value, groups of argument shapes
(broadcasting both ways and 0-d where the op allows), the domain where it is smooth, a
grid of keyword arguments, the derivative order and, when needed, its own tolerance.
``test_op_matches_numpy_and_finite_differences`` checks the value, shape and dtype
against NumPy and every derivative up to ``order`` with ``check_grads`` (reverse and
forward mode against float64 finite differences), for float32 and float64 inputs.
"""

from __future__ import annotations

import dataclasses
import importlib
import pathlib
from typing import Any, Callable, Optional

import numpy as np
import pytest

import funcgrad.nn as nn
import funcgrad.numpy as fnp
from funcgrad import Tensor
from funcgrad._graph import pullback, pushforward, walk
from funcgrad.testing import check_grads

Shapes = tuple[tuple[int, ...], ...]


@dataclasses.dataclass(frozen=True)
class Row:
    name: str  # as exported: "sum", "linalg.det", "nn.softmax"
    op: Callable[..., Any]
    reference: Callable[..., Any]  # NumPy's value, computed independently of funcgrad
    shapes: tuple[Shapes, ...]
    domain: tuple[float, float] = (-2.0, 2.0)
    signed: bool = False  # values are +-domain: keeps away from a kink at 0
    kwargs: tuple[dict[str, Any], ...] = ({},)
    order: int = 2
    rtol32: Optional[float] = None  # a looser float32 tolerance where rounding needs it
    make: Optional[Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]] = None


def _well_conditioned(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random matrices with a dominant diagonal: condition numbers near 1."""
    n = shape[-1]
    return rng.uniform(-1.0, 1.0, shape) / n + np.eye(n) * rng.uniform(1.0, 2.0, shape[:-2] + (1, n))


def _naive_logsumexp(x: np.ndarray, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


def _naive_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)


ELEMENTWISE: tuple[Shapes, ...] = (((2, 3),), ((),))
BROADCAST: tuple[Shapes, ...] = (((2, 3), (3,)), ((3,), (2, 3)), ((), (2, 1)), ((2, 1), (1, 3)))
REDUCE: tuple[Shapes, ...] = (((2, 3),), ((2, 1, 3),))
AXES = tuple({"axis": a, "keepdims": k} for a in (None, 0, -1, (0, 1)) for k in (False, True))
CONDITION = np.array([True, False, True])

ROWS = (
    # --- arithmetic
    Row("add", fnp.add, np.add, BROADCAST),
    Row("subtract", fnp.subtract, np.subtract, BROADCAST),
    Row("multiply", fnp.multiply, np.multiply, BROADCAST),
    Row("divide", fnp.divide, np.divide, BROADCAST, domain=(0.5, 2.0), signed=True),
    Row("negative", fnp.negative, np.negative, ELEMENTWISE),
    Row("power", fnp.power, np.power, BROADCAST, domain=(0.5, 2.0)),
    Row("square", fnp.square, np.square, ELEMENTWISE),
    Row("reciprocal", fnp.reciprocal, np.reciprocal, ELEMENTWISE, domain=(0.5, 2.0), signed=True),
    # --- elementwise functions
    Row("exp", fnp.exp, np.exp, ELEMENTWISE),
    Row("log", fnp.log, np.log, ELEMENTWISE, domain=(0.3, 3.0)),
    Row("log1p", fnp.log1p, np.log1p, ELEMENTWISE, domain=(-0.5, 2.0)),
    Row("expm1", fnp.expm1, np.expm1, ELEMENTWISE),
    Row("sqrt", fnp.sqrt, np.sqrt, ELEMENTWISE, domain=(0.3, 3.0)),
    Row("sin", fnp.sin, np.sin, ELEMENTWISE),
    Row("cos", fnp.cos, np.cos, ELEMENTWISE),
    Row("tan", fnp.tan, np.tan, ELEMENTWISE, domain=(-1.2, 1.2)),
    Row("tanh", fnp.tanh, np.tanh, ELEMENTWISE),
    Row("arctan", fnp.arctan, np.arctan, ELEMENTWISE),
    Row("abs", fnp.abs, np.abs, ELEMENTWISE, domain=(0.2, 2.0), signed=True),
    Row("sign", fnp.sign, np.sign, ELEMENTWISE, domain=(0.2, 2.0), signed=True),
    Row("maximum", fnp.maximum, np.maximum, BROADCAST),
    Row("minimum", fnp.minimum, np.minimum, BROADCAST),
    Row("clip", fnp.clip, np.clip, (((2, 3), (), ()), ((3,), (2, 1), (3,))), domain=(-3.0, 3.0)),
    Row(
        "where",
        lambda x, y: fnp.where(CONDITION, x, y),
        lambda x, y: np.where(CONDITION, x, y),
        (((2, 3), (3,)), ((), (2, 1)), ((3,), ())),
    ),
    # --- reductions
    Row("sum", fnp.sum, np.sum, REDUCE, kwargs=AXES),
    Row("mean", fnp.mean, np.mean, REDUCE, kwargs=AXES),
    Row("prod", fnp.prod, np.prod, REDUCE, domain=(0.5, 1.5), signed=True, kwargs=AXES),
    Row("max", fnp.max, np.max, REDUCE, kwargs=AXES),
    Row("min", fnp.min, np.min, REDUCE, kwargs=AXES),
    Row("var", fnp.var, np.var, REDUCE, kwargs=tuple({**k, "ddof": d} for k in AXES[::3] for d in (0, 1))),
    Row("std", fnp.std, np.std, REDUCE, kwargs=tuple({**k, "ddof": d} for k in AXES[::3] for d in (0, 1))),
    Row("cumsum", fnp.cumsum, np.cumsum, REDUCE, kwargs=({"axis": None}, {"axis": 0}, {"axis": -1})),
    Row("sum", fnp.sum, np.sum, (((),),)),  # 0-d reductions
    # --- contractions
    Row("matmul", fnp.matmul, np.matmul, (((2, 3), (3, 2)), ((3,), (3,)), ((3,), (2, 3, 2)), ((2, 1, 2, 3), (3, 3, 1)), ((2, 3), (3,)))),
    Row("dot", fnp.dot, np.dot, (((2, 3), (3, 2)), ((3,), (3,)), ((), (2, 3)), ((2, 3), (2, 3, 2)), ((3,), (2, 3, 2)))),
    Row("einsum", lambda x: fnp.einsum("ii->", x), lambda x: np.einsum("ii->", x), (((3, 3),),)),
    Row("einsum", lambda x: fnp.einsum("ii->i", x), lambda x: np.einsum("ii->i", x), (((3, 3),),)),
    Row("einsum", lambda x: fnp.einsum("bii->b", x), lambda x: np.einsum("bii->b", x), (((2, 3, 3),),)),
    Row("einsum", lambda x, y: fnp.einsum("ij,jk", x, y), lambda x, y: np.einsum("ij,jk", x, y), (((2, 3), (3, 2)),)),
    Row("einsum", lambda x, y: fnp.einsum("bij,bjk->bik", x, y), lambda x, y: np.einsum("bij,bjk->bik", x, y), (((2, 2, 3), (2, 3, 2)),)),
    Row("einsum", lambda x, y: fnp.einsum("...ij,...j->...i", x, y), lambda x, y: np.einsum("...ij,...j->...i", x, y), (((2, 2, 3), (3,)), ((2, 3), (2, 1, 3)))),
    Row("einsum", lambda x, y: fnp.einsum("ij,k->k", x, y), lambda x, y: np.einsum("ij,k->k", x, y), (((2, 3), (2,)),)),
    Row("einsum", lambda x, y, z: fnp.einsum("i,ij,j->", x, y, z), lambda x, y, z: np.einsum("i,ij,j->", x, y, z), (((2,), (2, 3), (3,)),)),
    Row("einsum", lambda x: fnp.einsum("iij->ji", x), lambda x: np.einsum("iij->ji", x), (((3, 3, 2),),)),
    Row("einsum", lambda x: fnp.einsum("i...j->j...i", x), lambda x: np.einsum("i...j->j...i", x), (((2, 3, 1, 2),), ((2, 3),))),
    Row("einsum", lambda x, y: fnp.einsum("i,j", x, y), lambda x, y: np.einsum("i,j", x, y), (((2,), (3,)),)),
    Row("einsum", lambda x: fnp.einsum("ij->", x), lambda x: np.einsum("ij->", x), (((2, 3),),)),
    Row("outer", fnp.outer, np.outer, (((2,), (3,)), ((2, 2), ()))),
    # --- shapes
    Row("transpose", fnp.transpose, np.transpose, (((2, 3, 1),),), kwargs=({}, {"axes": (1, 0, 2)}, {"axes": (-1, 0, 1)})),
    Row("reshape", fnp.reshape, np.reshape, (((2, 3),),), kwargs=({"shape": (3, 2)}, {"shape": (-1,)}, {"shape": (1, 3, -1)})),
    Row("reshape", fnp.reshape, np.reshape, (((),),), kwargs=({"shape": (1, 1)},)),
    Row("broadcast_to", fnp.broadcast_to, np.broadcast_to, (((3,),), ((2, 1),)), kwargs=({"shape": (2, 2, 3)},)),
    Row("expand_dims", fnp.expand_dims, np.expand_dims, (((2, 3),),), kwargs=({"axis": 0}, {"axis": -1}, {"axis": (0, 2)})),
    Row("squeeze", fnp.squeeze, np.squeeze, (((1, 3, 1),),), kwargs=({}, {"axis": 0}, {"axis": (0, -1)})),
    Row("concatenate", lambda *xs, **k: fnp.concatenate(xs, **k), lambda *xs, **k: np.concatenate(xs, **k), (((2, 1), (2, 3)), ((2, 2), (2, 2), (2, 1))), kwargs=({"axis": 1}, {"axis": -1}, {"axis": None})),
    Row("concatenate", lambda *xs: fnp.concatenate(xs), lambda *xs: np.concatenate(xs), (((1, 3), (2, 3)),)),
    Row("stack", lambda *xs, **k: fnp.stack(xs, **k), lambda *xs, **k: np.stack(xs, **k), (((2, 3), (2, 3)), ((), ())), kwargs=({"axis": 0}, {"axis": -1})),
    Row("take", fnp.take, np.take, (((2, 3),),), kwargs=({"indices": [2, 0, 2], "axis": 1}, {"indices": [[1, 0]], "axis": 0}, {"indices": [5, 0]}, {"indices": 1, "axis": -1})),
    # --- linalg
    Row("linalg.inv", fnp.linalg.inv, np.linalg.inv, (((3, 3),), ((2, 3, 3),)), make=_well_conditioned),
    Row("linalg.det", fnp.linalg.det, np.linalg.det, (((3, 3),), ((2, 3, 3),)), make=_well_conditioned),
    Row("linalg.solve", fnp.linalg.solve, np.linalg.solve, (((3, 3), (3,)), ((2, 3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3, 2)), ((3, 3), (2, 3, 1))), make=_well_conditioned),
    Row("linalg.norm", fnp.linalg.norm, np.linalg.norm, (((3,),),), domain=(0.3, 2.0), signed=True, kwargs=({}, {"ord": 1}, {"ord": 3}, {"ord": np.inf}, {"ord": -np.inf}, {"ord": 2, "keepdims": True}, {"ord": 0})),
    Row("linalg.norm", fnp.linalg.norm, np.linalg.norm, (((2, 3),),), domain=(0.3, 2.0), signed=True, kwargs=({}, {"ord": "fro"}, {"axis": 1}, {"axis": (0, 1), "ord": 1}, {"ord": np.inf, "keepdims": True}, {"ord": -1})),
    # --- nn
    Row("nn.relu", nn.relu, lambda x: np.maximum(x, 0.0), ELEMENTWISE, domain=(0.2, 2.0), signed=True),
    Row("nn.sigmoid", nn.sigmoid, lambda x: 1.0 / (1.0 + np.exp(-x)), ELEMENTWISE, domain=(-4.0, 4.0)),
    Row("nn.softplus", nn.softplus, lambda x: np.log(1.0 + np.exp(x)), ELEMENTWISE, domain=(-4.0, 4.0)),
    Row("nn.softmax", nn.softmax, _naive_softmax, REDUCE, kwargs=({}, {"axis": 0}, {"axis": -1}, {"axis": (0, 1)}, {"axis": None})),
    Row("nn.log_softmax", nn.log_softmax, lambda x, axis=-1: np.log(_naive_softmax(x, axis)), REDUCE, kwargs=({}, {"axis": 0}, {"axis": (0, -1)})),
    Row("nn.logsumexp", nn.logsumexp, _naive_logsumexp, REDUCE, kwargs=AXES),
)

#: Exported names that are not differentiable, each with its reason. (None so far: every
#: exported op has a derivative, sign's being zero.)
NON_DIFFERENTIABLE: dict[str, str] = {}


def _family_tables() -> None:
    """Families of ops keep their rows in ``tests/rows_<family>.py`` (a ``ROWS`` tuple and
    a ``NON_DIFFERENTIABLE`` dict each), so that adding a family touches one file."""
    global ROWS
    for path in sorted(pathlib.Path(__file__).resolve().parent.glob("rows_*.py")):
        module = importlib.import_module(path.stem)
        ROWS = ROWS + tuple(getattr(module, "ROWS", ()))
        NON_DIFFERENTIABLE.update(getattr(module, "NON_DIFFERENTIABLE", {}))


_family_tables()


def _scipy_exported() -> set[str]:
    """``scipy.special.erf``, ``scipy.stats.norm.logpdf``, ...: none without SciPy."""
    try:
        from funcgrad.scipy import integrate, linalg, signal, special, stats
    except ImportError:
        return set()
    names = {f"scipy.{m.__name__.rpartition('.')[2]}.{n}" for m in (special, linalg, signal, integrate) for n in m.__all__}
    for dist in stats.__all__:
        names |= {f"scipy.stats.{dist}.{n}" for n in getattr(stats, dist).__all__}
    return names


def _exported() -> set[str]:
    return (
        set(fnp.__all__)
        | {f"linalg.{n}" for n in fnp.linalg.__all__}
        | {f"nn.{n}" for n in nn.__all__}
        | _scipy_exported()
    )


def _arguments(row: Row, shapes: Shapes, dtype: type, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    args = []
    for shape in shapes:
        if row.make is not None and len(shape) >= 2 and shape[-1] == shape[-2]:
            value = row.make(rng, shape)
        else:
            value = rng.uniform(*row.domain, shape)
            if row.signed:
                value = value * rng.choice([-1.0, 1.0], shape)
        args.append(np.asarray(value, dtype=dtype))
    return args


def _cases() -> list[Any]:
    cases = []
    for r, row in enumerate(ROWS):
        for shapes in row.shapes:
            for kwargs in row.kwargs:
                label = f"{row.name}-{'x'.join(str(s) for s in shapes)}-{kwargs}"
                cases.append(pytest.param(row, shapes, kwargs, id=f"{label}-{r}"))
    return cases


CASES = _cases()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("row", "shapes", "kwargs"), CASES)
def test_op_matches_numpy_and_finite_differences(row: Row, shapes: Shapes, kwargs: dict[str, Any], dtype: type) -> None:
    args = _arguments(row, shapes, dtype, seed=len(CASES))
    out = row.op(*args, **kwargs)
    expected = np.asarray(row.reference(*args, **kwargs))
    assert isinstance(out, Tensor)
    assert out.shape == expected.shape
    assert out.dtype == dtype
    np.testing.assert_allclose(out.data, expected, rtol=2e-5 if dtype == np.float32 else 1e-12, atol=1e-6 if dtype == np.float32 else 1e-12)
    rtol = row.rtol32 if dtype == np.float32 and row.rtol32 is not None else None
    check_grads(lambda *xs: row.op(*xs, **kwargs), *args, order=row.order, rtol=rtol)


@pytest.mark.parametrize(("row", "shapes", "kwargs"), CASES)
def test_rules_keep_leading_batch_axes(row: Row, shapes: Shapes, kwargs: dict[str, Any]) -> None:
    """A batch of cotangents (tangents) pulled back (pushed forward) in one pass gives,
    row by row, what each one gives alone: what jacobian and hessian rely on."""
    rng = np.random.default_rng(7)
    leaves = [Tensor(a) for a in _arguments(row, shapes, np.float64, seed=3)]
    out = row.op(*leaves, **kwargs)
    order = walk(out)
    seeds = rng.standard_normal((2,) + out.shape)
    tangents = [rng.standard_normal((3,) + leaf.shape) for leaf in leaves]
    for record in (False, True):
        batched = pullback(order, out, seeds, leaves, record)
        for k in range(2):
            alone = pullback(order, out, seeds[k], leaves, False)
            for leaf in leaves:  # a leaf the output does not depend on gets no entry: zeros
                got, want = batched.get(leaf, np.zeros((2,) + leaf.shape)), alone.get(leaf, np.zeros(leaf.shape))
                np.testing.assert_allclose(np.asarray(got)[k], np.asarray(want), rtol=1e-10, atol=1e-12)
    for record in (False, True):
        pushed = pushforward(order, dict(zip(leaves, tangents)), record).get(out, np.zeros((3,) + out.shape))
        for k in range(3):
            one = pushforward(order, {leaf: t[k] for leaf, t in zip(leaves, tangents)}, False).get(out, np.zeros(out.shape))
            np.testing.assert_allclose(np.asarray(pushed)[k], np.asarray(one), rtol=1e-10, atol=1e-12)


def test_every_exported_op_has_a_row() -> None:
    covered = {row.name for row in ROWS} | set(NON_DIFFERENTIABLE)
    missing = sorted(_exported() - covered)
    assert not missing, f"exported ops without a gradient-table row: {missing}"


def test_table_rows_name_only_exported_ops() -> None:
    stale = sorted({row.name for row in ROWS} - _exported())
    assert not stale, f"table rows for names that are not exported: {stale}"
