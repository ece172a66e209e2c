"""docs/op-table.md is generated from the gradient table and must not be stale."""

from __future__ import annotations

from optable_page import PAGE, render


def test_the_generated_op_table_page_is_current() -> None:
    assert PAGE.read_text() == render(), "docs/op-table.md is stale: run `python tests/optable_page.py`"
