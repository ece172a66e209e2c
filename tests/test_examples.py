"""Every script in examples/ runs as a user would run it (``python examples/NAME.py
--quick``) and prints the result it promises."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def need(module: str, reason: str) -> None:
    # CI installs the test extra, so there a missing package fails instead of skipping.
    if os.environ.get("CI"):
        __import__(module)
    else:
        pytest.importorskip(module, reason=reason)
EXAMPLES = ROOT / "examples"
SCRIPTS = ["tutorial", "mlp_digits", "logistic_scipy", "gaussian_process", "lennard_jones_newton", "tanh_taylor", "per_example_jit"]


def run(name: str, *flags: str, cwd: Path) -> dict[str, str]:
    for package in ("sklearn", "scipy", "matplotlib", "tqdm"):
        need(package, reason="the examples extra (in the test extra) has it")
    result = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), *flags], cwd=cwd,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    line = [line for line in result.stdout.splitlines() if line.startswith("result: ")][-1]
    return dict(re.findall(r"(\w+)=(\S+)", line))


def test_every_example_is_tested_and_linked_from_the_readme() -> None:
    assert sorted(path.stem for path in EXAMPLES.glob("*.py")) == sorted(SCRIPTS)
    readme = (ROOT / "README.md").read_text()
    for name in SCRIPTS:
        assert f"examples/{name}.py" in readme


def test_tutorial_reaches_the_mutable_versions_gradients(tmp_path: Path) -> None:
    result = run("tutorial", "--quick", cwd=tmp_path)
    assert result == {"a_grad": "9.0,16.0", "b_grad": "12.0,24.0", "second": "12.0"}


def test_mlp_on_digits_quick(tmp_path: Path) -> None:
    assert float(run("mlp_digits", "--quick", cwd=tmp_path)["test_accuracy"]) >= 0.85


def test_mlp_on_digits_full_reaches_095(tmp_path: Path) -> None:
    # Full mode takes a couple of seconds, so its promise is checked too.
    assert float(run("mlp_digits", cwd=tmp_path)["test_accuracy"]) >= 0.95


def test_logistic_regression_with_scipy(tmp_path: Path) -> None:
    result = run("logistic_scipy", "--quick", cwd=tmp_path)
    assert float(result["test_accuracy"]) >= 0.95 and float(result["loss"]) < 0.12


def test_lennard_jones_newton_finds_the_tetrahedron(tmp_path: Path) -> None:
    result = run("lennard_jones_newton", "--quick", cwd=tmp_path)
    assert result["atoms"] == "4"
    assert float(result["energy"]) == pytest.approx(-6.0, abs=1e-9)
    assert float(result["gradient_norm"]) < 1e-8


def test_tanh_taylor_coefficients_and_plot(tmp_path: Path) -> None:
    result = run("tanh_taylor", "--quick", "--out", str(tmp_path / "plot.png"), cwd=tmp_path)
    coefficients = [float(c) for c in result["coefficients"].split(",")]
    assert coefficients == pytest.approx([0, 1, 0, -1 / 3, 0, 2 / 15, 0, -17 / 315], abs=1e-12)
    assert (tmp_path / "plot.png").read_bytes()[:4] == b"\x89PNG"


def test_gaussian_process_fits_the_noise_and_predicts(tmp_path: Path) -> None:
    result = run("gaussian_process", "--quick", cwd=tmp_path)
    assert 0.1 < float(result["noise"]) < 0.3  # the data's noise is 0.2
    assert float(result["rmse"]) < 0.15


def test_per_example_gradients_match_a_loop_and_jit_matches_eager(tmp_path: Path) -> None:
    result = run("per_example_jit", "--quick", cwd=tmp_path)
    assert float(result["per_example_gap"]) < 1e-12
    assert float(result["loss_gap"]) < 1e-12  # the jitted loop's losses are the eager ones
    assert float(result["final_loss"]) < 1.2  # from log(10) = 2.30 at the start
