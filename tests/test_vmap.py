"""vmap: semantics (in_axes, out_axes, pytrees, sizes), dtypes, errors, and nesting
with every transform in both orders, each checked against a Python loop over the
examples and, where a derivative is taken outside vmap, against finite differences."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import funcgrad.nn as nn
import funcgrad.numpy as fnp
from funcgrad import Tensor, grad, hessian, jacfwd, jacobian, jvp, value_and_grad, vjp, vmap
from funcgrad._vmap import batching_kinds
from funcgrad.testing import check_grads

RNG = np.random.default_rng(0)
W = RNG.standard_normal((3, 4))
XS = RNG.standard_normal((5, 3))
V = RNG.standard_normal(3)


def f(w: Any, x: Any) -> Any:
    """One example's loss: a layer, a nonlinearity, a softmax and a reduction."""
    h = fnp.tanh(x @ w)
    return fnp.sum(nn.softmax(h) * h) + fnp.sum(x * x) * 0.1


def loop(fn: Callable[..., Any], *args: Any, in_axes: tuple[Any, ...]) -> Any:
    size = next(np.shape(a)[ax] for a, ax in zip(args, in_axes) if ax is not None)
    rows = [fn(*[a if ax is None else np.take(a, n, axis=ax) for a, ax in zip(args, in_axes)]) for n in range(size)]
    if isinstance(rows[0], tuple):
        return tuple(np.stack([np.asarray(r[k]) for r in rows]) for k in range(len(rows[0])))
    return np.stack([np.asarray(r) for r in rows])


def close(a: Any, b: Any, rtol: float = 1e-9) -> None:
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b)
        for x, y in zip(a, b):
            close(x, y, rtol)
        return
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=1e-10)


# --- vmap outside or inside every transform ---------------------------------------------------
PAIRS: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
    # per-example gradients: vmap(grad), against a loop of grad
    "vmap(grad)": (
        lambda: vmap(grad(f, argnums=0), in_axes=(None, 0))(W, XS),
        lambda: loop(grad(f, argnums=0), W, XS, in_axes=(None, 0)),
    ),
    "vmap(grad) wrt the mapped argument": (
        lambda: vmap(grad(f, argnums=1), in_axes=(None, 0))(W, XS),
        lambda: loop(grad(f, argnums=1), W, XS, in_axes=(None, 0)),
    ),
    "vmap(value_and_grad, has_aux)": (
        lambda: vmap(value_and_grad(lambda w, x: (f(w, x), fnp.sum(x)), argnums=0, has_aux=True), in_axes=(None, 0))(W, XS),
        lambda: (
            (loop(f, W, XS, in_axes=(None, 0)), XS.sum(axis=1)),
            loop(grad(f, argnums=0), W, XS, in_axes=(None, 0)),
        ),
    ),
    "grad(sum(vmap))": (
        lambda: grad(lambda w: fnp.sum(vmap(f, (None, 0))(w, XS)), argnums=0)(W),
        lambda: loop(grad(f, argnums=0), W, XS, in_axes=(None, 0)).sum(axis=0),
    ),
    "jacfwd(vmap)": (
        lambda: jacfwd(lambda w: vmap(f, (None, 0))(w, XS))(W),
        lambda: loop(grad(f, argnums=0), W, XS, in_axes=(None, 0)),
    ),
    "jacobian(vmap)": (
        lambda: jacobian(lambda w: vmap(f, (None, 0))(w, XS))(W),
        lambda: loop(grad(f, argnums=0), W, XS, in_axes=(None, 0)),
    ),
    "vmap(vmap)": (
        lambda: vmap(vmap(lambda w, x: f(w, x), in_axes=(None, 0)), in_axes=(0, None))(np.stack([W, 2 * W]), XS),
        lambda: np.stack([loop(f, w, XS, in_axes=(None, 0)) for w in (W, 2 * W)]),
    ),
    "vmap(vmap(grad))": (
        lambda: vmap(vmap(grad(f, argnums=0), in_axes=(None, 0)), in_axes=(0, None))(np.stack([W, 2 * W]), XS),
        lambda: np.stack([loop(grad(f, argnums=0), w, XS, in_axes=(None, 0)) for w in (W, 2 * W)]),
    ),
    "vmap(hessian)": (
        lambda: vmap(hessian(lambda x: f(W, x)))(XS),
        lambda: loop(hessian(lambda x: f(W, x)), XS, in_axes=(0,)),
    ),
    "vmap(jacobian)": (
        lambda: vmap(jacobian(lambda x: fnp.tanh(x @ W)))(XS),
        lambda: loop(jacobian(lambda x: fnp.tanh(x @ W)), XS, in_axes=(0,)),
    ),
    "vmap(jacfwd)": (
        lambda: vmap(jacfwd(lambda x: fnp.tanh(x @ W)))(XS),
        lambda: loop(jacfwd(lambda x: fnp.tanh(x @ W)), XS, in_axes=(0,)),
    ),
    "vmap(jvp)": (
        lambda: vmap(lambda x: jvp(lambda y: fnp.tanh(y @ W), (x,), (V,)))(XS),
        lambda: loop(lambda x: jvp(lambda y: fnp.tanh(y @ W), (x,), (V,)), XS, in_axes=(0,)),
    ),
    "vmap(vjp)": (
        lambda: vmap(lambda x: vjp(lambda y: fnp.tanh(y @ W), x)[1](np.ones(4)))(XS),
        lambda: loop(lambda x: vjp(lambda y: fnp.tanh(y @ W), x)[1](np.ones(4)), XS, in_axes=(0,)),
    ),
    "vmap(grad) closing over the mapped value": (
        lambda: vmap(lambda x: grad(lambda w: f(w, x), argnums=0)(W))(XS),
        lambda: loop(grad(f, argnums=0), W, XS, in_axes=(None, 0)),
    ),
    "vmap(jacfwd) closing over the mapped value": (
        lambda: vmap(lambda x: jacfwd(lambda v: fnp.tanh(x @ W) * fnp.sum(v * x))(V))(XS),
        lambda: loop(lambda x: jacfwd(lambda v: fnp.tanh(x @ W) * fnp.sum(v * x))(V), XS, in_axes=(0,)),
    ),
    "grad(vmap(grad))": (
        lambda: grad(lambda w: fnp.sum(vmap(grad(f, argnums=1), (None, 0))(w, XS) ** 2), argnums=0)(W),
        lambda: grad(lambda w: sum(fnp.sum(grad(f, argnums=1)(w, x) ** 2) for x in XS), argnums=0)(W),
    ),
    "hessian(sum(vmap))": (
        lambda: hessian(lambda v: fnp.sum(vmap(lambda v, x: fnp.sum(fnp.tanh(v * x)), (None, 0))(v, XS)))(V),
        lambda: sum(hessian(lambda v: fnp.sum(fnp.tanh(v * x)))(V) for x in XS),
    ),
    "vmap(vmap) closing over the outer example": (
        lambda: vmap(lambda x: vmap(lambda y: fnp.sum(x * y))(XS))(XS),
        lambda: XS @ XS.T,
    ),
}


@pytest.mark.parametrize("name", list(PAIRS))
def test_vmap_nests_with_every_transform_and_matches_a_python_loop(name: str) -> None:
    batched, looped = PAIRS[name]
    close(batched(), looped())


@pytest.mark.parametrize(
    "fn",
    [
        lambda w: fnp.sum(vmap(f, (None, 0))(w, XS)),
        lambda w: fnp.sum(vmap(grad(f, argnums=0), (None, 0))(w, XS) ** 2),
        lambda w: fnp.sum(vmap(lambda x: jvp(lambda y: f(w, y), (x,), (V,))[1])(XS)),
    ],
    ids=["grad(vmap)", "grad(vmap(grad))", "grad(vmap(jvp))"],
)
def test_derivatives_through_vmap_match_finite_differences(fn: Callable[[Any], Any]) -> None:
    check_grads(fn, W, order=2)


def test_per_example_gradients_are_not_the_batch_gradient() -> None:
    per_example = vmap(grad(f, argnums=0), in_axes=(None, 0))(W, XS)
    assert per_example.shape == (5,) + W.shape
    close(per_example.sum(axis=0), grad(lambda w: fnp.sum(vmap(f, (None, 0))(w, XS)), argnums=0)(W))
    assert not np.allclose(per_example[0], per_example[1])


# --- in_axes, out_axes, pytrees --------------------------------------------------------------
def test_in_axes_and_out_axes_move_the_mapped_axis() -> None:
    xs = RNG.standard_normal((3, 5, 2))
    got = vmap(lambda x: x * 2.0, in_axes=1, out_axes=-1)(xs)
    close(got, np.moveaxis(xs * 2.0, 1, -1))
    got = vmap(lambda x: fnp.sum(x, axis=0), in_axes=-1)(xs)
    close(got, np.moveaxis(xs, -1, 0).sum(axis=1))


def test_in_axes_is_a_pytree_prefix_and_none_leaves_are_unmapped() -> None:
    params = {"w": W, "b": np.ones(4)}
    fn = vmap(lambda p, x: fnp.tanh(x @ p["w"] + p["b"]), in_axes=({"w": None, "b": None}, 0))
    close(fn(params, XS), np.tanh(XS @ W + 1.0))
    fn2 = vmap(lambda p, x: x @ p["w"] + p["b"], in_axes=({"w": None, "b": 0}, 0))
    bs = RNG.standard_normal((5, 4))
    close(fn2({"w": W, "b": bs}, XS), XS @ W + bs)


def test_pytree_outputs_and_unbatched_outputs_are_broadcast() -> None:
    out = vmap(lambda x: {"a": x * 2.0, "c": fnp.ones(2)})(XS)
    close(out["a"], XS * 2.0)
    close(out["c"], np.ones((5, 2)))
    out = vmap(lambda x: (x, fnp.sum(W)), out_axes=(0, None))(XS)
    close(out[1], np.sum(W))


def test_float32_stays_float32() -> None:
    xs = XS.astype(np.float32)
    assert vmap(lambda x: fnp.tanh(x @ W.astype(np.float32)))(xs).dtype == np.float32
    assert vmap(grad(lambda x: fnp.sum(x * x)))(xs)[0].dtype == np.float32


def test_mapped_sizes_that_disagree_are_refused_naming_them() -> None:
    with pytest.raises(ValueError, match=r"vmap: .*argument 0.* size 5.*argument 1.* size 4"):
        vmap(lambda x, y: x + y)(XS, np.ones((4, 3)))


def test_bad_axes_are_refused() -> None:
    with pytest.raises(ValueError, match="vmap: in_axes=3"):
        vmap(lambda x: x, in_axes=3)(XS)
    with pytest.raises(ValueError, match="vmap: in_axes has 2 entries"):
        vmap(lambda x: x, in_axes=(0, 0))(XS)
    with pytest.raises(ValueError, match="vmap: in_axes maps no argument"):
        vmap(lambda x: x, in_axes=None)(XS)
    with pytest.raises(ValueError, match="out_axes is None"):
        vmap(lambda x: x, out_axes=None)(XS)


def test_an_example_sees_one_example_shape() -> None:
    seen = []
    vmap(lambda x: seen.append((x.shape, x.ndim, len(x))) or fnp.sum(x))(XS)
    assert seen == [((3,), 1, 3)]


def test_branching_per_example_is_refused_but_selection_works() -> None:
    with pytest.raises(TypeError, match="examples of the batch have different values"):
        vmap(lambda x: x if fnp.sum(x) > 0 else -x)(XS)
    got = vmap(lambda x: fnp.where(x > 0, x, 0.5 * x))(XS)
    close(got, np.where(XS > 0, XS, 0.5 * XS))


def test_the_caller_arrays_are_unchanged_and_results_are_fresh() -> None:
    xs = XS.copy()
    out = vmap(lambda x: x * 1.0)(xs)
    out[...] = 0.0
    close(xs, XS)


def test_vmap_of_tensor_leaves_keeps_the_graph_for_backward() -> None:
    from funcgrad import backward

    t = Tensor(XS)
    y = grad(lambda x: fnp.sum(vmap(lambda r: fnp.sum(r * r))(x)), argnums=0)(t.data)
    close(y, 2 * XS)


# --- the batching rules ----------------------------------------------------------------------
def test_every_primitive_has_a_batching_kind_and_the_loop_list_in_the_docs_is_current() -> None:
    import pathlib

    kinds = batching_kinds()
    assert kinds, "no primitives found"
    loops = sorted(name for name, kind in kinds.items() if kind == "loop")
    text = (pathlib.Path(__file__).resolve().parents[1] / "docs" / "transforms.md").read_text()
    start = text.index("<!-- vmap-loop-list -->")
    end = text.index("<!-- /vmap-loop-list -->")
    listed = sorted(name.strip("` ") for name in text[start:end].split("\n")[1].split(","))
    assert listed == loops, f"docs/transforms.md lists {listed}, the primitives without a batching rule are {loops}"


def test_a_primitive_without_a_batching_rule_is_computed_by_a_loop_exactly() -> None:
    a = RNG.standard_normal((5, 3, 3)) + 3 * np.eye(3)
    b = RNG.standard_normal((5, 3))
    close(vmap(fnp.linalg.solve)(a, b), np.stack([np.linalg.solve(a[n], b[n]) for n in range(5)]))
    close(
        vmap(grad(lambda a, b: fnp.sum(fnp.linalg.solve(a, b))))(a, b),
        loop(grad(lambda a, b: fnp.sum(fnp.linalg.solve(a, b))), a, b, in_axes=(0, 0)),
    )


def test_a_batched_mask_can_be_returned_with_any_out_axis() -> None:
    got = vmap(lambda x: x > 0, out_axes=1)(XS)
    assert got.dtype == bool
    np.testing.assert_array_equal(got, (XS > 0).T)


def test_nan_helpers_and_wrapper_checks_run_per_example() -> None:
    xs = XS.copy()
    xs[1, 0] = np.nan
    close(vmap(fnp.nanmean)(xs), np.nanmean(xs, axis=1))
    close(vmap(lambda x: fnp.std(x))(np.vstack([XS[:2], np.zeros((1, 3))])), np.std(np.vstack([XS[:2], np.zeros((1, 3))]), axis=1))


def test_custom_vjp_inside_vmap_uses_its_rule_per_example() -> None:
    from funcgrad import custom_vjp

    @custom_vjp
    def clipped(x: Any) -> Any:
        return fnp.sin(x)

    clipped.defvjp(lambda x: (fnp.sin(x), x), lambda x, g: (g * 2.0,))  # a deliberately odd rule
    got = vmap(grad(lambda x: fnp.sum(clipped(x))))(XS)
    close(got[0], np.full_like(XS, 2.0))
    close(vmap(clipped)(XS), np.sin(XS))


def test_threads_see_their_own_vmap_calls() -> None:
    from concurrent.futures import ThreadPoolExecutor

    expected = loop(grad(f, argnums=0), W, XS, in_axes=(None, 0))
    fn = vmap(grad(f, argnums=0), in_axes=(None, 0))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: fn(W, XS), range(8)))
    for r in results:
        close(r, expected)


MASK = np.array([True, False, True, True, False])
INDEXING = {
    "list": lambda x: x[[0, 2]],
    "slice then list": lambda x: x[:, [0, 1]],
    "non-adjacent arrays": lambda x: x[[0, 1], :, [0, 1]],
    "newaxis": lambda x: x[None],
    "ellipsis": lambda x: x[..., 0],
    "mask": lambda x: x[:, MASK],
    "ints around a slice": lambda x: x[1, :, 1],
    "2-d index array": lambda x: x[np.array([[0, 1], [1, 2]]), 2],
    "int then list": lambda x: x[2, [1, 3], :],
    "arrays around a slice": lambda x: x[[1, 2], 1:3, [0, 1]],
}


@pytest.mark.parametrize("name", list(INDEXING))
def test_indexing_inside_vmap_matches_a_loop(name: str) -> None:
    index = INDEXING[name]
    xs = RNG.standard_normal((4, 3, 5, 2))
    close(vmap(index)(xs), loop(index, xs, in_axes=(0,)))
    g = grad(lambda x: fnp.sum(index(x) ** 2))
    close(vmap(g)(xs), loop(g, xs, in_axes=(0,)))


def test_a_traced_batched_value_refuses_to_become_a_constant() -> None:
    with pytest.raises(TypeError, match="depends on the arguments of a running transform"):
        vmap(grad(lambda x: fnp.sum(x) * float(fnp.sum(x * 0.0))))(XS)
    assert vmap(lambda x: fnp.sum(x) * float(fnp.sum(x * 0.0) + 1.0))(XS).shape == (5,)
