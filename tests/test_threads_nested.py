"""16 threads x nested gradients (an inner gradient closing over the outer variable),
Hessians, HVPs and custom rules, many repetitions: every answer equals the serial one.
HIPS autograd gets about one in ten wrong on this kind of test, through its global trace
counter; funcgrad has no global state to share."""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable

import numpy as np

import funcgrad.numpy as fnp
from funcgrad import custom_vjp, grad, hessian, hvp, jacfwd

THREADS = 16
REPETITIONS = 40


@custom_vjp
def twice_rule_square(x: Any) -> Any:
    return x * x


twice_rule_square.defvjp(lambda x: (x * x, x), lambda x, g: (4.0 * x * g,))  # rule: 4x, not 2x


def tasks_for(k: int) -> tuple[Callable[[], Any], Any]:
    """Thread ``k``'s computation and its hand-derived answer."""
    x = np.linspace(0.5, 1.5, 4) + 0.1 * k
    kind = k % 4
    if kind == 0:
        # g(x) = d/dy [x^2 y^3]_{y=x} = 3 x^4, so d/dx sum(g) = 12 x^3.
        def g(x: Any) -> Any:
            return grad(lambda y: (x * x * y**3).sum(), argnums=0)(x).sum()

        return (lambda: grad(g, argnums=0)(x)), 12 * x**3
    if kind == 1:
        # h(x) = d/dy [sin(x y)]_{y=1} = x cos x; h'(x) = cos x - x sin x
        def h(x: Any) -> Any:
            return grad(lambda y: fnp.sin(x * y).sum(), argnums=0)(np.ones(4)).sum()

        return (lambda: grad(h, argnums=0)(x)), np.cos(x) - x * np.sin(x)
    if kind == 2:
        # Hessian of sum(x^4) closing nothing, and an HVP: diag(12 x^2) and 12 x^2 v.
        v = np.arange(4.0)
        f = lambda x: (x**4).sum()  # noqa: E731
        return (lambda: (hessian(f)(x), hvp(f, (x,), (v,))[0])), (np.diag(12 * x**2), 12 * x**2 * v)
    # The custom rule nested: d/dx sum(x * rule(x)) with rule' = 4x: d/dy [x y^2]_{y=x} by
    # the rule is x * 4 x = 4 x^2, and its derivative is 8 x; jacfwd of that gradient: diag(8).
    def k_(x: Any) -> Any:
        return grad(lambda y: (x * twice_rule_square(y)).sum(), argnums=0)(x).sum()

    return (lambda: (grad(k_, argnums=0)(x), jacfwd(grad(lambda y: twice_rule_square(y).sum(), argnums=0))(x))), (
        8 * x,
        np.diag(np.full(4, 4.0)),
    )


def same(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(p, q) for p, q in zip(a, b))
    return bool(np.array_equal(a, b))


def close(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        return all(close(p, q) for p, q in zip(a, b))
    return bool(np.allclose(a, b, rtol=1e-12, atol=1e-12))


def test_sixteen_threads_of_nested_gradients_equal_the_serial_answers() -> None:
    pairs = [tasks_for(k) for k in range(THREADS)]
    serial = [task() for task, _ in pairs]
    for k, (result, (_, expected)) in enumerate(zip(serial, pairs)):
        assert close(result, expected), f"task {k} serial answer is wrong"
    results: dict[tuple[int, int], Any] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def run(k: int) -> None:
        try:
            barrier.wait()
            for repetition in range(REPETITIONS):
                results[k, repetition] = pairs[k][0]()
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to interleave traces
    try:
        threads = [threading.Thread(target=run, args=(k,)) for k in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    wrong = [key for key, value in results.items() if not same(value, serial[key[0]])]
    assert len(results) == THREADS * REPETITIONS
    assert wrong == []
