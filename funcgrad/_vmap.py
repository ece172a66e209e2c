"""``vmap``: a function mapped over an axis of its arguments, computed batched.

How it works (docs/design.md, "Batching"):

- ``vmap`` calls ``fn`` once, on *batched values*: ``Batched`` is a Tensor whose ``full``
  holds the whole batch with the batch axis first, and which reports the shape of one
  example (``x.shape``, ``x.ndim``, ``len(x)``), so ``fn`` is written for one example.
- Every op applied to a batched value runs its *batching rule* (``_tensor.apply`` hands
  any Tensor subclass operand to ``Batched.apply_batched``): the rule applies ordinary
  primitives to the ``full`` values (batch axis first) and the result is wrapped again.
  The graph under a batched value is therefore an ordinary graph over whole batches, and
  every transform outside ``vmap`` differentiates it as it differentiates anything.
- A batched value knows its vmap call through its ``record`` (one ``VmapCall`` per call).
  Nothing global: an op learns that an operand is batched from the operand itself.
  ``vmap(vmap(f))`` nests batched values: the outer call's ``full`` is the inner's batched
  value, and ``_hoist`` moves a call's axis to the front where two nestings meet.
- A transform called inside ``fn`` on batched values (``vmap(grad(f))``) is *lifted*: it
  runs once on the full batch, its function seeing batched values of the same call, and
  its results are batched again. Examples never mix (every batching rule keeps them
  apart), so the gradient of the batch's sum at the full argument is the stack of the
  per-example gradients, in one backward pass.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional, ParamSpec, Sequence, TypeVar, overload

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Params, Primitive, Tensor, TensorLike, Value, apply, bind, is_traced, make_node
from funcgrad.numpy._contract import einsum_p
from funcgrad._tree import flatten, map as tree_map, unflatten
from funcgrad._typing import Array

P = ParamSpec("P")
R = TypeVar("R")
#: ``in_axes`` / ``out_axes``: an int, None, or a (tuple/list/dict) prefix of the pytree.
Axes = Any


class VmapCall:
    """One ``vmap`` call: the size of its batch. Its batched values point at it."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size


class BatchedOutput(Exception):
    """Raised by a transform whose ``fn`` returned a batched value while its arguments
    were not batched (``fn`` closed over one): the transform is then run lifted."""

    def __init__(self, record: VmapCall) -> None:
        super().__init__("internal: a transform's output is batched")
        self.record = record


class Batched(Tensor):
    """A value inside ``vmap``: one example as ``fn`` sees it, the whole batch in ``full``."""

    __slots__ = ("full", "record")

    full: Any  # a Tensor (or a Batched of an enclosing vmap), or a plain integer/boolean array
    record: VmapCall

    @property
    def shape(self) -> tuple[int, ...]:
        shape: tuple[int, ...] = self.full.shape[1:]
        return shape

    @property
    def ndim(self) -> int:
        return int(self.full.ndim) - 1

    @property
    def dtype(self) -> np.dtype[Any]:
        dtype: np.dtype[Any] = self.full.dtype
        return dtype

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d value")
        return self.shape[0]

    def __repr__(self) -> str:
        return f"Batched(shape={self.shape}, batch={self.record.size}, op=vmap)"

    @property
    def data(self) -> Any:
        """The NumPy value of each example: a *plain* batched value (its ``full`` an
        array). NumPy functions on it run per example (``apply_plain``), so a wrapper that
        computes a mask or a check from ``x.data`` gets each example's answer."""
        full = self.full
        if type(full) is np.ndarray:
            return self
        return wrap(full.data, self.record)

    def _concrete(self, conversion: str) -> Any:
        # A constant is allowed when every example has the same one (a shape check, a
        # rank, a branch every example takes): it is then exact for each of them.
        full = self.full
        if isinstance(full, Tensor):
            if type(full) is Batched:  # an enclosing vmap's value: every one of its examples too
                return full._concrete(conversion)[0]
            if is_traced(full):  # a transform differentiates it: a constant would drop a derivative
                full._concrete(conversion)  # raises, saying how to take a constant on purpose
            values = full.data
        else:
            values = full
        if values.shape[0] and not np.all(values == values[:1]):
            raise TypeError(
                f"{conversion} inside vmap: the examples of the batch have different values here, so no one "
                "constant (or branch) is right for all of them; keep it a Tensor and use funcgrad.numpy "
                "functions (fnp.where to select per example)"
            )
        return values[0]

    def __bool__(self) -> bool:
        return bool(self._concrete("bool(tensor)"))

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if _plain_call(inputs, kwargs):
            return apply_plain(ufunc if method == "__call__" else getattr(ufunc, method), inputs, kwargs)
        return Tensor.__array_ufunc__(self, ufunc, method, *inputs, **kwargs)

    def __array_function__(self, func: Callable[..., Any], types: Any, args: Any, kwargs: Any) -> Any:
        if func in _ABOUT_SHAPE and len(args) == 1 and not kwargs:
            return _ABOUT_SHAPE[func](self)
        if func is np.result_type:  # the examples share one dtype
            return np.result_type(*[a.dtype if isinstance(a, Tensor) else a for a in args])
        if _plain_call(args, kwargs):
            return apply_plain(func, args, kwargs)
        return Tensor.__array_function__(self, func, types, args, kwargs)

    def __invert__(self) -> Any:
        return apply_plain(np.invert, (self,), {})

    def __and__(self, other: Any) -> Any:
        return apply_plain(np.bitwise_and, (self, other), {})

    def __or__(self, other: Any) -> Any:
        return apply_plain(np.bitwise_or, (self, other), {})

    def __xor__(self, other: Any) -> Any:
        return apply_plain(np.bitwise_xor, (self, other), {})

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    # Comparisons give a batched boolean array: a per-example mask for fnp.where & co.
    def __lt__(self, other: Any) -> Any:
        return apply_plain(np.less, (self, other), {})

    def __le__(self, other: Any) -> Any:
        return apply_plain(np.less_equal, (self, other), {})

    def __gt__(self, other: Any) -> Any:
        return apply_plain(np.greater, (self, other), {})

    def __ge__(self, other: Any) -> Any:
        return apply_plain(np.greater_equal, (self, other), {})

    def __eq__(self, other: object) -> Any:
        return apply_plain(np.equal, (self, other), {})

    def __ne__(self, other: object) -> Any:
        return apply_plain(np.not_equal, (self, other), {})

    __hash__ = Tensor.__hash__

    def argmax(self, axis: Optional[int] = None) -> Any:
        return self._concrete("tensor.argmax()")

    def argmin(self, axis: Optional[int] = None) -> Any:
        return self._concrete("tensor.argmin()")

    def argsort(self, axis: Optional[int] = -1) -> Any:
        return self._concrete("tensor.argsort()")

    @staticmethod
    def apply_batched(primitive: Primitive, args: tuple[Any, ...], params: Params) -> Tensor:
        """``apply(primitive, *args, **params)`` where some operand is batched."""
        return batch_apply(primitive, args, params)

    @staticmethod
    def apply_plain(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A plain (non-differentiable) NumPy function of operands some of which are batched."""
        return apply_plain(fn, args, kwargs)


_FULL = Batched.__dict__["full"].__set__
_RECORD = Batched.__dict__["record"].__set__
_DATA = Tensor.__dict__["data"].__set__
_INPUTS = Tensor.__dict__["inputs"].__set__
_PRIMITIVE = Tensor.__dict__["primitive"].__set__
_PARAMS = Tensor.__dict__["params"].__set__
_EMPTY: Params = {}


def wrap(full: Any, record: VmapCall, copy: bool = True) -> Batched:
    """A batched value of the call ``record`` whose batch (batch axis first) is ``full``:
    a Tensor, or a plain array for the integer and boolean results of comparisons and
    other non-differentiable helpers (a per-example mask)."""
    if not isinstance(full, Tensor):
        # A transform's fresh result is taken as it is (``copy=False``); anything else is
        # a snapshot, read-only.
        if _backend.is_duck(full):  # another library's array stays in it (a copy: no flags)
            full = _backend.copy(full) if copy else full
        elif copy or not (type(full) is np.ndarray and full.flags.owndata):
            full = np.array(full)
            full.setflags(write=False)
        if full.dtype.kind not in "biuf":
            raise TypeError(f"vmap: a batched value must hold real numbers, got dtype {full.dtype}")
    if full.ndim < 1 or full.shape[0] != record.size:
        raise AssertionError(f"internal: a batch of shape {full.shape} for a vmap of size {record.size}")
    node: Batched = object.__new__(Batched)
    # A batched value is a record for fn to hold, never a graph node: every op on it runs
    # a batching rule and builds its graph over ``full``.
    _DATA(node, full.data if isinstance(full, Tensor) else full)
    _INPUTS(node, ())
    _PRIMITIVE(node, None)
    _PARAMS(node, _EMPTY)
    _FULL(node, full)
    _RECORD(node, record)
    return node


def is_batched(value: Any) -> bool:
    return type(value) is Batched


def _tower(value: Any) -> list[VmapCall]:
    calls = []
    while type(value) is Batched:
        calls.append(value.record)
        value = value.full
    return calls


_ABOUT_SHAPE: dict[Any, Callable[[Any], Any]] = {np.shape: lambda x: x.shape, np.ndim: lambda x: x.ndim, np.size: lambda x: x.size}


def _plain_call(args: Any, kwargs: dict[str, Any]) -> bool:
    """Whether a NumPy call holds a plain batched value and no differentiable one: it
    then runs per example on data (a mask, a check), never through funcgrad's ops."""
    plain = False
    for a in (*args, *kwargs.values()):
        for leaf in (a if type(a) is list or type(a) is tuple else (a,)):
            if type(leaf) is Batched:
                if type(leaf.full) is not np.ndarray:
                    return False
                plain = True
    return plain


def _hoist(value: Batched, record: VmapCall) -> Batched:
    """``value`` with ``record``'s batch axis outermost (its nesting of vmap calls reordered)."""
    if value.record is record:
        return value
    calls = _tower(value)
    k = calls.index(record)
    bottom: Any = value
    for _ in calls:
        bottom = bottom.full
    perm = (k,) + tuple(i for i in range(bottom.ndim) if i != k)
    bottom = bottom.transpose(perm) if type(bottom) is np.ndarray else apply(ops.transpose_p, bottom, axes=perm)
    order = [record] + [c for c in calls if c is not record]
    for call in reversed(order):
        bottom = wrap(bottom, call)
    return bottom  # type: ignore[no-any-return]  # the outermost wrap is a Batched


def batched_for(value: Any, record: VmapCall) -> bool:
    return type(value) is Batched and record in _tower(value)


def full_of(value: Any, record: VmapCall) -> Any:
    """The batch of ``value`` for ``record`` (batch axis first): a Tensor, or a plain
    array for a batched mask; an unbatched value is broadcast along a new first axis."""
    if batched_for(value, record):
        return _hoist(value, record).full
    if isinstance(value, Tensor):
        return apply(ops.broadcast_to_p, value, shape=(record.size,) + value.shape)
    array = value if _backend.is_duck(value) else np.asarray(value)
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    return make_node(np.broadcast_to(array, (record.size,) + array.shape))


# --- batching rules ------------------------------------------------------------------------
#: ``rule(primitive, xs, batched, params, size) -> full output``: ``xs`` are the operands,
#: the batched ones as their full batch (batch axis first), the others as they are.
BatchRule = Callable[[Primitive, list[Any], list[bool], Params, int], Any]


def _example_ndim(x: Any, batched: bool) -> int:
    return int(x.ndim - 1) if batched else int(np.ndim(ops._data(x)))


def _expand(x: Any, ndim: int) -> Any:
    """A full batch ``x`` with unit axes after the batch axis, to ``ndim`` example axes."""
    missing = ndim - (x.ndim - 1)
    if missing <= 0:
        return x
    shape = (x.shape[0],) + (1,) * missing + tuple(x.shape[1:])
    if type(x) is np.ndarray:  # a batched mask
        return x.reshape(shape)
    return apply(ops.reshape_p, x, shape=shape)


def apply_plain(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``fn(*args, **kwargs)`` for a NumPy function whose result is plain (a comparison,
    ``isnan``, ``argmax``, ...), some operands batched: a batched plain array. A ufunc is
    applied once to the aligned batches; any other function example by example (on
    NumPy data: no graph is involved)."""
    record = next(
        leaf.record
        for a in (*args, *kwargs.values())
        for leaf in (a if type(a) is list or type(a) is tuple else (a,))
        if type(leaf) is Batched
    )

    def batch_of(a: Any) -> Any:
        full = _hoist(a, record).full
        if type(full) is Batched:
            raise TypeError("vmap: a comparison or plain NumPy helper across two nested vmaps is not supported")
        return full.data if isinstance(full, Tensor) else full

    def plain(a: Any) -> Any:
        if type(a) is Batched:
            raise TypeError("vmap: a comparison or plain NumPy helper across two nested vmaps is not supported")
        return a.data if isinstance(a, Tensor) else a

    if isinstance(fn, np.ufunc) and not kwargs:
        ndim = max(a.ndim if batched_for(a, record) else np.ndim(plain(a)) for a in args)
        operands = [_expand(batch_of(a), ndim) if batched_for(a, record) else plain(a) for a in args]
        return wrap(fn(*operands), record)
    rows = []
    for n in range(record.size):
        def pick(a: Any) -> Any:
            if type(a) is list or type(a) is tuple:
                return type(a)(pick(x) for x in a)
            return batch_of(a)[n] if batched_for(a, record) else plain(a)

        rows.append(fn(*[pick(a) for a in args], **{k: pick(v) for k, v in kwargs.items()}))
    if isinstance(rows[0], tuple):  # several results (slogdet, lstsq): one batched value each
        return tuple(wrap(np.stack([np.asarray(r[k]) for r in rows]), record) for k in range(len(rows[0])))
    return wrap(np.stack([np.asarray(r) for r in rows]), record)


def elementwise_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    """Ops that broadcast as NumPy does: line the batch axes up, broadcast the rest."""
    ndim = max(_example_ndim(x, b) for x, b in zip(xs, batched))
    return apply(primitive, *[_expand(x, ndim) if b else x for x, b in zip(xs, batched)], **params)


def direct_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    """One operand, and the op maps over leading axes already (elementwise unary ops,
    matrix functions on the last two axes, packed decompositions): apply it as it is."""
    return apply(primitive, *xs, **params)


def _shift(axes: Any, ndim: int) -> tuple[int, ...]:
    if axes is None:
        return tuple(range(1, ndim + 1))
    if isinstance(axes, (int, np.integer)):
        return (int(axes) + 1,)
    return tuple(int(a) + 1 for a in axes)


def axis_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    """Reductions and normalisations with a tuple ``axis`` (sum, prod, max, softmax, ...)."""
    ndim = xs[0].ndim - 1
    return apply(primitive, *xs, **{**params, "axis": _shift(params.get("axis"), ndim)})


def _cumsum_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    x, axis = xs[0], params.get("axis")
    if axis is None:
        x, axis = apply(ops.reshape_p, x, shape=(size, -1)), 0
    return apply(primitive, x, **{**params, "axis": int(axis) % max(x.ndim - 1, 1) + 1})


def _reshape_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    return apply(primitive, xs[0], shape=(size,) + tuple(params["shape"]))


def _transpose_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    return apply(primitive, xs[0], axes=(0,) + _shift(params["axes"], 0))


def _broadcast_to_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    shape = tuple(params["shape"])
    return apply(primitive, _expand(xs[0], len(shape)), shape=(size,) + shape)


def _getitem_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    index = tuple(params["index"])
    out = apply(primitive, xs[0], index=(slice(None),) + index)
    arrays = [i for i, item in enumerate(index) if isinstance(item, np.ndarray)]
    if arrays:
        advanced = [i for i, item in enumerate(index) if isinstance(item, (np.ndarray, int, np.integer)) and not isinstance(item, bool)]
        if advanced != list(range(advanced[0], advanced[-1] + 1)):
            # Non-adjacent advanced indices put their axes first, ahead of the batch axis.
            parts = [np.nonzero(index[i])[0] if index[i].dtype == bool else index[i] for i in arrays]
            k = np.broadcast(*parts).ndim if len(parts) > 1 else parts[0].ndim
            out = apply(ops.transpose_p, out, axes=(k,) + tuple(i for i in range(out.ndim) if i != k))
    return out


def _lift_all(xs: list[Any], batched: list[bool], size: int) -> list[Any]:
    return [x if b else (apply(ops.broadcast_to_p, x, shape=(size,) + x.shape) if isinstance(x, Tensor)
                         else np.broadcast_to(x if _backend.is_duck(x) else np.asarray(x), (size,) + np.shape(x))) for x, b in zip(xs, batched)]


def _concatenate_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    return apply(primitive, *_lift_all(xs, batched, size), **{**params, "axis": int(params["axis"]) + 1})


def _stack_rows_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    stacked = apply(primitive, *_lift_all(xs, batched, size))
    return apply(ops.transpose_p, stacked, axes=(1, 0) + tuple(range(2, stacked.ndim)))


def _bmv_impl(a: Any, b: Any) -> Any:
    if b.ndim == 3 and b.strides[0] == 0:
        # One matrix broadcast over the batch (an unmapped weight lifted by vmap(grad)):
        # one matrix product, not a batch of matrix-vector products off BLAS's fast path.
        return a @ b[0]
    return np.matmul(a[..., None, :], b)[..., 0, :]


def _bmv_vjp(c: Value, out: Value, xs: tuple[Any, ...], params: Params, i: int) -> Value:
    a, b = xs
    if i == 0:
        return bind(bmv_p, c, bind(ops.transpose_p, b, axes=(0, 2, 1)))
    lead = "pqrstuvw"[: c.ndim - out.ndim]
    return bind(einsum_p, a, c, inputs=("bk", lead + "bm"), output=lead + "bkm")


def _bmv_batch(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    # Under an enclosing vmap: the two batch axes become one, and back.
    a, b = _lift_all(xs, batched, size)
    n = size * a.shape[1]
    out = apply(primitive, apply(ops.reshape_p, a, shape=(n, a.shape[2])), apply(ops.reshape_p, b, shape=(n,) + tuple(b.shape[2:])))
    return apply(ops.reshape_p, out, shape=(size, a.shape[1], out.shape[-1]))


#: Row ``n`` of ``a`` (batch, k) times matrix ``n`` of ``b`` (batch, k, m): matmul's
#: batching rule when both operands are batched (a vector times a matrix per example).
bmv_p = Primitive("batched_matvec", _bmv_impl, vjp=_bmv_vjp, batch=_bmv_batch)


def _matmul_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    a, b = xs
    a_nd, b_nd = _example_ndim(a, batched[0]), _example_ndim(b, batched[1])
    if batched[0] and batched[1] and a_nd == 1 and b_nd == 2:
        return apply(bmv_p, a, b)
    if batched[0] and batched[1] and a_nd == 2 and b_nd == 1:
        return apply(bmv_p, b, apply(ops.transpose_p, a, axes=(0, 2, 1)))
    if batched[0] and not batched[1] and a_nd == 1 and b_nd == 2:
        return apply(primitive, a, b)  # rows of one matrix product: (B, k) @ (k, m)
    if batched[1] and not batched[0] and b_nd == 1 and a_nd == 2:
        return apply(primitive, b, apply(ops.transpose_p, a, axes=(1, 0)))  # (B, k) @ (k, m).T
    if batched[0] and not batched[1] and a_nd >= 2 and b_nd == 2:
        return apply(primitive, a, b)  # the batch is one more leading axis of a
    # General case: vectors as matrices, leading axes aligned after the batch axis.
    a_vec, b_vec = a_nd == 1, b_nd == 1
    if a_vec:
        a = apply(ops.reshape_p, a, shape=(size, 1) + tuple(a.shape[1:])) if batched[0] else apply(ops.reshape_p, a, shape=(1,) + tuple(np.shape(ops._data(a))))
    if b_vec:
        b = apply(ops.reshape_p, b, shape=tuple(np.shape(ops._data(b))) + (1,))
    lead = max(_example_ndim(a, batched[0]), _example_ndim(b, batched[1])) - 2
    if batched[0]:
        a = _expand(a, lead + 2)
    if batched[1]:
        b = _expand(b, lead + 2)
    out = apply(primitive, a, b)
    if a_vec:
        out = apply(ops.reshape_p, out, shape=tuple(out.shape[:-2]) + (out.shape[-1],))
    if b_vec:
        out = apply(ops.reshape_p, out, shape=tuple(out.shape[:-1]))
    return out


def _einsum_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    inputs, output = params["inputs"], params["output"]
    used = set("".join(inputs) + output)
    letter = next(c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA" if c not in used)
    inputs = tuple(letter + s if b else s for s, b in zip(inputs, batched))
    return apply(primitive, *xs, inputs=inputs, output=letter + output)


def loop_rule(primitive: Primitive, xs: list[Any], batched: list[bool], params: Params, size: int) -> Any:
    """The fallback for a primitive with no batching rule: the op applied to each example
    in turn and the results stacked. Exact, differentiable at every order, but a Python
    loop over the batch (docs/transforms.md lists the primitives that take it)."""
    rows = [apply(primitive, *[x[n] if b else x for x, b in zip(xs, batched)], **params) for n in range(size)]
    return apply(ops.stack_rows_p, *rows)


_BY_NAME: dict[str, BatchRule] = {
    "sum": axis_rule, "prod": axis_rule, "max": axis_rule, "min": axis_rule, "logsumexp": axis_rule,
    "softmax": axis_rule, "log_softmax": axis_rule, "cumsum": _cumsum_rule,
    "reshape": _reshape_rule, "transpose": _transpose_rule, "broadcast_to": _broadcast_to_rule,
    "getitem": _getitem_rule, "concatenate": _concatenate_rule, "stack_rows": _stack_rows_rule,
    "matmul": _matmul_rule, "einsum": _einsum_rule,
}
#: One-operand primitives that map over leading axes as they are.
_DIRECT = frozenset({
    "square", "reciprocal", "log1p", "expm1", "sqrt", "sin", "cos", "tan", "tanh", "arctan", "sign", "abs",
    "round", "relu", "sigmoid", "softplus", "astype", "stop_gradient", "argument", "nan_to_num",
    "sinc_derivative", "angle", "real_if_close", "cumprod", "cholesky", "eigh", "svd", "qr", "pinv",
    "inv", "det", "logabsdet",
})


def rule_for(primitive: Primitive, arity: int) -> tuple[BatchRule, str]:
    """The batching rule of ``primitive`` and its kind (for docs/transforms.md's list)."""
    own = getattr(primitive, "batch", None)
    if own is not None:
        return own, "own"
    if primitive.name in _BY_NAME:
        return _BY_NAME[primitive.name], "family"
    if primitive.elementwise:
        return elementwise_rule, "elementwise"
    if arity == 1 and (primitive.name in _DIRECT or _is_table_unary(primitive)):
        return direct_rule, "direct"
    return loop_rule, "loop"


def _is_table_unary(primitive: Primitive) -> bool:
    # The rows of the one-argument family tables (sinh, arcsin, floor, ...) are
    # elementwise by construction; their records are made in funcgrad/numpy's tables.
    module = getattr(primitive.vjp, "__module__", "") or ""
    return module in _UNARY_TABLES


_UNARY_TABLES = frozenset({"funcgrad.numpy._transcendental", "funcgrad.numpy._rounding", "funcgrad.numpy._complex"})


def batch_apply(primitive: Primitive, args: tuple[Any, ...], params: Params) -> Tensor:
    """Apply ``primitive`` to operands some of which are batched: its batching rule runs
    on the full batches of the innermost call's operands, and the result is batched."""
    record = next(a.record for a in args if type(a) is Batched)
    xs: list[Any] = []
    batched: list[bool] = []
    for a in args:
        if type(a) is list or type(a) is tuple:
            a = ops.pack(a, f"{primitive.name}: operand")
        if batched_for(a, record):
            xs.append(_hoist(a, record).full)
            batched.append(True)
        else:
            xs.append(a)
            batched.append(False)
    rule, _ = rule_for(primitive, len(xs))
    return wrap(rule(primitive, xs, batched, params, record.size), record)


# --- vmap --------------------------------------------------------------------------------
def _prefix(spec: Any, value: Any, what: str) -> list[Any]:
    """``spec`` (an int, None, or a tuple/list/dict prefix of ``value``) broadcast to one
    entry per leaf of ``value``."""
    if spec is None or (isinstance(spec, (int, np.integer)) and not isinstance(spec, bool)):
        return [spec] * len(flatten(value)[0])
    if isinstance(spec, (tuple, list)) and isinstance(value, (tuple, list)) and len(spec) == len(value):
        return [a for s, v in zip(spec, value) for a in _prefix(s, v, what)]
    if isinstance(spec, dict) and isinstance(value, dict) and list(spec) == list(value):
        return [a for k in value for a in _prefix(spec[k], value[k], what)]
    raise ValueError(
        f"vmap: {what} must be an int, None, or a tuple/list/dict prefix of the values' structure, "
        f"got {spec!r} for a value of type {type(value).__name__}"
    )


def _axis(axis: int, ndim: int, what: str) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"vmap: {what} is out of bounds for a value of {ndim - (what.startswith('out') and 1)} dimensions")
    return axis % ndim


# Functions of Tensors take arrays and give arrays (as grad's overloads do); any other
# function keeps its exact signature (ParamSpec): vmap(grad(f)) is typed as grad(f).
# The types describe a top-level call: inside a transform the same calls give Tensors.
# fmt: off
@overload
def vmap(fn: Callable[[Tensor], Tensor], in_axes: Axes = ..., out_axes: Axes = ...) -> Callable[[TensorLike], Array]: ...  # type: ignore[overload-overlap]  # Tensor in, Array out at the top level, as grad's
@overload
def vmap(fn: Callable[[Tensor, Tensor], Tensor], in_axes: Axes = ..., out_axes: Axes = ...) -> Callable[[TensorLike, TensorLike], Array]: ...  # type: ignore[overload-overlap]  # Tensor in, Array out at the top level, as grad's
@overload
def vmap(fn: Callable[[Tensor, Tensor, Tensor], Tensor], in_axes: Axes = ..., out_axes: Axes = ...) -> Callable[[TensorLike, TensorLike, TensorLike], Array]: ...  # type: ignore[overload-overlap]  # Tensor in, Array out at the top level, as grad's
@overload
def vmap(fn: Callable[P, R], in_axes: Axes = ..., out_axes: Axes = ...) -> Callable[P, R]: ...
# fmt: on
def vmap(fn: Callable[..., Any], in_axes: Axes = 0, out_axes: Axes = 0) -> Callable[..., Any]:
    """``fn`` mapped over an axis of its arguments, computed batched in one pass.

    ``in_axes`` says which axis of each positional argument is mapped: an int (every
    argument, negative counts from the end), ``None`` (not mapped: every example sees
    the same value), or a tuple with one entry per argument, each an int, None or a
    pytree prefix of that argument. ``out_axes`` places the batch axis in the outputs
    the same way. Keyword arguments are passed to ``fn`` unmapped. ``fn`` runs once, on
    values that hold the whole batch but look like one example (``x.shape`` is an
    example's shape); every op runs batched. It nests with every transform, in both
    orders: ``vmap(grad(f))`` gives per-example gradients.

    >>> import numpy as np
    >>> import funcgrad.numpy as fnp
    >>> from funcgrad import grad
    >>> xs = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> vmap(lambda x: fnp.sum(x * x))(xs)
    array([ 5., 25., 61.])
    >>> vmap(grad(lambda w, x: fnp.sum(w * x) ** 2, argnums=0), in_axes=(None, 0))(np.ones(2), xs)
    array([[  6.,  12.],
           [ 42.,  56.],
           [110., 132.]])
    """
    if not callable(fn):
        raise TypeError(f"vmap: fn must be callable, got {type(fn).__name__}")

    @functools.wraps(fn)
    def vmapped(*args: Any, **kwargs: Any) -> Any:
        if isinstance(in_axes, list):
            spec: Any = tuple(in_axes)
        else:
            spec = in_axes
        if isinstance(spec, tuple) and len(spec) != len(args):
            raise ValueError(
                f"vmap: in_axes has {len(spec)} entries but fn was called with {len(args)} positional argument"
                f"{'' if len(args) == 1 else 's'}"
            )
        sizes: list[tuple[str, int]] = []
        mapped: list[list[tuple[Any, Optional[int]]]] = []
        for position, arg in enumerate(args):
            axes = _prefix(spec if not isinstance(spec, tuple) else spec[position], arg, f"in_axes[{position}]")
            leaves, _ = flatten(arg)
            row = []
            for k, (leaf, axis) in enumerate(zip(leaves, axes)):
                if axis is not None:
                    ndim = np.ndim(leaf) if not isinstance(leaf, Tensor) else leaf.ndim
                    if ndim == 0:
                        raise ValueError(f"vmap: in_axes maps axis {axis} of argument {position} (leaf {k}), a scalar")
                    axis = _axis(int(axis), ndim, f"in_axes={axis} of argument {position}")
                    shape = leaf.shape if isinstance(leaf, Tensor) else np.shape(leaf)
                    sizes.append((f"argument {position} (leaf {k}) axis {axis}", int(shape[axis])))
                row.append((leaf, axis))
            mapped.append(row)
        if not sizes:
            raise ValueError("vmap: in_axes maps no argument (every entry is None); map at least one axis")
        if len({s for _, s in sizes}) > 1:
            raise ValueError("vmap: the mapped axes have different sizes: " + ", ".join(f"{n} has size {s}" for n, s in sizes))
        record = VmapCall(sizes[0][1])
        call_args = []
        for arg, row in zip(args, mapped):
            _, treedef = flatten(arg)
            leaves = []
            for leaf, axis in row:
                if axis is None:
                    leaves.append(leaf)
                    continue
                if isinstance(leaf, Tensor):
                    full = leaf if axis == 0 else leaf.transpose((axis,) + tuple(i for i in range(leaf.ndim) if i != axis))
                else:
                    array = leaf if _backend.is_duck(leaf) else np.asarray(leaf)
                    full = Tensor(np.moveaxis(array, axis, 0))
                leaves.append(wrap(full, record))
            call_args.append(unflatten(treedef, leaves))
        out = fn(*call_args, **kwargs)
        out_leaves, out_def = flatten(out)
        handed: set[int] = set()  # fresh arrays returned, so that none is returned twice
        axes_out = _prefix(out_axes, out, "out_axes")
        results = []
        for k, (leaf, axis) in enumerate(zip(out_leaves, axes_out)):
            if axis is None:
                if batched_for(leaf, record):
                    raise ValueError(f"vmap: out_axes is None for output leaf {k}, but it varies over the batch")
                results.append(leaf)
                continue
            if not isinstance(leaf, Tensor):
                leaf = leaf if _backend.is_duck(leaf) else np.asarray(leaf)
                leaf = leaf if leaf.dtype.kind == "f" else leaf.astype(np.float64)
            batch: Any = full_of(leaf, record)
            axis = _axis(int(axis), batch.ndim, f"out_axes={axis} of output leaf {k}")
            if axis:
                perm = tuple(range(1, axis + 1)) + (0,) + tuple(range(axis + 1, batch.ndim))
                batch = batch.transpose(perm) if type(batch) is np.ndarray else apply(ops.transpose_p, batch, axes=perm)
            results.append(_release(batch, handed))
        return unflatten(out_def, results)

    return vmapped


def _release(value: Any, handed: Optional[set[int]] = None) -> Any:
    """What ``vmap`` hands back: a Tensor when an enclosing computation traces it (an
    outer transform or vmap), else a fresh array."""
    if not isinstance(value, Tensor) and _backend.is_duck(value):
        if handed is not None and id(value) in handed:
            return _backend.copy(value)
        if handed is not None:
            handed.add(id(value))
        return value
    if not isinstance(value, Tensor):  # a batched mask, or a transform's fresh result
        if value.flags.writeable and value.flags.owndata and (handed is None or id(value) not in handed):
            if handed is not None:
                handed.add(id(value))
            return value
        return np.array(value)
    if type(value) is Batched or is_traced(value):
        return value
    return _release(value.data, handed) if _backend.is_duck(value.data) else np.array(value.data)


def plain_value(a: Any) -> Any:
    """For constructors (``ones_like``): an example's worth of a batched value's data."""
    return np.zeros(a.shape, a.dtype) if type(a) is Batched else a


# --- transforms inside vmap: lifted to the full batch ---------------------------------------
def record_of(trees: Sequence[Any]) -> Optional[VmapCall]:
    """The vmap call of the first batched leaf of ``trees`` (its outermost nesting), or
    None. Each tree is flattened on its own, so an error names a path within it."""
    for tree in trees:
        if type(tree) is Batched:
            return tree.record
        kind = type(tree)
        if kind is np.ndarray or kind is Tensor or kind is float:
            continue  # a plain leaf: nothing batched below it
        if (kind is tuple or kind is list) and all(type(x) is np.ndarray or type(x) is Tensor for x in tree):
            continue  # a flat container of plain leaves (a model's parameters)
        for leaf in flatten(tree)[0]:
            if type(leaf) is Batched:
                return leaf.record
    return None


def _full_tree(tree: Any, record: VmapCall) -> Any:
    return tree_map(lambda leaf: full_of(leaf, record), tree)


def _full_values(tree: Any, record: VmapCall) -> Any:
    """Full batches of a call's arguments, as arrays where nothing traces them."""
    # An untraced batch becomes an array, so that the lifted transform marks its own
    # argument nodes (a Tensor argument would read as traced by an enclosing transform).
    return tree_map(lambda leaf: _borrow(full_of(leaf, record)), tree)


def _borrow(value: Any) -> Any:
    """A full batch for a lifted transform: its data as it is (a broadcast view of an
    unmapped argument stays a view: no copy per example) unless something traces it."""
    if not isinstance(value, Tensor):
        return value
    if type(value) is Batched or is_traced(value):
        return value
    return value.data


def _batched_tree(tree: Any, record: VmapCall) -> Any:
    return tree_map(lambda leaf: wrap(leaf, record, copy=False), tree)


def _unbatched_output(out: Any, record: VmapCall) -> Any:
    return tree_map(lambda leaf: full_of(leaf, record), out)


def per_example_call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any, what: str) -> Any:
    """``fn`` called on each example in turn and the results stacked: for a function
    whose rules see its operands whole (a ``custom_vjp``), the loop fallback."""
    record = record_of(args)
    assert record is not None
    rows = []
    for n in range(record.size):
        row = fn(*tree_map(lambda leaf: full_of(leaf, record)[n] if batched_for(leaf, record) else leaf, args), **kwargs)
        if any(batched_for(leaf, record) for leaf in flatten(row)[0]):
            raise TypeError(f"{what} inside vmap: the function closes over a value mapped by the same vmap; pass it as an argument")
        rows.append(row)
    stacked = tree_map(lambda *leaves: apply(ops.stack_rows_p, *leaves), *rows)
    return _batched_tree(stacked, record)


def lifted_value_and_grad(
    value_and_grad: Callable[..., Any], fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any,
    positions: tuple[int, ...], argnums: Any, has_aux: bool, record: VmapCall,
) -> tuple[Any, Any, Any]:
    """``(value, grads, aux)`` per example, in one backward pass over the batch: the
    gradient of the sum of the per-example outputs at the full arguments."""
    full_args = list(args)
    for n in set(positions):
        full_args[n] = _full_values(args[n], record)
    captured: dict[str, Any] = {}

    def total(*fa: Any, **kw: Any) -> Any:
        ca = list(fa)
        for n in set(positions):
            ca[n] = _batched_tree(fa[n], record)
        result = fn(*ca, **kw)
        out, aux = (result[0], result[1]) if has_aux else (result, None)
        captured["value"], captured["aux"] = out, aux
        return full_of(out, record).sum()

    inner = argnums if isinstance(argnums, int) else tuple(positions)
    _, grads = value_and_grad(total, argnums=inner)(*full_args, **kwargs)
    return captured["value"], _batched_tree(grads, record), captured["aux"]


def lifted_jvp(jvp: Callable[..., Any], fn: Callable[..., Any], primals: tuple[Any, ...], tangents: tuple[Any, ...], record: VmapCall) -> tuple[Any, Any]:
    def full_fn(*fa: Any) -> Any:
        return _unbatched_output(fn(*[_batched_tree(a, record) for a in fa]), record)

    out, t = jvp(full_fn, tuple(_full_values(p, record) for p in primals), tuple(_full_values(t, record) for t in tangents))
    return _batched_tree(out, record), _batched_tree(t, record)


def lifted_vjp(vjp: Callable[..., Any], fn: Callable[..., Any], primals: tuple[Any, ...], record: VmapCall) -> tuple[Any, Any]:
    def full_fn(*fa: Any) -> Any:
        return _unbatched_output(fn(*[_batched_tree(a, record) for a in fa]), record)

    out, pullback = vjp(full_fn, *[_full_values(p, record) for p in primals])

    def batched_pullback(cotangent: Any) -> tuple[Any, ...]:
        return tuple(_batched_tree(c, record) for c in pullback(_full_values(cotangent, record)))

    return _batched_tree(out, record), batched_pullback


def lifted_jacobian(
    transform: Callable[..., Any], fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any,
    positions: tuple[int, ...], argnums: Any, record: VmapCall,
) -> Any:
    """A Jacobian per example, as the diagonal blocks of the full batch's Jacobian
    (examples never mix, so the other blocks are zero). Batched, at ``batch`` times the
    work of one example's Jacobian per example; docs/transforms.md says so."""
    full_args = list(args)
    for n in set(positions):
        full_args[n] = _full_values(args[n], record)
    captured: list[Any] = []

    def full_fn(*fa: Any, **kw: Any) -> Any:
        ca = list(fa)
        for n in set(positions):
            ca[n] = _batched_tree(fa[n], record)
        out = _unbatched_output(fn(*ca, **kw), record)
        captured[:] = flatten(out)[0]
        return out

    result = transform(full_fn, argnums)(*full_args, **kwargs)
    leaves, treedef = flatten(result)
    group = max(len(leaves) // max(len(captured), 1), 1)
    rows = np.arange(record.size)
    diagonal = []
    for i, leaf in enumerate(leaves):
        k = captured[i // group].ndim
        index = (rows,) + (slice(None),) * (k - 1) + (rows,)
        diagonal.append(wrap(leaf[index], record))
    return unflatten(treedef, diagonal)


def batching_kinds() -> dict[str, str]:
    """Every primitive funcgrad defines, by name, with the kind of its batching rule
    (``own``, ``family``, ``elementwise``, ``direct`` or ``loop``), for the docs."""
    import importlib
    import pathlib
    import pkgutil

    kinds: dict[str, str] = {}
    package = [str(pathlib.Path(__file__).resolve().parent)]
    names = [m.name for m in pkgutil.walk_packages(package, prefix="funcgrad.") if not m.name.endswith("__main__")]
    for name in sorted(names):
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, Primitive) and not value.name.startswith("custom_vjp("):
                arity = 2 if value.name in ("solve",) else 1
                kinds[value.name] = rule_for(value, arity)[1]
    return kinds
