"""Contractions: matmul, dot, einsum and outer.

einsum is one primitive whose derivative for each operand is again one einsum: the
cotangent contracted with the other operands. Two cases need constants: an index
repeated within the operand (a trace or diagonal, ``'ii->'``) is put back on the
diagonal with an identity matrix, and an index summed in that operand alone is
broadcast back with a vector of ones. The wrapper expands ``...`` and implicit output
into explicit letters once, so rules never parse.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from funcgrad import _core_ops as ops
from funcgrad._tensor import Operand, Params, Primitive, Tensor, TensorLike, Value, apply, bind
from funcgrad.numpy._util import data, lead, shape

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
    dtype = data(c).dtype
    # A repeated index becomes a fresh letter tied to the first by an identity matrix.
    result, extra, used = "", [], "".join(inputs) + p["output"] + batch
    for letter in target:
        if letter in result:
            twin = _fresh(used, 1)
            used += twin
            extra.append((letter + twin, np.eye(sizes[letter], dtype=dtype)))
            result += twin
        else:
            result += letter
            if letter not in seen:  # summed in this operand only: broadcast back with ones
                extra.append((letter, np.ones(sizes[letter], dtype=dtype)))
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


def einsum(subscripts: str, /, *operands: TensorLike) -> Tensor:
    """Einstein summation, as ``np.einsum`` (traces, diagonals, batch axes, ``...``).

    The derivative for each operand is the einsum of the cotangent with the others,
    with diagonals and operand-only sums restored by constants (JVP: rule).

    >>> einsum("ii->", Tensor([[1.0, 2.0], [3.0, 4.0]]))
    Tensor(5.0, op=einsum)
    >>> einsum("...ij,...jk->...ik", Tensor(np.ones((5, 2, 3))), Tensor(np.ones((3, 4)))).shape
    (5, 2, 4)
    """
    inputs, output = _parse(subscripts, [shape(x) for x in operands])
    return apply(einsum_p, *operands, inputs=inputs, output=output)


def dot(a: TensorLike, b: TensorLike, /) -> Tensor:
    """``np.dot``: a product for scalars, matmul up to 2-D, else a sum over the last axis
    of ``a`` and the second-to-last of ``b`` (written as an einsum). d/da = g . b over
    b's free axes, d/db = a . g over a's, as for matmul (JVP: rules).

    >>> dot(Tensor([1.0, 2.0]), Tensor([3.0, 4.0]))
    Tensor(11.0, op=matmul)
    """
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
    column = apply(ops.reshape_p, a, shape=(-1, 1))
    row = apply(ops.reshape_p, b, shape=(1, -1))
    return column * row
