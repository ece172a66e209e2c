"""funcgrad.debug.explain_nonfinite: the first op that made a NaN or inf, and the line."""

from __future__ import annotations

import doctest
import inspect
import sys
import threading
from typing import Callable

import attrs
import numpy as np
import pytest

import funcgrad.debug as debug
import funcgrad.numpy as fnp
from funcgrad import Tensor, grad
from funcgrad.debug import explain_nonfinite


def line_of(fn: Callable[..., object], text: str) -> int:
    lines, start = inspect.getsourcelines(fn)
    return start + next(i for i, line in enumerate(lines) if text in line)


def sqrt_of_zero(x: Tensor) -> Tensor:
    y = x - x
    return fnp.sqrt(y).sum()


def log_of_zero(x: Tensor) -> Tensor:
    y = x * 0.0
    return fnp.log(y).sum()


def test_module_doctests_pass() -> None:
    assert doctest.testmod(debug).failed == 0


def test_sqrt_of_x_minus_x_is_a_backward_inf_at_the_sqrt_line() -> None:
    report = explain_nonfinite(sqrt_of_zero)(np.array([1.0, 2.0, 3.0]))
    assert report is not None
    assert (report.phase, report.op, report.where) == ("backward", "sqrt", "for operand 0")
    assert report.filename == __file__ and report.lineno == line_of(sqrt_of_zero, "fnp.sqrt")
    assert report.source == "return fnp.sqrt(y).sum()"
    assert report.operand_shapes == ((3,),) and report.count == 3
    assert report.entries[0] == ((0,), np.inf)
    text = str(report)
    assert "backward: the derivative rule of sqrt" in text and "inf" in text
    assert f"test_debug.py:{report.lineno}" in text and "operand shapes: (3,)" in text


def test_log_of_zero_is_a_forward_minus_inf_at_the_log_line() -> None:
    report = explain_nonfinite(log_of_zero)(np.array([[1.0, 2.0]], np.float32))
    assert report is not None
    assert (report.phase, report.op) == ("forward", "log")
    assert report.lineno == line_of(log_of_zero, "fnp.log")
    assert report.entries == (((0, 0), -np.inf), ((0, 1), -np.inf)) and report.operand_values == (0.0,)
    assert "forward: log produced -inf" in str(report)


def test_a_nan_arriving_through_an_argument_is_reported_as_that_argument() -> None:
    @attrs.frozen
    class Params:
        w: np.ndarray
        b: np.ndarray

    def loss(params: Params, x: np.ndarray) -> Tensor:
        return fnp.sum(x * params.w + params.b)

    params = Params(np.ones(3), np.array([0.0, np.nan, 1.0]))
    report = explain_nonfinite(loss)(params, np.ones(3))
    assert report is not None
    assert (report.phase, report.op, report.where) == ("argument", "argument", "argument 0 (params.b)")
    assert report.entries == (((1,), report.entries[0][1]),) and np.isnan(report.entries[0][1])
    assert str(report).startswith("argument 0 (params.b) already holds nan")


def test_everything_finite_gives_none_and_the_gradient_is_unchanged() -> None:
    f = lambda x: (fnp.sqrt(x) * x).sum()  # noqa: E731
    x = np.array([1.0, 4.0])
    assert explain_nonfinite(f)(x) is None
    np.testing.assert_allclose(grad(f, argnums=0)(x), 1.5 * np.sqrt(x))


def test_argnums_limits_the_backward_check_to_those_arguments() -> None:
    def f(x: Tensor, y: Tensor) -> Tensor:
        return (fnp.sqrt(y - y) + x).sum()

    assert explain_nonfinite(f, argnums=0)(np.ones(2), np.ones(2)) is None
    report = explain_nonfinite(f, argnums=1)(np.ones(2), np.ones(2))
    assert report is not None and report.op == "sqrt"


def test_no_hook_is_left_behind_and_other_threads_are_not_watched() -> None:
    seen: list[object] = []
    go, done = threading.Event(), threading.Event()

    def other() -> None:
        go.wait()
        seen.append(sys.getprofile())
        done.set()

    def watched(x: Tensor) -> Tensor:
        go.set()
        done.wait(5)
        return fnp.sqrt(x - x).sum()

    thread = threading.Thread(target=other)
    thread.start()
    before = sys.getprofile()
    assert explain_nonfinite(watched)(np.ones(2)) is not None
    thread.join()
    assert seen == [None] and sys.getprofile() is before


def test_reports_from_many_threads_at_once_are_each_their_own() -> None:
    results: dict[int, object] = {}

    def work(k: int) -> None:
        for _ in range(5):
            fn = sqrt_of_zero if k % 2 else log_of_zero
            report = explain_nonfinite(fn)(np.arange(1.0, 3.0 + k))
            assert report is not None
            results[k] = (report.phase, report.op, report.shape)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {
        k: ("backward", "sqrt", (2 + k,)) if k % 2 else ("forward", "log", (2 + k,)) for k in range(6)
    }


def test_a_bad_argnums_is_refused_like_grad() -> None:
    with pytest.raises(ValueError, match="explain_nonfinite: argnums=3"):
        explain_nonfinite(sqrt_of_zero, argnums=3)(np.ones(2))


def test_a_nan_constant_inside_fn_is_reported_at_the_op_that_uses_it() -> None:
    bad = np.array([1.0, np.inf])

    def f(x: Tensor) -> Tensor:
        return (x * bad).sum()

    report = explain_nonfinite(f)(np.ones(2))
    assert report is not None
    assert (report.phase, report.op, report.where) == ("forward", "multiply", "operand 1, a constant, already held it")
    assert report.lineno == line_of(f, "x * bad") and "(operand 1, a constant" in str(report)
