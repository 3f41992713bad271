"""Show text from models and candidates literally: no Rich markup, no terminal escape sequences."""

from __future__ import annotations

from rich.text import Text

from interviewer.inert import visible as neutralise  # one rule for the terminal, the CLI and exports

__all__ = ["literal", "markdown_source", "neutralise"]


def literal(text: str, style: str = "") -> Text:
    """A Text object never parses markup, so '[bold]' stays '[bold]'."""
    return Text(neutralise(text), style=style)


def markdown_source(text: str) -> str:
    """Model text for the Markdown widget: control characters neutralised, raw HTML not interpreted."""
    return neutralise(text).replace("<", "&lt;")
