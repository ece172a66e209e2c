"""Gaussian-process regression with hyperparameters fitted by maximum likelihood.

    python examples/gaussian_process.py [--quick]

The negative log marginal likelihood of noisy observations ``y`` under a squared
exponential kernel is written with ``fnp.linalg.cholesky`` (a triangular factor of the
covariance) and ``slogdet``; ``value_and_grad`` gives SciPy's L-BFGS its gradient with
respect to the three log-hyperparameters (signal scale, length scale, noise). The fitted
model then predicts a held-out half of the data.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.optimize import minimize

import funcgrad.numpy as fnp
from funcgrad import Tensor, value_and_grad


def kernel(log_params: Tensor, a: np.ndarray, b: np.ndarray) -> Tensor:
    log_scale, log_length = log_params[0], log_params[1]
    sq = (a[:, None] - b[None, :]) ** 2
    return fnp.exp(2.0 * log_scale) * fnp.exp(-0.5 * sq / fnp.exp(2.0 * log_length))


def negative_log_likelihood(log_params: Tensor, x: np.ndarray, y: np.ndarray) -> Tensor:
    n = len(x)
    cov = kernel(log_params, x, x) + (fnp.exp(2.0 * log_params[2]) + 1e-8) * np.eye(n)
    factor = fnp.linalg.cholesky(cov)  # cov = L L^T
    alpha = fnp.linalg.solve(factor, y)  # L^-1 y, so y^T cov^-1 y = |alpha|^2
    _, logdet = fnp.linalg.slogdet(cov)
    return 0.5 * fnp.sum(alpha**2) + 0.5 * logdet + 0.5 * n * np.log(2 * np.pi)


def main(quick: bool = False) -> float:
    rng = np.random.default_rng(0)
    n = 60 if quick else 300
    x = np.sort(rng.uniform(-4.0, 4.0, 2 * n))
    truth = np.sin(1.3 * x) + 0.3 * x
    y = truth + 0.2 * rng.standard_normal(2 * n)
    train, test = slice(0, None, 2), slice(1, None, 2)
    fun = value_and_grad(negative_log_likelihood, argnums=0)
    result = minimize(fun, np.zeros(3), args=(x[train], y[train]), jac=True, method="L-BFGS-B")
    log_params = result.x
    scale, length, noise = np.exp(log_params)
    # The posterior mean at the held-out points: K(test, train) (K + noise^2 I)^-1 y.
    cov = kernel(Tensor(log_params), x[train], x[train]).data + (noise**2 + 1e-8) * np.eye(n)
    mean = kernel(Tensor(log_params), x[test], x[train]).data @ np.linalg.solve(cov, y[train])
    rmse = float(np.sqrt(np.mean((mean - truth[test]) ** 2)))
    print(f"L-BFGS-B: {result.nit} iterations, negative log likelihood {result.fun:.4f}")
    print(f"fitted: signal scale {scale:.3f}, length scale {length:.3f}, noise {noise:.3f} (true noise 0.2)")
    print(f"result: noise={noise:.4f} rmse={rmse:.4f} nll={result.fun:.4f}")
    return rmse


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 training points instead of 300")
    main(parser.parse_args().quick)
