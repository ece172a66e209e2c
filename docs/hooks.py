"""mkdocs hook: docstring examples (``>>>`` runs) render as Python console code, not as
nested Markdown block quotes. Registered first, so that mkdocstrings' own Markdown
instance, which copies the configured extensions, gets it too."""

from __future__ import annotations

import re
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from mkdocs.plugins import event_priority

_PROMPT = re.compile(r"^(\s*)>>> ")


class _DoctestFences(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        fenced = False
        in_fence = False
        indent = ""
        for line in lines:
            if line.lstrip().startswith("```"):
                in_fence = not in_fence
            prompt = None if in_fence or fenced else _PROMPT.match(line)
            if prompt is not None:
                indent = prompt.group(1)
                out.extend(["", f"{indent}```pycon"])
                fenced = True
            elif fenced and not line.strip():
                out.extend([f"{indent}```", ""])
                fenced = False
            out.append(line)
        if fenced:
            out.append(f"{indent}```")
        return out


class DoctestFences(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's name)
        md.preprocessors.register(_DoctestFences(md), "doctest_fences", 40)


@event_priority(100)
def on_config(config: Any) -> Any:
    config.markdown_extensions.append(DoctestFences())
    return config
