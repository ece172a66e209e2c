"""funcgrad.tree: flatten, unflatten and map over every container kind, with paths, and
every transform returning gradients of its argument's structure and type."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import Any, NamedTuple

import attrs
import numpy as np
import pytest

import funcgrad.tree as tree
from funcgrad import Tensor, grad, hessian, hvp, jacfwd, jacobian, jvp, value_and_grad, vjp
from funcgrad._tree import flatten_with_paths


class Point(NamedTuple):
    x: Any
    y: Any


@dataclasses.dataclass
class Data:
    a: Any
    b: Any


@dataclasses.dataclass(frozen=True)
class FrozenData:
    a: Any
    b: Any


@attrs.define
class Mutable:
    w: Any
    b: Any


@attrs.frozen
class Frozen:
    w: Any
    b: Any = attrs.field(converter=float)  # converters must not run again on rebuild


@attrs.frozen
class Layers:
    layers: list[Any]


def test_public_module_reexports_the_private_functions() -> None:
    assert tree.__all__ == ["TreeDef", "flatten", "map", "unflatten"]
    assert tree.flatten is flatten_with_paths.__globals__["flatten"]


@pytest.mark.parametrize(
    "value, leaves",
    [
        ((1.0, 2.0), [1.0, 2.0]),
        ([1.0, (2.0, 3.0)], [1.0, 2.0, 3.0]),
        ({"b": 1.0, "a": 2.0}, [1.0, 2.0]),  # insertion order, not sorted
        (OrderedDict([("z", 1.0), ("y", 2.0)]), [1.0, 2.0]),
        (None, []),
        ((None, 1.0, [None]), [1.0]),
        (Point(1.0, [2.0]), [1.0, 2.0]),
        (Data(1.0, {"k": 2.0}), [1.0, 2.0]),
        (FrozenData(1.0, 2.0), [1.0, 2.0]),
        (Mutable(1.0, 2.0), [1.0, 2.0]),
        (Frozen(1.0, 2.0), [1.0, 2.0]),
        (3.0, [3.0]),
        ({"params": Layers([Point(1.0, 2.0), None, {"w": 3.0}])}, [1.0, 2.0, 3.0]),
    ],
    ids=["tuple", "list", "dict", "ordereddict", "none", "nones", "namedtuple", "dataclass",
         "frozen_dataclass", "attrs", "frozen_attrs", "leaf", "nested"],
)
def test_flatten_unflatten_round_trip_keeps_type_and_order(value: Any, leaves: list[Any]) -> None:
    got, treedef = tree.flatten(value)
    assert got == leaves
    rebuilt = tree.unflatten(treedef, got)
    assert type(rebuilt) is type(value)
    assert rebuilt == value
    doubled = tree.unflatten(treedef, [2 * v for v in got])
    assert tree.flatten(doubled)[0] == [2 * v for v in leaves]
    assert tree.flatten(doubled)[1] == treedef


def test_rebuilding_a_record_does_not_rerun_its_converters_or_touch_the_original() -> None:
    original = Frozen(np.ones(2), 1.0)
    leaves, treedef = tree.flatten(original)
    marker = Tensor(np.zeros(2))
    rebuilt = tree.unflatten(treedef, [marker, marker])
    assert rebuilt.b is marker  # a converter would have called float() on it
    assert isinstance(original.b, float) and rebuilt is not original


def test_paths_name_each_leaf() -> None:
    value = {"params": Layers([Point(1.0, 2.0), None, Data(3.0, [4.0])])}
    paths = [path for path, _ in flatten_with_paths(value)[0]]
    assert paths == ["['params'].layers[0].x", "['params'].layers[0].y", "['params'].layers[2].a", "['params'].layers[2].b[0]"]


def test_map_over_several_trees_and_structure_mismatch() -> None:
    assert tree.map(lambda a, b: a + b, {"a": 1, "b": [2, 3]}, {"a": 10, "b": [20, 30]}) == {"a": 11, "b": [22, 33]}
    assert tree.map(lambda a: a * 2, Point(1, None)) == Point(2, None)
    with pytest.raises(ValueError, match="tree.map: tree 1 has structure"):
        tree.map(lambda a, b: a, {"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="unflatten: the structure has 2 leaves, got 1"):
        tree.unflatten(tree.flatten((1, 2))[1], [1])


def test_dicts_with_different_key_order_are_different_structures() -> None:
    assert tree.flatten({"a": 1, "b": 2})[1] != tree.flatten({"b": 2, "a": 1})[1]


def test_deep_trees_flatten_without_recursion() -> None:
    deep: Any = 1.0
    for _ in range(5000):
        deep = [deep]
    leaves, treedef = tree.flatten(deep)
    assert leaves == [1.0]
    assert tree.flatten(tree.unflatten(treedef, [2.0]))[0] == [2.0]


# --- every transform takes pytrees and returns their structure and type --------------------
def make_params() -> Any:
    rng = np.random.default_rng(1)
    return {
        "layer": Frozen(rng.normal(size=3), 0.5),
        "pair": Point(rng.normal(size=2), None),
        "data": Data(rng.normal(size=(2,)), [rng.normal(size=1)]),
        "mutable": Mutable(np.array(0.3), FrozenData(np.array(1.2), np.array(-0.4))),
    }


def loss(p: Any) -> Any:
    total = (p["layer"].w ** 2).sum() * p["layer"].b + (p["pair"].x ** 3).sum()
    total = total + (p["data"].a * p["data"].b[0]).sum() + p["mutable"].w * p["mutable"].b.a * p["mutable"].b.b
    return total


def assert_same_structure(result: Any, reference: Any) -> None:
    """Same treedef (kinds, keys, field names) and the same container classes throughout."""
    assert tree.flatten(result)[1] == tree.flatten(reference)[1]
    assert _container_types(result) == _container_types(reference)


def _container_types(value: Any) -> list[type]:
    found, stack = [], [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            children = list(v.values())
        elif isinstance(v, (list, tuple)):
            children = list(v)
        elif dataclasses.is_dataclass(v):
            children = [getattr(v, f.name) for f in dataclasses.fields(v)]
        elif attrs.has(type(v)):
            children = [getattr(v, f.name) for f in attrs.fields(type(v))]
        else:
            continue
        found.append(type(v))
        stack.extend(children)
    return found


def numerical_grad(params: Any) -> list[np.ndarray]:
    leaves, treedef = tree.flatten(params)
    result = []
    for k, leaf in enumerate(leaves):
        leaf = np.asarray(leaf, dtype=float)
        g = np.zeros(leaf.shape)
        for idx in np.ndindex(leaf.shape):
            step = np.zeros(leaf.shape)
            step[idx] = 1e-6
            up = [l if j != k else leaf + step for j, l in enumerate(leaves)]
            down = [l if j != k else leaf - step for j, l in enumerate(leaves)]
            g[idx] = (float(loss(tree.unflatten(treedef, up))) - float(loss(tree.unflatten(treedef, down)))) / 2e-6
        result.append(g)
    return result


def test_grad_of_a_pytree_matches_finite_differences_and_keeps_structure() -> None:
    params = make_params()
    g = grad(loss, argnums=0)(params)
    assert_same_structure(g, params)
    for got, expected in zip(tree.flatten(g)[0], numerical_grad(params)):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
    value, g2 = value_and_grad(loss, argnums=0)(params)
    assert_same_structure(g2, params)
    (g3,) = vjp(loss, params)[1](np.array(1.0))
    assert_same_structure(g3, params)
    for a, b in zip(tree.flatten(g)[0], tree.flatten(g3)[0]):
        np.testing.assert_allclose(a, b)


def test_jvp_jacobian_hessian_hvp_take_pytrees() -> None:
    params = make_params()
    g = tree.flatten(grad(loss, argnums=0)(params))[0]
    tangent = tree.map(lambda v: np.ones_like(np.asarray(v, dtype=float)), params)
    _, t = jvp(loss, (params,), (tangent,))
    np.testing.assert_allclose(t, sum(np.sum(x) for x in g))
    for transform in (jacobian, jacfwd):
        j = transform(loss)(params)
        assert_same_structure(j, params)
        for a, b in zip(tree.flatten(j)[0], g):
            np.testing.assert_allclose(a, b)
    h = hessian(loss)(params)
    # the structure of (structure of leaves): the block for layer.w with itself is 2 b I
    np.testing.assert_allclose(h["layer"].w["layer"].w, 2 * 0.5 * np.eye(3))
    (product,) = hvp(loss, (params,), (tangent,))
    assert_same_structure(product, params)


def test_an_error_about_a_leaf_of_an_attrs_argument_names_its_path() -> None:
    @attrs.frozen
    class W:
        w: Any

    def loss(params: Layers, x: Any) -> Any:
        return (params.layers[0].w * x).sum()

    params = Layers([W(np.ones(2)), W(np.ones(2)), W(np.array(["bad", "leaf"]))])
    with pytest.raises(TypeError, match=r"grad: argument 0 \(params\.layers\[2\]\.w\): expected real numbers"):
        grad(loss, argnums=0)(params, np.ones(2))


# --- cycles, Mapping/Sequence subclasses, depth -------------------------------------------
def test_a_list_that_contains_itself_is_refused_naming_the_path() -> None:
    loop: list[Any] = [1.0]
    loop.append(loop)
    with pytest.raises(ValueError, match=r"flatten: the pytree contains itself: tree\[1\] is tree again"):
        tree.flatten(loop)
    inner: dict[str, Any] = {"w": 1.0}
    outer = {"params": [inner]}
    inner["back"] = outer
    with pytest.raises(ValueError, match=r"tree\['params'\]\[0\]\['back'\] is tree again"):
        grad(lambda p: p["params"][0]["w"] * 2.0)(outer)


def test_shared_subtrees_are_not_cycles() -> None:
    shared = [1.0, 2.0]
    leaves, _ = tree.flatten((shared, [shared]))
    assert leaves == [1.0, 2.0, 1.0, 2.0]


class Names(list):  # type: ignore[type-arg]  # a list subclass of any items
    pass


class Pair(tuple):  # type: ignore[type-arg]  # a tuple subclass (not a NamedTuple)
    pass


def _roundtrip_cases() -> list[Any]:
    from collections import UserDict, UserList, defaultdict
    from types import MappingProxyType

    factory = defaultdict(list, {"b": 2.0, "a": 1.0})
    return [
        OrderedDict([("b", 2.0), ("a", 1.0)]),
        factory,
        UserDict({"x": 1.0, "y": [2.0]}),
        MappingProxyType({"k": 3.0}),
        Names([1.0, 2.0]),
        Pair((1.0, 2.0)),
        UserList([1.0, (2.0, 3.0)]),
    ]


@pytest.mark.parametrize("value", _roundtrip_cases(), ids=lambda v: type(v).__name__)
def test_mapping_and_sequence_subclasses_round_trip_with_their_type(value: Any) -> None:
    leaves, treedef = tree.flatten(value)
    assert leaves and all(isinstance(leaf, float) for leaf in leaves)
    back = tree.unflatten(treedef, leaves)
    assert type(back) is type(value) and back == value
    doubled = tree.map(lambda a: 2 * a, value)
    assert type(doubled) is type(value)
    assert tree.flatten(doubled)[0] == [2 * leaf for leaf in leaves]


def test_defaultdict_keeps_its_default_factory_through_grad() -> None:
    from collections import defaultdict

    params = defaultdict(list, {"w": np.array([1.0, 2.0]), "b": np.array(3.0)})
    g = grad(lambda p: (p["w"] * p["w"]).sum() + p["b"], argnums=0)(params)
    assert type(g) is defaultdict and g.default_factory is list
    np.testing.assert_array_equal(g["w"], [2.0, 4.0])
    assert g["missing"] == []  # the factory works on the result
    ordered = OrderedDict([("b", np.array(1.0)), ("a", np.array(2.0))])
    go = grad(lambda p: p["a"] * p["b"], argnums=0)(ordered)
    assert type(go) is OrderedDict and list(go) == ["b", "a"]


def _deep(depth: int, leaf: Any) -> Any:
    value: Any = leaf
    for k in range(depth):
        value = [value] if k % 2 else {"k": value}
    return value


def test_pytree_functions_do_not_recurse_on_depth() -> None:
    a, b = _deep(5000, 1.0), _deep(5000, 2.0)
    _, treedef = tree.flatten(a)
    assert treedef == tree.flatten(b)[1] and hash(treedef) == hash(tree.flatten(b)[1])
    assert treedef != tree.flatten(_deep(5000, (1.0,)))[1]
    assert tree.flatten(tree.map(lambda x, y: x + y, a, b))[0] == [3.0]
    assert repr(treedef).startswith("TreeDef([{'k': [{'k': [")
    with pytest.raises(ValueError, match="tree.map: tree 1 has structure"):
        tree.map(lambda x, y: x, a, _deep(5000, (1.0,)))


def test_vjp_and_grad_with_deep_outputs_and_arguments() -> None:
    x = np.array([1.0, 2.0])
    out, pullback = vjp(lambda v: _deep(5000, v * 3.0), x)
    (g,) = pullback(_deep(5000, np.ones(2)))
    np.testing.assert_array_equal(g, [3.0, 3.0])
    gd = grad(lambda p: tree.flatten(p)[0][0].sum(), argnums=0)(_deep(5000, x))
    assert tree.flatten(gd)[0][0].tolist() == [1.0, 1.0]


def test_treedef_repr_shows_the_structure() -> None:
    _, treedef = tree.flatten({"w": [1.0, (2.0,)], "b": None, "p": Point(1.0, 2.0)})
    assert repr(treedef) == "TreeDef({'w': [*, (*,)], 'b': None, 'p': Point(x=*, y=*)})"
