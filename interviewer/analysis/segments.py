"""Split an answer into sentences or code lines, keeping offsets so quotes stay verbatim."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

from interviewer.analysis.stems import Token, tokens

# Prose: sentence ends, blank lines and list bullets start a new segment, while a single line
# break inside a sentence is only wrapping. Code: every line is its own segment.
_PROSE_BREAK = re.compile(r"(?<=[.!?])\s+(?=\S)|\n\s*\n\s*|\n(?=\s*(?:[-*•]|\d+[.)])\s)")
_CODE_BREAK = re.compile(r"\n+")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'_-]*")
QUOTE_LIMIT = 220


@dataclass(frozen=True, eq=False)
class Segment:
    start: int
    end: int
    text: str

    @cached_property
    def words(self) -> int:
        return len(_WORD.findall(self.text))

    @cached_property
    def tokens(self) -> list[Token]:
        return tokens(self.text)


def split_segments(answer: str, code: bool = False) -> list[Segment]:
    segments: list[Segment] = []
    position = 0
    breaks = (_CODE_BREAK if code else _PROSE_BREAK).finditer(answer)
    for match in [*breaks, None]:
        end = match.start() if match else len(answer)
        _add(answer, position, end, segments)
        if match:
            position = match.end()
    return segments


def _add(answer: str, start: int, end: int, out: list[Segment]) -> None:
    chunk = answer[start:end]
    bullet = _BULLET.match(chunk)
    if bullet:
        start += bullet.end()
    while start < end and answer[start].isspace():
        start += 1
    while end > start and answer[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Segment(start, end, answer[start:end]))


def quote(answer: str, segment: Segment, focus: int | None = None) -> str:
    """A verbatim slice of the answer: the whole segment, or a window around `focus` if long."""
    if segment.end - segment.start <= QUOTE_LIMIT:
        return answer[segment.start : segment.end]
    centre = focus if focus is not None else segment.start
    start = max(segment.start, centre - QUOTE_LIMIT // 3)
    end = min(segment.end, start + QUOTE_LIMIT)
    # Widen to word boundaries so a quote never starts or ends mid-word.
    while start > segment.start and not answer[start - 1].isspace():
        start -= 1
    while end < segment.end and not answer[end].isspace():
        end += 1
    return answer[start:end].strip()


def _phrase_body(phrase: str) -> str:
    parts = [re.escape(p) for p in re.split(r"[\s-]+", phrase.strip().lower()) if p]
    return r"[\s-]+".join(parts)


@cache
def phrase_regex(phrase: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive; spaces and hyphens interchangeable; plural 's' allowed."""
    return re.compile(rf"(?<![\w]){_phrase_body(phrase)}(?:e?s)?(?![\w])", re.IGNORECASE)
