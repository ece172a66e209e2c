"""``python -m funcgrad``: the seed tutorial's examples, made functional, with their gradients."""

from __future__ import annotations

import numpy as np

from funcgrad import Tensor, backward, grad, mul, toposort


def main() -> None:
    print("The tutorial: c = a.mul(b), then the gradients of c at a and b.")
    a = Tensor(np.array([2]))
    b = Tensor(np.array([3]))
    c = a.mul(b)
    print("toposort(c):", toposort(c))
    g = backward(c)
    print("backward(c)[a] =", g[a], " backward(c)[b] =", g[b])

    print("\nThe same as a pure transform: grad(lambda a, b: mul(a, b))")
    def product(a: Tensor, b: Tensor) -> Tensor:
        return mul(a, b)

    print(grad(product)(np.array([2]), np.array([3])))

    print("\nThe tutorial's multi-element, reused-variable example: d = (a * b) * b")
    def reused(a: Tensor, b: Tensor) -> Tensor:
        return mul(mul(a, b), b)

    print(grad(reused)(np.array([2, 3]), np.array([3, 4])))

    print("\nAnd what the mutable version could not do: a second derivative.")
    def cube(x: Tensor) -> Tensor:
        return (x * x * x).sum()

    print("d2/dx2 x**3 at x = 2:", grad(grad(cube, argnums=0), argnums=0)(np.array([2.0])))


if __name__ == "__main__":
    main()
