"""The engine's fast paths keep its invariants (correctness only: speed is measured in
``benchmarks/``, never asserted in tests)."""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

import funcgrad
from funcgrad import _core_ops as ops
from funcgrad import _graph
from funcgrad._tensor import Operand, Params, Primitive, Tensor, Trace, Value, apply


def _recording_primitive(seen: list[Any]) -> Primitive:
    def rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
        seen.append((c, out, *xs))
        return c * 2.0

    return Primitive("double", lambda x: x * 2.0, vjp=rule, jvp=rule)


def test_first_order_rules_see_only_arrays_and_build_no_graph() -> None:
    seen: list[Any] = []
    double_p = _recording_primitive(seen)

    def f(x: Tensor) -> Tensor:
        return apply(double_p, apply(double_p, x) * 3.0 + 1.0).sum()

    g = funcgrad.grad(f, argnums=0)(np.arange(3.0))
    np.testing.assert_array_equal(g, np.full(3, 12.0))
    assert len(seen) == 2
    assert all(type(v) is np.ndarray for values in seen for v in values)


def test_nested_rules_still_record() -> None:
    seen: list[Any] = []
    double_p = _recording_primitive(seen)

    def f(x: Tensor) -> Tensor:
        return (apply(double_p, x) * x).sum()  # 2 x**2: second derivative 4

    h = funcgrad.grad(lambda x: funcgrad.grad(f, argnums=0)(x).sum(), argnums=0)(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(h, [4.0, 4.0])
    assert any(isinstance(v, Tensor) for values in seen for v in values)


def test_unary_and_binary_fast_paths_keep_float32() -> None:
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32))
    for y in (x * 0.5, 0.5 * x, x - x, ops.exp_p.impl(x.data) * x, -x):
        assert y.dtype == np.float32
    g = funcgrad.grad(lambda t: (t * 0.5 + t * t).sum(), argnums=0)(x.data)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, [2.5, 4.5])


def test_node_data_is_read_only_on_every_path() -> None:
    x = Tensor(np.ones(3))
    for y in (x * 2.0, x + x, ops.sum_tensor(x, None, False), apply(ops.add_p, np.ones(3), 1), -x):
        assert not y.data.flags.writeable


def test_small_broadcast_is_read_only_and_matches_numpy() -> None:
    c = np.arange(3.0)
    b = ops.broadcast_to(c, (2, 3))
    assert isinstance(b, np.ndarray)
    np.testing.assert_array_equal(b, np.broadcast_to(c, (2, 3)))
    assert not b.flags.writeable
    assert c.flags.writeable  # the operand itself is untouched


def test_empty_params_share_one_read_only_mapping() -> None:
    x = Tensor(np.ones(2))
    a, b = x * 2.0, -x
    assert a.params is b.params and len(a.params) == 0


def test_consuming_pullback_frees_each_node_once_passed() -> None:
    seen: list[int] = []
    refs: list[weakref.ref[Tensor]] = []

    def rule(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
        seen.append(sum(r() is not None for r in refs))
        return c

    probe_p = Primitive("probe", lambda x: x + 0.0, vjp=rule, jvp=rule)
    x = _graph.argument(np.ones(2), "x", Trace())
    y = x
    for _ in range(4):
        y = apply(probe_p, y)
        refs.append(weakref.ref(y))
    order = _graph.walk(y, frozenset([x]))
    del y
    cotangents = _graph.pullback(order, order[-1], np.ones(2), [x], record=False, consume=True)
    np.testing.assert_array_equal(cotangents[x], np.ones(2))
    assert order == []
    # Each rule runs with only its own node and the ones before it alive: the nodes
    # after it were freed as soon as they had passed their cotangents on.
    assert seen == [4, 3, 2, 1]


def test_pullback_leaves_order_alone_by_default() -> None:
    x = _graph.argument(np.ones(2), "x", Trace())
    y = (x * 2.0).sum()
    order = _graph.walk(y, frozenset([x]))
    before = list(order)
    _graph.pullback(order, y, np.ones(()), [x], record=False)
    assert order == before


class _OnlyOperand(tuple):  # type: ignore[type-arg]  # a tuple of any operands
    """Operands a rule may read only at its own index: touching another one, or all
    of them, is what makes a backward over n operands quadratic."""

    allowed: int = -1

    def __iter__(self) -> Any:
        raise AssertionError("the rule walked every operand")

    def __len__(self) -> int:
        raise AssertionError("the rule counted the operands")

    def __getitem__(self, i: Any) -> Any:
        if i != self.allowed:
            raise AssertionError(f"the rule read operand {i!r}, not its own")
        return tuple.__getitem__(self, i)


def test_concatenate_rules_read_only_their_own_operand() -> None:
    from funcgrad.numpy._shape import concatenate_p

    parts = [np.full((2, k + 1), float(k)) for k in range(50)]
    out = funcgrad.numpy.concatenate(parts, axis=1)
    c = np.ones((3,) + out.shape)
    for i in (0, 17, 49):
        xs = _OnlyOperand(parts)
        xs.allowed = i
        slot = concatenate_p.vjp(c, out.data, xs, out.params, i)
        np.testing.assert_array_equal(np.asarray(slot).shape, (3,) + parts[i].shape)
        assert concatenate_p.jvp is not None
        tangent = concatenate_p.jvp(np.ones((3,) + parts[i].shape), out.data, xs, out.params, i)
        assert np.shape(tangent) == (3,) + out.shape


def test_concatenate_and_stack_of_twenty_thousand_operands_differentiate() -> None:
    n = 20_000
    x = np.arange(n, dtype=float)
    weights = np.linspace(0.0, 1.0, n)

    def f(v: Tensor) -> Tensor:
        parts = [v[k : k + 1] for k in range(n)]
        return (funcgrad.numpy.concatenate(parts) * weights).sum() + (funcgrad.numpy.stack(parts)[:, 0] * weights).sum()

    np.testing.assert_allclose(funcgrad.grad(f, argnums=0)(x), 2 * weights)
