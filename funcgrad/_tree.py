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
    #: Counted once, when the structure is built bottom-up (children exist first).
    num_leaves: int = attrs.field()
    #: Likewise hashed once from the children's hashes: hashing never recurses.
    structure_hash: int = attrs.field()

    @num_leaves.default
    def _count_leaves(self) -> int:
        return 1 if self.kind == "leaf" else sum(child.num_leaves for child in self.children)

    @structure_hash.default
    def _hash_structure(self) -> int:
        return hash((self.kind, self.node_type, self.keys, tuple(child.structure_hash for child in self.children)))

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


def _record_fields(tree: Any) -> Optional[tuple[str, ...]]:
    """Field names of a dataclass or attrs instance (not class), else None."""
    kind = type(tree)
    if kind is Tensor or isinstance(tree, type):
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
    if isinstance(tree, (dict, Mapping)):  # dict subclasses (OrderedDict, defaultdict) and other mappings
        keys = tuple(tree)
        factory = tree.default_factory if isinstance(tree, collections.defaultdict) else None
        return TreeDef("dict", kind, keys, template=factory), tuple(tree[key] for key in keys)
    if isinstance(tree, (list, tuple)) or (isinstance(tree, Sequence) and not isinstance(tree, _ATOMIC_SEQUENCES)):
        return TreeDef("tuple" if isinstance(tree, tuple) else "list", kind), tuple(tree)
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
        node, children = _children(subtree)
        if node is LEAF:
            leaves.append((path, subtree) if with_paths else subtree)
            continue
        if children:
            key = id(subtree)
            if key in open_paths:
                if not with_paths:  # find the paths to name them: walk again with paths
                    _flatten(tree, with_paths=True)
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
