"""Contractions: matmul, dot, einsum, outer, tensordot, inner, vdot, kron and cross.

einsum is one primitive whose derivative for each operand is again one einsum: the
cotangent contracted with the other operands. Two cases need constants: an index
repeated within the operand (a trace or diagonal, ``'ii->'``) is put back on the
diagonal with an identity matrix, and an index summed in that operand alone is
broadcast back with a vector of ones. The wrapper expands ``...`` and implicit output
into explicit letters once, so rules never parse. tensordot, inner and vdot are
einsums with letters the wrapper writes; kron is a broadcast multiply between reshapes;
cross is products of components (getitem), stacked.
"""

from __future__ import annotations

import string
from typing import Any, Sequence, Union

import numpy as np

from funcgrad import _backend
from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy._arrange import moveaxis
from funcgrad.numpy._shape import stack
from funcgrad.numpy._util import data, lead, operand, shape

_LETTERS = string.ascii_letters


def matmul(x1: TensorLike, x2: TensorLike, /) -> Tensor:
    """Matrix product with NumPy's rules for 1-D operands and batch broadcasting.

    d/dx1 = g @ x2.T, d/dx2 = x1.T @ g (JVP: rule).

    >>> matmul(Tensor([[1.0, 2.0]]), Tensor([[3.0], [4.0]]))
    Tensor([[11.]], op=matmul)
    """
    return apply(ops.matmul_p, x1, x2)


def _fresh(taken: str, count: int) -> str:
    """``count`` letters not in ``taken``."""
    free = [a for a in _LETTERS if a not in taken]
    if len(free) < count:
        raise ValueError(f"einsum: too many distinct indices (more than {len(_LETTERS)})")
    return "".join(free[:count])


def _einsum_impl(*operands: Any, inputs: tuple[str, ...], output: str) -> Any:
    return np.einsum(",".join(inputs) + "->" + output, *operands, optimize=len(operands) > 2)


def _einsum_vjp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    inputs: tuple[str, ...] = p["inputs"]
    batch = _fresh("".join(inputs) + p["output"], lead(c, out.ndim))
    target = inputs[i]
    sizes = dict(zip(target, shape(data(xs[i]))))
    others = [(s, x) for k, (s, x) in enumerate(zip(inputs, xs)) if k != i]
    seen = batch + p["output"] + "".join(s for s, _ in others)
    cd = data(c)
    dtype = cd.dtype
    # A repeated index becomes a fresh letter tied to the first by an identity matrix.
    result, extra, used = "", [], "".join(inputs) + p["output"] + batch
    for letter in target:
        if letter in result:
            twin = _fresh(used, 1)
            used += twin
            extra.append((letter + twin, _backend.put(cd, np.eye(sizes[letter], dtype=dtype))))
            result += twin
        else:
            result += letter
            if letter not in seen:  # summed in this operand only: broadcast back with ones
                extra.append((letter, _backend.ones(cd, (sizes[letter],), dtype)))
    subscripts = (batch + p["output"],) + tuple(s for s, _ in others) + tuple(s for s, _ in extra)
    operands = (c,) + tuple(x for _, x in others) + tuple(x for _, x in extra)
    return bind(einsum_p, *operands, inputs=subscripts, output=batch + result)


def _einsum_jvp(c: Value, out: Value, xs: tuple[Operand, ...], p: Params, i: int) -> Value:
    inputs: tuple[str, ...] = p["inputs"]
    batch = _fresh("".join(inputs) + p["output"], lead(c, len(inputs[i])))
    subscripts = tuple(batch + s if k == i else s for k, s in enumerate(inputs))
    operands = tuple(c if k == i else x for k, x in enumerate(xs))
    return bind(einsum_p, *operands, inputs=subscripts, output=batch + p["output"])


einsum_p = Primitive("einsum", _einsum_impl, vjp=_einsum_vjp, jvp=_einsum_jvp)


def _parse(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[tuple[str, ...], str]:
    """Explicit input and output subscripts: ``...`` expanded, implicit output spelled out."""
    spec = subscripts.replace(" ", "")
    left, arrow, right = spec.partition("->")
    terms = left.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {len(terms)} subscript terms for {len(shapes)} operands")
    named = "".join(t.replace("...", "") for t in terms)
    for letter in named + right.replace("...", ""):
        if letter not in _LETTERS:
            raise ValueError(f"einsum: invalid subscript character {letter!r} in {subscripts!r}")
    widths = []
    for term, s in zip(terms, shapes):
        width = len(s) - len(term.replace("...", "")) if "..." in term else 0
        if width < 0 or ("..." not in term and len(term) != len(s)):
            raise ValueError(f"einsum: subscripts {term!r} do not match an operand of shape {s}")
        widths.append(width)
    ellipsis = _fresh(named + right, max(widths, default=0))
    inputs = tuple(t.replace("...", ellipsis[len(ellipsis) - w:] if w else "") for t, w in zip(terms, widths))
    if arrow:
        output = right.replace("...", ellipsis)
    else:  # NumPy's implicit output: broadcast axes, then indices seen once, sorted
        once = sorted(a for a in set(named) if named.count(a) == 1)
        output = ellipsis + "".join(once)
    return inputs, output


#: NumPy's letters for the integers of a sublist: 0-25 are 'A'-'Z', 26-51 'a'-'z'.
_SUBLIST_LETTERS = string.ascii_uppercase + string.ascii_lowercase


def _sublist(labels: Any, where: str) -> str:
    """A sublist (ints in [0, 52) and Ellipsis) as subscript letters."""
    letters = ""
    for label in labels:
        if label is Ellipsis:
            letters += "..."
        elif isinstance(label, (int, np.integer)) and not isinstance(label, bool) and 0 <= label < len(_SUBLIST_LETTERS):
            letters += _SUBLIST_LETTERS[int(label)]
        else:
            raise ValueError(f"einsum: {where} holds {label!r}; sublists hold ints in [0, 52) and Ellipsis")
    return letters


def _interleaved(args: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """``(op0, sublist0, op1, sublist1, ..., [sublist_out])`` as subscripts and operands."""
    pairs, output = (args[:-1], args[-1]) if len(args) % 2 else (args, None)
    operands = pairs[0::2]
    terms = [_sublist(labels, f"the sublist of operand {k}") for k, labels in enumerate(pairs[1::2])]
    spec = ",".join(terms)
    if output is not None:
        spec += "->" + _sublist(output, "the output sublist")
    return spec, tuple(operands)


def einsum(subscripts: Union[str, TensorLike], /, *operands: Any, optimize: Any = False) -> Tensor:
    """Einstein summation, as ``np.einsum`` (traces, diagonals, batch axes, ``...``), in
    the subscripts form or NumPy's interleaved form ``einsum(op0, sublist0, op1,
    sublist1, ..., [sublist_out])`` (sublists of ints and ``Ellipsis``).

    The derivative for each operand is the einsum of the cotangent with the others,
    with diagonals and operand-only sums restored by constants (JVP: rule).
    ``optimize`` is accepted for NumPy's signature: the contraction order only changes
    speed, and funcgrad optimizes contractions of more than two operands itself.

    >>> einsum("ii->", Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor(5.0, op=einsum)
    >>> einsum("...ij,...jk->...ik", Tensor(np.ones((5, 2, 3))), Tensor(np.ones((3, 4)))).shape
    (5, 2, 4)
    >>> einsum(Tensor([[1.0, 2.0], [3.0, 4.0]]), [0, 1], Tensor([1.0, 1.0]), [1], [0])
    Tensor([3., 7.], op=einsum)
    """
    if not isinstance(subscripts, str):
        subscripts, operands = _interleaved((subscripts,) + operands)
    inputs, output = _parse(subscripts, [shape(x, "einsum", f"operand {k}") for k, x in enumerate(operands)])
    return apply(einsum_p, *operands, inputs=inputs, output=output)


def dot(a: TensorLike, b: TensorLike, /) -> Tensor:
    """``np.dot``: a product for scalars, matmul up to 2-D, else a sum over the last axis
    of ``a`` and the second-to-last of ``b`` (written as an einsum). d/da = g . b over
    b's free axes, d/db = a . g over a's, as for matmul (JVP: rules).

    >>> dot(Tensor([1.0, 2.0]), Tensor([3.0, 4.0]))
    Tensor(11.0, op=matmul)
    """
    a, b = operand(a, "dot", "a"), operand(b, "dot", "b")  # dot is a multiply, matmul or einsum
    a_ndim, b_ndim = len(shape(a)), len(shape(b))
    if a_ndim == 0 or b_ndim == 0:
        return apply(ops.multiply_p, a, b)
    if b_ndim == 1 or (a_ndim <= 2 and b_ndim <= 2):
        return apply(ops.matmul_p, a, b)
    left = _LETTERS[: a_ndim - 1]
    right = _LETTERS[a_ndim - 1 : a_ndim + b_ndim - 3]
    k, j = _LETTERS[a_ndim + b_ndim - 3], _LETTERS[a_ndim + b_ndim - 2]
    return apply(einsum_p, a, b, inputs=(left + k, right + k + j), output=left + right + j)


def outer(a: TensorLike, b: TensorLike) -> Tensor:
    """``a`` and ``b`` flattened, every product ``a_i b_j``: a broadcast multiply.

    d/da_i = sum_j g_ij b_j, d/db_j = sum_i g_ij a_i (JVP: rules).

    >>> outer(Tensor([1.0, 2.0]), Tensor([3.0, 4.0]))
    Tensor([[3., 4.],
            [6., 8.]], op=multiply)
    """
    a, b = operand(a, "outer", "a"), operand(b, "outer", "b")  # outer is reshapes and a multiply
    column = apply(ops.reshape_p, a, shape=(-1, 1))
    row = apply(ops.reshape_p, b, shape=(1, -1))
    return column * row


def _contract(a: TensorLike, b: TensorLike, left: str, right: str, output: str) -> Tensor:
    return apply(einsum_p, a, b, inputs=(left, right), output=output)


def tensordot(a: TensorLike, b: TensorLike, axes: Union[int, Sequence[Any]] = 2) -> Tensor:
    """The sum of products over ``axes`` (an int N: the last N of ``a`` with the first N
    of ``b``; or two lists of axes), the free axes of ``a`` then of ``b``: one einsum, so
    d/da is the cotangent contracted with ``b`` and d/db with ``a`` (JVP: rule).

    >>> tensordot(Tensor(np.ones((2, 3))), Tensor(np.ones((3, 4))), axes=1).shape
    (2, 4)
    """
    sa, sb = shape(a), shape(b)
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if not 0 <= n <= min(len(sa), len(sb)):
            raise ValueError(f"tensordot: axes={n} for operands of shapes {sa} and {sb}")
        axes_a, axes_b = list(range(len(sa) - n, len(sa))), list(range(n))
    else:
        first, second = axes
        axes_a = [int(first)] if isinstance(first, (int, np.integer)) else [int(k) for k in first]
        axes_b = [int(second)] if isinstance(second, (int, np.integer)) else [int(k) for k in second]
        axes_a = [ops.normalize_axis(k, len(sa), "tensordot")[0] for k in axes_a]
        axes_b = [ops.normalize_axis(k, len(sb), "tensordot")[0] for k in axes_b]
    if len(axes_a) != len(axes_b) or any(sa[i] != sb[j] for i, j in zip(axes_a, axes_b)):
        raise ValueError(f"tensordot: shape-mismatch for sum: axes {axes_a} of {sa} and {axes_b} of {sb}")
    left = _LETTERS[: len(sa)]
    fresh = iter(_LETTERS[len(sa) :])
    paired = dict(zip(axes_b, axes_a))
    right = "".join(left[paired[k]] if k in paired else next(fresh) for k in range(len(sb)))
    output = "".join(left[k] for k in range(len(sa)) if k not in axes_a) + "".join(right[k] for k in range(len(sb)) if k not in axes_b)
    return _contract(a, b, left, right, output)


def inner(a: TensorLike, b: TensorLike, /) -> Tensor:
    """The sum of products over the last axes of ``a`` and ``b`` (a product if either is
    0-d), shape ``a.shape[:-1] + b.shape[:-1]``: one einsum, so d/da is the cotangent
    contracted with ``b`` and d/db with ``a`` (JVP: rule).

    >>> inner(Tensor([1.0, 2.0]), Tensor([3.0, 4.0]))
    Tensor(11.0, op=einsum)
    """
    sa, sb = shape(a), shape(b)
    if not sa or not sb:
        return apply(ops.multiply_p, a, b)
    if sa[-1] != sb[-1]:
        raise ValueError(f"inner: last dimensions differ (shapes {sa} and {sb})")
    left = _LETTERS[: len(sa) - 1]
    right = _LETTERS[len(sa) - 1 : len(sa) + len(sb) - 2]
    k = _LETTERS[len(sa) + len(sb) - 2]
    return _contract(a, b, left + k, right + k, left + right)


def vdot(a: TensorLike, b: TensorLike, /) -> Tensor:
    """The dot product of ``a`` and ``b`` flattened (real: no conjugate): one einsum of
    the two flattened vectors, so d/da = g * b and d/db = g * a, reshaped (JVP: rule).

    >>> vdot(Tensor([[1.0, 2.0]]), Tensor([3.0, 4.0]))
    Tensor(11.0, op=einsum)
    """
    flat_a = apply(ops.reshape_p, a, shape=(-1,))
    flat_b = apply(ops.reshape_p, b, shape=(-1,))
    if flat_a.shape != flat_b.shape:
        raise ValueError(f"vdot: operands of {flat_a.size} and {flat_b.size} entries (shapes {shape(a)} and {shape(b)})")
    return _contract(flat_a, flat_b, "i", "i", "")


def kron(a: TensorLike, b: TensorLike) -> Tensor:
    """The Kronecker product: block ``(i, j, ...)`` is ``a[i, j, ...] * b`` (the operand
    with fewer axes gets leading unit axes). A broadcast multiply between reshapes, so
    d/da sums g * b over each block, and d/db sums g * a over the blocks (JVP: rules).

    >>> kron(Tensor([1.0, 10.0]), Tensor([1.0, 2.0]))
    Tensor([ 1.,  2., 10., 20.], op=reshape)
    """
    sa, sb = shape(a), shape(b)
    ndim = max(len(sa), len(sb))
    sa, sb = (1,) * (ndim - len(sa)) + sa, (1,) * (ndim - len(sb)) + sb
    wide_a = apply(ops.reshape_p, a, shape=tuple(n for s in sa for n in (s, 1)))
    wide_b = apply(ops.reshape_p, b, shape=tuple(n for s in sb for n in (1, s)))
    product = apply(ops.multiply_p, wide_a, wide_b)
    return apply(ops.reshape_p, product, shape=tuple(x * y for x, y in zip(sa, sb)))


def _component(v: Tensor, k: int) -> Tensor:
    return apply(ops.getitem_p, v, index=(Ellipsis, k))


def cross(a: TensorLike, b: TensorLike, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None) -> Tensor:
    """The cross product of (broadcast) vectors of 3 (or 2) components along ``axisa`` of
    ``a`` and ``axisb`` of ``b``, its vectors along ``axisc`` (``axis`` sets all three).

    Products of components: d/da = b x g and d/db = g x a for 3-vectors (JVP: rules).
    Two-component vectors (deprecated in NumPy 2) count as a zero third component; two of
    them give the scalar z-component, as in NumPy.

    >>> cross(Tensor([1.0, 0.0, 0.0]), Tensor([0.0, 1.0, 0.0]))
    Tensor([0., 0., 1.], op=concatenate)
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    va, vb = moveaxis(a, axisa, -1), moveaxis(b, axisb, -1)
    na, nb = va.shape[-1], vb.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(f"cross: incompatible dimensions for cross product (dimension must be 2 or 3), got {na} and {nb}")
    a0, a1, b0, b1 = _component(va, 0), _component(va, 1), _component(vb, 0), _component(vb, 1)
    z = a0 * b1 - a1 * b0
    if na == 2 and nb == 2:
        return z
    if na == 3 and nb == 3:
        a2, b2 = _component(va, 2), _component(vb, 2)
        x, y = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2
    elif na == 2:
        b2 = _component(vb, 2)
        x, y = a1 * b2, -(a0 * b2)
    else:
        a2 = _component(va, 2)
        x, y = -(a2 * b1), a2 * b0
    result = stack([x, y, z], axis=-1)
    (last,) = ops.normalize_axis(axisc, result.ndim, "cross")
    return result if last == result.ndim - 1 else moveaxis(result, -1, last)
