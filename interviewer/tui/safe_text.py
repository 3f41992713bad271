"""Show text from models and candidates literally: no Rich markup, no terminal escape sequences."""

from __future__ import annotations

import re

from rich.text import Text

# C0 and C1 control characters other than newline and tab, including ESC (0x1b).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def neutralise(text: str) -> str:
    """Replace control characters with a visible escape, so they cannot drive the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def literal(text: str, style: str = "") -> Text:
    """A Text object never parses markup, so '[bold]' stays '[bold]'."""
    return Text(neutralise(text), style=style)


def markdown_source(text: str) -> str:
    """Model text for the Markdown widget: control characters neutralised, raw HTML not interpreted."""
    return neutralise(text).replace("<", "&lt;")
