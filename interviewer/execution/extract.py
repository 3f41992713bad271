"""Find the code in one reply that may mix prose and code.

Replies are hostile input, so everything here runs in time linear in their length: each pattern is
anchored at a line start and cannot run past its line, and every search resumes where the last ended
(unclosed fences or pages of blank lines cost no more than ordinary text).
"""

from __future__ import annotations

import re

_FENCE_LINE = re.compile(r"^[ \t]*```([^\n]*)$", re.MULTILINE)
_LEADING_WORD = re.compile(r"[ \t]*([A-Za-z]+)")
_SQL_LINE = re.compile(
    r"^[ \t]*(?:with|select|insert|update|delete|drop|create|alter|attach|detach|pragma|replace|vacuum)\b",
    re.IGNORECASE | re.MULTILINE,
)
_PY_LINE = re.compile(r"^(?:def|class|import|from)\b", re.MULTILINE)
_PROSE_LINE = re.compile(r"^[A-Z][a-z]+\b", re.MULTILINE)
_PROSE_SENTENCE = re.compile(r"^[A-Z][a-z]+\b[^\n]*[.?!][ \t\r]*$", re.MULTILINE)


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(tag, body) of each ``` block; a fence left open runs to the end of the reply."""
    blocks: list[tuple[str, str]] = []
    opening: re.Match[str] | None = None
    for fence in _FENCE_LINE.finditer(text):
        rest = fence.group(1).strip()
        if opening is None:
            if len(rest) >= 3 and rest.endswith("```"):  # ```...``` on one line
                blocks.append(("", rest[:-3]))
                continue
            opening = fence
        else:
            word = _LEADING_WORD.match(opening.group(1))
            blocks.append((word.group(1).lower() if word else "", text[opening.end() + 1 : fence.start()]))
            opening = None
    if opening is not None:
        word = _LEADING_WORD.match(opening.group(1))
        blocks.append((word.group(1).lower() if word else "", text[opening.end() + 1 :]))
    return blocks


def _fenced(text: str, language: str) -> str | None:
    if "```" not in text:
        return None
    blocks = [(tag, body) for tag, body in _fenced_blocks(text) if body.strip()]
    if not blocks:
        return None
    aliases = {language, "py"} if language == "python" else {language}
    tagged = [body for tag, body in blocks if tag in aliases or tag == ""]
    # The last block is the latest revision when a reply holds several.
    return (tagged or [body for _, body in blocks])[-1].strip()


def _after_blank_line(text: str, line_start: int) -> bool:
    """Whether the line before the one starting at `line_start` is blank."""
    if line_start < 2:
        return False
    previous_start = text.rfind("\n", 0, line_start - 1) + 1
    return not text[previous_start : line_start - 1].strip()


def extract_sql(text: str) -> str | None:
    """The last complete statement in one reply, or None when it holds none."""
    fenced = _fenced(text, "sql")
    if fenced:
        return fenced
    last: str | None = None
    end = 0
    semicolon = -1  # the next ';' at or after the current statement, found again only once passed
    for start in _SQL_LINE.finditer(text):
        if start.start() < end:
            continue  # a SELECT inside a CTE or subquery of the statement already taken
        if semicolon < start.start() and semicolon != len(text):
            found = text.find(";", start.start())
            semicolon = found if found >= 0 else len(text)
        end = semicolon
        # Prose after a blank line is not part of the query.
        for prose in _PROSE_LINE.finditer(text, start.end(), end):
            if _after_blank_line(text, prose.start()):
                end = prose.start()
                break
        last = text[start.start() : end].strip() or last
        if end == semicolon:
            end += 1
    return last


def extract_python(text: str) -> str | None:
    """The code in one reply: a fenced block, or the lines from the first def/class/import on."""
    fenced = _fenced(text, "python")
    if fenced:
        return fenced
    start = _PY_LINE.search(text)
    if start is None:
        return None
    # An unindented sentence after the code ends it.
    first_line_end = text.find("\n", start.start())
    if first_line_end < 0:
        return text[start.start() :].strip() or None
    prose = _PROSE_SENTENCE.search(text, first_line_end + 1)
    end = prose.start() if prose else len(text)
    return text[start.start() : end].strip() or None


_INDENTED_LINE = re.compile(r"^(?: {4}|\t)[^\n]*\S[^\n]*$", re.MULTILINE)


def code_chars(text: str, language: str | None = None) -> int:
    """How much of a reply is code: fenced blocks, Markdown's indented blocks, and for a SQL or Python
    answer the unfenced statement or function found in it. Prose is what is left."""
    if "```" in text:
        return sum(len(body) for _, body in _fenced_blocks(text))
    indented = sum(len(line.group()) for line in _INDENTED_LINE.finditer(text))
    extract = {"sql": extract_sql, "python": extract_python}.get(language or "")
    found = extract(text) if extract is not None else None
    return max(indented, len(found) if found else 0)
