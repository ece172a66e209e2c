"""Logistic regression on scikit-learn's breast-cancer data with SciPy's L-BFGS.

    python examples/logistic_scipy.py [--quick]

``value_and_grad`` gives SciPy exactly what ``minimize(..., jac=True)`` asks for: a
function returning ``(loss, gradient)`` of a flat float64 vector. Full mode also checks
funcgrad's gradient against SciPy's finite differences and compares with scikit-learn's
own LogisticRegression.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.optimize import check_grad, minimize
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import funcgrad.numpy as fnp
from funcgrad import Tensor, value_and_grad
from funcgrad.nn import softplus

L2 = 1e-2


def loss(theta: Tensor, x: np.ndarray, y: np.ndarray) -> Tensor:
    # Mean log-loss with labels y in {0, 1}: softplus(z) - y z, stable for any z.
    z = x @ theta[:-1] + theta[-1]
    return fnp.mean(softplus(z) - y * z) + 0.5 * L2 * fnp.sum(theta[:-1] ** 2)


def main(quick: bool = False) -> float:
    data = load_breast_cancer()
    x_train, x_test, y_train, y_test = train_test_split(data.data, data.target, test_size=0.3, random_state=0)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    fun = value_and_grad(loss, argnums=0)  # (value, gradient): what jac=True expects
    theta0 = np.zeros(x_train.shape[1] + 1)
    result = minimize(fun, theta0, args=(x_train, y_train), jac=True, method="L-BFGS-B",
                      options={"maxiter": 50 if quick else 500})
    theta = result.x
    predicted = (x_test @ theta[:-1] + theta[-1]) > 0
    acc = float(np.mean(predicted == y_test))
    print(f"L-BFGS-B: {result.nit} iterations, {result.nfev} evaluations, loss {result.fun:.5f}, converged: {result.success}")
    if not quick:
        error = check_grad(lambda t: float(loss(Tensor(t), x_train, y_train).data),
                           lambda t: fun(t, x_train, y_train)[1], theta)
        print(f"gradient vs finite differences at the optimum: {error:.2e}")
        from sklearn.linear_model import LogisticRegression

        reference = LogisticRegression(C=1 / (L2 * len(x_train)), max_iter=5000).fit(x_train, y_train)
        gap = np.max(np.abs(reference.coef_[0] - theta[:-1]))
        print(f"largest difference from scikit-learn's coefficients: {gap:.2e}")
    print(f"result: test_accuracy={acc:.4f} loss={result.fun:.6f} iterations={result.nit}")
    return acc


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="at most 50 iterations, no reference checks")
    main(parser.parse_args().quick)
