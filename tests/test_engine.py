"""The engine: toposort, backward, grad and value_and_grad as API.md defines them."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import numpy as np
import pytest

from funcgrad import Tensor, backward, grad, mul, toposort, value_and_grad, vjp
from funcgrad._tensor import Primitive, apply


def test_toposort_puts_parents_first_in_argument_order_and_output_last() -> None:
    a, b = Tensor([2.0]), Tensor([3.0])
    c = a.mul(b)
    d = c.mul(b)
    e = d.mul(c)
    assert toposort(e) == (a, b, c, d, e)
    assert toposort(b.mul(a)) [:2] == (b, a)


def test_toposort_is_deterministic_and_visits_each_node_once() -> None:
    x = Tensor([1.0])
    y = x * x + x
    z = y * y + x * y
    first = toposort(z)
    assert first == toposort(z)
    assert len(first) == len(set(first))
    position = {node: i for i, node in enumerate(first)}
    for node in first:
        for operand in node.inputs:
            if isinstance(operand, Tensor):
                assert position[operand] < position[node]


def test_backward_gives_every_node_a_gradient_in_a_fresh_read_only_mapping() -> None:
    a, b = Tensor(np.array([2, 3])), Tensor(np.array([3, 4]))
    c = a.mul(b)
    d = c.mul(b)
    g = backward(d)
    assert set(g) == {a, b, c, d}
    np.testing.assert_array_equal(g[a], [9.0, 16.0])
    np.testing.assert_array_equal(g[b], [12.0, 24.0])
    np.testing.assert_array_equal(g[c], [3.0, 4.0])
    np.testing.assert_array_equal(g[d], [1.0, 1.0])
    with pytest.raises(TypeError):
        g[a] = np.zeros(2)  # type: ignore[index]
    assert backward(d) is not g and backward(d)[a] is not g[a]


def test_backward_wrt_restricts_and_gives_zeros_to_unrelated_tensors() -> None:
    a, b, unrelated = Tensor([2.0]), Tensor([3.0]), Tensor([[5.0, 6.0]])
    g = backward(a * b, wrt=[b, unrelated])
    assert list(g) == [b, unrelated]
    np.testing.assert_array_equal(g[b], [2.0])
    np.testing.assert_array_equal(g[unrelated], np.zeros((1, 2)))


def test_gradients_are_fresh_writable_arrays_even_when_rules_share_one() -> None:
    ga, gb = grad(lambda a, b: (a + b).sum())(np.ones(3), np.ones(3))
    assert ga is not gb and ga.flags.writeable and gb.flags.writeable
    ga[0] = 7.0
    assert gb[0] == 1.0
    (gx,) = grad(lambda x: x.sum())(np.ones((2, 2)))  # sum's rule broadcasts a view
    gx[0, 0] = 3.0


def test_tutorial_grads() -> None:
    ga, gb = grad(lambda a, b: mul(a, b))(np.array([2]), np.array([3]))
    np.testing.assert_array_equal(ga, [3.0])
    np.testing.assert_array_equal(gb, [2.0])
    ga, gb = grad(lambda a, b: mul(mul(a, b), b))(np.array([2, 3]), np.array([3, 4]))
    np.testing.assert_array_equal(ga, [9.0, 16.0])
    np.testing.assert_array_equal(gb, [12.0, 24.0])


def f3(x: Tensor, y: Tensor, z: Tensor) -> Tensor:
    return (x * y * y * z).sum()


X, Y, Z = np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([5.0, 6.0])
DX, DY, DZ = Y * Y * Z, 2 * X * Y * Z, X * Y * Y


@pytest.mark.parametrize(
    "argnums, expected",
    [(None, (DX, DY, DZ)), (0, DX), (2, DZ), (-1, DZ), ((2, 0), (DZ, DX)), ((1,), (DY,))],
)
def test_argnums_selects_and_orders_gradients(argnums: Any, expected: Any) -> None:
    result = grad(f3, argnums=argnums)(X, Y, Z)
    if isinstance(expected, tuple):
        assert isinstance(result, tuple) and len(result) == len(expected)
        for r, e in zip(result, expected):
            np.testing.assert_allclose(r, e)
    else:
        np.testing.assert_allclose(result, expected)


def test_non_differentiated_arguments_pass_through_untouched() -> None:
    seen = []

    def f(x: Tensor, label: str) -> Tensor:
        seen.append(label)
        return (x * x).sum()

    np.testing.assert_allclose(grad(f, argnums=0)(np.array([3.0]), "hello"), [6.0])
    assert seen == ["hello"]


def test_non_scalar_output_is_seeded_with_ones() -> None:
    (g,) = grad(lambda x: x * x)(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(g, [2.0, 4.0, 6.0])


def test_unused_input_gets_zeros_of_its_shape_and_dtype() -> None:
    gx, gy = grad(lambda x, y: (x * 2).sum())(np.ones(3), np.ones((2, 2), dtype=np.float32))
    np.testing.assert_array_equal(gy, np.zeros((2, 2)))
    assert gy.dtype == np.float32


def test_constant_output_gives_zero_gradients() -> None:
    (g,) = grad(lambda x: np.array(3.0))(np.ones(2))
    np.testing.assert_array_equal(g, np.zeros(2))


def test_has_aux_returns_aux_alongside() -> None:
    def f(x: Tensor) -> tuple[Tensor, dict[str, Any]]:
        y = (x * x).sum()
        return y, {"value": y, "note": "kept"}

    g, aux = grad(f, argnums=0, has_aux=True)(np.array([1.0, 2.0]))
    np.testing.assert_allclose(g, [2.0, 4.0])
    assert aux["note"] == "kept"
    assert isinstance(aux["value"], np.ndarray) and float(aux["value"]) == 5.0


def test_value_and_grad_returns_value_and_gradients_in_one_pass() -> None:
    value, (g,) = value_and_grad(lambda x: (x * x).sum())(np.array([1.0, 2.0]))
    assert isinstance(value, np.ndarray) and float(value) == 5.0
    np.testing.assert_allclose(g, [2.0, 4.0])
    (value, aux), g0 = value_and_grad(lambda x: ((x * 3).sum(), "aux"), argnums=0, has_aux=True)(np.ones(2))
    assert float(value) == 6.0 and aux == "aux"
    np.testing.assert_allclose(g0, [3.0, 3.0])


def test_transforms_never_change_their_input_arrays() -> None:
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()
    grad(lambda t: (t * t).sum(), argnums=0)(x)
    value_and_grad(lambda t: (t * 2).sum())(x)
    vjp(lambda t: t * 3, x)[1](np.ones(3))
    np.testing.assert_array_equal(x, before)
    assert x.flags.writeable


def _spy_primitive(log: list[tuple[type, type, type]]) -> Primitive:
    def rule(c: Any, out: Any, xs: Any, params: Any, argnum: int) -> Any:
        log.append((type(c), type(out), type(xs[0])))
        return c * 2.0

    return Primitive("double", lambda x: x * 2.0, vjp=rule, jvp=rule)


def test_first_order_backward_runs_rules_on_plain_arrays() -> None:
    log: list[tuple[type, type, type]] = []
    double = _spy_primitive(log)
    (g,) = grad(lambda x: apply(double, x).sum())(np.ones(3))
    np.testing.assert_allclose(g, [2.0, 2.0, 2.0])
    assert log == [(np.ndarray, np.ndarray, np.ndarray)]


def test_nested_gradient_records_its_rules_so_they_differentiate() -> None:
    log: list[tuple[type, type, type]] = []
    double = _spy_primitive(log)
    inner = grad(lambda x: (apply(double, x) * x).sum(), argnums=0)  # d/dx 2x^2 = 4x
    outer = grad(lambda x: inner(x).sum(), argnums=0)  # d/dx sum(4x) = 4
    np.testing.assert_allclose(outer(np.ones(2)), [4.0, 4.0])
    # The inner backward saw nodes (it was recorded); the outer one, plain arrays.
    assert any(out is Tensor and x is Tensor for _, out, x in log)
    assert (np.ndarray, np.ndarray, np.ndarray) in log


def test_graph_is_freed_when_the_caller_drops_the_result() -> None:
    refs: list[weakref.ref[Tensor]] = []

    def f(x: Tensor) -> Tensor:
        y = x * x
        refs.append(weakref.ref(y))
        return y.sum()

    grad(f, argnums=0)(np.ones(4))
    gc.collect()
    assert refs and refs[0]() is None

    out, pullback = vjp(lambda x: f(x), np.ones(4))
    assert refs[1]() is not None  # the pullback still needs the graph
    del pullback
    gc.collect()
    assert refs[1]() is None


def test_hundred_thousand_op_chain_differentiates_without_recursion_error() -> None:
    def chain(x: Tensor) -> Tensor:
        for _ in range(100_000):
            x = x * 1.0000001
        return x.sum()

    (g,) = grad(chain)(np.array([1.0]))
    np.testing.assert_allclose(g, [1.0000001 ** 100_000], rtol=1e-9)


def test_seed_tutorial_build_topo_order_is_reproduced() -> None:
    a, b = Tensor(np.array([2])), Tensor(np.array([3]))
    c = a.mul(b)
    d = c.mul(b)
    e = d.mul(c)
    order = toposort(e)
    assert [float(t.data[0]) for t in order] == [2.0, 3.0, 6.0, 18.0, 108.0]


def test_the_arithmetic_ops_are_importable_from_funcgrad_as_fnp_has_them() -> None:
    import funcgrad
    import funcgrad.numpy as fnp

    for name in ("add", "subtract", "multiply", "divide", "negative", "power", "square", "reciprocal"):
        assert getattr(funcgrad, name) is getattr(fnp, name), name
    assert funcgrad.mul(Tensor([2.0]), 3.0).data[0] == 6.0


def test_keyword_arguments_pass_through_undifferentiated() -> None:
    def f(x: Tensor, scale: float = 1.0) -> Tensor:
        return (x * scale).sum()

    np.testing.assert_array_equal(grad(f, argnums=0)(np.ones(2), scale=3.0), [3.0, 3.0])
    value, (g,) = value_and_grad(f)(np.ones(2), scale=2.0)
    assert float(value) == 4.0
    np.testing.assert_array_equal(g, [2.0, 2.0])
