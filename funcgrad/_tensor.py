"""The node record and the one function that makes nodes.

A ``Tensor`` is a frozen record: its data, the operands it was computed from, and the
``Primitive`` (a frozen record of implementation and derivative rules) that computed it.
Nothing else exists: there is no tape and no registry, so a graph is just the objects
that point at each other, freed as soon as nobody holds its output.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence, Union, overload

import attrs
import numpy as np

from funcgrad import _backend
from funcgrad._dtypes import as_numeric, snapshot, to_array, writable_by_caller
from funcgrad._typing import Array, ArrayLike, BoolArray, IntArray, IntegerDType

#: What a derivative rule computes with: an array on the first-order fast path, a
#: Tensor when an enclosing transform records the rule so it can be differentiated.
Value = Union[Array, "Tensor"]
#: An operand of a primitive: a node, an array, or a Python scalar constant.
Operand = Union[Array, "Tensor", float]
#: What public functions accept where an array goes: a list or tuple holding Tensors is
#: one array too, as NumPy would read it (``fnp.sum([a * a, b])``).
TensorLike = Union["Tensor", ArrayLike, Sequence[Union["Tensor", ArrayLike]], Sequence[Sequence[Union["Tensor", float]]]]
#: An ``axis`` argument as NumPy takes it.
Axis = Union[int, Sequence[int], None]
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
    #: The output's derivative is zero wherever it has one, at every order (floor,
    #: rint, sign, stop_gradient, ...): its integer values may leave the graph
    #: (``fnp.floor(t).astype(int)``) with no derivative lost.
    piecewise_constant: bool = False
    #: False for ops whose rules never read a constant operand (add, subtract): their
    #: constants are not snapshotted, which saves a copy of, say, a data batch per step.
    reads_constants: bool = True
    #: How ``vmap`` applies the op to operands with a leading batch axis:
    #: ``batch(primitive, xs, batched, params, size) -> output with the batch axis first``
    #: (docs/design.md, "Batching rules"). None: the family rule the op belongs to
    #: (``elementwise``, axis parameters, ...) or, failing that, a loop over the batch.
    batch: Optional[Callable[..., Any]] = None


class Trace:
    """One transform call in progress: live from the moment it wraps its arguments until
    it returns. Its argument nodes point at it.

    A Tensor is *traced* when its graph reaches the argument node of a live call: then
    an enclosing computation is differentiating it, and turning it into a constant
    (``float(t)``) would silently drop a derivative. Once the call has returned, its
    argument nodes are ordinary leaves, so a result that escaped it (an inner gradient
    closing over nothing) never makes a later transform think it is nested. The flag
    belongs to the call, not to a module, so threads never see each other's calls.
    """

    __slots__ = ("live",)

    def __init__(self) -> None:
        self.live = True


class JitTrace(Trace):
    """A ``jit`` call that is tracing: besides being live, it collects the *guards*, the
    data-dependent plain answers (a comparison, ``bool(t)``, an ``argmax``) its trace
    took. Each is ``(tensors, recompute, result)``: ``recompute(*[t.data for t in
    tensors])`` gives the answer again from new values, and a replay whose answer differs
    from ``result`` is not the trace's computation any more (funcgrad/_jit.py)."""

    __slots__ = ("guards",)

    def __init__(self) -> None:
        super().__init__()
        self.guards: list[tuple[list["Tensor"], Callable[..., Any], Any]] = []


def jit_traces(tensors: Sequence[Any]) -> "list[JitTrace]":
    """The live ``jit`` traces the Tensors among ``tensors`` reach: a walk to the roots of
    their graph, as ``is_traced`` does, so no state lives in a module. Callers skip it
    for a Tensor with no operands and no primitive (a plain leaf: nothing to find)."""
    found: list[JitTrace] = []
    seen: set[Tensor] = set()
    stack = [t for t in tensors if type(t) is Tensor]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        inputs = node.inputs
        if not inputs:
            trace = node.params.get("trace") if node.primitive is not None else None
            if type(trace) is JitTrace and trace.live and trace not in found:
                found.append(trace)
            continue
        for x in inputs:
            if type(x) is Tensor and x not in seen:
                stack.append(x)
    return found


def observe(tensors: Sequence["Tensor"], recompute: Callable[..., Any], result: Any) -> None:
    """Tell every live ``jit`` trace that ``tensors`` reach that ``result``, a plain answer
    about their data, is ``recompute(*[t.data for t in tensors])``: one of its guards."""
    traces = jit_traces(tensors)
    if traces:
        guard(traces, tensors, recompute, result)


def guard(traces: "list[JitTrace]", tensors: Sequence["Tensor"], recompute: Callable[..., Any], result: Any) -> None:
    kept = snapshot_answer(result)
    for trace in traces:
        trace.guards.append((list(tensors), recompute, kept))


def snapshot_answer(result: Any) -> Any:
    """A guard's answer, copied so the caller can change theirs."""
    if isinstance(result, np.ndarray):
        return result.copy()
    if isinstance(result, tuple):
        return tuple(snapshot_answer(r) for r in result)
    return result


def live_trace(node: "Tensor") -> bool:
    """Whether ``node`` is an argument node of a transform call that is running (the
    root one of an array argument, or the one standing on a Tensor argument)."""
    if node.primitive is None:
        return False
    trace = node.params.get("trace")
    return (type(trace) is Trace or type(trace) is JitTrace) and trace.live


def is_traced(output: "Tensor") -> bool:
    """Whether ``output``'s graph reaches the argument of a live transform call.

    A walk that stops at the first such argument; it runs only when a value is about to
    leave the graph (``float(t)``), never per op.
    """
    seen = {output}
    stack = [output]
    while stack:
        node = stack.pop()
        if live_trace(node):
            return True
        for x in node.inputs:
            if type(x) is Tensor and x not in seen:
                seen.add(x)
                stack.append(x)
    return False


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

    __hash__ = object.__hash__
    #: Tells ``_backend.is_duck`` that a Tensor, which speaks NumPy's protocols too, is a
    #: node and not another library's array.
    __funcgrad_node__ = True

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
        # (same print options and precision as arrays). A duck array shows its own repr
        # (a Dask array's says what it is without computing it).
        op = "" if self.primitive is None else f", op={self.primitive.name}"
        if _backend.is_duck(self.data):
            return f"Tensor({self.data!r}{op})"
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        if self.data.ndim == 0:
            body = body.replace(".e", ".0e") + ("0" if body.endswith(".") else "")
        return f"Tensor({body}{op})"

    # --- leaving the graph: allowed on purpose (stop_gradient, .data), refused by accident
    def _concrete(self, conversion: str) -> Array:
        """The data, for a conversion that makes a constant of it, unless it is traced."""
        if is_traced(self):
            raise TypeError(
                f"{conversion}: this Tensor depends on the arguments of a running transform "
                "(grad, jvp, jacobian, ...), so converting it to a constant would silently drop "
                "its derivative. Keep it a Tensor and use funcgrad.numpy functions, or take a "
                "constant on purpose with stop_gradient(t) (stays in the graph, zero derivative) "
                "or t.data (its NumPy value)"
            )
        return self.data

    def __array__(self, dtype: Any = None, copy: Optional[bool] = None) -> Array:
        data = self._concrete("numpy.asarray(tensor)")
        if copy or _backend.is_duck(data):  # a Dask array computes, a CuPy one refuses
            return np.array(data, dtype=dtype, copy=True)
        return data if dtype is None else data.astype(dtype)

    def __float__(self) -> float:
        return float(self._concrete("float(tensor)"))

    def __int__(self) -> int:
        return int(self._concrete("int(tensor)"))

    def __complex__(self) -> complex:
        return complex(self._concrete("complex(tensor)"))

    def __index__(self) -> int:
        self._concrete("tensor used as an index (__index__)")
        raise TypeError(
            "__index__: a Tensor holds float data and cannot be an index; "
            "use an integer array, e.g. t.data.astype(int) on a constant"
        )

    def item(self, *args: int) -> float:
        """The Python number at ``args`` (NumPy's ``ndarray.item``); refused when traced."""
        value: float = self._concrete("tensor.item()").item(*args)
        return value

    def tolist(self) -> Any:
        """The data as nested Python lists (NumPy's ``ndarray.tolist``); refused when traced."""
        return self._concrete("tensor.tolist()").tolist()

    def __format__(self, spec: str) -> str:
        # Formatting shows a value, it does not compute with one: allowed even when traced,
        # as printing a traced value while debugging should be.
        return format(self.data, spec) if spec else str(self)

    def __len__(self) -> int:
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self.data)))

    def __bool__(self) -> bool:
        # Branching on a value is allowed: the branch taken is the one differentiated
        # (and, under jit, a guard of the trace).
        result = bool(self.data)
        if self.inputs or self.primitive is not None:
            observe((self,), bool, result)
        return result

    # --- NumPy's dispatch protocols (NEP 13 and 18): np.sin(t) runs funcgrad's sin ------
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # ``x_ndarray * t``, ``X @ W``: NumPy's arithmetic with an array on the left is the
        # commonest call here, so it goes straight to the core primitive.
        primitive = _ops.ARITHMETIC_UFUNCS.get(ufunc) if method == "__call__" and not kwargs and len(inputs) == 2 else None
        if primitive is not None and type(inputs[0]) is np.ndarray and type(inputs[1]) is Tensor:
            return apply(primitive, *inputs)
        from funcgrad.numpy import _dispatch  # the table lives with the ops, above Tensor

        return _dispatch.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Callable[..., Any], types: Any, args: Any, kwargs: Any) -> Any:
        from funcgrad.numpy import _dispatch

        return _dispatch.array_function(func, types, args, kwargs)

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

    def __setitem__(self, index: Any, value: Any) -> None:
        # NumPy code writes entries in place (a[i] = v, a[:, 0] += 1); a Tensor is an
        # immutable graph node, so say so and name the functional ways to the same value.
        raise TypeError(
            "Tensor does not support item assignment (t[i] = v, t[i] += v): a Tensor is "
            "immutable, so a value already computed from it can never change. Build the new "
            "value instead, e.g. fnp.where(mask, v, t), or fnp.concatenate / fnp.stack of "
            "the pieces. For constant data, keep a NumPy array (numpy.array(...); note that "
            "funcgrad.numpy.array(...) makes a Tensor) or take a writable copy with t.data.copy()"
        )

    # ndarray's methods that make sense for a differentiable value: each is its
    # funcgrad.numpy twin (imported when called: those ops are built on Tensor).
    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.min(self, axis=axis, keepdims=keepdims)

    def prod(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.prod(self, axis=axis, keepdims=keepdims)

    def var(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def cumsum(self, axis: Optional[int] = None) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.cumsum(self, axis=axis)

    def clip(self, a_min: Optional[TensorLike] = None, a_max: Optional[TensorLike] = None) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.clip(self, a_min, a_max)

    def dot(self, other: TensorLike) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.dot(self, other)

    def squeeze(self, axis: Axis = None) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.squeeze(self, axis=axis)

    def cumprod(self, axis: Optional[int] = None) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.cumprod(self, axis=axis)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.diagonal(self, offset, axis1, axis2)

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.trace(self, offset, axis1, axis2)

    def ptp(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.ptp(self, axis=axis, keepdims=keepdims)

    def repeat(self, repeats: Any, axis: Optional[int] = None) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.repeat(self, repeats, axis=axis)

    def take(self, indices: Any, axis: Optional[int] = None) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.take(self, indices, axis=axis)

    def round(self, decimals: int = 0) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.round(self, decimals)

    def __abs__(self) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.abs(self)

    def ravel(self) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.ravel(self)

    def flatten(self) -> Tensor:
        # ndarray.flatten copies and ravel may not; a Tensor is immutable, so they agree.
        import funcgrad.numpy as fnp

        return fnp.ravel(self)

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        import funcgrad.numpy as fnp

        return fnp.swapaxes(self, axis1, axis2)

    @overload
    def astype(self, dtype: IntegerDType) -> np.ndarray[Any, Any]: ...
    @overload
    def astype(self, dtype: Any) -> Tensor: ...
    def astype(self, dtype: Any) -> Union[Tensor, np.ndarray[Any, Any]]:
        """The value in another float dtype (float32 <-> float64), differentiable; or, for
        an integer or boolean dtype, the integer values of a piecewise-constant Tensor as a
        plain array (an index, a bin number).

        An integer array has no derivative, so only a Tensor whose derivative is zero
        anyway converts: one made by a piecewise-constant op (``fnp.floor(t).astype(int)``,
        as autograd programs compute grid indices, ``fnp.rint``, ``fnp.sign``, ...) or by
        ``stop_gradient`` (which says "a constant, on purpose" for any value).

        >>> import funcgrad.numpy as fnp
        >>> fnp.floor(Tensor([1.5, -0.5])).astype(int)
        array([ 1, -1])
        """
        target = np.dtype(dtype)
        if target.kind == "f":
            return apply(_ops.astype_p, self, dtype=target)
        made_by = self.primitive
        if target.kind in "iub" and made_by is not None and made_by.piecewise_constant:
            return self.data.astype(target)
        raise TypeError(
            f"astype({target}): a Tensor holds real float data and converts between float dtypes; "
            "an integer or boolean array has no derivative, so converting a differentiable value "
            "would silently drop its derivative. Say which integer you mean with a piecewise-"
            "constant op (fnp.floor(t).astype(int), fnp.rint(t).astype(int), ...), or take a "
            "constant on purpose with stop_gradient(t).astype(int) or t.data.astype(int)"
        )

    # Integer and boolean answers about the data are plain arrays: nothing to differentiate.
    def argmax(self, axis: Optional[int] = None) -> IntArray:
        result: IntArray = _answer(self, lambda d: _plain(np.argmax(d, axis=axis)))
        return result

    def argmin(self, axis: Optional[int] = None) -> IntArray:
        result: IntArray = _answer(self, lambda d: _plain(np.argmin(d, axis=axis)))
        return result

    def nonzero(self) -> tuple[IntArray, ...]:
        return np.nonzero(self.data)

    def argsort(self, axis: Optional[int] = -1) -> IntArray:
        result: IntArray = _answer(self, lambda d: np.argsort(d, axis=axis))
        return result

    def any(self, axis: Axis = None, keepdims: bool = False) -> BoolArray:
        result: BoolArray = _answer(self, lambda d: np.any(d, axis=axis, keepdims=keepdims))  # type: ignore[arg-type]  # axis as NumPy takes it
        return result

    def all(self, axis: Axis = None, keepdims: bool = False) -> BoolArray:
        result: BoolArray = _answer(self, lambda d: np.all(d, axis=axis, keepdims=keepdims))  # type: ignore[arg-type]  # axis as NumPy takes it
        return result

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

    def __mod__(self, other: TensorLike) -> Tensor:
        return _binary(_ops.mod_p, self, other)

    def __rmod__(self, other: TensorLike) -> Tensor:
        return _binary(_ops.mod_p, other, self)

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
    if type(other) is Tensor:
        result: BoolArray = ufunc(x.data, other.data)
        if x.inputs or x.primitive is not None or other.inputs or other.primitive is not None:
            observe((x, other), ufunc, result)
        return result
    result = ufunc(x.data, other)
    if x.inputs or x.primitive is not None:
        traces = jit_traces((x,))
        if traces:  # a jit trace replays the comparison against the same constant
            constant = snapshot_answer(other)
            guard(traces, (x,), lambda d: ufunc(d, constant), result)
    return result


def _plain(result: Any) -> Any:
    """An integer answer as an array of the data's library (NumPy's scalars as 0-d arrays)."""
    return result if _backend.is_duck(result) else np.asarray(result)


def _answer(x: Tensor, compute: Callable[[Any], Any]) -> Any:
    """A plain answer about ``x``'s data, a guard of any jit trace ``x`` belongs to."""
    result = compute(x.data)
    if x.inputs or x.primitive is not None:
        observe((x,), compute, result)
    return result


_NO_PARAMS: Params = MappingProxyType({})
_new = object.__new__
# attrs' frozen __setattr__ refuses; the factory alone sets the slots, through their
# descriptors (cheaper than object.__setattr__, which looks each one up by name).
_set_data = set_data = Tensor.__dict__["data"].__set__
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


def _operand_data(primitive: Primitive, args: "tuple[Any, ...]") -> "tuple[list[Any], tuple[Operand, ...], bool]":
    """The NumPy operands for ``primitive.impl``, the operands its node keeps, and whether
    any of them is a Tensor.

    - A list or tuple holding Tensors is one differentiable operand (``_ops.pack``), as
      NumPy would read it as one array: ``t + [t[0], t[1]]`` differentiates every entry.
    - A float array constant is kept as a snapshot when the rules will read it later, so
      that changing the caller's array afterwards changes no value and no gradient.
    - Integer and boolean constants are weak, as Python ints are: they take the dtype of
      the float operands (float32 stays float32), float64 when there are none.
    """
    data: list[Any] = []
    inputs: list[Any] = list(args)
    weak: list[int] = []
    traced = False
    for position, arg in enumerate(args):
        kind = type(arg)
        if kind is list or kind is tuple:
            arg = _ops.pack(arg, f"{primitive.name}: operand {position}")
            kind = type(arg)
        if kind is Tensor:
            traced = True
            inputs[position] = arg
            data.append(arg.data)
            continue
        if kind is float or kind is int or kind is bool:
            data.append(arg)
            continue
        array = as_numeric(arg, f"{primitive.name}: operand {position}")
        if array.dtype.kind == "f":
            if primitive.reads_constants:
                array = snapshot(array)
        else:
            weak.append(position)
        inputs[position] = array
        data.append(array)
    if weak:
        floats = [d.dtype for d in data if hasattr(d, "dtype") and d.dtype.kind == "f"]
        dtype = np.result_type(*floats) if floats else np.float64
        for position in weak:
            array = data[position].astype(dtype)
            if type(array) is np.ndarray:
                array.flags.writeable = False
                if array.ndim == 0:  # a number, which every array library takes
                    array = array[()]
            data[position] = inputs[position] = array
    return data, tuple(inputs), traced


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
            elif type(y) is float:
                data = (x.data, y)
            elif type(y) is np.ndarray and y.dtype.kind == "f":
                if not _settled(primitive, y):  # a float-array constant, snapshotted in place
                    y = snapshot(y)
                    args = (x, y)
                data = (x.data, y)
            else:
                return _apply_general(primitive, args, params)
        elif type(y) is Tensor and (type(x) is float or (type(x) is np.ndarray and x.dtype.kind == "f")):
            if type(x) is np.ndarray and not _settled(primitive, x):
                x = snapshot(x)
                args = (x, y)
            data = (x, y.data)
        else:
            return _apply_general(primitive, args, params)
    else:
        return _apply_general(primitive, args, params)
    try:
        out = primitive.impl(*data, **params)
    except ValueError as error:
        raise _operand_error(primitive, error, data) from None
    except TypeError as error:  # CuPy refuses a NumPy operand: say which two met
        _backend.check_one(primitive.name, data)
        raise error
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
    except TypeError as error:
        _backend.check_one(primitive.name, (x_data, y_data))
        raise error
    return _result_node(out, (x, y), primitive, _NO_PARAMS)


def _settled(primitive: Primitive, constant: Array) -> bool:
    """Whether a float-array constant can be kept as it is (no snapshot needed)."""
    return not primitive.reads_constants or not writable_by_caller(constant)


def _result_node(out: Any, inputs: "tuple[Operand, ...]", primitive: Primitive, params: Params) -> Tensor:
    """The node holding an op's result: float data, read-only from here on."""
    if type(out) is not np.ndarray:
        if _backend.is_duck(out):
            return _duck_node(out, inputs, primitive, params)
        out = _float_array(out)  # NumPy returns scalars for 0-d results
    else:
        base = out.base
        if base is not None and (type(base) is not np.ndarray or base.flags.writeable):
            out = out.copy()  # a view (reshape, getitem, ...) of an array the caller can write
    out.setflags(write=False)
    node: Tensor = _new(Tensor)  # make_node, inlined: this runs once per op
    _set_data(node, out)
    _set_inputs(node, inputs)
    _set_primitive(node, primitive)
    _set_params(node, params)
    return node


def _duck_node(out: Any, inputs: "tuple[Operand, ...]", primitive: Primitive, params: Params) -> Tensor:
    """The node holding another library's result (Dask, CuPy), kept as that library's
    array: it has no read-only flag, and nobody else holds it. Operands of two libraries
    are refused here, since Dask would quietly take a NumPy operand in."""
    _backend.check_one(primitive.name, [x.data if type(x) is Tensor else x for x in inputs])
    if out.dtype.kind != "f":
        out = out.astype(np.float64)
    return make_node(out, inputs, primitive, params)


def _operand_error(primitive: Primitive, error: ValueError, data: Sequence[Any]) -> ValueError:
    """NumPy's error, naming the op and the operand shapes, of the same type (a singular
    matrix stays a ``LinAlgError``, which users catch)."""
    shapes = " and ".join(str(np.shape(x)) for x in data)
    reason = str(error).removeprefix(f"{primitive.name}: ")
    kind = type(error) if isinstance(error, np.linalg.LinAlgError) else ValueError
    return kind(f"{primitive.name}: {reason} (operand shapes {shapes})")


def _float_array(out: Any) -> Array:
    if _backend.is_duck(out):
        return out.astype(np.float64) if out.dtype.kind != "f" else out  # type: ignore[no-any-return]  # a duck array stands for an ndarray
    out = np.asarray(out)
    if out.dtype.kind != "f":  # integer data from integer constants
        out = out.astype(np.float64)
    result: Array = out
    return result


def _apply_general(primitive: Primitive, args: "tuple[Any, ...]", params: dict[str, Any]) -> Tensor:
    """``apply`` for any operands: constants are checked, converted and snapshotted first."""
    for arg in args:
        if isinstance(arg, Tensor) and type(arg) is not Tensor:
            # A value inside vmap (funcgrad._vmap.Batched) answers the op with its batching rule.
            result: Tensor = type(arg).apply_batched(primitive, args, params)  # type: ignore[attr-defined]  # only Tensor's subclass has it
            return result
    data, inputs, traced = _operand_data(primitive, args)
    try:
        out = primitive.impl(*data, **params)
    except ValueError as error:
        raise _operand_error(primitive, error, data) from None
    except TypeError as error:
        _backend.check_one(primitive.name, data)
        raise error
    if not traced:  # Python int constants alone give integer data
        out = _float_array(out)
    return _result_node(out, inputs, primitive, params if params else _NO_PARAMS)


def bind(primitive: Primitive, *args: Any, **params: Any) -> Value:
    """Apply ``primitive`` inside a derivative rule.

    On the first-order fast path every operand is already a NumPy value, so this is a
    direct call to ``impl`` and builds no graph. Only when an operand is a Tensor (an
    enclosing transform records this rule) is a node made.
    """
    for arg in args:
        kind = type(arg)
        # A Tensor, or a batched value inside vmap (a subclass); arrays and floats, the
        # first-order path's operands, are told apart without an isinstance call.
        if kind is Tensor or (kind is not np.ndarray and kind is not float and isinstance(arg, Tensor)):
            return apply(primitive, *args, **params)
    out: Array = primitive.impl(*args, **params)
    return out


# Tensor's methods are written with the core primitives, which in turn make Tensors:
# the module is bound here, after Tensor exists, and read when a method runs.
from funcgrad import _core_ops as _ops  # noqa: E402
