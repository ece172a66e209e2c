"""The Tensor record: frozen, read-only, identity-named, dtype rules, operators, repr."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

from funcgrad import Tensor, backward, grad, toposort


def test_fields_cannot_be_reassigned() -> None:
    t = Tensor(np.array([1.0, 2.0]))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        t.data = np.zeros(2)  # type: ignore[misc]


def test_data_is_read_only() -> None:
    t = Tensor(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="read-only"):
        t.data[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        (t * 2).data[0] = 5.0


def test_constructor_copies_so_the_caller_array_stays_writable_and_independent() -> None:
    source = np.array([1.0, 2.0])
    t = Tensor(source)
    source[0] = 100.0
    assert source.flags.writeable
    np.testing.assert_array_equal(t.data, [1.0, 2.0])


def test_identity_names_a_node() -> None:
    a = Tensor(np.array([1.0]))
    b = Tensor(np.array([1.0]))
    mapping = {a: "a", b: "b"}
    assert mapping[a] == "a" and mapping[b] == "b"
    g = backward(a * b)
    np.testing.assert_array_equal(g[a], [1.0])
    np.testing.assert_array_equal(g[b], [1.0])


@pytest.mark.parametrize("value", [np.array([2]), np.array([True, False]), [1, 2], 3, np.uint8(7)])
def test_integer_and_bool_input_is_promoted_to_float64(value: object) -> None:
    assert Tensor(value).dtype == np.float64  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_dtype_is_kept_through_ops_and_scalars(dtype: type) -> None:
    t = Tensor(np.ones(3, dtype=dtype))
    for result in (2 * t, t + 1, t - 0.5, 1 / t, t ** 2, -t, (t @ t), t.sum(), t.mean(), t.T, t[1:], t.reshape(3, 1)):
        assert result.dtype == dtype
    g = grad(lambda x: (2.5 * x * x).sum(), argnums=0)(np.ones(3, dtype=dtype))
    assert g.dtype == dtype


@pytest.mark.parametrize(
    "value, kind",
    [(np.array([1 + 2j]), "complex"), (np.array(["a"]), "<U1"), (np.array([object()]), "object"), ("abc", "<U3")],
)
def test_complex_object_and_str_are_refused_naming_the_argument(value: object, kind: str) -> None:
    with pytest.raises(TypeError, match=r"Tensor\(data\).*" + kind):
        Tensor(value)  # type: ignore[arg-type]


def test_refused_transform_argument_names_its_position() -> None:
    with pytest.raises(TypeError, match="grad: argument 1"):
        grad(lambda a, b: a * b)(np.ones(2), np.array([1j, 2j]))


def test_refused_constant_operand_names_the_op() -> None:
    with pytest.raises(TypeError, match="multiply: operand 1"):
        Tensor([1.0]) * np.array([1j])


def test_properties_mirror_numpy() -> None:
    data = np.arange(6.0).reshape(2, 3)
    t = Tensor(data)
    assert (t.shape, t.ndim, t.size, t.dtype) == (data.shape, data.ndim, data.size, data.dtype)
    np.testing.assert_array_equal(t.T.data, data.T)
    np.testing.assert_array_equal(np.asarray(t), data)
    assert len(t) == 2
    assert float(Tensor(3.5)) == 3.5


@pytest.mark.parametrize(
    "expression, expected",
    [
        (lambda t: t + 1, lambda a: a + 1),
        (lambda t: 1 + t, lambda a: 1 + a),
        (lambda t: t - 2, lambda a: a - 2),
        (lambda t: 2 - t, lambda a: 2 - a),
        (lambda t: t * 3, lambda a: a * 3),
        (lambda t: 3 * t, lambda a: 3 * a),
        (lambda t: t / 4, lambda a: a / 4),
        (lambda t: 4 / t, lambda a: 4 / a),
        (lambda t: t ** 2, lambda a: a ** 2),
        (lambda t: 2 ** t, lambda a: 2 ** a),
        (lambda t: -t, lambda a: -a),
        (lambda t: t @ np.ones(3), lambda a: a @ np.ones(3)),
        (lambda t: np.ones((4, 3)) @ t.T, lambda a: np.ones((4, 3)) @ a.T),
        (lambda t: t + np.ones(3), lambda a: a + np.ones(3)),
        (lambda t: np.ones(3) + t, lambda a: np.ones(3) + a),
        (lambda t: np.ones(3) * t, lambda a: np.ones(3) * a),
        (lambda t: t.mul(t), lambda a: a * a),
        (lambda t: t.add(t), lambda a: a + a),
        (lambda t: t.sum(axis=0), lambda a: a.sum(axis=0)),
        (lambda t: t.mean(axis=-1, keepdims=True), lambda a: a.mean(axis=-1, keepdims=True)),
        (lambda t: t.reshape(3, 2), lambda a: a.reshape(3, 2)),
        (lambda t: t.reshape((6,)), lambda a: a.reshape((6,))),
        (lambda t: t.transpose(), lambda a: a.transpose()),
        (lambda t: t.transpose(1, 0), lambda a: a.transpose(1, 0)),
        (lambda t: t[1], lambda a: a[1]),
        (lambda t: t[:, 1:3], lambda a: a[:, 1:3]),
        (lambda t: t[t > 2], lambda a: a[a > 2]),
        (lambda t: t[np.array([1, 1, 0])], lambda a: a[np.array([1, 1, 0])]),
        (lambda t: t[..., None, 0], lambda a: a[..., None, 0]),
    ],
)
def test_operators_and_methods_compute_what_numpy_computes(expression, expected) -> None:  # type: ignore[no-untyped-def]
    data = np.arange(1.0, 7.0).reshape(2, 3)
    result = expression(Tensor(data))
    assert isinstance(result, Tensor)
    np.testing.assert_allclose(result.data, expected(data))


def test_ndarray_on_the_left_defers_to_tensor() -> None:
    result = np.array([1.0, 2.0]) * Tensor([3.0, 4.0])
    assert isinstance(result, Tensor)


def test_comparisons_return_plain_boolean_arrays() -> None:
    t = Tensor([1.0, 2.0, 3.0])
    for result, expected in [(t < 2, [True, False, False]), (t <= 2, [True, True, False]), (t > 2, [False, False, True]),
                             (t >= 2, [False, True, True]), (t == 2, [False, True, False]), (t != 2, [True, False, True])]:
        assert type(result) is np.ndarray and result.dtype == bool
        np.testing.assert_array_equal(result, expected)


def test_repr_shows_data_and_op() -> None:
    a = Tensor(np.array([2]))
    assert repr(a) == "Tensor([2.])"
    assert repr(a.mul(a)) == "Tensor([4.], op=multiply)"


def test_repr_of_a_deep_graph_does_not_recurse() -> None:
    t = Tensor([1.0])
    for _ in range(5000):
        t = t + 1.0
    assert repr(t) == "Tensor([5001.], op=add)"


def test_tutorial_example_in_functional_form() -> None:
    a = Tensor(np.array([2]))
    b = Tensor(np.array([3]))
    c = a.mul(b)
    assert toposort(c) == (a, b, c)
    g = backward(c)
    np.testing.assert_array_equal(g[a], [3.0])
    np.testing.assert_array_equal(g[b], [2.0])


def test_repr_of_a_matrix_aligns_its_rows_under_the_first() -> None:
    assert repr(Tensor(np.eye(2))) == "Tensor([[1., 0.],\n        [0., 1.]])"


def test_a_0d_tensor_prints_as_a_number_with_its_op() -> None:
    from funcgrad import Tensor as T

    assert str((T(np.array([1.0, 2.0])) ** 2).sum()) == "Tensor(5.0, op=sum)"
    assert repr(T(np.float32(1.0) / 3)) == "Tensor(0.33333334)"
    assert repr(T(1e20)) == "Tensor(1.0e+20)"
    assert repr(T(np.nan)) == "Tensor(nan)"


def test_dir_of_nn_lists_only_its_public_functions() -> None:
    import funcgrad.nn as nn

    assert dir(nn) == sorted(nn.__all__)
