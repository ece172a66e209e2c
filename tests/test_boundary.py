"""The NumPy boundary: nothing becomes a constant silently.

NumPy's own functions on Tensors run funcgrad's (checked row by row against the op
table), traced values refuse implicit conversion inside every transform and convert
outside, lists of Tensors are arrays, and whatever a call takes from the caller is a
snapshot.
"""

from __future__ import annotations

import math
import operator
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funcgrad.numpy as fnp
from funcgrad import (
    Tensor,
    backward,
    custom_vjp,
    grad,
    hessian,
    jacfwd,
    jacobian,
    jvp,
    stop_gradient,
    value_and_grad,
    vjp,
)
from funcgrad.numpy._dispatch import HANDLED
from funcgrad.testing import check_grads
from test_ops_table import CASES, Row, Shapes, _arguments


# --- NumPy's functions on Tensors ------------------------------------------------------------
def _numpy_twin(row: Row) -> Any:
    """The NumPy function a row's op answers for, when the row calls the exported op."""
    namespace, ours = (np.linalg, fnp.linalg) if row.name.startswith("linalg.") else (np, fnp)
    name = row.name.removeprefix("linalg.")
    theirs = getattr(namespace, name, None)
    if row.op is getattr(ours, name, None) and theirs in HANDLED:
        return theirs
    return None


DISPATCHED = [case for case in CASES if _numpy_twin(case.values[0]) is not None]


def test_most_table_rows_are_reachable_through_numpy() -> None:
    assert len({case.values[0].name for case in DISPATCHED}) >= 30


@pytest.mark.parametrize(("row", "shapes", "kwargs"), DISPATCHED)
def test_numpy_function_on_tensors_is_funcgrads(row: Row, shapes: Shapes, kwargs: dict[str, Any]) -> None:
    theirs = _numpy_twin(row)
    args = _arguments(row, shapes, np.float64, seed=5)
    via_numpy = theirs(*[Tensor(a) for a in args], **kwargs)
    assert isinstance(via_numpy, Tensor)
    np.testing.assert_allclose(via_numpy.data, row.op(*args, **kwargs).data, rtol=1e-12, atol=1e-12)
    check_grads(lambda *xs: theirs(*xs, **kwargs), *args, order=2)


def test_the_table_is_derived_from_the_exported_names() -> None:
    for name in fnp.__all__:
        theirs = getattr(np, name, None)
        if callable(theirs) and not isinstance(theirs, type):
            # NumPy's aliases (conj and conjugate are one ufunc) map to one of their twins.
            twins = {getattr(fnp, n) for n in fnp.__all__ if getattr(np, n, None) is theirs}
            assert HANDLED[theirs] in twins, name
    for name in fnp.linalg.__all__:
        assert HANDLED[getattr(np.linalg, name)] is getattr(fnp.linalg, name), name


W = np.array([0.5, -1.0, 2.0])
M = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
NUMPY_CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    ("np.dot", lambda w: np.dot(w, w)),
    ("np.matmul", lambda w: np.sum(np.matmul(M, w))),
    ("ndarray @ t", lambda w: np.sum(M @ w)),
    ("ndarray * t", lambda w: np.sum(W * w * w)),
    ("ndarray + t", lambda w: np.sum((W + w) ** 2)),
    ("ndarray / t", lambda w: np.sum(W / (w * w + 1.0))),
    ("np.sum axis keepdims", lambda w: np.sum(np.sum(np.outer(w, w), axis=0, keepdims=True) ** 2)),
    ("np.mean", lambda w: np.mean(w * w)),
    ("np.concatenate", lambda w: np.sum(np.concatenate([w, W * w]) ** 2)),
    ("np.stack", lambda w: np.sum(np.stack([w, w * w], axis=1) ** 2)),
    ("np.where", lambda w: np.sum(np.where(W > 0, w * w, 0.0))),
    ("np.linalg.norm", lambda w: np.linalg.norm(w)),
    ("np.sin", lambda w: np.sum(np.sin(w) * np.exp(w))),
    ("np.maximum", lambda w: np.sum(np.maximum(w, 0.1 * w))),
    ("np.add.reduce", lambda w: np.add.reduce(w * w)),
    ("np.multiply.reduce", lambda w: np.multiply.reduce(w + 3.0)),
    ("np.add.accumulate", lambda w: np.sum(np.add.accumulate(w) ** 2)),
    ("np.multiply.outer", lambda w: np.sum(np.multiply.outer(w, w) ** 2)),
    ("np.transpose", lambda w: np.sum(np.transpose(np.outer(w, W)) @ w)),
    ("np.reshape", lambda w: np.sum(np.reshape(w, (3, 1)) * w)),
    ("np.clip", lambda w: np.sum(np.clip(w, -0.9, 1.5) ** 2)),
]


@pytest.mark.parametrize(("label", "f"), NUMPY_CALLS, ids=[label for label, _ in NUMPY_CALLS])
def test_numpy_calls_inside_a_function_are_differentiated(label: str, f: Callable[[Any], Any]) -> None:
    assert np.any(grad(f, argnums=0)(W) != 0)
    check_grads(f, W, order=2)


def test_numpy_call_returns_a_tensor_with_the_op() -> None:
    t = Tensor(W)
    assert isinstance(np.sin(t), Tensor) and isinstance(W * t, Tensor) and isinstance(M @ t, Tensor)
    assert repr(np.sin(t)).endswith("op=sin)")


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda t: np.median(t), "numpy.median"),
        (lambda t: np.add.at(t, [0], 1.0), "numpy.add.at"),
        (lambda t: np.sin(t, out=np.empty(3)), "numpy.sin"),
        (lambda t: np.frexp(t), "numpy.frexp"),
    ],
)
def test_a_numpy_function_funcgrad_lacks_is_refused_by_name(call: Callable[[Tensor], Any], name: str) -> None:
    with pytest.raises(TypeError, match=name.replace(".", r"\.")):
        call(Tensor(W))
    with pytest.raises(TypeError, match=name.replace(".", r"\.")):
        grad(lambda w: call(w), argnums=0)(W)


def test_refusal_suggests_the_funcgrad_function_or_stop_gradient() -> None:
    with pytest.raises(TypeError, match="stop_gradient"):
        np.median(Tensor(W))
    with pytest.raises(TypeError, match=r"funcgrad\.numpy\.sum"):
        np.sum(Tensor(W), dtype=np.float32)


def test_comparisons_through_numpy_are_plain_arrays() -> None:
    t = Tensor(W)
    for result in (np.less(t, 0.0), W > t, np.isnan(t), np.equal(t, W)):
        assert type(result) is np.ndarray and result.dtype == bool


def test_plain_questions_about_a_tensor() -> None:
    t = Tensor(M.astype(np.float32))
    assert np.shape(t) == (2, 3) and np.ndim(t) == 2 and np.size(t) == 6
    assert np.result_type(t, 1.0) == np.float32


# --- implicit conversion of traced values ---------------------------------------------------
CONVERSIONS: list[tuple[str, Callable[[Tensor], Any]]] = [
    ("float", lambda t: float(t[0])),
    ("int", lambda t: int(t[0])),
    ("complex", lambda t: complex(t[0])),
    ("item", lambda t: t[0].item()),
    ("tolist", lambda t: t.tolist()),
    ("numpy.asarray", lambda t: np.asarray(t)),
    ("numpy.asarray", lambda t: np.array(t)),
    ("numpy.asarray", lambda t: np.array([t[0], t[1]])),
    ("float", lambda t: math.exp(t[0])),
    ("__index__", lambda t: operator.index(t[0])),
]


def _inside(transform: str, body: Callable[[Tensor], Any]) -> Callable[[], Any]:
    """``body`` run on a traced value inside ``transform``."""

    def f(x: Any) -> Any:
        body(x)
        return fnp.sum(x * x)

    def nested(x: Any) -> Any:  # the inner transform closes over the outer argument
        return fnp.sum(grad(lambda y: f(x * y), argnums=0)(np.ones(2)))

    x = np.array([0.5, 2.0])
    calls: dict[str, Callable[[], Any]] = {
        "grad": lambda: grad(f, argnums=0)(x),
        "value_and_grad": lambda: value_and_grad(f, argnums=0)(x),
        "jvp": lambda: jvp(f, (x,), (x,)),
        "vjp": lambda: vjp(f, x),
        "jacobian": lambda: jacobian(f)(x),
        "jacfwd": lambda: jacfwd(f)(x),
        "hessian": lambda: hessian(f)(x),
        "nested grad": lambda: grad(nested, argnums=0)(x),
    }
    return calls[transform]


TRANSFORMS = ["grad", "value_and_grad", "jvp", "vjp", "jacobian", "jacfwd", "hessian", "nested grad"]


@pytest.mark.parametrize("transform", TRANSFORMS)
@pytest.mark.parametrize(("conversion", "body"), CONVERSIONS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CONVERSIONS)])
def test_converting_a_traced_value_raises_naming_the_conversion(transform: str, conversion: str, body: Callable[[Tensor], Any]) -> None:
    with pytest.raises(TypeError, match=conversion) as error:
        _inside(transform, body)()
    if conversion != "__index__":
        assert "stop_gradient" in str(error.value) and "t.data" in str(error.value)


@pytest.mark.parametrize(("conversion", "body"), [c for c in CONVERSIONS if c[0] != "__index__"])
def test_outside_every_transform_tensors_convert(conversion: str, body: Callable[[Tensor], Any]) -> None:
    a, b = Tensor(np.array([2.0, 3.0])), Tensor(np.array([1.0, 1.0]))
    body(a * b)  # the tutorial's graph of leaves: converts as an array would


def test_outside_values_convert_to_their_data() -> None:
    c = Tensor(np.array([2.0])) * Tensor(np.array([3.0]))
    assert float(c[0]) == 6.0 and int(c[0]) == 6 and c[0].item() == 6.0 and c.tolist() == [6.0]
    np.testing.assert_array_equal(np.asarray(c), [6.0])
    assert math.exp(Tensor(0.0)) == 1.0


def test_taking_a_constant_on_purpose_works_inside_a_transform() -> None:
    def f(w: Any) -> Any:
        scale = float(stop_gradient(fnp.sum(w)).data) + w.data[0]
        return fnp.sum(w * w) * scale

    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(grad(f, argnums=0)(x), 2 * x * 4.0)


def test_branching_on_a_comparison_differentiates_the_branch_taken() -> None:
    def f(x: Any) -> Any:
        return fnp.sum(x * x) if fnp.sum(x) > 0 else fnp.sum(-x)

    np.testing.assert_allclose(grad(f, argnums=0)(np.array([1.0, 2.0])), [2.0, 4.0])
    np.testing.assert_allclose(grad(f, argnums=0)(np.array([-1.0, -2.0])), [-1.0, -1.0])


def test_format_shows_a_value_inside_and_outside() -> None:
    assert f"{Tensor(2.0) * 3:.3f}" == "6.000"
    seen: list[str] = []
    grad(lambda x: (seen.append(f"{fnp.sum(x):.1f}"), fnp.sum(x))[1], argnums=0)(np.array([1.0, 2.0]))
    assert seen == ["3.0"]


def test_a_value_that_escaped_a_returned_transform_converts() -> None:
    escaped: list[Tensor] = []
    grad(lambda x: (escaped.append(x * 2), fnp.sum(x))[1], argnums=0)(np.array([1.0]))
    assert float(escaped[0][0]) == 2.0  # its transform has returned: nothing traces it now


# --- lists and tuples of Tensors are arrays ---------------------------------------------------
X = np.array([1.5, -2.0])
LISTS: list[tuple[str, Callable[[Any], Any], Any]] = [
    ("fnp.sum of a list", lambda a: fnp.sum([a[0], a[1]]), [1.0, 1.0]),
    ("t + list", lambda a: (a + [a[0], a[1]]).sum(), [2.0, 2.0]),
    ("fnp.multiply of a list", lambda a: fnp.sum(fnp.multiply([a[0], a[1] * a[1]], 2.0)), [2.0, -8.0]),
    ("nested list", lambda a: fnp.sum(fnp.array([[a[0], 1.0], [a[1], a[0] * a[1]]])), [1.0 - 2.0, 1.0 + 1.5]),
    ("tuple", lambda a: fnp.sum(fnp.asarray((a, a * a)) ** 1), [1.0 + 3.0, 1.0 - 4.0]),
    ("list with arrays", lambda a: fnp.sum(fnp.array([a, np.ones(2)]) * 2.0), [2.0, 2.0]),
    ("list to a reduction with axis", lambda a: fnp.sum(fnp.max([a, a * 0.5], axis=0)), [1.0, 0.5]),
]


@pytest.mark.parametrize(("label", "f", "expected"), LISTS, ids=[label for label, _, _ in LISTS])
def test_lists_of_tensors_are_differentiated_through_every_entry(label: str, f: Callable[[Any], Any], expected: Any) -> None:
    np.testing.assert_allclose(grad(f, argnums=0)(X), expected)
    check_grads(f, X, order=2)


def test_a_list_argument_stays_a_pytree_with_right_gradients() -> None:
    g = grad(lambda a: fnp.sum(fnp.multiply(a, 3.0)), argnums=0)([1.0, 2.0, 3.0])
    assert isinstance(g, list) and len(g) == 3
    np.testing.assert_allclose(g, [3.0, 3.0, 3.0])
    g2 = grad(lambda a: fnp.sum(fnp.array(a) ** 2), argnums=0)([np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    np.testing.assert_allclose(g2[1], [6.0, 8.0])


def test_array_keeps_dtypes_and_converts_between_floats() -> None:
    a32 = Tensor(np.ones(2, np.float32))
    assert fnp.array([a32, a32]).dtype == np.float32
    assert fnp.array([a32[0], 1, 2.0]).dtype == np.float32
    assert fnp.array([1, 2]).dtype == np.float64
    assert fnp.array(a32, dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError, match="astype"):
        fnp.array(a32, dtype=int)


def test_ragged_lists_of_tensors_are_refused_naming_the_op() -> None:
    with pytest.raises(ValueError, match=r"multiply: operand 0.*shape"):
        fnp.multiply([Tensor(np.ones(2)), Tensor(np.ones(3))], 2.0)
    with pytest.raises(ValueError, match=r"array: object"):
        fnp.array([Tensor(np.ones(2)), 1.0])


# --- snapshots ------------------------------------------------------------------------------
def test_a_constant_operand_changed_afterwards_changes_nothing() -> None:
    t = Tensor(np.array([1.0, 2.0]))
    c = np.array([3.0, 4.0])
    y = fnp.sum(t * c)
    z = fnp.sum(fnp.matmul(np.array([[1.0, 2.0]]) + 0 * c, t))
    c[:] = 0.0
    np.testing.assert_array_equal(backward(y)[t], [3.0, 4.0])
    assert float(y) == 11.0 and float(z) == 5.0


def test_an_integer_constant_changed_afterwards_changes_nothing() -> None:
    t = Tensor(np.array([1.0, 2.0]))
    k = np.array([3, 4])
    y = fnp.sum(t * k)
    k[:] = 0
    np.testing.assert_array_equal(backward(y)[t], [3.0, 4.0])


def test_an_index_array_or_mask_changed_afterwards_changes_nothing() -> None:
    t = Tensor(np.array([1.0, 2.0, 3.0]))
    idx = np.array([0, 0, 1])
    mask = np.array([True, False, True])
    y = fnp.sum(t[idx]) + fnp.sum(t[mask] * 10.0)
    idx[:] = 2
    mask[:] = False
    np.testing.assert_array_equal(backward(y)[t], [12.0, 1.0, 10.0])


def test_a_view_of_a_constant_changed_afterwards_changes_nothing() -> None:
    c = np.array([1.0, 2.0, 3.0, 4.0])
    r = fnp.reshape(c, (2, 2))
    s = stop_gradient(c)
    c[:] = 0.0
    np.testing.assert_array_equal(r.data, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(s.data, [1.0, 2.0, 3.0, 4.0])


def test_vjp_primals_changed_after_the_call_change_nothing() -> None:
    a = np.array([1.0, 2.0])
    out, pullback = vjp(fnp.sin, a)
    a -= 0.5
    np.testing.assert_allclose(pullback(np.ones(2))[0], np.cos([1.0, 2.0]))
    np.testing.assert_allclose(out, np.sin([1.0, 2.0]))


def test_inner_transform_arguments_changed_before_the_outer_sweep_change_nothing() -> None:
    def f(x: Any) -> Any:
        y0 = np.array([1.0, 2.0])
        g = grad(lambda y: fnp.sum(x * y**2), argnums=0)(y0)  # 2 x y0, a function of x
        y0[:] = 100.0  # the caller's array, changed before the outer sweep reads it
        return fnp.sum(g)

    np.testing.assert_allclose(grad(f, argnums=0)(np.array([1.0, 1.0])), [2.0, 4.0])


def test_a_constant_changed_inside_the_function_after_use_changes_nothing() -> None:
    def f(x: Any) -> Any:
        buffer = np.zeros(2)
        total = fnp.sum(x * 0.0)
        for k in range(3):
            buffer[:] = k + 1.0  # a work array reused in a loop
            total = total + fnp.sum(x * buffer)
        return total

    np.testing.assert_allclose(grad(f, argnums=0)(np.array([1.0, 1.0])), [6.0, 6.0])


def test_custom_vjp_outputs_and_residuals_are_snapshots_and_flags_stay() -> None:
    out_array = np.array([2.0, 4.0])
    residual = np.array([1.0, 1.0])

    @custom_vjp
    def double(x: Any) -> Any:
        return x * 2.0

    double.defvjp(lambda x: (out_array, residual), lambda r, g: (r * g * 2.0,))
    value, pullback = vjp(lambda x: double(x), np.array([1.0, 2.0]))
    assert out_array.flags.writeable and residual.flags.writeable
    residual[:] = 0.0
    out_array[:] = 0.0
    np.testing.assert_array_equal(value, [2.0, 4.0])
    np.testing.assert_array_equal(pullback(np.ones(2))[0], [2.0, 2.0])


def test_no_call_changes_a_callers_array_or_its_flags() -> None:
    arrays = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
    frozen = np.array([5.0, 6.0])
    frozen.flags.writeable = False
    before = [a.copy() for a in arrays]
    f = lambda a, b: fnp.sum(a * b * frozen + np.sin(a))  # noqa: E731
    grad(f)(*arrays)
    vjp(f, *arrays)[1](np.array(1.0))
    jvp(f, tuple(arrays), tuple(arrays))
    hessian(f, argnums=(0, 1))(*arrays)
    for a, b in zip(arrays, before):
        np.testing.assert_array_equal(a, b)
        assert a.flags.writeable and a.flags.owndata
    assert not frozen.flags.writeable


def test_a_read_only_constant_is_not_copied() -> None:
    c = np.array([3.0, 4.0])
    c.flags.writeable = False
    y = Tensor(np.array([1.0, 2.0])) * c
    assert y.inputs[1] is c


def test_a_constant_an_add_never_reads_again_is_not_copied() -> None:
    c = np.array([3.0, 4.0])
    y = Tensor(np.array([1.0, 2.0])) + c
    assert y.inputs[1] is c  # add's rules never read it: nothing to snapshot


# --- Tensor's ndarray methods --------------------------------------------------------------
METHODS: list[tuple[str, Callable[[Any], Any], Callable[[Any], Any]]] = [
    ("max", lambda t: t.max(axis=0), lambda a: fnp.max(a, axis=0)),
    ("min", lambda t: t.min(), lambda a: fnp.min(a)),
    ("prod", lambda t: t.prod(axis=1, keepdims=True), lambda a: fnp.prod(a, axis=1, keepdims=True)),
    ("clip", lambda t: t.clip(-0.5, 0.5), lambda a: fnp.clip(a, -0.5, 0.5)),
    ("dot", lambda t: t.dot(t.T), lambda a: fnp.dot(a, fnp.transpose(a))),
    ("ravel", lambda t: t.ravel(), lambda a: fnp.reshape(a, (-1,))),
    ("flatten", lambda t: t.flatten(), lambda a: fnp.reshape(a, (-1,))),
    ("squeeze", lambda t: t[None].squeeze(0), lambda a: a),
    ("swapaxes", lambda t: t.swapaxes(0, -1), lambda a: fnp.transpose(a)),
    ("cumsum", lambda t: t.cumsum(axis=1), lambda a: fnp.cumsum(a, axis=1)),
    ("var", lambda t: t.var(axis=0, ddof=1), lambda a: fnp.var(a, axis=0, ddof=1)),
    ("std", lambda t: t.std(), lambda a: fnp.std(a)),
    ("astype", lambda t: t.astype(np.float32).astype(np.float64), lambda a: a),
]


@pytest.mark.parametrize(("name", "method", "twin"), METHODS, ids=[m[0] for m in METHODS])
def test_tensor_methods_are_their_fnp_twins(name: str, method: Callable[[Any], Any], twin: Callable[[Any], Any]) -> None:
    x = np.array([[0.3, -0.7, 1.1], [0.4, 0.9, -0.2]])
    np.testing.assert_allclose(method(Tensor(x)).data, twin(Tensor(x)).data, rtol=1e-6)
    np.testing.assert_allclose(grad(lambda a: fnp.sum(method(a) ** 2), argnums=0)(x),
                               grad(lambda a: fnp.sum(twin(a) ** 2), argnums=0)(x), rtol=1e-6)


def test_integer_and_boolean_methods_give_plain_arrays() -> None:
    t = Tensor(np.array([[0.3, -0.7], [1.1, 0.0]]))
    assert type(t.argmax()) is np.ndarray and t.argmax() == 2
    np.testing.assert_array_equal(t.argmin(axis=0), [0, 0])
    np.testing.assert_array_equal(t.argsort(), [[1, 0], [1, 0]])
    assert t.any() and not t.all() and type(t.all(axis=0)) is np.ndarray


def test_astype_refuses_non_float_dtypes() -> None:
    with pytest.raises(TypeError, match="astype"):
        Tensor(np.ones(2)).astype(np.int64)


# --- random programs mixing NumPy calls, lists and funcgrad ops ---------------------------------
STEPS: list[Callable[[Any, Any], Any]] = [
    lambda v, x: np.sin(v) * x,
    lambda v, x: fnp.tanh(v + x),
    lambda v, x: np.sum(fnp.array([v, x * v]), axis=0),
    lambda v, x: v + [x[0] * v[1], v[0]],
    lambda v, x: np.concatenate([v[:1] * x[1:], v[1:]]),
    lambda v, x: np.where(np.asarray(x.data) > 0, v * v, v) if isinstance(x, Tensor) else np.where(x > 0, v * v, v),
    lambda v, x: np.exp(-v * v) @ np.ones((2, 2)) + x,
    lambda v, x: fnp.stack([np.dot(v, x), fnp.sum(v)]),
    lambda v, x: np.maximum(v, 0.3 * x),
    lambda v, x: v * np.array([2, 3]),
]


@settings(max_examples=40, deadline=None)
@given(
    program=st.lists(st.integers(0, len(STEPS) - 1), min_size=1, max_size=5),
    x=st.lists(st.floats(-1.5, 1.5), min_size=2, max_size=2),
)
def test_random_programs_mixing_numpy_lists_and_ops_have_right_gradients(program: list[int], x: list[float]) -> None:
    def f(v: Any) -> Any:
        value = v
        for k in program:
            value = STEPS[k](value, v)
        return np.sum(value * value)

    x0 = np.array(x) + np.array([0.05, -0.07])  # off the kinks of maximum and where
    check_grads(f, x0, order=1, rtol=1e-5, atol=1e-5)


def test_the_boundary_guide_examples_run() -> None:
    import doctest
    import pathlib

    path = pathlib.Path(__file__).resolve().parent.parent / "docs" / "boundary.md"
    result = doctest.testfile(str(path), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 8 and result.failed == 0
