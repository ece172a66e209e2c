"""Static pytree fields (structure, not leaves), tree.leaves, tree.map_with_path, is_leaf."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any, Callable

import attrs
import numpy as np
import pytest

import funcgrad.numpy as fnp
import funcgrad.tree as tree
from funcgrad import grad, hessian, jacobian, jvp, vjp


class Activation(enum.Enum):
    TANH = "tanh"
    SIN = "sin"


@dataclasses.dataclass(frozen=True)
class Layer:
    w: Any
    name: str = dataclasses.field(default="layer", metadata={"static": True})
    act: Callable[[Any], Any] = dataclasses.field(default=fnp.tanh, metadata={"static": True})


@attrs.frozen
class AttrsLayer:
    w: Any
    kind: Activation = attrs.field(default=Activation.TANH, metadata={"static": True})
    label: str = attrs.field(default="a", metadata={"static": True})


def _apply(layer: Any, x: Any) -> Any:
    act = layer.act if isinstance(layer, Layer) else (fnp.tanh if layer.kind is Activation.TANH else fnp.sin)
    return act(layer.w * x).sum()


X = np.array([0.5, -1.0])


@pytest.mark.parametrize("layer", [Layer(X * 2, "first", fnp.sin), AttrsLayer(X * 2, Activation.SIN, "s")], ids=["dataclass", "attrs"])
def test_static_fields_are_structure_not_leaves(layer: Any) -> None:
    leaves, treedef = tree.flatten(layer)
    assert len(leaves) == 1 and leaves[0] is layer.w
    g = grad(_apply, argnums=0)(layer, X)
    assert type(g) is type(layer)
    np.testing.assert_allclose(g.w, X * np.cos(2 * X * X))
    # the static fields ride along unchanged, whatever they hold
    for field in ("name", "act", "kind", "label"):
        if hasattr(layer, field):
            assert getattr(g, field) is getattr(layer, field)


def test_every_transform_passes_static_fields_through() -> None:
    layer = Layer(X * 2, "first", fnp.sin)
    hess = hessian(lambda l: _apply(l, X))(layer)
    assert hess.name == "first"
    jac = jacobian(lambda l: l.w * 3.0)(layer)
    assert jac.act is fnp.sin
    out, pullback = vjp(lambda l: l.w * 3.0, layer)
    assert pullback(np.ones(2))[0].name == "first"
    assert jvp(lambda l: _apply(l, X), (layer,), (Layer(np.ones(2), "first", fnp.sin),))[1].shape == ()


def test_treedef_equality_compares_static_values() -> None:
    a = tree.flatten(Layer(X, "a"))[1]
    assert a == tree.flatten(Layer(X * 5, "a"))[1]
    assert a != tree.flatten(Layer(X, "b"))[1]
    assert tree.flatten(AttrsLayer(X, Activation.TANH))[1] != tree.flatten(AttrsLayer(X, Activation.SIN))[1]
    assert len(repr(a)) < 200 and "first" not in repr(a)  # the repr stays short


def test_treedefs_stay_hashable_whatever_the_static_values() -> None:
    @dataclasses.dataclass
    class Holder:
        w: Any
        options: Any = dataclasses.field(default=None, metadata={"static": True})

    plain = tree.flatten({"a": X})[1]
    assert hash(plain) == hash(tree.flatten({"a": X * 2})[1])
    a, b = tree.flatten(Holder(X, [1, 2]))[1], tree.flatten(Holder(X, [1, 2]))[1]
    assert a == b and hash(a) == hash(b)  # a list static: equal, and hashed alike
    assert tree.flatten(Holder(X, np.array([1, 2])))[1] != tree.flatten(Holder(X, np.array([1, 2, 3])))[1]
    assert {a: 1}[b] == 1


def test_tree_map_carries_static_fields_and_refuses_other_statics() -> None:
    doubled = tree.map(lambda w: w * 2, AttrsLayer(X, Activation.SIN, "s"))
    assert doubled.kind is Activation.SIN and doubled.label == "s"
    np.testing.assert_allclose(doubled.w, 2 * X)
    with pytest.raises(ValueError, match="structure"):
        tree.map(lambda a, b: a + b, Layer(X, "a"), Layer(X, "b"))


def test_tree_leaves_map_with_path_and_is_leaf() -> None:
    t = {"a": [1.0, 2.0], "b": (3.0, None)}
    assert tree.leaves(t) == [1.0, 2.0, 3.0]
    assert tree.map_with_path(lambda path, x: path, t) == {"a": ["['a'][0]", "['a'][1]"], "b": ("['b'][0]", None)}
    assert tree.map_with_path(lambda path, x, y: x + y, t, t) == {"a": [2.0, 4.0], "b": (6.0, None)}
    assert tree.leaves(t, is_leaf=lambda s: isinstance(s, list)) == [[1.0, 2.0], 3.0]
    assert tree.map(len, t, is_leaf=lambda s: isinstance(s, (list, tuple))) == {"a": 2, "b": 2}
    leaves, treedef = tree.flatten(t, is_leaf=lambda s: isinstance(s, tuple))
    assert tree.unflatten(treedef, leaves) == t
