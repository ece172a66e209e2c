"""Idioms of programs written for autograd, run with ``funcgrad`` in their imports.

Each program below is written once against a NumPy-like module ``xp`` and a ``grad``
(autograd's single-argument default spelled ``argnums=0`` for funcgrad), then run with
funcgrad. Its numbers are checked against central finite differences always, and against
autograd itself when autograd is installed (the ``bench`` extra); without autograd the
funcgrad half still runs and is still checked.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np
import pytest

import funcgrad.numpy as fnp
import funcgrad.numpy.random as fnpr
from funcgrad import Tensor, grad, stop_gradient, value_and_grad

try:  # the reference, when installed
    import autograd
    import autograd.numpy as anp
    import autograd.numpy.random as anpr
except ImportError:  # pragma: no cover - depends on the environment
    autograd = None


def _fd(fn: Callable[[np.ndarray], Any], x: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Central finite differences of a scalar function of one float64 array."""
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = step
        out[i] = (float(np.asarray(fn(x + e))) - float(np.asarray(fn(x - e)))) / (2 * step)
    return out


def _check(program: Callable[..., Any], x: np.ndarray, rtol: float = 1e-6, autograd_differentiates: bool = True) -> None:
    """funcgrad's value and gradient of ``program(fnp, x)`` against finite differences and,
    when installed, autograd's (to 1e-10: the same float64 arithmetic)."""
    value, g = value_and_grad(lambda x: program(fnp, x), argnums=0)(x)
    # The differences evaluate the program on Tensors, as its gradient does (on a plain
    # array, funcgrad.numpy's functions still return Tensors, and `a -= t` on an array
    # a is refused: see test_in_place_update_of_an_array_by_a_tensor_says_to_rebind).
    np.testing.assert_allclose(g, _fd(lambda x: program(fnp, Tensor(x)), x), rtol=rtol, atol=rtol * np.max(np.abs(g)))
    if autograd is not None:
        if not autograd_differentiates:
            np.testing.assert_allclose(float(np.asarray(value)), program(anp, x), rtol=1e-10)
            return
        reference_value, reference_grad = autograd.value_and_grad(lambda x: program(anp, x))(x)
        np.testing.assert_allclose(float(np.asarray(value)), reference_value, rtol=1e-10)
        np.testing.assert_allclose(g, reference_grad, rtol=1e-10, atol=1e-13)


# --- funcgrad.numpy.random: `import autograd.numpy.random as npr` ---------------------------
def test_numpy_random_is_numpys_under_autograds_name() -> None:
    assert fnpr.RandomState is np.random.RandomState
    assert fnp.random is fnpr
    np.testing.assert_array_equal(fnpr.RandomState(3).randn(4), np.random.RandomState(3).randn(4))
    if autograd is not None:
        np.testing.assert_array_equal(fnpr.RandomState(3).randn(2, 3), anpr.RandomState(3).randn(2, 3))


def _reparameterised_elbo(xp: Any, params: Any) -> Any:
    # Black-box variational inference: samples drawn with the module's own RandomState,
    # scaled and shifted by the variational parameters (a Tensor times an ndarray).
    rs = (fnpr if xp is fnp else anpr).RandomState(0)
    mean, log_std = params[:2], params[2:]
    samples = rs.randn(50, 2) * xp.exp(log_std) + mean
    log_p = -0.5 * xp.sum(samples**2, axis=1) - xp.sum(xp.log1p(samples[:, :1] ** 2), axis=1)
    return -(xp.sum(log_std) + xp.mean(log_p))


def test_a_sampler_from_funcgrad_numpy_random_mixes_with_tensors_under_grad() -> None:
    _check(_reparameterised_elbo, np.array([0.3, -0.2, -1.0, 0.5]))


# --- meshgrid ---------------------------------------------------------------------------------
def _grid_energy(xp: Any, c: Any) -> Any:
    # A 2-D field evaluated on a grid whose coordinates are parameters.
    gx, gy = xp.meshgrid(c[:3], c[3:])
    return xp.sum(xp.sin(gx) * gy**2) + xp.sum(xp.meshgrid(c[:2], c[3:], indexing="ij")[0] ** 3)


def test_meshgrid_of_tensor_vectors_differentiates() -> None:
    # autograd has no VJP for meshgrid: its value is compared, the gradient with differences.
    _check(_grid_energy, np.array([0.1, 0.7, -0.4, 1.5, -0.3]), autograd_differentiates=False)


def test_meshgrid_of_constants_gives_plain_writable_arrays() -> None:
    ys, xs = fnp.meshgrid(np.arange(3), np.arange(2))
    assert type(ys) is np.ndarray and ys.dtype.kind == "i"
    ys[0, 0] = 7  # data preparation writes into them, as with numpy
    np.testing.assert_array_equal(xs, np.meshgrid(np.arange(3), np.arange(2))[1])


# --- integer indices from a Tensor: fnp.floor(t).astype(int) ---------------------------------
def _advect(xp: Any, shift: Any) -> Any:
    # Semi-Lagrangian advection as autograd's fluid simulation writes it: source cells by
    # floor(...).astype(int), weights by the remainder, wrapped with a modulo.
    field = np.cos(np.arange(12.0)).reshape(3, 4)
    rows, cols = field.shape
    cell_y, cell_x = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    center_x = (cell_x - xp.reshape(shift, (rows, cols))).ravel()
    left = xp.floor(center_x).astype(int)
    right_weight = center_x - left
    left, right = np.mod(left, cols), np.mod(left + 1, cols)
    rows_ix = cell_y.ravel()
    moved = (1 - right_weight) * field[rows_ix, left] + right_weight * field[rows_ix, right]
    return xp.sum(moved**2 * xp.linspace(0.5, 1.5, rows * cols))


def test_floor_astype_int_indexes_and_differentiates_as_autograds() -> None:
    shift = np.linspace(-1.3, 2.2, 12) + 0.01  # no cell centre on an integer
    _check(_advect, shift)


def test_astype_int_takes_the_integers_of_piecewise_constant_tensors_only() -> None:
    t = Tensor(np.array([1.5, -0.5]))
    np.testing.assert_array_equal(fnp.floor(t).astype(int), [1, -1])
    np.testing.assert_array_equal(fnp.rint(t).astype(np.int32), [2, 0])
    np.testing.assert_array_equal(stop_gradient(t).astype(int), [1, 0])
    assert fnp.sign(t).astype(bool).dtype == np.bool_
    assert grad(lambda x: fnp.sum(x * fnp.floor(x).astype(int)), argnums=0)(np.array([1.5, 2.5])).tolist() == [1.0, 2.0]
    with pytest.raises(TypeError, match=r"astype\(int64\).*drop its derivative.*fnp\.floor\(t\)\.astype\(int\)"):
        grad(lambda x: fnp.sum(x * x.astype(np.int64)), argnums=0)(np.array([1.5]))
    with pytest.raises(TypeError, match=r"array\(dtype=int64\).*numpy\.array"):
        fnp.array([t, t], dtype=np.int64)


def test_a_tensor_as_an_index_is_refused_saying_how_to_build_integers() -> None:
    idx = fnp.array([0, 1])  # a float Tensor: funcgrad.numpy functions return Tensors
    with pytest.raises(IndexError, match=r"got a Tensor of dtype float64.*argnums=0.*numpy\.array.*fnp\.floor\(t\)\.astype\(int\)"):
        Tensor(np.ones(3))[idx]


# --- immutability: in-place updates -----------------------------------------------------------
def test_item_assignment_on_a_tensor_names_the_problem_and_the_fixes() -> None:
    t = Tensor(np.ones((2, 2)))
    with pytest.raises(TypeError, match=r"item assignment.*immutable.*fnp\.where.*numpy\.array"):
        t[0, 0] = 2.0
    with pytest.raises(TypeError, match="item assignment"):
        t[:, 0] += 1.0  # autograd's data preparation on what is now a Tensor


def test_in_place_update_of_an_array_by_a_tensor_says_to_rebind() -> None:
    a = np.ones(3)
    with pytest.raises(TypeError, match=r"numpy\.subtract: out= writes into a NumPy array.*a = a - t"):
        a -= Tensor(np.ones(3))
    np.testing.assert_array_equal(a, np.ones(3))  # untouched


def _projected(xp: Any, v: Any) -> Any:
    # `v -= ...` and `loss += ...` rebind names to new values: allowed on Tensors.
    p = xp.zeros(v.shape)
    for _ in range(3):
        p = (xp.roll(v, 1) + xp.roll(p, -1) + p) / 3.0
    v -= 0.5 * (xp.roll(p, -1) - xp.roll(p, 1))
    loss = 0.0
    for row in xp.reshape(v, (2, 3)):  # iterating over a Tensor's rows
        loss += xp.sum(row**2)
    return loss


def test_augmented_assignment_rebinds_tensors_as_autograd_boxes_do() -> None:
    _check(_projected, np.array([0.5, -1.0, 2.0, 0.3, 0.1, -0.7]))


# --- structured programs: an RNN step over a dict of parameters ------------------------------
def _rnn_loss(xp: Any, flat: Any) -> Any:
    params = {"change": xp.reshape(flat[:12], (4, 3)), "predict": xp.reshape(flat[12:], (4, 2))}
    inputs = np.cos(np.arange(8.0)).reshape(4, 2, 1)  # time x batch x input
    hiddens = np.zeros((2, 2))
    outputs = []
    for x in inputs:
        # np.hstack of a tuple mixing arrays and Tensors, .T, a list of Tensors
        cat = xp.hstack((x, hiddens, np.ones((2, 1))))
        hiddens = xp.tanh(xp.dot(cat, params["change"][:, :2]))
        out = xp.dot(xp.hstack((hiddens, x, np.ones((2, 1)))), params["predict"])
        outputs.append(out - xp.log(xp.sum(xp.exp(out), axis=1, keepdims=True)))
    return -sum(xp.sum(o.T[0]) for o in outputs) + xp.sum(xp.concatenate(outputs, axis=0) ** 2)


def test_an_rnn_over_a_dict_of_parameters_matches() -> None:
    _check(_rnn_loss, np.linspace(-0.5, 0.6, 20))


# --- Tensor arguments: a conversion inside the transform is still caught ----------------------
def test_a_conversion_inside_grad_of_a_tensor_argument_raises() -> None:
    # Optimisers written for autograd hand parameters back as Tensors; a float() inside
    # the objective must not silently drop the derivative then either.
    def f(w: Any) -> Any:
        return fnp.sum(w * w) + 2.0 * float(fnp.sum(w))

    for arg in (np.array([1.0, 2.0]), Tensor(np.array([1.0, 2.0])), fnp.reshape(np.array([1.0, 2.0]), (2,))):
        with pytest.raises(TypeError, match=r"float\(tensor\)"):
            grad(f, argnums=0)(arg)
        with pytest.raises(TypeError, match="np.asarray|asarray|array"):
            grad(lambda w: fnp.sum(w) * np.asarray(w * 2.0).sum(), argnums=0)(arg)


def test_grad_of_tensor_arguments_equals_grad_of_arrays() -> None:
    x = np.array([0.3, -1.2, 0.8])
    expected = grad(lambda w: fnp.sum(fnp.sin(w) * w), argnums=0)(x)
    for arg in (Tensor(x), fnp.reshape(x, (3,)), [x][0]):
        np.testing.assert_allclose(grad(lambda w: fnp.sum(fnp.sin(w) * w), argnums=0)(arg), expected, rtol=1e-15)



# --- ndarray methods autograd's boxes have ----------------------------------------------------
def _methods(xp: Any, x: Any) -> Any:
    m = xp.reshape(x, (3, 3))
    terms = [
        m.repeat(2, axis=0),
        abs(m),
        m.round() * m,  # round: piecewise constant, zero derivative
    ]
    return sum(xp.sum(xp.sin(t)) for t in terms)


def _more_methods(xp: Any, x: Any) -> Any:
    m = xp.reshape(x, (2, 3))
    return (
        xp.sum(m.cumprod(axis=1) ** 2)
        + xp.sum(xp.sin(m.take(np.array([0, 2]), axis=1)))
        + xp.sum(m.diagonal(1) ** 3)
        + m[:, :2].trace() ** 2
    )


def test_tensor_methods_of_autograd_boxes_differentiate_as_autograds() -> None:
    _check(_methods, np.array([0.3, -0.7, 1.1, 0.4, 0.9, -0.2, 1.7, -1.3, 0.6]))
    # autograd has no VJP for cumprod or take, nor for diagonal and trace with ndarray's
    # axes: their value is compared with autograd's, their gradient with differences.
    _check(_more_methods, np.array([0.3, -0.7, 1.1, 0.4, 0.9, -0.2]), autograd_differentiates=False)
    m = Tensor(np.array([[0.0, 1.5], [2.0, -1.0]]))
    assert [i.tolist() for i in m.nonzero()] == [[0, 1, 1], [1, 0, 1]]
    # ptp is a method of autograd's boxes (and of NumPy 1's arrays)
    np.testing.assert_allclose(grad(lambda w: w.ptp(axis=0).sum(), argnums=0)(m.data), [[-1.0, 1.0], [1.0, -1.0]])


# --- funcgrad.misc: autograd.misc's flatten and optimizers ------------------------------------
def test_misc_modules_examples_run() -> None:
    import doctest
    import sys

    import funcgrad.misc.optimizers  # noqa: F401  (loads the submodules)

    for name in ("funcgrad.misc", "funcgrad.misc.flatten", "funcgrad.misc.optimizers"):
        failed, attempted = doctest.testmod(sys.modules[name])
        assert attempted > 0 and failed == 0, name


def test_flatten_inside_grad_differentiates_a_prior_on_every_weight() -> None:
    from funcgrad.misc import flatten

    params = [(np.array([[0.5, -1.0]]), np.array([0.2, 0.3])), (np.array([[2.0], [1.0]]), np.array([-0.4]))]

    def log_prior(p: Any) -> Any:
        vector, _ = flatten(p)
        return fnp.sum(vector**2) * 0.5

    g = grad(log_prior, argnums=0)(params)
    for (gw, gb), (w, b) in zip(g, params):  # d/dw 0.5 |w|^2 = w
        np.testing.assert_allclose(gw, w)
        np.testing.assert_allclose(gb, b)
    vector, unflatten = flatten(params)
    assert type(vector) is np.ndarray and vector.shape == (7,)
    rebuilt = unflatten(vector * 2)
    np.testing.assert_allclose(rebuilt[1][0], 2 * params[1][0])
    with pytest.raises(ValueError, match="length 7"):
        unflatten(np.zeros(6))
    if autograd is not None:
        from autograd.misc import flatten as autograd_flatten

        np.testing.assert_array_equal(vector, autograd_flatten(params)[0])  # lists and tuples: one order


def test_misc_optimizers_follow_autograds_trajectories() -> None:
    from funcgrad.misc.optimizers import adam, rmsprop, sgd

    target = np.array([1.0, -2.0, 0.5])

    def loss(p: Any, i: int, xp: Any = fnp) -> Any:
        return xp.sum((p["w"] - target) ** 4) + (p["b"] - 1.0) ** 2 * (1 + i % 3)

    start = {"w": np.zeros(3), "b": np.array(0.3)}
    for optimizer, kwargs in ((adam, {"step_size": 0.05}), (sgd, {"step_size": 0.01, "mass": 0.5}), (rmsprop, {"step_size": 0.02})):
        seen: list[Any] = []
        result = optimizer(grad(loss, argnums=0), start, lambda x, i, g: seen.append((x, g)), num_iters=30, **kwargs)
        assert len(seen) == 30 and set(result) == {"w", "b"}
        assert float(loss(result, 0)) < float(loss(start, 0))
        if autograd is not None:
            import autograd.misc.optimizers as reference

            expected = getattr(reference, optimizer.__name__)(autograd.grad(lambda p, i: loss(p, i, anp)), start, num_iters=30, **kwargs)
            np.testing.assert_allclose(result["w"], expected["w"], rtol=1e-12)
            np.testing.assert_allclose(result["b"], expected["b"], rtol=1e-12)
