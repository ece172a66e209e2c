"""Purity: the same call gives the same result, from any number of threads at once."""

from __future__ import annotations

import threading
from typing import Any, Callable

import numpy as np

from funcgrad import Tensor, grad


def _task(k: int) -> Callable[[], Any]:
    """A different gradient per thread; every third is nested and closes over the outer x."""
    x = np.linspace(0.5, 1.5, 5) + k

    if k % 3 == 0:
        def nested(x: Tensor) -> Tensor:
            inner = grad(lambda y: (x * y * y).sum(), argnums=0)  # d/dy = 2xy
            return (inner(x * 1.0) * x).sum()  # sum(2 x^3): d/dx = 6x^2

        return lambda: grad(nested, argnums=0)(x)
    if k % 3 == 1:
        return lambda: grad(lambda a, b: (a * b * b / (a + 1.0)).sum())(x, x[::-1].copy())
    fourth = grad(lambda b: (b ** 4).sum(), argnums=0)
    return lambda: grad(lambda a: fourth(a).sum(), argnums=0)(x)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        return all(_same(p, q) for p, q in zip(a, b))
    return bool(np.array_equal(a, b))


def test_sixteen_threads_get_the_serial_answers() -> None:
    tasks = [_task(k) for k in range(16)]
    serial = [task() for task in tasks]
    np.testing.assert_allclose(serial[0], 6 * (np.linspace(0.5, 1.5, 5)) ** 2)
    results: dict[tuple[int, int], Any] = {}
    barrier = threading.Barrier(16)

    def run(k: int) -> None:
        barrier.wait()
        for repetition in range(20):
            results[k, repetition] = tasks[k]()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wrong = [key for key, value in results.items() if not _same(value, serial[key[0]])]
    assert len(results) == 16 * 20 and wrong == []


def test_the_same_call_gives_the_same_result() -> None:
    f = grad(lambda a, b: (a * b + b * b).sum())
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    first = f(x, y)
    for _ in range(3):
        assert _same(f(x, y), first)


def test_no_module_holds_mutable_state() -> None:
    """Module globals of funcgrad are functions, classes, records and constants only."""
    import funcgrad
    import funcgrad._core_ops
    import funcgrad._graph
    import funcgrad._tensor
    import funcgrad._transforms
    import funcgrad._tree

    mutable = (list, dict, set, bytearray)
    for module in (funcgrad, funcgrad._core_ops, funcgrad._graph, funcgrad._tensor, funcgrad._transforms, funcgrad._tree):
        for name, value in vars(module).items():
            if name.startswith("__"):
                continue
            assert not isinstance(value, mutable), f"{module.__name__}.{name}"
