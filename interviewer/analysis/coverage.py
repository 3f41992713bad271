"""Whether a follow-up would ask for something the candidate has already said.

A probe asks for the rubric ideas its own words name ("Why these metrics *instead of* others?" asks
for a comparison). When every one of those ideas already appears in a sentence of the thread that
says something about it, the probe would make the candidate repeat themselves.
"""

from __future__ import annotations

import re

from interviewer.analysis.metrics import is_contrasted
from interviewer.analysis.segments import Segment, split_segments
from interviewer.analysis.stems import stem
from interviewer.models import Question

Idea = tuple[tuple[str, ...], ...]  # the stemmed phrases of one rubric idea
_WORD = re.compile(r"[A-Za-z0-9_]+")
_COMPARISON = re.compile(
    r"rather than|instead of|compared (?:to|with)|versus|vs\.?|over|alternatives?|in contrast", re.IGNORECASE
)

# A sentence this short, or one that is mostly commas, names an idea without saying anything about it.
MIN_STATEMENT_WORDS = 4
MAX_COMMA_SHARE = 1 / 3


def _stems(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text)]


def _has_phrase(stems: list[str], phrase: tuple[str, ...]) -> bool:
    width = len(phrase)
    return width > 0 and any(tuple(stems[i : i + width]) == phrase for i in range(len(stems) - width + 1))


def _names(segments: list[Segment], idea: Idea) -> bool:
    """Whether a segment names the idea, matched on stems as the scorer does ("compared" is "comparing")."""
    for segment in segments:
        stems = _stems(segment.text)
        if any(_has_phrase(stems, phrase) for phrase in idea):
            return True
    return False


def probe_ideas(question: Question, probe_text: str) -> list[tuple[Idea, bool]]:
    """The rubric ideas, from any criterion of the question, that the probe's words name.

    Each comes with whether it is the idea of a comparison ("rather than", "instead of"): a candidate
    can make a comparison in many more ways than a rubric lists.
    """
    probe = split_segments(probe_text)
    ideas: list[tuple[Idea, bool]] = []
    for criterion in question.criteria:
        for concept in criterion.signals.concepts:
            idea = tuple(tuple(_stems(phrase)) for phrase in concept)
            if all(idea != known for known, _ in ideas) and _names(probe, idea):
                ideas.append((idea, any(_COMPARISON.fullmatch(phrase.strip()) for phrase in concept)))
    return ideas


def _is_statement(segment: Segment) -> bool:
    return segment.words >= MIN_STATEMENT_WORDS and segment.text.count(",") < segment.words * MAX_COMMA_SHARE


def already_covered(question: Question, probe_text: str, thread_text: str) -> bool:
    """True when the probe names rubric ideas and the thread already makes a statement about each one."""
    ideas = probe_ideas(question, probe_text)
    if not ideas:
        return False
    statements = [s for s in split_segments(thread_text) if _is_statement(s)]
    compared = any(is_contrasted(s.text) for s in statements)
    return all((comparison and compared) or _names(statements, idea) for idea, comparison in ideas)


# Words too common to say what an answer is about.
_COMMON = frozenset(
    _WORD.findall(
        "that this with have what which would could should there their they them then than when where about "
        "into from were been being will your just some more most also very like make does doing know think"
    )
)
MIN_TOPIC_WORD = 4  # shorter words ("the", "and") say nothing about the topic


def topic_words(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower()) if len(w) >= MIN_TOPIC_WORD and w not in _COMMON}


def shared_topic_words(question: Question, answer: str) -> int:
    """How many distinct content words the answer shares with the question's prompt and reference answer."""
    own = topic_words(f"{question.topic}\n{question.prompt}\n{question.reference_answer}")
    return len(own & topic_words(answer))


# The generic probes ask for these; an answer that already talks about them has said it.
_SCALE_SAID = re.compile(
    r"\b(?:10|ten|100|a hundred)\s*(?:x|times)\b|\bat scale\b|\bscal(?:e|es|ing)\s+(?:out|up|horizontally)\b|"
    r"\bshard(?:s|ed|ing)?\b|\bpartition(?:s|ed|ing)?\b|\bdistributed\b",
    re.IGNORECASE,
)
_COMPLEXITY_SAID = re.compile(
    r"\bO\(\s*[^()\n]{1,20}\)|\b(?:time|space)\s+complexity\b|\b(?:linear|quadratic|logarithmic|constant)\s+"
    r"(?:time|space|memory)\b",
    re.IGNORECASE,
)


def scale_said(thread_text: str) -> bool:
    return _SCALE_SAID.search(thread_text) is not None


def complexity_said(thread_text: str) -> bool:
    return _COMPLEXITY_SAID.search(thread_text) is not None
