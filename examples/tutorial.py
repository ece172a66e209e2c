"""The seed tutorial, step by step: from a mutable ``.grad`` field to ``grad``.

    python examples/tutorial.py [--quick]

Part 1 is the tutorial's own Tensor (a set of parents, a recursive sort, ``+=`` into
``.grad``); part 2 does the same with funcgrad, where a gradient is a value that a pure
function returns; part 3 shows what the mutable version could not do.
"""

from __future__ import annotations

import argparse

import numpy as np

from funcgrad import Tensor, backward, grad, mul, toposort


class MutableTensor:
    """The tutorial's Tensor, as it is at the end of its Part One."""

    def __init__(self, data: np.ndarray, children: tuple["MutableTensor", ...] = ()) -> None:
        self.data = data
        self._prev = set(children)  # a set: the order of parents changes from run to run
        self.grad = np.zeros(self.data.shape)
        self._backward = lambda: None

    def mul(self, other: "MutableTensor") -> "MutableTensor":
        out = MutableTensor(self.data * other.data, (self, other))

        def _backward() -> None:
            self.grad += other.data * out.grad  # written into the operands, in place
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def backward(self) -> None:
        topo: list[MutableTensor] = []
        visited: set[MutableTensor] = set()

        def build(v: MutableTensor) -> None:  # recursive: dies near a depth of 1000
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = np.ones(self.data.shape)
        for tensor in reversed(topo):
            tensor._backward()


def main(quick: bool = False) -> dict[str, np.ndarray]:
    print("Part 1: the tutorial's mutable Tensor")
    a, b = MutableTensor(np.array([2])), MutableTensor(np.array([3]))
    c = a.mul(b)
    c.backward()
    print("  c = a.mul(b); c.backward():  a.grad =", a.grad, " b.grad =", b.grad)
    c.backward()
    print("  c.backward() again:          a.grad =", a.grad, "(accumulated: the state bites)")
    a, b = MutableTensor(np.array([2, 3])), MutableTensor(np.array([3, 4]))
    d = a.mul(b).mul(b)
    d.backward()
    mutable = (a.grad.copy(), b.grad.copy())
    print("  d = (a * b) * b:             a.grad =", mutable[0], " b.grad =", mutable[1])

    print("\nPart 2: the same with funcgrad, where nothing is written into a node")
    a_t, b_t = Tensor(np.array([2])), Tensor(np.array([3]))
    c_t = a_t.mul(b_t)
    print("  toposort(c) == (a, b, c):", toposort(c_t) == (a_t, b_t, c_t), "(the same every run)")
    g = backward(c_t)
    print("  backward(c)[a], [b]:", g[a_t], g[b_t], " and again:", backward(c_t)[a_t])
    pure = grad(lambda a, b: mul(mul(a, b), b))(np.array([2, 3]), np.array([3, 4]))
    print("  grad(lambda a, b: mul(mul(a, b), b))(...):", pure)
    for got, want in zip(pure, mutable):
        np.testing.assert_allclose(got, want)
    print("  the same gradients as the mutable version")

    print("\nPart 3: what the mutable version could not do")
    cube = lambda x: (x * x * x).sum()  # noqa: E731
    second = grad(grad(cube, argnums=0), argnums=0)(np.array([2.0]))
    print("  d2/dx2 x**3 at 2 =", second)
    deep = Tensor(np.array([1.0]))
    x = deep
    for _ in range(2_000 if quick else 20_000):
        x = x * 1.0001
    depth = len(toposort(x))
    print(f"  a chain of {depth - 1} ops differentiates without RecursionError:", backward(x)[deep])
    print("result: a_grad=" + ",".join(map(str, pure[0])) + " b_grad=" + ",".join(map(str, pure[1]))
          + f" second={float(second[0])}")
    return {"a": pure[0], "b": pure[1], "second": second}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a shorter deep chain")
    main(parser.parse_args().quick)
