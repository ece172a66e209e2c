"""Every public op documents its derivative with a runnable example, and the examples
(and those in docs/ops.md) run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pathlib
import re
from typing import Any

import pytest

import funcgrad.nn as nn
import funcgrad.numpy as fnp

def _modules() -> list[str]:
    """Every module of ``funcgrad.numpy`` (and scipy's faces, when present), nn and testing."""
    root = pathlib.Path(fnp.__file__).resolve().parent
    names = ["funcgrad.numpy"] + sorted(f"funcgrad.numpy.{p.stem}" for p in root.glob("*.py") if p.stem != "__init__")
    return names + ["funcgrad.nn", "funcgrad.testing"] + _scipy_modules()


def _scipy_modules() -> list[str]:
    """Every module under ``funcgrad/scipy`` (none without SciPy)."""
    try:
        import funcgrad.scipy
    except ImportError:
        return []
    root = pathlib.Path(funcgrad.scipy.__file__).resolve().parent
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = ("funcgrad", "scipy") + path.relative_to(root).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _modules()
OPS_MD = pathlib.Path(__file__).resolve().parent.parent / "docs" / "ops.md"
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _public_ops() -> list[tuple[str, Any]]:
    ops = [(name, getattr(fnp, name)) for name in fnp.__all__ if callable(getattr(fnp, name))]  # not pi, newaxis
    ops += [(f"linalg.{name}", getattr(fnp.linalg, name)) for name in fnp.linalg.__all__]
    ops += [(f"nn.{name}", getattr(nn, name)) for name in nn.__all__]
    return ops


def _scipy_ops() -> list[tuple[str, Any]]:
    """``("scipy.stats.norm.logpdf", fn)``, ...: every public scipy function (none without SciPy)."""
    try:
        from funcgrad.scipy import integrate, linalg, signal, special, stats
    except ImportError:
        return []
    ops = [(f"{m.__name__.removeprefix('funcgrad.')}.{n}", getattr(m, n)) for m in (special, linalg, signal, integrate) for n in m.__all__]
    for dist in stats.__all__:
        module = getattr(stats, dist)
        ops += [(f"scipy.stats.{dist}.{n}", getattr(module, n)) for n in module.__all__]
    return ops


SCIPY_MD = pathlib.Path(__file__).resolve().parent.parent / "docs" / "scipy.md"


@pytest.mark.parametrize(("name", "op"), _scipy_ops())
def test_every_scipy_function_documents_its_derivative_jvp_kind_and_an_example(name: str, op: Any) -> None:
    doc = inspect.getdoc(op) or ""
    assert ">>>" in doc, f"{name}: no runnable example"
    assert any(word in doc for word in ("d/d", "d(", "VJP", "derivative")), f"{name}: the derivative is not stated"
    assert "JVP:" in doc, f"{name}: does not say whether its JVP is a rule or derived"


@pytest.mark.parametrize(("name", "op"), _scipy_ops())
def test_every_scipy_function_is_listed_in_scipy_md(name: str, op: Any) -> None:
    """``special.erf(z)`` in backticks, or a row of ``stats.norm`` that lists `` `pdf` ``."""
    text = SCIPY_MD.read_text()
    parts = name.split(".")
    if parts[1] == "stats":
        rows = [line for line in text.splitlines() if line.startswith(f"| `stats.{parts[2]}` |")]
        assert any(f"`{parts[3]}`" in row for row in rows), f"{name} is missing from docs/scipy.md"
    else:
        assert re.search(rf"`{re.escape('.'.join(parts[1:]))}[`(]", text), f"{name} is missing from docs/scipy.md"


def test_scipy_md_examples_run() -> None:
    pytest.importorskip("scipy")
    result = doctest.testfile(str(SCIPY_MD), module_relative=False, optionflags=FLAGS)
    assert result.attempted >= 5 and result.failed == 0


@pytest.mark.parametrize("module", MODULES)
def test_module_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=FLAGS)
    assert result.failed == 0


def test_ops_md_examples_run() -> None:
    result = doctest.testfile(str(OPS_MD), module_relative=False, optionflags=FLAGS)
    assert result.attempted >= 5 and result.failed == 0


@pytest.mark.parametrize(("name", "op"), _public_ops())
def test_every_op_documents_its_derivative_jvp_kind_and_an_example(name: str, op: Any) -> None:
    doc = inspect.getdoc(op) or ""
    assert ">>>" in doc, f"{name}: no runnable example"
    assert any(word in doc for word in ("d/d", "d(", "VJP", "derivative")), f"{name}: the derivative is not stated"
    if op.__module__ == "funcgrad._arith":
        # The arithmetic is funcgrad's own (funcgrad/_arith.py); its JVP kind is in docs/ops.md.
        assert f"`{name}`" in OPS_MD.read_text()
    else:
        assert "JVP:" in doc, f"{name}: does not say whether its JVP is a rule or derived"


@pytest.mark.parametrize(("name", "op"), _public_ops())
def test_every_op_is_listed_in_ops_md(name: str, op: Any) -> None:
    assert f"`{name.split('.')[-1]}`" in OPS_MD.read_text(), f"{name} is missing from docs/ops.md"
