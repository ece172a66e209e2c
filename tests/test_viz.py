"""funcgrad.viz: DOT text of a graph, and rendering it with Graphviz (SVG, PNG)."""

from __future__ import annotations

import doctest
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import funcgrad.numpy as fnp
import funcgrad.viz as viz
from funcgrad import Tensor, mul

ROOT = Path(__file__).resolve().parents[1]


def tutorial(a: Tensor, b: Tensor) -> Tensor:
    return mul(mul(a, b), b)


def needs_dot() -> None:
    # CI installs Graphviz (.ci/run), so there a missing dot is a failure, not a skip.
    if os.environ.get("CI"):
        import graphviz  # noqa: F401  (in the test extra)

        return
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (apt-get install graphviz)")
    pytest.importorskip("graphviz", reason="the graphviz package is in the viz extra")


def test_module_doctests_pass() -> None:
    result = doctest.testmod(viz)
    assert result.failed == 0 and result.attempted > 0


def test_one_dot_node_per_graph_node_with_op_shape_and_dtype() -> None:
    x = Tensor(np.ones((2, 3), np.float32))
    out = fnp.tanh(x).sum(axis=0)
    text = viz.to_dot(out)
    nodes = re.findall(r"^  (n\d+) \[label=\"([^\"]*)\"", text, flags=re.MULTILINE)
    assert [label.split("\\n")[0] for _, label in nodes] == ["leaf", "tanh", "sum"]
    assert all("float32" in label for _, label in nodes)
    assert "(2, 3) float32" in nodes[0][1] and "(3,) float32" in nodes[2][1]
    assert "axis=(0,)" in nodes[2][1]


def test_edges_are_labelled_in_argument_order_and_constants_drawn() -> None:
    a, b = Tensor(np.array([1.0])), Tensor(np.array([2.0]))
    text = viz.to_dot(fnp.subtract(b, a), names={a: "a", b: "b"})  # b is operand 0, a operand 1
    labels = {label.split(":")[0]: key for key, label in re.findall(r"^  (n\d+) \[label=\"([^\"]*)\"", text, flags=re.MULTILINE)}
    assert f'{labels["b"]} -> n2 [label="0"]' in text and f'{labels["a"]} -> n2 [label="1"]' in text
    assert text.count("shape=box") == 2
    assert 'label="2.0", shape=plaintext' in viz.to_dot(a * 2.0)


def test_a_deep_graph_gives_dot_text_without_recursion() -> None:
    x = Tensor(np.array(1.0))
    for _ in range(5000):
        x = x * 1.0
    assert viz.to_dot(x).count("multiply") == 5000


def test_transform_arguments_and_the_recorded_gradient_are_marked(tmp_path: Path) -> None:
    outputs, backward, names = viz._trace(tutorial, (np.array([2.0, 3.0]), np.array([3.0, 4.0])), gradient=True)
    text = viz.to_dot(outputs, backward=backward, names=names)
    assert "a: argument" in text and "b: argument" in text
    assert "d/da: multiply" in text and "d/db: add" in text and "output: multiply" in text
    assert text.count(viz._BACKWARD) == 5 and text.count(viz._FORWARD) == 2  # 2 forward ops, 5 backward


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<svg"), (".png", b"\x89PNG")])
def test_draw_renders_svg_and_png_with_graphviz(tmp_path: Path, suffix: str, magic: bytes) -> None:
    needs_dot()
    path = viz.draw(tutorial, np.array([2.0, 3.0]), np.array([3.0, 4.0]), path=tmp_path / f"g{suffix}", gradient=True)
    content = path.read_bytes()
    assert magic in content[:400]
    if suffix == ".svg":
        assert b"d/da: multiply" in content


def test_a_missing_dot_program_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("graphviz", reason="the graphviz package is in the viz extra")
    monkeypatch.setattr(viz.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        viz.draw(tutorial, np.ones(2), np.ones(2), path=tmp_path / "g.svg")


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match=r"\.svg, \.png"):
        viz.draw(tutorial, np.ones(2), np.ones(2), path="graph.gif")


def test_the_readme_picture_is_committed_and_small() -> None:
    picture = ROOT / "docs" / "tutorial-graph.svg"
    assert picture.stat().st_size < 30_000
    assert "docs/tutorial-graph.svg" in (ROOT / "README.md").read_text()
