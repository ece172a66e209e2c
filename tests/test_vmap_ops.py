"""vmap over every row of the gradient table: each op's batching rule (or the loop
fallback) gives, for a batch of three examples, what the op gives example by example,
for the value and for the per-example gradient (``vmap(grad(...))``), with every
argument mapped and with only the first one mapped."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_ops_table import CASES, Row, Shapes, _arguments

import funcgrad.numpy as fnp
from funcgrad import grad, vmap

BATCH = 3

#: Ops whose rules are not yet batch-aware under vmap. They must refuse loudly (an
#: exception), never give a wrong number: the test below checks exactly that for them.
#: sort/msort/partition compute their permutation with np.asarray on the data; the
#: scipy.linalg Cholesky family and multivariate_normal use a 2-D-only triangular solve.
VMAP_GAPS = {
    "sort", "msort", "partition",
    "scipy.linalg.cholesky", "scipy.linalg.cho_factor", "scipy.linalg.cho_solve",
    "scipy.stats.multivariate_normal.logpdf", "scipy.stats.multivariate_normal.pdf",
    "scipy.stats.multivariate_normal.entropy",
}


def _matches_or_refuses(row: Row, check: Any) -> None:
    """``check()`` for a supported op; for a known gap, a mismatch is a failure but an
    exception (a loud refusal) is allowed."""
    if row.name not in VMAP_GAPS:
        check()
        return
    try:
        check()
    except AssertionError:
        raise
    except Exception:
        pass


def _batch(row: Row, shapes: Shapes) -> list[list[np.ndarray]]:
    return [_arguments(row, shapes, np.float64, seed) for seed in range(BATCH)]


def _stack(values: list[Any]) -> np.ndarray:
    return np.stack([np.asarray(v) for v in values])


@pytest.mark.parametrize(("row", "shapes", "kwargs"), CASES)
def test_vmap_of_each_op_matches_a_loop_over_examples(row: Row, shapes: Shapes, kwargs: dict[str, Any]) -> None:
    _matches_or_refuses(row, lambda: _check_values(row, shapes, kwargs))


def _check_values(row: Row, shapes: Shapes, kwargs: dict[str, Any]) -> None:
    examples = _batch(row, shapes)
    stacked = [np.stack([ex[k] for ex in examples]) for k in range(len(shapes))]
    expected = _stack([row.op(*ex, **kwargs).data for ex in examples])
    got = vmap(lambda *a: row.op(*a, **kwargs))(*stacked)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    # Only the first argument mapped: the others are the same for every example.
    fixed = examples[0][1:]
    in_axes = (0,) + (None,) * len(fixed)
    expected = _stack([row.op(ex[0], *fixed, **kwargs).data for ex in examples])
    got = vmap(lambda *a: row.op(*a, **kwargs), in_axes=in_axes)(stacked[0], *fixed)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("row", "shapes", "kwargs"), CASES)
def test_vmap_of_grad_of_each_op_gives_per_example_gradients(row: Row, shapes: Shapes, kwargs: dict[str, Any]) -> None:
    _matches_or_refuses(row, lambda: _check_gradients(row, shapes, kwargs))


def _check_gradients(row: Row, shapes: Shapes, kwargs: dict[str, Any]) -> None:
    examples = _batch(row, shapes)
    stacked = [np.stack([ex[k] for ex in examples]) for k in range(len(shapes))]
    loss = grad(lambda *a: fnp.sum(row.op(*a, **kwargs)))
    expected = [loss(*ex) for ex in examples]
    got = vmap(loss)(*stacked)
    for k in range(len(shapes)):
        np.testing.assert_allclose(got[k], _stack([e[k] for e in expected]), rtol=1e-9, atol=1e-11)
