"""The documentation site (mkdocs-material + mkdocstrings) builds in strict mode, offline:
every guide page, the "coming from" page and the API reference from the docstrings."""

from __future__ import annotations

import os
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


def test_the_site_builds_strict_with_every_page(tmp_path: Path) -> None:
    need("mkdocs", reason="the docs extra (in the test extra) has it")
    need("mkdocstrings", reason="the docs extra (in the test extra) has it")
    site = tmp_path / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("index.html", "transforms/index.html", "ops/index.html", "design/index.html",
                 "coming-from/index.html", "api/index.html"):
        assert (site / page).exists(), page
    api = (site / "api" / "index.html").read_text()
    for name in ("value_and_grad", "funcgrad.optim", "explain_nonfinite", "to_dot", "logsumexp", "check_grads"):
        assert name in api, name
    assert "<blockquote>" not in api  # docstring examples render as code, not block quotes
    coming = (site / "coming-from" / "index.html").read_text()
    assert "argnums=None" in coming and "seeded with ones" in coming and "NumPy boundary" in coming
