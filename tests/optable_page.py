"""The generated page docs/op-table.md: every exported function, whether it is
differentiable, to which order the table checks it, its JVP kind and its conventions.

Built from the gradient table itself (``test_ops_table.ROWS`` and ``NON_DIFFERENTIABLE``),
the functions' docstrings and the conventions table of docs/ops.md, so it cannot drift:
``tests/test_op_table_page.py`` fails when the committed page differs. Regenerate with

    python tests/optable_page.py
"""

from __future__ import annotations

import importlib
import inspect
import pathlib
import re
import sys
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "op-table.md"


def _function(name: str) -> Any:
    module, _, attr = ("funcgrad.numpy." + name).rpartition(".")
    if name.startswith("nn."):
        module, attr = "funcgrad.nn", name[3:]
    elif name.startswith("scipy."):
        module, _, attr = ("funcgrad." + name).rpartition(".")
        try:
            return getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError:  # a method of a distribution object: scipy.stats.norm.logpdf
            owner, _, obj = module.rpartition(".")
            return getattr(getattr(importlib.import_module(owner), obj), attr)
    return getattr(importlib.import_module(module), attr)


def _jvp_kind(function: Any) -> str:
    match = re.search(r"JVP: ?(\w+)", inspect.getdoc(function) or "")
    return match.group(1) if match else "see docs/ops.md"


def _conventions() -> list[tuple[set[str], str]]:
    text = (ROOT / "docs" / "ops.md").read_text()
    section = text.split("## Conventions where a derivative is undefined", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            names = set(re.findall(r"`([\w.]+)`", cells[0]))
            rows.append((names, f"{cells[0]}: {cells[1]}"))
    return rows


def render() -> str:
    sys.path.insert(0, str(ROOT / "tests"))
    import test_ops_table as table

    orders: dict[str, int] = {}
    cases: dict[str, int] = {}
    for row in table.ROWS:
        orders[row.name] = max(orders.get(row.name, 0), row.order)
        cases[row.name] = cases.get(row.name, 0) + len(row.shapes) * len(row.kwargs)
    conventions = _conventions()
    lines = [
        "# Every function, and what is checked of it",
        "",
        "Generated from the gradient table (`tests/test_ops_table.py` and `tests/rows_*.py`) by",
        "`python tests/optable_page.py`; a test fails when this page is stale. *Order* is the",
        "highest derivative the table checks, in reverse and forward mode, float32 and float64,",
        "against float64 finite differences; every differentiable row is also checked under",
        "`jacobian`, `jacfwd` and `hessian`. *JVP*: `rule` (its own forward-mode rule),",
        "`composite` (written with other ops), `derived` (transposed from its VJP), `none`.",
        "",
        "| function | differentiable | order | cases | JVP | conventions |",
        "|---|---|---|---|---|---|",
    ]
    for name in sorted(table._exported()):
        function = _function(name)
        short = name.rsplit(".", 1)[-1]
        notes = "; ".join(text for names, text in conventions if name in names or short in names)
        if name in table.NON_DIFFERENTIABLE:
            lines.append(f"| `{name}` | no: {table.NON_DIFFERENTIABLE[name]} | - | - | none | {notes} |")
        else:
            lines.append(f"| `{name}` | yes | {orders.get(name, '-')} | {cases.get(name, 0)} | {_jvp_kind(function)} | {notes} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    PAGE.write_text(render())
    print(f"wrote {PAGE}")
