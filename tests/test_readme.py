"""Every Python code block in README.md runs, and prints what the README says it prints."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 4


def test_readme_blocks_run_in_order_and_print_what_they_show() -> None:
    namespace: dict[str, object] = {}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for number, block in enumerate(BLOCKS):
        if ">>>" in block:
            test = parser.get_doctest(block, namespace, f"README block {number}", str(README), 0)
            test.globs = namespace  # DocTest copies its globals; the README's blocks share them
            runner.run(test, clear_globs=False)
        else:
            exec(compile(block, f"README block {number}", "exec"), namespace)
    results = runner.summarize(verbose=False)
    if results.failed:
        pytest.fail(f"{results.failed} README example(s) printed something else (see output above)")
    assert results.attempted > 5


def test_demo_prints_the_tutorial_gradients() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "funcgrad"], capture_output=True, text=True, check=True)
    assert "backward(c)[a] = [3.]  backward(c)[b] = [2.]" in result.stdout
    assert "(array([3.]), array([2.]))" in result.stdout
    assert "(array([ 9., 16.]), array([12., 24.]))" in result.stdout
    assert "d2/dx2 x**3 at x = 2: [12.]" in result.stdout
