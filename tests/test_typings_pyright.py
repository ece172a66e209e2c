"""The typing contract under pyright as well as mypy: ``typings/pass`` and
``typings/reveal`` (whose ``assert_type`` lines pyright checks too) have no errors, and
every line of ``typings/fail`` that mypy must reject (the lines marked
``# type: ignore[code]``) is an error for pyright too, and no other line is."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pyright(tmp_path: Path, include: list[str], honour_ignores: bool) -> dict[str, object]:
    pytest.importorskip("pyright", reason="pyright is in the test extra")
    if shutil.which("node") is None and not os.environ.get("CI"):
        pytest.skip("pyright needs node on PATH (apt-get install nodejs)")
    config = {
        "include": [os.path.relpath(ROOT / path, tmp_path) for path in include],  # relative to the config
        "enableTypeIgnoreComments": honour_ignores,
        "pythonVersion": "3.11",
        "venvPath": str(Path(sys.prefix).parent),
        "venv": Path(sys.prefix).name,
    }
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config))
    result = subprocess.run([sys.executable, "-m", "pyright", "-p", str(tmp_path / "pyrightconfig.json"), "--outputjson"],
                            capture_output=True, text=True, timeout=300)
    report: dict[str, object] = json.loads(result.stdout)
    return report


def _errors(report: dict[str, object]) -> set[tuple[str, int]]:
    diagnostics = report["generalDiagnostics"]
    assert isinstance(diagnostics, list)
    return {(d["file"], d["range"]["start"]["line"] + 1) for d in diagnostics if d["severity"] == "error"}


def test_pass_and_reveal_have_no_pyright_errors(tmp_path: Path) -> None:
    report = _pyright(tmp_path, ["typings/pass", "typings/reveal"], honour_ignores=True)
    summary = report["summary"]
    assert isinstance(summary, dict) and summary["filesAnalyzed"] >= 10
    assert _errors(report) == set(), report["generalDiagnostics"]


def test_every_must_fail_line_fails_under_pyright_too(tmp_path: Path) -> None:
    report = _pyright(tmp_path, ["typings/fail"], honour_ignores=False)
    expected = {
        (str(path), number)
        for path in sorted((ROOT / "typings" / "fail").glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "# type: ignore" in line
    }
    assert len(expected) >= 30
    got = _errors(report)
    assert sorted(expected - got) == [], "lines mypy rejects and pyright accepts"
    assert sorted(got - expected) == [], "lines pyright rejects that are not marked as must-fail"
