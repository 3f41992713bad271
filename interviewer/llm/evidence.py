"""Check a model's evidence quotes against the answer and return them as they appear there."""

from __future__ import annotations

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def _normalise(text: str) -> tuple[str, list[int]]:
    """Case-folded, whitespace-collapsed text, with each character's index in the original."""
    out: list[str] = []
    index: list[int] = []
    previous_space = True
    for i, char in enumerate(text.translate(_QUOTES)):
        if char.isspace():
            if previous_space:
                continue
            out.append(" ")
            index.append(i)
            previous_space = True
        else:
            folded = char.casefold()
            out.extend(folded)
            index.extend([i] * len(folded))
            previous_space = False
    return "".join(out), index


def locate(answer: str, quote: str) -> str | None:
    """The verbatim slice of `answer` that `quote` matches, ignoring case and spacing; else None."""
    needle, _ = _normalise(quote)
    needle = needle.strip()
    if len(needle) >= 2 and needle[0] == needle[-1] and needle[0] in "\"'":
        needle = needle[1:-1].strip()  # a quote the model wrapped in quotation marks
    if len(needle) < 3:
        return None
    haystack, index = _normalise(answer)
    at = haystack.find(needle)
    if at < 0:
        return None
    start = index[at]
    end = index[at + len(needle) - 1] + 1
    return answer[start:end]
