"""Every refusal names the op or argument at fault, and never yields a wrong number."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import funcgrad.numpy as fnp

from funcgrad import Tensor, backward, grad, toposort, value_and_grad
from funcgrad._tensor import Primitive, apply


def test_shapes_that_do_not_broadcast_name_the_op_and_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"add: .*\(2, 3\).*\(4,\)"):
        Tensor(np.ones((2, 3))) + np.ones(4)


def test_matmul_misalignment_names_the_op_and_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"matmul: .*\(2, 3\) and \(4,\)"):
        Tensor(np.ones((2, 3))) @ np.ones(4)


def test_reshape_to_a_wrong_size_names_the_op() -> None:
    with pytest.raises(ValueError, match=r"reshape: .*\(2, 3\)"):
        Tensor(np.ones((2, 3))).reshape(4)


def test_bad_axis_names_the_op() -> None:
    with pytest.raises(ValueError, match="sum: axis 2 is out of bounds"):
        Tensor(np.ones((2, 3))).sum(axis=2)
    with pytest.raises(TypeError, match="mean: axis must be"):
        Tensor(np.ones(3)).mean(axis=1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("transform", [grad, value_and_grad])
def test_argnums_out_of_range_names_the_count(transform: Any) -> None:
    with pytest.raises(ValueError, match=r"argnums=3 but fn was called with 2 positional arguments"):
        transform(lambda a, b: a * b, argnums=3)(np.ones(1), np.ones(1))


@pytest.mark.parametrize("argnums", ["0", 1.0, True, (0, "1"), [0]])
def test_argnums_of_the_wrong_type_is_refused_when_the_transform_is_made(argnums: Any) -> None:
    with pytest.raises(TypeError, match="grad: argnums must be None, an int or a tuple of ints"):
        grad(lambda a: a, argnums=argnums)


@pytest.mark.parametrize("returned", [None, "loss", [1.0], {"a": 1}, (Tensor(1.0), 2)])
def test_a_function_that_does_not_return_a_tensor_or_array_is_refused(returned: Any) -> None:
    with pytest.raises(TypeError, match="grad: fn must return a Tensor or a real array"):
        grad(lambda x: returned)(np.ones(2))


def test_has_aux_without_a_pair_is_refused() -> None:
    with pytest.raises(TypeError, match=r"has_aux=True needs fn to return a pair"):
        grad(lambda x: x.sum(), has_aux=True)(np.ones(2))


@pytest.mark.parametrize("bad", ["text", np.array([1j]), np.array([None], dtype=object)])
def test_a_gradient_of_a_non_differentiable_input_is_refused_naming_it(bad: Any) -> None:
    with pytest.raises(TypeError, match="grad: argument 0"):
        grad(lambda x: x.sum())(bad)


def test_a_pytree_leaf_error_names_its_path() -> None:
    params = {"layers": [{"w": np.ones(2)}, {"w": np.array(["x"])}]}
    with pytest.raises(TypeError, match=r"\['layers'\]\[1\]\['w'\]"):
        grad(lambda p: p["layers"][0]["w"].sum(), argnums=0)(params)


def test_a_derivative_rule_returning_the_wrong_shape_fails_loudly_naming_the_primitive() -> None:
    broken = Primitive("broken", lambda x: x * 2.0, vjp=lambda c, out, xs, p, i: np.ones(7))
    with pytest.raises(ValueError, match=r"broken: its derivative rule returned shape \(7,\)"):
        grad(lambda x: apply(broken, x).sum())(np.ones(3))


def test_engine_entry_points_refuse_non_tensors() -> None:
    with pytest.raises(TypeError, match="toposort: output must be a Tensor"):
        toposort(np.ones(2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="backward: output must be a Tensor"):
        backward(3.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"backward: wrt\[0\] must be a Tensor"):
        backward(Tensor(1.0), wrt=[np.ones(1)])  # type: ignore[list-item]


def test_float_index_arrays_are_refused() -> None:
    with pytest.raises(IndexError, match="getitem: index arrays must be integer or boolean"):
        Tensor(np.ones(3))[np.array([0.0])]


def test_tensor_of_a_tensor_is_refused_with_the_alternative() -> None:
    with pytest.raises(TypeError, match="already a Tensor"):
        Tensor(Tensor(1.0))  # type: ignore[arg-type]


# --- refusals name the public op and the argument, never another op or NumPy ----------------
RAGGED = [[1.0, 2.0], [3.0]]


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("sum", lambda: fnp.sum(RAGGED)),
        ("mean", lambda: fnp.mean(RAGGED)),
        ("prod", lambda: fnp.prod(RAGGED)),
        ("max", lambda: fnp.max(RAGGED)),
        ("var", lambda: fnp.var(RAGGED)),
        ("std", lambda: fnp.std(RAGGED)),
        ("cumsum", lambda: fnp.cumsum(RAGGED)),
        ("norm", lambda: fnp.linalg.norm(RAGGED)),
        ("transpose", lambda: fnp.transpose(RAGGED)),
        ("reshape", lambda: fnp.reshape(RAGGED, (3,))),
        ("squeeze", lambda: fnp.squeeze(RAGGED)),
        ("expand_dims", lambda: fnp.expand_dims(RAGGED, 0)),
        ("take", lambda: fnp.take(RAGGED, [0])),
        ("dot", lambda: fnp.dot(RAGGED, np.ones(2))),
        ("outer", lambda: fnp.outer(RAGGED, np.ones(2))),
        ("where", lambda: fnp.where(RAGGED, 1.0, 0.0)),
    ],
)
def test_ragged_lists_are_refused_naming_the_op_and_argument(name: str, call: Any) -> None:
    with pytest.raises(TypeError, match=rf"^{name}: \w+ is a ragged nested sequence"):
        call()


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("mean", lambda: fnp.mean(np.ones(2, complex))),
        ("var", lambda: fnp.var(np.ones(2, complex))),
        ("std", lambda: fnp.std(np.ones(2, complex))),
        ("norm", lambda: fnp.linalg.norm(np.ones(2, complex))),
        ("transpose", lambda: fnp.transpose(np.ones(2, complex))),
        ("cumsum", lambda: fnp.cumsum(np.ones(2, complex))),
        ("squeeze", lambda: fnp.squeeze(np.ones(2, complex))),
        ("take", lambda: fnp.take(np.ones(2, complex), [0])),
        ("dot", lambda: fnp.dot(np.ones(2, complex), np.ones(2))),
        ("outer", lambda: fnp.outer(np.ones(2, complex), np.ones(2))),
        ("stack", lambda: fnp.stack([np.ones(2), np.ones(2, complex)])),
        ("std", lambda: fnp.std(np.ones(3), axis=2)),
        ("norm", lambda: fnp.linalg.norm(np.ones(3), axis=1.5)),
    ],
)
def test_composites_refuse_in_their_own_name(name: str, call: Any) -> None:
    with pytest.raises((TypeError, ValueError), match=rf"^{name}: "):
        call()


def test_transpose_takes_an_int_axis_as_numpy_does() -> None:
    np.testing.assert_array_equal(fnp.transpose(np.ones(3), 0).data, np.ones(3))


@pytest.mark.parametrize("transform", ["jacobian", "jacfwd", "hessian"])
def test_jacobians_beyond_numpys_dimensions_are_refused_naming_transform_and_shapes(transform: str) -> None:
    import funcgrad

    x = np.ones((1,) * 33)
    fn = (lambda v: fnp.sum(v)) if transform == "hessian" else (lambda v: v * 2.0)
    with pytest.raises(ValueError, match=rf"^{transform}: the Jacobian of an output of shape \(1, .* with respect to an argument of shape \(1, .* would have 66 dimensions, more than NumPy's maximum"):
        getattr(funcgrad, transform)(fn)(x)


def test_reverse_jacobian_of_a_very_deep_output_is_refused_naming_jacfwd() -> None:
    from funcgrad import jacobian

    with pytest.raises(ValueError, match=r"^jacobian: an output of shape .* has 40 dimensions; reverse mode .* use jacfwd"):
        jacobian(lambda v: fnp.reshape(v, (1,) * 40))(np.ones(1))
