"""Rubric regular expressions, compiled with RE2 so that matching candidate text takes linear time.

Python's `re` backtracks: a pattern such as `\\w+\\s*,` takes quadratic time on one long word, and an
answer is hostile input. RE2 never backtracks; it refuses the few constructs that would need it
(lookaround, backreferences), and content validation reports those as errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Protocol

import re2  # type: ignore[import-untyped]


class LinearPattern(Protocol):
    def search(self, text: str) -> LinearMatch | None: ...

    def finditer(self, text: str) -> Iterator[LinearMatch]: ...


class LinearMatch(Protocol):
    def span(self) -> tuple[int, int]: ...

    def start(self) -> int: ...

    def end(self) -> int: ...

    def group(self) -> str: ...


class PatternError(ValueError):
    """A pattern RE2 cannot run; the message says why."""


def _options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    return options


# A compiled program holds some 14 KB and grows a match cache as it is used, and the bank has some 1,600
# patterns: the ones in use stay, up to a bound that scoring the whole bank in turn does not cycle through.
_CACHED_PATTERNS = 2048


@lru_cache(maxsize=_CACHED_PATTERNS)
def linear_pattern(pattern: str) -> LinearPattern:
    """Case-insensitive, like the rubric's other signals."""
    return _compile(pattern)


def check_pattern(pattern: str) -> None:
    """Raise PatternError unless RE2 can run the pattern; the program is dropped, not kept."""
    _compile(pattern)


def _compile(pattern: str) -> LinearPattern:
    try:
        compiled: LinearPattern = re2.compile(pattern, _options())
    except re2.error as exc:
        detail = exc.args[0] if exc.args else "not supported"
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise PatternError(f"{detail} (patterns must run in linear time: no lookaround or backreferences)") from None
    return compiled
