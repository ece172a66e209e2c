"""The lowest-energy Lennard-Jones cluster, by Newton's method with Hessian-vector products.

    python examples/lennard_jones_newton.py [--quick]

The energy of N atoms is a sum over pairs of ``4 (r**-12 - r**-6)``. ``hvp`` gives the
Hessian times a vector at the cost of a couple of gradients, which is all Newton-CG
(SciPy's ``minimize(method="Newton-CG", hessp=...)``) needs; a few exact Newton steps
with the full ``hessian`` then polish the minimum. Quick mode: 4 atoms, whose minimum
is the regular tetrahedron at energy -6 exactly; full mode: 13 atoms from a shaken
icosahedron, the known minimum -44.326801.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.optimize import minimize
from tqdm import tqdm

import funcgrad.numpy as fnp
from funcgrad import Tensor, grad, hessian, hvp

KNOWN = {4: -6.0, 13: -44.326801}


def energy(flat: Tensor, n: int) -> Tensor:
    x = flat.reshape(n, 3)
    d = x[:, None, :] - x[None, :, :]
    i, j = np.triu_indices(n, 1)
    r2 = fnp.sum(d * d, axis=-1)[i, j]
    inv6 = 1.0 / r2**3
    return fnp.sum(4.0 * (inv6 * inv6 - inv6))


def icosahedron() -> np.ndarray:
    phi = (1 + 5**0.5) / 2
    vertices = [(0, s1, s2 * phi) for s1 in (-1, 1) for s2 in (-1, 1)]
    vertices = [v[k:] + v[:k] for v in vertices for k in range(3)]
    shell = np.array(vertices, dtype=float) / np.sqrt(1 + phi**2)
    return np.vstack([np.zeros(3), 1.1 * shell])  # a centre and 12 neighbours near r_min


def start(n: int, rng: np.random.Generator) -> np.ndarray:
    if n == 13:
        return (icosahedron() + rng.normal(0, 0.05, (13, 3))).ravel()
    return (np.array([[0, 0, 0], [1.1, 0, 0], [0.5, 1, 0], [0.5, 0.4, 0.9]]) + rng.normal(0, 0.05, (4, 3))).ravel()


def main(quick: bool = False) -> float:
    n = 4 if quick else 13
    x0 = start(n, np.random.default_rng(0))
    f = lambda x: float(energy(Tensor(x), n).data)  # noqa: E731
    g = lambda x: grad(energy, argnums=0)(x, n)  # noqa: E731
    hessp = lambda x, v: hvp(lambda y: energy(y, n), (x,), (v,))[0]  # noqa: E731
    with tqdm(desc="Newton-CG", unit="it") as bar:
        result = minimize(f, x0, jac=g, hessp=hessp, method="Newton-CG",
                          callback=lambda *_: bar.update(), options={"xtol": 1e-10})
    x = result.x
    for _ in range(3):  # exact Newton steps; the 6 zero modes (moves, turns) need lstsq
        h = hessian(energy, argnums=0)(x, n)
        x = x - np.linalg.lstsq(h, g(x), rcond=1e-10)[0]
    e, gnorm = f(x), float(np.linalg.norm(g(x)))
    eigenvalues = np.linalg.eigvalsh(hessian(energy, argnums=0)(x, n))
    print(f"{n} atoms: Newton-CG {result.nit} iterations, then 3 Newton steps: energy {e:.6f} "
          f"(known {KNOWN[n]}), |gradient| {gnorm:.1e}")
    print(f"Hessian: {int(np.sum(np.abs(eigenvalues) < 1e-6))} zero modes (3 moves, 3 turns), "
          f"smallest other eigenvalue {eigenvalues[6]:.3f} > 0: a minimum")
    print(f"result: atoms={n} energy={e:.6f} known={KNOWN[n]} gradient_norm={gnorm:.2e}")
    return e


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 atoms instead of 13")
    main(parser.parse_args().quick)
