"""Behaviour of the shape, join/split, sorting and contraction families beyond the
gradient table: tie routing in sort and partition, split outputs, the r_/c_ index
tricks, NumPy's interleaved einsum, and the refusals."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np
import pytest

import funcgrad.numpy as fnp
from funcgrad import Tensor, grad, jacobian
from funcgrad.testing import check_grads

W = np.array([1.0, 10.0, 100.0, 1000.0])


# --- sort and partition: the gradient follows the permutation ----------------------------
@pytest.mark.parametrize("kind", [None, "quicksort", "heapsort", "stable"])
def test_sort_ties_send_each_place_to_the_earlier_input_entry_first(kind: str | None) -> None:
    x = np.array([2.0, 1.0, 2.0, 1.0])
    g = grad(lambda x: fnp.sum(fnp.sort(x, kind=kind) * W), argnums=0)(x)
    # sorted: x[1], x[3], x[0], x[2] (stable), so x[1] takes place 0, x[3] place 1, ...
    np.testing.assert_array_equal(g, [100.0, 1.0, 1000.0, 10.0])


def test_sort_along_axis_0_and_msort_route_ties_the_same_way() -> None:
    x = np.array([[1.0, 3.0], [1.0, 2.0], [0.0, 3.0]])
    w = np.arange(6.0).reshape(3, 2)
    for f in (lambda x: fnp.sort(x, axis=0), fnp.msort):
        np.testing.assert_array_equal(f(x).data, np.sort(x, axis=0))
        g = grad(lambda x: fnp.sum(f(x) * w), argnums=0)(x)
        # column 0: x[2] -> place 0, x[0] -> place 1 (tie, earlier first), x[1] -> place 2
        # column 1: x[1] -> place 0, x[0] -> place 1 (tie), x[2] -> place 2
        np.testing.assert_array_equal(g, [[2.0, 3.0], [4.0, 1.0], [0.0, 5.0]])


def test_sort_gradient_is_a_permutation_even_with_all_entries_tied() -> None:
    g = grad(lambda x: fnp.sum(fnp.sort(x) * W), argnums=0)(np.full(4, 7.0))
    np.testing.assert_array_equal(g, W)  # no sharing among ties: each place to one entry


def test_sort_routes_nans_stably_too() -> None:
    g = grad(lambda x: fnp.sum(fnp.sort(x) * W[:3]), argnums=0)(np.array([np.nan, 1.0, np.nan]))
    np.testing.assert_array_equal(g, [10.0, 1.0, 100.0])


def test_sort_gradient_is_the_stable_permutation_with_or_without_ties() -> None:
    rng = np.random.default_rng(3)
    for x in (rng.standard_normal((4, 50)), rng.integers(0, 4, (4, 50)).astype(float)):
        w = rng.standard_normal(x.shape)
        g = grad(lambda x: fnp.sum(fnp.sort(x, axis=-1) * w), argnums=0)(x)
        expected = np.zeros_like(x)
        np.put_along_axis(expected, np.argsort(x, axis=-1, kind="stable"), w, axis=-1)
        np.testing.assert_array_equal(g, expected)


def test_partition_with_ties_matches_numpy_and_routes_through_argpartition() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, size=(3, 9)).astype(float)
    for kth, axis in ((4, -1), ((1, 6), 1), (2, None), (1, 0)):
        out = fnp.partition(x, kth, axis=axis)
        np.testing.assert_array_equal(out.data, np.partition(x, kth, axis=axis))
        w = rng.standard_normal(out.shape)
        g = grad(lambda x: fnp.sum(fnp.partition(x, kth, axis=axis) * w), argnums=0)(x)
        perm = np.argpartition(x, kth, axis=axis)
        expected = np.zeros(x.size if axis is None else x.shape)
        np.put_along_axis(expected, perm, w, axis=0 if axis is None else axis)
        np.testing.assert_array_equal(g, expected.reshape(x.shape))


def test_take_along_axis_accumulates_repeated_indices() -> None:
    g = grad(lambda x: fnp.sum(fnp.take_along_axis(x, np.array([[0, 0, 2]]), axis=1)), argnums=0)(np.ones((1, 3)))
    np.testing.assert_array_equal(g, [[2.0, 0.0, 1.0]])


# --- the split family -------------------------------------------------------------------
def test_split_returns_a_list_of_tensors_each_with_its_own_gradient() -> None:
    x = np.arange(12.0).reshape(3, 4)
    parts = fnp.split(x, [1, 3], axis=1)
    assert isinstance(parts, list) and all(isinstance(p, Tensor) for p in parts)
    for got, want in zip(parts, np.split(x, [1, 3], axis=1)):
        np.testing.assert_array_equal(got.data, want)
    g = grad(lambda x: fnp.sum(fnp.split(x, [1, 3], axis=1)[1]) * 2.0 + fnp.sum(fnp.split(x, [1, 3], axis=1)[2]), argnums=0)(x)
    np.testing.assert_array_equal(g, np.tile([0.0, 2.0, 2.0, 1.0], (3, 1)))


def test_array_split_makes_the_first_parts_longer_and_split_refuses_unequal_parts() -> None:
    assert [p.shape for p in fnp.array_split(np.ones(7), 3)] == [(3,), (2,), (2,)]
    with pytest.raises(ValueError, match="split: an axis of length 7 does not split into 3 equal parts"):
        fnp.split(np.ones(7), 3)


def test_split_takes_sections_and_indices_as_numpy_values() -> None:
    x = np.arange(6.0)
    for spec in (np.int64(3), np.array(2), np.array([1, 4]), (-2,), [2, 10]):
        got, want = fnp.split(x, spec), np.split(x, spec)
        assert [p.shape for p in got] == [p.shape for p in want]
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.data, w)


def test_split_part_jacobian_keeps_batch_axes() -> None:
    x = np.arange(6.0)
    jac = jacobian(lambda x: fnp.hsplit(x, [2])[1] * x[1:5], argnums=0)(x)
    expected = np.zeros((4, 6))
    for i in range(4):
        expected[i, i + 2] += x[i + 1]
        expected[i, i + 1] += x[i + 2]
    np.testing.assert_allclose(jac, expected)


def test_hsplit_vsplit_dsplit_refuse_too_few_dimensions() -> None:
    with pytest.raises(ValueError, match="vsplit: ary must have at least 2 dimensions"):
        fnp.vsplit(np.ones(4), 2)
    with pytest.raises(ValueError, match="dsplit: ary must have at least 3 dimensions"):
        fnp.dsplit(np.ones((2, 4)), 2)


def test_atleast_nd_of_several_arrays_is_a_tuple() -> None:
    out = fnp.atleast_2d(1.0, np.ones(3))
    assert isinstance(out, tuple) and [t.shape for t in out] == [(1, 1), (1, 3)]


# --- r_ and c_ ---------------------------------------------------------------------------
def test_r_of_ranges_and_numbers_is_numpys_plain_array() -> None:
    for key in (slice(0, 3), (slice(0, 3), 7), slice(0, 1, 5j), (slice(2, 4), np.int64(9))):
        got, want = fnp.r_[key], np.r_[key]
        assert type(got) is np.ndarray and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_r_with_a_tensor_differentiates_it_and_keeps_ranges_constant() -> None:
    def f(x: Tensor) -> Tensor:
        joined = fnp.r_[x, 0:3, 2.0 * x]
        assert isinstance(joined, Tensor)
        return fnp.sum(joined * np.arange(7.0))

    np.testing.assert_array_equal(grad(f, argnums=0)(np.array([1.0, 2.0])), [0.0 + 2 * 5.0, 1.0 + 2 * 6.0])
    np.testing.assert_array_equal(fnp.r_[Tensor([1.0]), 0:3].data, np.r_[np.array([1.0]), 0:3])


def test_r_and_c_directives_lay_out_as_numpy() -> None:
    x, y = np.arange(6.0).reshape(2, 3), np.array([[7.0], [8.0]])
    np.testing.assert_array_equal(fnp.r_["-1", Tensor(x), y].data, np.r_["-1", x, y])
    v = np.array([1.0, 2.0, 3.0])
    for key in ("0,2", "0,2,0", "1,2,0", "0,3,-1"):
        np.testing.assert_array_equal(fnp.r_[key, Tensor(v), v].data, np.r_[key, v, v])
    np.testing.assert_array_equal(fnp.c_[Tensor(v), v, 0:3].data, np.c_[v, v, 0:3])


def test_r_refuses_matrix_directives_and_misplaced_directives() -> None:
    with pytest.raises(NotImplementedError, match="r_: the matrix directive 'r'"):
        fnp.r_["r", Tensor([1.0]), Tensor([2.0])]
    with pytest.raises(ValueError, match="special directives must be the first entry"):
        fnp.r_[Tensor([1.0]), "0", Tensor([2.0])]


def test_c_stacks_vectors_as_columns_under_grad() -> None:
    g = grad(lambda a, b: fnp.sum(fnp.c_[a, b] * np.array([[1.0, 2.0]])))(np.ones(3), np.ones(3))
    np.testing.assert_array_equal(g[0], np.ones(3))
    np.testing.assert_array_equal(g[1], np.full(3, 2.0))


# --- einsum's interleaved form -------------------------------------------------------------
@pytest.mark.parametrize(
    ("args_of", "subscripts", "shapes"),
    [
        (lambda x, y: (x, [0, 1], y, [1, 2], [0, 2]), "ij,jk->ik", ((2, 3), (3, 4))),
        (lambda x, y: (x, [0, 1], y, [1, 2]), "ij,jk", ((2, 3), (3, 4))),
        (lambda x, y: (x, [Ellipsis, 0, 1], y, [Ellipsis, 1], [Ellipsis, 0]), "...ij,...j->...i", ((5, 2, 3), (3,))),
        (lambda x, y: (x, [0, Ellipsis], y, [0], [Ellipsis]), "i...,i->...", ((2, 3, 4), (2,))),
        (lambda x, y: (x, [27, 0], y, [0, 3]), "bA,AD", ((2, 3), (3, 2))),
        (lambda x, y: (x, [0, 0], y, [1], []), "ii,j->", ((3, 3), (2,))),
    ],
)
def test_interleaved_einsum_matches_numpy_and_the_subscripts_form(
    args_of: Callable[..., tuple[Any, ...]], subscripts: str, shapes: tuple[tuple[int, ...], ...]
) -> None:
    rng = np.random.default_rng(1)
    x, y = (rng.standard_normal(s) for s in shapes)
    want = np.einsum(*args_of(x, y))
    got = fnp.einsum(*args_of(Tensor(x), Tensor(y)))
    np.testing.assert_allclose(got.data, want, rtol=1e-12)
    np.testing.assert_allclose(fnp.einsum(subscripts, x, y).data, want, rtol=1e-12)
    check_grads(lambda x, y: fnp.einsum(*args_of(x, y)), x, y, order=2)


def test_interleaved_einsum_refuses_labels_outside_0_to_51() -> None:
    with pytest.raises(ValueError, match="einsum: the sublist of operand 0 holds 52"):
        fnp.einsum(np.ones(2), [52])
    with pytest.raises(ValueError, match="einsum: the output sublist holds 'i'"):
        fnp.einsum(np.ones(2), [0], ["i"])


# --- pad -------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["median", "empty", np.pad])
def test_pad_refuses_other_modes_naming_them(mode: object) -> None:
    with pytest.raises(NotImplementedError, match=f"pad: mode={mode!r} is not supported"):
        fnp.pad(np.ones(3), 1, mode=mode)  # type: ignore[arg-type]


def test_pad_statistic_modes_split_max_ties_and_refuse_empty_statistics() -> None:
    g = grad(lambda x: fnp.sum(fnp.pad(x, (2, 0), mode="maximum")), argnums=0)(np.array([3.0, 1.0, 3.0]))
    np.testing.assert_array_equal(g, [2.0, 1.0, 2.0])  # the two pads' 2 shared by the tied maxima
    with pytest.raises(ValueError, match="stat_length of 0 yields no value"):
        fnp.pad(np.ones(3), 1, mode="minimum", stat_length=0)


def test_pad_refuses_odd_reflection_and_unknown_keywords() -> None:
    with pytest.raises(NotImplementedError, match="reflect_type='odd'"):
        fnp.pad(np.ones(3), 1, mode="reflect", reflect_type="odd")
    with pytest.raises(TypeError, match="unsupported keyword arguments for mode 'edge'"):
        fnp.pad(np.ones(3), 1, mode="edge", constant_values=2.0)


def test_pad_gradient_counts_each_copy() -> None:
    for mode in ("edge", "reflect", "symmetric", "wrap"):
        g = grad(lambda x: fnp.sum(fnp.pad(x, (3, 2), mode=mode)), argnums=0)(np.arange(3.0))
        counts = np.bincount(np.pad(np.arange(3), (3, 2), mode=mode), minlength=3)
        np.testing.assert_array_equal(g, counts)


def test_pad_constant_values_are_not_differentiated_and_keep_float32() -> None:
    x = np.ones((2, 2), dtype=np.float32)
    out = fnp.pad(x, 1, constant_values=((1.0, 2.0), (3.0, 4.0)))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.data, np.pad(x, 1, constant_values=((1.0, 2.0), (3.0, 4.0))))
    np.testing.assert_array_equal(grad(lambda x: fnp.sum(fnp.pad(x, 1, constant_values=5.0)), argnums=0)(x), np.ones((2, 2)))


# --- the rest ----------------------------------------------------------------------------
def test_triangles_zero_the_other_entries_without_nan_from_inf() -> None:
    x = np.array([[1.0, np.inf], [2.0, 3.0]])
    np.testing.assert_array_equal(fnp.tril(x).data, np.tril(x))
    np.testing.assert_array_equal(grad(lambda x: fnp.sum(fnp.tril(x)), argnums=0)(x), [[1.0, 0.0], [1.0, 1.0]])


def test_cross_of_two_component_vectors_matches_numpy() -> None:
    rng = np.random.default_rng(2)
    for sa, sb in (((2,), (2,)), ((4, 2), (3,)), ((3,), (4, 2))):
        a, b = rng.standard_normal(sa), rng.standard_normal(sb)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            want = np.cross(a, b)
        np.testing.assert_allclose(fnp.cross(a, b).data, want, rtol=1e-12)
        check_grads(fnp.cross, a, b, order=2)


def test_ravel_refuses_layout_orders() -> None:
    with pytest.raises(NotImplementedError, match="ravel: order='K'"):
        fnp.ravel(np.ones((2, 2)), order="K")


def test_select_takes_the_first_condition_that_holds() -> None:
    conditions = [np.array([True, False, False]), np.array([True, True, False])]
    g = grad(lambda a, b: fnp.sum(fnp.select(conditions, [a, b], default=-1.0)))(np.ones(3), np.ones(3))
    np.testing.assert_array_equal(g[0], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(g[1], [0.0, 1.0, 0.0])
