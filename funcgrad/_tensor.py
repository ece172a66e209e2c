"""The node record and the one function that makes nodes.

A ``Tensor`` is a frozen record: its data, the operands it was computed from, and the
``Primitive`` (a frozen record of implementation and derivative rules) that computed it.
Nothing else exists: there is no tape and no registry, so a graph is just the objects
that point at each other, freed as soon as nobody holds its output.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence, Union

import attrs
import numpy as np

from funcgrad._dtypes import to_array
from funcgrad._typing import Array, ArrayLike, BoolArray

#: What a derivative rule computes with: an array on the first-order fast path, a
#: Tensor when an enclosing transform records the rule so it can be differentiated.
Value = Union[Array, "Tensor"]
#: An operand of a primitive: a node, an array, or a Python scalar constant.
Operand = Union[Array, "Tensor", float]
#: What public functions accept where an array goes.
TensorLike = Union["Tensor", ArrayLike]
#: Keyword metadata of one application (axis, shape, ...), normalised by the wrapper.
Params = Mapping[str, Any]
#: A derivative rule, one uniform signature for both modes:
#: ``rule(c, out, xs, params, argnum)`` maps the cotangent (reverse mode) or tangent
#: (forward mode) ``c`` of operand ``argnum`` to its contribution. ``c`` may carry extra
#: *leading* batch axes beyond the operand's (or output's) shape; rules must keep them,
#: which is what lets Jacobians pull back all rows in one pass. Broadcasting is undone
#: by the engine, so a rule may return any shape that broadcasts to the target.
Rule = Callable[[Value, Value, "tuple[Operand, ...]", Params, int], Value]


@attrs.frozen(eq=False)
class Primitive:
    """An operation funcgrad knows the derivatives of.

    ``impl(*operand_data, **params)`` computes the forward value on NumPy data. ``vjp``
    is the reverse-mode rule; ``jvp`` the forward-mode one. A primitive without a ``jvp``
    gets one derived from its ``vjp`` by transposition (exact, since a VJP is linear in
    its cotangent), which costs one extra small backward pass per use.

    ``elementwise`` marks an op that broadcasts its operands against each other the way
    NumPy does. In forward mode the engine then gives the tangent of a lower-rank operand
    unit axes after its batch axes, so that the rule's broadcasting lines the operand's
    axes up with the output's rather than with the batch axes.
    """

    name: str
    impl: Callable[..., Any]
    vjp: Rule
    jvp: Optional[Rule] = None
    elementwise: bool = False


@attrs.define(frozen=True, eq=False, init=False, repr=False)
class Tensor:
    """A node: read-only float data, the operands it came from and the primitive.

    >>> import numpy as np
    >>> a = Tensor(np.array([2])); b = Tensor(np.array([3]))
    >>> c = a.mul(b)
    >>> c
    Tensor([6.], op=multiply)

    Two Tensors with equal data are still two nodes: identity names a node. ``==`` and
    the other comparisons compare data elementwise and return arrays, as in NumPy;
    hashing is by identity.
    """

    data: Array
    inputs: "tuple[Operand, ...]"
    primitive: Optional[Primitive]
    params: Params

    # Make NumPy hand binary operators with an ndarray on the left back to Tensor's
    # reflected methods (array * tensor -> Tensor.__rmul__) instead of broadcasting.
    __array_ufunc__ = None
    __hash__ = object.__hash__

    def __init__(self, data: ArrayLike) -> None:
        if isinstance(data, Tensor):
            raise TypeError(
                "Tensor(data): data is already a Tensor; pass it on as it is, or use "
                "stop_gradient(t) for a constant with its value"
            )
        _init_node(self, to_array(data, "Tensor(data)", copy=True), (), None, _NO_PARAMS)

    # --- what a node is -------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.data.dtype

    @property
    def T(self) -> Tensor:
        return self.transpose()

    def __repr__(self) -> str:
        # Shows only this node's data and op name: never walks the graph. A 0-d Tensor
        # reads as a number, "5.0" and "1.0e+20" where NumPy writes "5." and "1.e+20"
        # (same print options and precision as arrays).
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        if self.data.ndim == 0:
            body = body.replace(".e", ".0e") + ("0" if body.endswith(".") else "")
        op = "" if self.primitive is None else f", op={self.primitive.name}"
        return f"Tensor({body}{op})"

    def __array__(self, dtype: Any = None, copy: Optional[bool] = None) -> Array:
        if copy:
            return np.array(self.data, dtype=dtype, copy=True)
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self.data)))

    def __float__(self) -> float:
        return float(self.data)

    def __bool__(self) -> bool:
        return bool(self.data)

    # --- the tutorial's methods and NumPy's -----------------------------------------
    def mul(self, other: TensorLike) -> Tensor:
        """``self * other``, the tutorial's method."""
        return apply(_ops.multiply_p, self, other)

    def add(self, other: TensorLike) -> Tensor:
        """``self + other``."""
        return apply(_ops.add_p, self, other)

    def sum(self, axis: Union[int, Sequence[int], None] = None, keepdims: bool = False) -> Tensor:
        return _ops.sum_tensor(self, axis, keepdims)

    def mean(self, axis: Union[int, Sequence[int], None] = None, keepdims: bool = False) -> Tensor:
        return _ops.mean_tensor(self, axis, keepdims)

    def reshape(self, *shape: Union[int, Sequence[int]]) -> Tensor:
        return _ops.reshape_tensor(self, shape)

    def transpose(self, *axes: Union[int, Sequence[int], None]) -> Tensor:
        return _ops.transpose_tensor(self, axes)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem_tensor(self, index)

    # --- operators: each is one primitive ---------------------------------------------
    def __add__(self, other: TensorLike) -> Tensor:
        return _binary(_ops.add_p, self, other)

    def __radd__(self, other: TensorLike) -> Tensor:
        return _binary(_ops.add_p, other, self)

    def __sub__(self, other: TensorLike) -> Tensor:
        return _binary(_ops.subtract_p, self, other)

    def __rsub__(self, other: TensorLike) -> Tensor:
        return _binary(_ops.subtract_p, other, self)

    def __mul__(self, other: TensorLike) -> Tensor:
        return _binary(_ops.multiply_p, self, other)

    def __rmul__(self, other: TensorLike) -> Tensor:
        return _binary(_ops.multiply_p, other, self)

    def __truediv__(self, other: TensorLike) -> Tensor:
        return _binary(_ops.divide_p, self, other)

    def __rtruediv__(self, other: TensorLike) -> Tensor:
        return _binary(_ops.divide_p, other, self)

    def __pow__(self, other: TensorLike) -> Tensor:
        return apply(_ops.power_p, self, other)

    def __rpow__(self, other: TensorLike) -> Tensor:
        return apply(_ops.power_p, other, self)

    def __matmul__(self, other: TensorLike) -> Tensor:
        return apply(_ops.matmul_p, self, other)

    def __rmatmul__(self, other: TensorLike) -> Tensor:
        return apply(_ops.matmul_p, other, self)

    def __neg__(self) -> Tensor:
        return apply(_ops.negative_p, self)

    def __pos__(self) -> Tensor:
        return self

    # Comparisons are not differentiable: they return plain boolean arrays.
    def __lt__(self, other: TensorLike) -> BoolArray:
        return _compare(np.less, self, other)

    def __le__(self, other: TensorLike) -> BoolArray:
        return _compare(np.less_equal, self, other)

    def __gt__(self, other: TensorLike) -> BoolArray:
        return _compare(np.greater, self, other)

    def __ge__(self, other: TensorLike) -> BoolArray:
        return _compare(np.greater_equal, self, other)

    def __eq__(self, other: object) -> BoolArray:  # type: ignore[override]  # elementwise, as NumPy's
        return _compare(np.equal, self, other)

    def __ne__(self, other: object) -> BoolArray:  # type: ignore[override]  # elementwise, as NumPy's
        return _compare(np.not_equal, self, other)


def _compare(ufunc: np.ufunc, x: Tensor, other: object) -> BoolArray:
    result: BoolArray = ufunc(x.data, data_of(other))
    return result


_NO_PARAMS: Params = MappingProxyType({})
_new = object.__new__
# attrs' frozen __setattr__ refuses; the factory alone sets the slots, through their
# descriptors (cheaper than object.__setattr__, which looks each one up by name).
_set_data = Tensor.__dict__["data"].__set__
_set_inputs = Tensor.__dict__["inputs"].__set__
_set_primitive = Tensor.__dict__["primitive"].__set__
_set_params = Tensor.__dict__["params"].__set__


def _init_node(
    node: Tensor, data: Array, inputs: "tuple[Operand, ...]", primitive: Optional[Primitive], params: Params
) -> None:
    _set_data(node, data)
    _set_inputs(node, inputs)
    _set_primitive(node, primitive)
    _set_params(node, params)


def make_node(
    data: Array, inputs: "tuple[Operand, ...]" = (), primitive: Optional[Primitive] = None, params: Params = _NO_PARAMS
) -> Tensor:
    """The one node factory: takes ``data`` as it is (read-only, owned by the node).

    ``_result_node`` inlines these lines: it runs once per op, and a call costs as much.
    """
    node: Tensor = _new(Tensor)
    _set_data(node, data)
    _set_inputs(node, inputs)
    _set_primitive(node, primitive)
    _set_params(node, params)
    return node


def data_of(value: Any) -> Any:
    """The NumPy value behind a Tensor, or the value itself."""
    return value.data if type(value) is Tensor else value


def _operand_data(primitive: Primitive, args: "tuple[Any, ...]") -> "tuple[list[Any], bool]":
    """The NumPy operands for ``primitive.impl`` and whether any argument is a Tensor."""
    data: list[Any] = []
    traced = False
    for position, arg in enumerate(args):
        kind = type(arg)
        if kind is Tensor:
            traced = True
            data.append(arg.data)
        elif kind is float or kind is int or (kind is np.ndarray and arg.dtype.kind == "f"):
            data.append(arg)
        else:
            data.append(_constant(arg, f"{primitive.name}: operand {position}"))
    return data, traced


def _constant(value: Any, name: str) -> Any:
    if isinstance(value, (bool, int, float)) and not isinstance(value, np.generic):
        return value
    return to_array(value, name, copy=False)


def apply(primitive: Primitive, *args: Any, **params: Any) -> Tensor:
    """Apply ``primitive`` and return a node, even when no argument is a Tensor.

    The entry point of every public op: arguments may be Tensors, arrays or scalars.
    """
    # Fast paths for the common shapes of a call (one Tensor; a Tensor with a Tensor, a
    # Python float or a float array): nothing there needs converting, so skip the
    # general operand scan.
    data: Any
    n = len(args)
    x = args[0] if n else None
    if n == 1 and type(x) is Tensor:
        data = (x.data,)
    elif n == 2:
        y = args[1]
        if type(x) is Tensor:
            if type(y) is Tensor:
                data = (x.data, y.data)
            elif type(y) is float or (type(y) is np.ndarray and y.dtype.kind == "f"):
                data = (x.data, y)  # a constant taken as it is, as _operand_data would
            else:
                return _apply_general(primitive, args, params)
        elif type(y) is Tensor and (type(x) is float or (type(x) is np.ndarray and x.dtype.kind == "f")):
            data = (x, y.data)
        else:
            return _apply_general(primitive, args, params)
    else:
        return _apply_general(primitive, args, params)
    try:
        out = primitive.impl(*data, **params)
    except ValueError as error:
        raise _operand_error(primitive, error, data) from None
    # An empty ``**params`` is a fresh dict per call: share the one read-only empty mapping.
    return _result_node(out, args, primitive, params if params else _NO_PARAMS)


def _binary(primitive: Primitive, x: Any, y: Any) -> Tensor:
    """``apply(primitive, x, y)`` for Tensor's arithmetic operators, the commonest ops:
    a fixed arity leaves no ``*args`` or ``**params`` to pack and unpack."""
    x_data: Any
    y_data: Any
    if type(x) is Tensor:
        if type(y) is Tensor:
            y_data = y.data
        elif type(y) is float:
            y_data = y
        else:
            return apply(primitive, x, y)
        x_data = x.data
    elif type(x) is float and type(y) is Tensor:
        x_data, y_data = x, y.data
    else:
        return apply(primitive, x, y)
    try:
        out = primitive.impl(x_data, y_data)
    except ValueError as error:
        raise _operand_error(primitive, error, (x_data, y_data)) from None
    return _result_node(out, (x, y), primitive, _NO_PARAMS)


def _result_node(out: Any, inputs: "tuple[Operand, ...]", primitive: Primitive, params: Params) -> Tensor:
    """The node holding an op's result: float data, read-only from here on."""
    if type(out) is not np.ndarray:
        out = _float_array(out)  # NumPy returns scalars for 0-d results
    out.setflags(write=False)
    node: Tensor = _new(Tensor)  # make_node, inlined: this runs once per op
    _set_data(node, out)
    _set_inputs(node, inputs)
    _set_primitive(node, primitive)
    _set_params(node, params)
    return node


def _operand_error(primitive: Primitive, error: ValueError, data: Sequence[Any]) -> ValueError:
    """NumPy's error, naming the op and the operand shapes, of the same type (a singular
    matrix stays a ``LinAlgError``, which users catch)."""
    shapes = " and ".join(str(np.shape(x)) for x in data)
    reason = str(error).removeprefix(f"{primitive.name}: ")
    kind = type(error) if isinstance(error, np.linalg.LinAlgError) else ValueError
    return kind(f"{primitive.name}: {reason} (operand shapes {shapes})")


def _float_array(out: Any) -> Array:
    out = np.asarray(out)
    if out.dtype.kind != "f":  # integer data from integer constants
        out = out.astype(np.float64)
    result: Array = out
    return result


def _apply_general(primitive: Primitive, args: "tuple[Any, ...]", params: dict[str, Any]) -> Tensor:
    """``apply`` for any operands: constants are checked and converted first."""
    data, traced = _operand_data(primitive, args)
    try:
        out = primitive.impl(*data, **params)
    except ValueError as error:
        raise _operand_error(primitive, error, data) from None
    if not traced:  # integer constants give integer data
        out = _float_array(out)
    return _result_node(out, args, primitive, params if params else _NO_PARAMS)


def bind(primitive: Primitive, *args: Any, **params: Any) -> Value:
    """Apply ``primitive`` inside a derivative rule.

    On the first-order fast path every operand is already a NumPy value, so this is a
    direct call to ``impl`` and builds no graph. Only when an operand is a Tensor (an
    enclosing transform records this rule) is a node made.
    """
    for arg in args:
        if type(arg) is Tensor:
            return apply(primitive, *args, **params)
    out: Array = primitive.impl(*args, **params)
    return out


# Tensor's methods are written with the core primitives, which in turn make Tensors:
# the module is bound here, after Tensor exists, and read when a method runs.
from funcgrad import _core_ops as _ops  # noqa: E402
