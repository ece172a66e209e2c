"""Pytrees: nested containers of arrays, taken apart and put back without registration.

Containers are tuples, lists, dicts (in insertion order), NamedTuples, dataclass
instances and attrs instances, and subclasses of these (OrderedDict, defaultdict with its
default_factory) or other Mappings and Sequences, rebuilt with their own type; None is
an empty subtree. A container that contains itself is refused. Anything else (arrays,
Tensors, numbers) is a leaf. Every leaf has a path such as ``.layers[2].w``, so that an
error can name it.
"""

from __future__ import annotations

import collections
import copy
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Hashable, Optional

import attrs
import numpy as np
from funcgrad._tensor import Tensor


class Statics:
    """A record's static fields as ``(name, value)`` pairs, compared by value.

    Values may be anything: equal when they are the same object or ``==`` says so (an
    array compares all its entries); hashed by names and whatever values are hashable,
    so that a structure stays usable as a cache key.
    """

    __slots__ = ("items",)

    def __init__(self, items: tuple[tuple[str, Any], ...] = ()) -> None:
        self.items = items

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Statics) or len(self.items) != len(other.items):
            return False
        for (name_a, x), (name_b, y) in zip(self.items, other.items):
            if name_a != name_b or type(x) is not type(y):
                return False
            if x is y:
                continue
            try:
                if np.shape(x) != np.shape(y) or not bool(np.all(x == y)):
                    return False
            except Exception:  # a value without a usable ==: only identity counts as equal
                return False
        return True

    def __hash__(self) -> int:
        parts: list[Any] = []
        for name, value in self.items:
            try:
                parts.append((name, hash(value)))
            except TypeError:  # unhashable (a list, an array): equal ones still hash alike
                parts.append((name, type(value).__name__))
        return hash(tuple(parts))

    def __repr__(self) -> str:
        return f"Statics({', '.join(name for name, _ in self.items)})"


_NO_STATICS = Statics()


@attrs.frozen(eq=False, repr=False)
class TreeDef:
    """The structure of a pytree: its kind, the keys of its children, and theirs.

    ``template`` is the container instance a dataclass or attrs node was flattened from
    (for a defaultdict, its ``default_factory``); it supplies the state that is not
    children when the node is rebuilt, and plays no part in comparing structures.
    Comparison, hashing and ``repr`` walk the structure with an explicit stack, so a
    tree thousands of levels deep needs no Python recursion.
    """

    kind: str  # "leaf", "none", "tuple", "list", "dict", "namedtuple", "record"
    node_type: Optional[type] = None
    keys: tuple[Hashable, ...] = ()
    children: tuple["TreeDef", ...] = ()
    template: Any = None
    #: A record's static fields: structure, not leaves. Compared by value (``==``), left
    #: out of the repr to keep it short.
    statics: Statics = _NO_STATICS
    #: Counted once, when the structure is built bottom-up (children exist first).
    num_leaves: int = attrs.field()
    #: Likewise hashed once from the children's hashes: hashing never recurses.
    structure_hash: int = attrs.field()

    @num_leaves.default
    def _count_leaves(self) -> int:
        return 1 if self.kind == "leaf" else sum(child.num_leaves for child in self.children)

    @structure_hash.default
    def _hash_structure(self) -> int:
        children = tuple(child.structure_hash for child in self.children)
        return hash((self.kind, self.node_type, self.keys, self.statics, children))

    def __hash__(self) -> int:
        return self.structure_hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TreeDef):
            return NotImplemented
        stack: list[tuple[TreeDef, TreeDef]] = [(self, other)]
        while stack:
            a, b = stack.pop()
            if a is b:
                continue
            if (
                a.structure_hash != b.structure_hash
                or a.kind != b.kind
                or a.node_type is not b.node_type
                or len(a.children) != len(b.children)
                or a.keys != b.keys
                or a.statics != b.statics
            ):
                return False
            stack.extend(zip(a.children, b.children))
        return True

    def __repr__(self) -> str:
        return f"TreeDef({_describe(self)})"


def _describe(treedef: TreeDef) -> str:
    """The structure written like the tree, a ``*`` per leaf: ``[*, {'a': (*, None)}]``."""
    done: list[str] = []
    # Post-order over (node, children described so far), as in _assemble.
    stack: list[tuple[TreeDef, list[str]]] = [(treedef, [])]
    while stack:
        node, parts = stack[-1]
        if node.kind != "leaf" and len(parts) < len(node.children):
            stack.append((node.children[len(parts)], []))
            continue
        stack.pop()
        text = _describe_node(node, parts)
        (stack[-1][1] if stack else done).append(text)
    return done[0]


def _describe_node(node: TreeDef, parts: list[str]) -> str:
    if node.kind == "leaf":
        return "*"
    if node.kind == "none":
        return "None"
    name = node.node_type.__name__ if node.node_type is not None else node.kind
    if node.kind in ("tuple", "list"):
        inner = ", ".join(parts) + ("," if node.kind == "tuple" and len(parts) == 1 else "")
        text = f"({inner})" if node.kind == "tuple" else f"[{inner}]"
        return text if node.node_type in (tuple, list) else f"{name}({text})"
    if node.kind == "dict":
        text = "{" + ", ".join(f"{key!r}: {part}" for key, part in zip(node.keys, parts)) + "}"
        return text if node.node_type is dict else f"{name}({text})"
    return f"{name}(" + ", ".join(f"{key}={part}" for key, part in zip(node.keys, parts)) + ")"


LEAF = TreeDef("leaf")
# The commonest leaves, recognised without any container checks.
_PLAIN_LEAVES = (np.ndarray, Tensor, float, int)
_NONE = TreeDef("none")
#: Sequences that are values, not containers: their items are not pytrees.
_ATOMIC_SEQUENCES = (str, bytes, bytearray, memoryview, range)


def _record_fields(tree: Any) -> Optional[tuple[tuple[str, ...], tuple[str, ...]]]:
    """``(field names, static field names)`` of a dataclass or attrs instance (not class),
    else None. A field with ``metadata={"static": True}`` is static: part of the
    structure, passed through as it is, never a leaf."""
    kind = type(tree)
    if isinstance(tree, (Tensor, type)):  # a Tensor subclass (vmap's batched values) is a leaf too
        return None
    fields: Any
    if attrs.has(kind):
        fields = attrs.fields(kind)
    elif dataclasses.is_dataclass(tree):
        fields = dataclasses.fields(tree)
    else:
        return None
    dynamic = tuple(field.name for field in fields if not field.metadata.get("static", False))
    static = tuple(field.name for field in fields if field.metadata.get("static", False))
    return dynamic, static


def _children(tree: Any) -> tuple[TreeDef, tuple[Any, ...]]:
    """The node kind of ``tree`` (without children) and its children, in order."""
    kind = type(tree)
    if kind in _PLAIN_LEAVES:
        return LEAF, ()
    if tree is None:
        return _NONE, ()
    if kind is tuple or kind is list:
        return TreeDef(kind.__name__, kind), tuple(tree)
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return TreeDef("namedtuple", kind, tuple(tree._fields)), tuple(tree)
    if isinstance(tree, (dict, Mapping)):  # dict subclasses (OrderedDict, defaultdict) and other mappings
        keys = tuple(tree)
        factory = tree.default_factory if isinstance(tree, collections.defaultdict) else None
        return TreeDef("dict", kind, keys, template=factory), tuple(tree[key] for key in keys)
    if isinstance(tree, (list, tuple)) or (isinstance(tree, Sequence) and not isinstance(tree, _ATOMIC_SEQUENCES)):
        return TreeDef("tuple" if isinstance(tree, tuple) else "list", kind), tuple(tree)
    fields = _record_fields(tree)
    if fields is not None:
        names, static = fields
        statics = Statics(tuple((name, getattr(tree, name)) for name in static)) if static else _NO_STATICS
        return TreeDef("record", kind, names, template=tree, statics=statics), tuple(getattr(tree, name) for name in names)
    return LEAF, ()


def _step(node: TreeDef, index: int) -> str:
    """The path step to child ``index`` of ``node``: ``[2]``, ``['key']`` or ``.name``."""
    if node.kind in ("tuple", "list"):
        return f"[{index}]"
    if node.kind == "dict":
        return f"[{node.keys[index]!r}]"
    return f".{node.keys[index]}"


def _flatten(tree: Any, with_paths: bool, is_leaf: Optional[Callable[[Any], bool]] = None) -> tuple[list[Any], TreeDef]:
    """Leaves in order (``(path, leaf)`` pairs when ``with_paths``) and the structure.
    ``is_leaf(subtree)`` True makes that subtree a leaf, whatever it is."""
    if is_leaf is None:
        kind = type(tree)
        if kind in _PLAIN_LEAVES:
            return [("", tree) if with_paths else tree], LEAF
        if (kind is tuple or kind is list) and all(type(x) in _PLAIN_LEAVES for x in tree):
            # A flat tuple or list of arrays (a model's parameters): no walk, no cycle can hide.
            items = [(f"[{i}]", x) for i, x in enumerate(tree)] if with_paths else list(tree)
            return items, TreeDef(kind.__name__, kind, (), (LEAF,) * len(tree))
    leaves: list[Any] = []
    # An explicit stack of (path, subtree, slot to fill) keeps deep trees off the C stack.
    # A container is "open" from when it is taken apart until its last child is done (an
    # exit entry, slots None, marks that): meeting an open container again is a cycle.
    root: list[TreeDef] = [LEAF]
    pending: list[tuple[str, Any, Optional[list[TreeDef]], int]] = [("", tree, root, 0)]
    built: list[tuple[list[TreeDef], int, TreeDef, list[TreeDef]]] = []
    open_paths: dict[int, str] = {}
    while pending:
        path, subtree, slots, slot = pending.pop()
        if slots is None:
            del open_paths[slot]
            continue
        node, children = (LEAF, ()) if is_leaf is not None and is_leaf(subtree) else _children(subtree)
        if node is LEAF:
            leaves.append((path, subtree) if with_paths else subtree)
            continue
        if children:
            key = id(subtree)
            if key in open_paths:
                if not with_paths:  # find the paths to name them: walk again with paths
                    _flatten(tree, True, is_leaf)
                raise ValueError(
                    f"flatten: the pytree contains itself: tree{path} is tree{open_paths[key]} again "
                    f"(a {type(subtree).__name__} that holds itself); pytrees must be finite"
                )
            open_paths[key] = path
            pending.append(("", None, None, key))
        child_slots: list[TreeDef] = [LEAF] * len(children)
        built.append((slots, slot, node, child_slots))
        for index in reversed(range(len(children))):
            child_path = path + _step(node, index) if with_paths else ""
            pending.append((child_path, children[index], child_slots, index))
    for slots, slot, node, child_slots in reversed(built):
        slots[slot] = TreeDef(node.kind, node.node_type, node.keys, tuple(child_slots), node.template, node.statics)
    return leaves, root[0]


def flatten_with_paths(tree: Any, is_leaf: Optional[Callable[[Any], bool]] = None) -> tuple[list[tuple[str, Any]], TreeDef]:
    """Leaves in order with their paths (``.w``, ``[2]``, ``['key']``), and the structure."""
    return _flatten(tree, True, is_leaf)


def flatten(tree: Any, is_leaf: Optional[Callable[[Any], bool]] = None) -> tuple[list[Any], TreeDef]:
    """``(leaves, treedef)``: the leaves of ``tree`` in order, and its structure.

    ``is_leaf(subtree)``, when given, makes a subtree for which it is True one leaf.

    >>> leaves, treedef = flatten({"w": 1.0, "b": (2.0, None)})
    >>> leaves
    [1.0, 2.0]
    >>> flatten({"w": 1.0, "b": (2.0, None)}, is_leaf=lambda t: isinstance(t, tuple))[0]
    [1.0, (2.0, None)]
    """
    return _flatten(tree, False, is_leaf)


def leaves(tree: Any, is_leaf: Optional[Callable[[Any], bool]] = None) -> list[Any]:
    """The leaves of ``tree`` in order: ``flatten(tree)[0]``.

    >>> leaves([1.0, {"a": 2.0, "b": None}])
    [1.0, 2.0]
    """
    return _flatten(tree, False, is_leaf)[0]


def unflatten(treedef: TreeDef, leaves: Any) -> Any:
    """The pytree of structure ``treedef`` with ``leaves`` in order.

    >>> leaves, treedef = flatten({"w": 1.0, "b": (2.0, None)})
    >>> unflatten(treedef, [10.0, 20.0])
    {'w': 10.0, 'b': (20.0, None)}
    """
    items = list(leaves)
    if treedef is LEAF and len(items) == 1:
        return items[0]
    if len(items) != treedef.num_leaves:
        raise ValueError(f"unflatten: the structure has {treedef.num_leaves} leaves, got {len(items)}")
    if all(child is LEAF for child in treedef.children):  # a flat container: no walk needed
        return _rebuild(treedef, items)
    return _assemble(treedef, iter(items))


def _assemble(treedef: TreeDef, leaves: Any) -> Any:
    # Post-order with an explicit stack of (node, children built so far): no recursion.
    result: list[Any] = []
    stack: list[tuple[TreeDef, list[Any]]] = [(treedef, [])]
    while stack:
        node, built = stack[-1]
        if node.kind == "leaf":
            stack.pop()
            value: Any = next(leaves)
        elif len(built) < len(node.children):
            stack.append((node.children[len(built)], []))
            continue
        else:
            stack.pop()
            value = _rebuild(node, built)
        (stack[-1][1] if stack else result).append(value)
    return result[0]


def _rebuild(node: TreeDef, children: list[Any]) -> Any:
    if node.kind == "none":
        return None
    if node.kind in ("tuple", "list"):
        if node.node_type is tuple or node.node_type is list:
            return tuple(children) if node.kind == "tuple" else list(children)
        assert node.node_type is not None
        return node.node_type(children)  # a subclass, or another Sequence: built from its items
    if node.kind == "namedtuple":
        assert node.node_type is not None
        return node.node_type(*children)
    if node.kind == "dict":
        assert node.node_type is not None
        rebuilt = dict(zip(node.keys, children))
        if node.node_type is dict:
            return rebuilt
        container: Callable[..., Any] = node.node_type  # a Mapping built from a dict (a defaultdict also from its factory)
        if issubclass(node.node_type, collections.defaultdict):
            return container(node.template, rebuilt)  # the default_factory is kept
        return container(rebuilt)
    # A record: copy the instance and set its fields directly, so that frozen classes,
    # validators and converters (which might turn a traced Tensor back into an array)
    # neither refuse nor alter the new leaves.
    instance = copy.copy(node.template)
    for name, child in zip(node.keys, children):
        object.__setattr__(instance, str(name), child)
    return instance


def _rest_leaves(treedef: TreeDef, rest: tuple[Any, ...], is_leaf: Optional[Callable[[Any], bool]], name: str) -> list[list[Any]]:
    others = []
    for position, other in enumerate(rest):
        other_leaves, other_def = _flatten(other, False, is_leaf)
        if other_def != treedef:
            raise ValueError(f"{name}: tree {position + 1} has structure {other_def}, expected {treedef}")
        others.append(other_leaves)
    return others


def map(fn: Callable[..., Any], tree: Any, *rest: Any, is_leaf: Optional[Callable[[Any], bool]] = None) -> Any:
    """Apply ``fn`` to each leaf (and the matching leaves of ``rest``); keep the structure.

    Static fields of records are structure: they are carried over unchanged.

    >>> map(lambda x, y: x + y, {"a": 1, "b": [2, 3]}, {"a": 10, "b": [20, 30]})
    {'a': 11, 'b': [22, 33]}
    """
    items, treedef = _flatten(tree, False, is_leaf)
    others = _rest_leaves(treedef, rest, is_leaf, "tree.map")
    return unflatten(treedef, [fn(*args) for args in zip(items, *others)])


def map_with_path(fn: Callable[..., Any], tree: Any, *rest: Any, is_leaf: Optional[Callable[[Any], bool]] = None) -> Any:
    """``map`` whose ``fn`` also receives each leaf's path first (``.w``, ``[2]``, ``['key']``).

    >>> map_with_path(lambda path, x: f"{path}={x}", {"a": 1, "b": [2]})
    {'a': "['a']=1", 'b': ["['b'][0]=2"]}
    """
    pairs, treedef = _flatten(tree, True, is_leaf)
    others = _rest_leaves(treedef, rest, is_leaf, "tree.map_with_path")
    return unflatten(treedef, [fn(path, leaf, *args) for (path, leaf), *args in zip(pairs, *others)])
