"""Find the code in an answer that may mix prose and code."""

from __future__ import annotations

import re

_FENCE = re.compile(r"```[ \t]*(\w+)?[^\n]*\n(.*?)```", re.DOTALL)
_SQL_START = re.compile(
    r"^\s*(?:with|select|insert|update|delete|drop|create|alter|attach|detach|pragma|replace|vacuum)\b",
    re.IGNORECASE | re.MULTILINE,
)
_PY_START = re.compile(r"^(?:def|class|import|from)\b", re.MULTILINE)


def _fenced(answer: str, language: str) -> str | None:
    found = [(m.group(1) or "").lower() for m in _FENCE.finditer(answer)]
    bodies = [m.group(2) for m in _FENCE.finditer(answer)]
    if not bodies:
        return None
    tagged = [
        b for tag, b in zip(found, bodies, strict=True) if tag in (language, "py" if language == "python" else "")
    ]
    # The last block is the latest revision when an answer and its follow-ups are combined.
    return (tagged or bodies)[-1].strip()


def extract_sql(answer: str) -> str | None:
    """The last complete statement: an answer and its follow-ups may hold several revisions."""
    fenced = _fenced(answer, "sql")
    if fenced:
        return fenced
    statements: list[tuple[int, int, str]] = []
    for match in _SQL_START.finditer(answer):
        if statements and match.start() < statements[-1][1]:
            continue  # a SELECT inside a CTE or subquery of the statement already found
        text = answer[match.start() :]
        end = text.find(";")
        statement = text[: end + 1] if end >= 0 else text
        # Prose after the query (a blank line and then sentences) is not part of it.
        statement = re.split(r"\n\s*\n(?=[A-Z][a-z])", statement)[0]
        statements.append((match.start(), match.start() + len(statement), statement))
    if not statements:
        return None
    return statements[-1][2].strip().rstrip(";").strip() or None


def extract_python(answer: str) -> str | None:
    fenced = _fenced(answer, "python")
    if fenced:
        return fenced
    starts = list(_PY_START.finditer(answer))
    if not starts:
        return None
    lines = answer[starts[0].start() :].splitlines()
    code: list[str] = []
    for line in lines:
        # Stop at prose: an unindented line that is not code-like ends the code.
        unindented = bool(line) and not line[0].isspace() and not line.startswith(("@", "#"))
        if code and unindented and not _PY_START.match(line) and re.match(r"^[A-Z][a-z]+\b.*[.?!]$", line):
            break
        code.append(line)
    return "\n".join(code).strip() or None
