"""Read a file of scripted answers: JSON lines, or blocks separated by a line of `---`."""

from __future__ import annotations

import json
from pathlib import Path

SEPARATOR = "---"


class AnswersFileError(Exception):
    pass


def parse_answers(text: str, source: str = "<answers>") -> list[str]:
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(line.lstrip().startswith(("{", '"')) for line in lines):
        return _jsonl(text, source)
    blocks: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.strip() == SEPARATOR:
            blocks.append("\n".join(current).strip())
            current = []
        else:
            current.append(line)
    blocks.append("\n".join(current).strip())
    return [b for b in blocks if b]


def _jsonl(text: str, source: str) -> list[str]:
    answers: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AnswersFileError(f"{source}:{number}: not valid JSON ({exc.msg})") from None
        if isinstance(value, dict):
            value = value.get("answer")
        if not isinstance(value, str) or not value.strip():
            raise AnswersFileError(f'{source}:{number}: expected a string or {{"answer": "..."}}')
        answers.append(value)
    return answers


def read_answers(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersFileError(f"{path}: cannot read ({exc})") from None
    return parse_answers(text, str(path))
