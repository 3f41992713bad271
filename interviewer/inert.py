"""Make text from candidates, models and files harmless to print or to export as Markdown.

A terminal obeys escape sequences (a clipboard write, a new window title, a cleared screen), and a
Markdown renderer turns text into HTML, links and headings. Text we did not write is shown as it is:
control characters as visible escapes, Markdown fenced or escaped so it renders literally.
"""

from __future__ import annotations

import re

# C0 and C1 control characters other than newline and tab. ESC (0x1b) starts every CSI and OSC
# sequence, and 0x9b / 0x9d are their one-byte C1 forms, so none of them reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BACKTICK_RUN = re.compile(r"`+")
# Inline text always follows a prefix on its line, so only inline markup can start in it: HTML and
# autolinks (`<`), entities (`&`), links (`[`), emphasis, code, strikethrough, table cells, and the
# bare-URL and e-mail autolinks (`http://`, `www.`, `@`). A backslash escape makes each one literal.
_MARKDOWN_INLINE = re.compile(r"[\\`*_\[\]<>&~|@]|:(?=//)|(?<=[wW]{3})\.")
_JSON_UNESCAPED_CONTROL = re.compile(r"[\x7f-\x9f]")
MIN_FENCE = 3


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group(0)):02x}"


def visible(text: str) -> str:
    """Control characters (except newline and tab) replaced by a visible `\\xNN`."""
    return _CONTROL.sub(_escape, text)


def one_line(text: str) -> str:
    """Like `visible`, but newlines too, for text that must stay on one line (a list row, an error)."""
    return _CONTROL_OR_NEWLINE.sub(_escape, text)


def markdown_inline(text: str) -> str:
    """Text that renders literally inside a Markdown line."""
    return _MARKDOWN_INLINE.sub(lambda m: "\\" + m.group(0), one_line(text))


def markdown_block(text: str, info: str = "text") -> list[str]:
    """Lines of a fenced code block holding `text` literally.

    The fence is longer than any run of backticks in the text, so nothing inside can close it.
    """
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    fence = "`" * max(MIN_FENCE, longest + 1)
    return [f"{fence}{info}", *visible(text).split("\n"), fence]


def json_inert(text: str) -> str:
    """JSON with DEL and the C1 controls written as `\\u00NN` escapes, which JSON encoders leave raw.

    They can only occur inside strings, so the decoded text is exactly the same.
    """
    return _JSON_UNESCAPED_CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
