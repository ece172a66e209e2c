"""The overload tables of grad and value_and_grad are generated (tools/gen_overloads.py):
the committed ones must be what the generator writes, so nobody edits them by hand."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_generated_overloads_are_up_to_date() -> None:
    generator = runpy.run_path(str(ROOT / "tools" / "gen_overloads.py"))
    text = (ROOT / "funcgrad" / "_transforms.py").read_text()
    for name, wrap in (("grad", "{g}"), ("value_and_grad", "tuple[Array, {g}]")):
        rows = "\n".join(generator["table"](name, wrap))
        assert rows in text, f"{name}'s overloads differ from tools/gen_overloads.py: run it"
