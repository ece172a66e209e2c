"""The static contract: mypy --strict accepts funcgrad and typings/pass and typings/reveal
(whose assert_type lines pin inferred types), and rejects every line of typings/fail
(each carries the ``# type: ignore[code]`` it must trigger; with warn_unused_ignores,
a line that stops failing is itself an error)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api", reason="mypy is in the test extra")

ROOT = Path(__file__).resolve().parents[1]


def test_every_must_fail_line_says_which_error_it_must_raise() -> None:
    files = sorted((ROOT / "typings" / "fail").glob("*.py"))
    assert files, "typings/fail holds no files"
    for path in files:
        lines = [line for line in path.read_text().splitlines() if "# type: ignore" in line]
        assert lines, f"{path.name} has no must-fail line"
        for line in lines:
            assert re.search(r"# type: ignore\[[a-z-]+(, [a-z-]+)*\]", line), f"{path.name}: {line.strip()}"


def test_mypy_strict_accepts_the_package_and_the_typing_contract() -> None:
    for folder in ("pass", "fail", "reveal"):
        assert list((ROOT / "typings" / folder).glob("*.py")), f"typings/{folder} holds no files"
    stdout, stderr, status = mypy_api.run(
        ["--config-file", str(ROOT / "mypy.ini"), "--no-incremental", str(ROOT / "funcgrad"), str(ROOT / "typings")]
    )
    assert status == 0, stdout + stderr
    assert "Success" in stdout
