"""Every ``>>>`` example in the transform modules' docstrings and in docs/transforms.md runs
and prints what it says."""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from types import ModuleType

import pytest

import funcgrad._checkpoint
import funcgrad._custom
import funcgrad._custom_jvp
import funcgrad._derived
import funcgrad._implicit
import funcgrad._jacobians
import funcgrad._jit
import funcgrad._linearize
import funcgrad._transforms
import funcgrad._tree
import funcgrad._vmap
import funcgrad.tree

MODULES = [
    funcgrad._transforms,
    funcgrad._jacobians,
    funcgrad._jit,
    funcgrad._custom,
    funcgrad._vmap,
    funcgrad._tree,
    funcgrad.tree,
    funcgrad._linearize,
    funcgrad._custom_jvp,
    funcgrad._checkpoint,
    funcgrad._derived,
    funcgrad._implicit,
]
DOC = Path(__file__).resolve().parents[1] / "docs" / "transforms.md"


@pytest.mark.parametrize("module", MODULES, ids=[m.__name__ for m in MODULES])
def test_docstring_examples_run(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_every_public_transform_has_an_example() -> None:
    import funcgrad

    for name in ("grad", "value_and_grad", "vjp", "jvp", "jacobian", "jacfwd", "hessian", "hvp", "stop_gradient", "custom_vjp", "backward",
                 "elementwise_grad", "checkpoint", "linearize", "custom_jvp", "fixed_point",
                 "tensor_jacobian_product", "make_ggnvp", "jit"):
        assert ">>>" in (getattr(funcgrad, name).__doc__ or ""), name


def test_transforms_doc_examples_run() -> None:
    text = DOC.read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks
    # One doctest over all blocks: DocTest copies its globals, and later blocks use
    # earlier imports.
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "docs/transforms.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
