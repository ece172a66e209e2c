"""Pytrees: nested tuples, lists, dicts, NamedTuples, dataclasses and attrs classes.

No registration: any of these containers nests (and their subclasses, such as
OrderedDict and defaultdict, or any other Mapping or Sequence, rebuilt with their own
type), None is an empty subtree, and anything else (arrays, Tensors, numbers, strings)
is a leaf. A container that contains itself is refused with a ValueError naming its
path; no function here recurses, so trees may be thousands of levels deep. Every transform takes pytree arguments and
returns gradients of the same structure and type.

>>> import funcgrad.tree as tree
>>> leaves, treedef = tree.flatten({"w": 1.0, "b": (2.0, None)})
>>> leaves
[1.0, 2.0]
>>> tree.unflatten(treedef, [10.0, 20.0])
{'w': 10.0, 'b': (20.0, None)}
>>> tree.map(lambda x: 2 * x, [1.0, {"a": 3.0}])
[2.0, {'a': 6.0}]
"""

from funcgrad._tree import TreeDef as TreeDef
from funcgrad._tree import flatten as flatten
from funcgrad._tree import map as map
from funcgrad._tree import unflatten as unflatten

__all__ = ["TreeDef", "flatten", "map", "unflatten"]
