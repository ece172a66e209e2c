"""Taylor coefficients of tanh at 0 by nested ``grad``, and a plot of the polynomials.

    python examples/tanh_taylor.py [--quick] [--out tanh_taylor.png]

The n-th coefficient is ``f^(n)(0) / n!``, and ``grad`` of ``grad`` of ... gives
``f^(n)`` exactly, since every derivative rule is written in funcgrad's own ops. They
are checked against the series ``x - x**3/3 + 2 x**5/15 - 17 x**7/315 + 62 x**9/2835``.
The plot (matplotlib, Agg backend: no display needed) is written to ``--out``.
"""

from __future__ import annotations

import argparse
import math
from typing import Any, Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

import funcgrad.numpy as fnp  # noqa: E402
from funcgrad import grad  # noqa: E402

SERIES = [0.0, 1.0, 0.0, -1 / 3, 0.0, 2 / 15, 0.0, -17 / 315, 0.0, 62 / 2835]


def derivatives(fn: Callable[[Any], Any], order: int) -> list[Callable[[Any], Any]]:
    """``[fn, fn', fn'', ...]`` up to ``order``, each a function of x."""
    result = [fn]
    for _ in range(order):
        result.append(grad(result[-1], argnums=0))
    return result


def main(quick: bool = False, out: str = "tanh_taylor.png") -> list[float]:
    order = 7 if quick else 9
    x0 = np.array(0.0)
    coefficients = []
    for n, fn in enumerate(tqdm(derivatives(lambda x: fnp.tanh(x), order), desc="derivatives", unit="order")):
        coefficients.append(float(np.asarray(fn(x0))) / math.factorial(n))
    np.testing.assert_allclose(coefficients, SERIES[: order + 1], atol=1e-12)
    for n, c in enumerate(coefficients):
        print(f"  c{n} = {c:+.10f}   (series {SERIES[n]:+.10f})")

    xs = np.linspace(-2.0, 2.0, 200)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs, np.tanh(xs), "k", lw=2, label="tanh")
    for degree in range(1, order + 1, 2):
        poly = sum(coefficients[n] * xs**n for n in range(degree + 1))
        ax.plot(xs, poly, lw=1, label=f"degree {degree}")
    ax.set_ylim(-1.5, 1.5)
    ax.set_title("tanh and its Taylor polynomials at 0 (nested grad)")
    ax.legend(loc="upper left")
    fig.savefig(out, dpi=80)
    plt.close(fig)
    print(f"plot written to {out}")
    print("result: coefficients=" + ",".join(f"{c:.12f}" for c in coefficients))
    return coefficients


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="up to order 7 instead of 9")
    parser.add_argument("--out", default="tanh_taylor.png", help="where to write the plot")
    args = parser.parse_args()
    main(args.quick, args.out)
