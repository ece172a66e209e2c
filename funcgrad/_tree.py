"""Pytrees: nested containers of arrays, taken apart and put back without registration.

Containers are tuples, lists, dicts (in insertion order), NamedTuples, dataclass
instances and attrs instances; None is an empty subtree. Anything else (arrays,
Tensors, numbers) is a leaf. Every leaf has a path such as ``.layers[2].w``, so that an
error can name it.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, Callable, Hashable, Optional

import attrs
import numpy as np
from funcgrad._tensor import Tensor


@attrs.frozen
class TreeDef:
    """The structure of a pytree: its kind, the keys of its children, and theirs.

    ``template`` is the container instance a dataclass or attrs node was flattened from;
    it supplies the non-field state when the node is rebuilt, and plays no part in
    comparing structures.
    """

    kind: str  # "leaf", "none", "tuple", "list", "dict", "namedtuple", "record"
    node_type: Optional[type] = None
    keys: tuple[Hashable, ...] = ()
    children: tuple["TreeDef", ...] = ()
    template: Any = attrs.field(default=None, eq=False, repr=False)
    #: Counted once, when the structure is built bottom-up (children exist first).
    num_leaves: int = attrs.field(eq=False, repr=False)

    @num_leaves.default
    def _count_leaves(self) -> int:
        return 1 if self.kind == "leaf" else sum(child.num_leaves for child in self.children)


LEAF = TreeDef("leaf")
# The commonest leaves, recognised without any container checks.
_PLAIN_LEAVES = (np.ndarray, Tensor, float, int)
_NONE = TreeDef("none")


def _record_fields(tree: Any) -> Optional[tuple[str, ...]]:
    """Field names of a dataclass or attrs instance (not class), else None."""
    kind = type(tree)
    if isinstance(tree, (Tensor, type)):  # a Tensor subclass (vmap's batched values) is a leaf too
        return None
    if attrs.has(kind):
        return tuple(field.name for field in attrs.fields(kind))
    if dataclasses.is_dataclass(tree):
        return tuple(field.name for field in dataclasses.fields(tree))
    return None


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
    if isinstance(tree, dict):
        keys = tuple(tree)
        return TreeDef("dict", kind, keys), tuple(tree[key] for key in keys)
    fields = _record_fields(tree)
    if fields is not None:
        return TreeDef("record", kind, fields, template=tree), tuple(getattr(tree, name) for name in fields)
    return LEAF, ()


def _step(node: TreeDef, index: int) -> str:
    """The path step to child ``index`` of ``node``: ``[2]``, ``['key']`` or ``.name``."""
    if node.kind in ("tuple", "list"):
        return f"[{index}]"
    if node.kind == "dict":
        return f"[{node.keys[index]!r}]"
    return f".{node.keys[index]}"


def _flatten(tree: Any, with_paths: bool) -> tuple[list[Any], TreeDef]:
    """Leaves in order (``(path, leaf)`` pairs when ``with_paths``) and the structure."""
    if type(tree) in _PLAIN_LEAVES:
        return [("", tree) if with_paths else tree], LEAF
    leaves: list[Any] = []
    # An explicit stack of (path, subtree, slot to fill) keeps deep trees off the C stack.
    root: list[TreeDef] = [LEAF]
    pending: list[tuple[str, Any, list[TreeDef], int]] = [("", tree, root, 0)]
    built: list[tuple[list[TreeDef], int, TreeDef, list[TreeDef]]] = []
    while pending:
        path, subtree, slots, slot = pending.pop()
        node, children = _children(subtree)
        if node is LEAF:
            leaves.append((path, subtree) if with_paths else subtree)
            continue
        child_slots: list[TreeDef] = [LEAF] * len(children)
        built.append((slots, slot, node, child_slots))
        for index in reversed(range(len(children))):
            child_path = path + _step(node, index) if with_paths else ""
            pending.append((child_path, children[index], child_slots, index))
    for slots, slot, node, child_slots in reversed(built):
        slots[slot] = TreeDef(node.kind, node.node_type, node.keys, tuple(child_slots), node.template)
    return leaves, root[0]


def flatten_with_paths(tree: Any) -> tuple[list[tuple[str, Any]], TreeDef]:
    """Leaves in order with their paths (``.w``, ``[2]``, ``['key']``), and the structure."""
    return _flatten(tree, with_paths=True)


def flatten(tree: Any) -> tuple[list[Any], TreeDef]:
    """``(leaves, treedef)``: the leaves of ``tree`` in order, and its structure.

    >>> leaves, treedef = flatten({"w": 1.0, "b": (2.0, None)})
    >>> leaves
    [1.0, 2.0]
    """
    return _flatten(tree, with_paths=False)


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
        return tuple(children) if node.kind == "tuple" else list(children)
    if node.kind == "namedtuple":
        assert node.node_type is not None
        return node.node_type(*children)
    if node.kind == "dict":
        assert node.node_type is not None
        rebuilt = dict(zip(node.keys, children))
        return rebuilt if node.node_type is dict else node.node_type(rebuilt)
    # A record: copy the instance and set its fields directly, so that frozen classes,
    # validators and converters (which might turn a traced Tensor back into an array)
    # neither refuse nor alter the new leaves.
    instance = copy.copy(node.template)
    for name, child in zip(node.keys, children):
        object.__setattr__(instance, str(name), child)
    return instance


def map(fn: Callable[..., Any], tree: Any, *rest: Any) -> Any:
    """Apply ``fn`` to each leaf (and the matching leaves of ``rest``); keep the structure.

    >>> map(lambda x, y: x + y, {"a": 1, "b": [2, 3]}, {"a": 10, "b": [20, 30]})
    {'a': 11, 'b': [22, 33]}
    """
    leaves, treedef = flatten(tree)
    others = []
    for position, other in enumerate(rest):
        other_leaves, other_def = flatten(other)
        if other_def != treedef:
            raise ValueError(f"tree.map: tree {position + 1} has structure {other_def}, expected {treedef}")
        others.append(other_leaves)
    return unflatten(treedef, [fn(*items) for items in zip(leaves, *others)])
