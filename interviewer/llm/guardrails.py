"""Checks on a model's interviewer turn, done in code; a turn that fails is replaced offline.

The rules aim at what a model gets wrong (revealing the rubric or a score, answering its own
question, stacking questions, rambling) without rejecting what good interviewers say: the
rubric's own probes and the scripted questions pass, and that is measured on a corpus in the
tests (under 2% rejected).
"""

from __future__ import annotations

import re

from interviewer.plans import Plan

MAX_WORDS = 90
MAX_LEAD_IN_WORDS = 40
MAX_QUESTIONS = 2  # "Would you add swap here? What's the downside?" is one line of inquiry; three is a list
MAX_WORDS_AFTER_QUESTION = 12
_REVEALS = re.compile(
    r"\b[1-5]\s*(?:/|out of)\s*5\b|\brubric\b|\byour\s+(?:score|grade|level)\b|\blevel\s+[1-5]\b|"
    r"\b(?:you|this answer|that answer)\s+(?:scored?|gets?|earned?)\s+(?:a\s+)?[1-5]\b|\bpoints?\s+for\b|"
    r"\bI(?:'d| would)\s+(?:score|grade|rate)\s+(?:you|this|that)\b|\b(?:grading|scoring)\s+(?:criteria|guide)\b",
    re.IGNORECASE,
)
_SELF_ANSWER = re.compile(
    r"\b(?:the\s+(?:right|correct|best|expected)\s+answer\s+(?:is|would\s+be)|a\s+(?:good|strong)\s+answer\s+"
    r"(?:is|would)|you\s+(?:should|could)\s+say|here(?:'s|\s+is)\s+the\s+answer|"
    r"for\s+example,?\s+you\s+(?:could|would)\s+(?:say|answer))\b",
    re.IGNORECASE,
)
# A request is a question too: "Walk me through the merge.", "Give me an example."
_REQUEST = re.compile(
    r"\b(?:walk|talk|take)\s+me\s+through\b|\b(?:give|tell|show)\s+me\b|^(?:now\s+)?(?:explain|describe|write|"
    r"implement|design|pick|sketch|estimate|derive|compute|name|list)\b|\b(?:please|now)\s+(?:explain|describe|"
    r"write|implement|design|pick|sketch)\b",
    re.IGNORECASE | re.MULTILINE,
)
# Praise or thanks, at the start of the turn or in a set phrase; "good" inside a question is content.
_PRAISE = re.compile(
    r"^\W*(?:great|excellent|good|nice|perfect|brilliant|fantastic|impressive|thanks|thank you|well done)\b|"
    r"\b(?:good|great|excellent|nice|strong)\s+(?:answer|point|job|work|thinking|start|explanation)\b|"
    r"\bwell done\b|\bthanks? (?:you )?for\b|\bi like (?:that|how|your)\b",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"(?:^|[.!]\s+)(\w[^.!?]*)", re.MULTILINE)
ASKS = ("question", "follow_up")


def word_limit(*, lead_in: bool) -> int:
    return MAX_LEAD_IN_WORDS if lead_in else MAX_WORDS


class WordCounter:
    """Counts the words of a reply as it streams in, as `str.split` would count the whole text,
    so a reply can be dropped as soon as it is too long instead of once it has all arrived."""

    def __init__(self) -> None:
        self.words = 0
        self._inside_word = False

    def feed(self, piece: str) -> int:
        if piece:
            self.words += len(piece.split())
            if self._inside_word and not piece[0].isspace():
                self.words -= 1  # the piece carries on the word the last one ended in
            self._inside_word = not piece[-1].isspace()
        return self.words


def check_reply(text: str, plan: Plan, *, lead_in: bool = False, praise: bool = True) -> str | None:
    """The first rule the reply breaks, or None when it is fine.

    With `lead_in`, the text is only the words before a scripted question that is shown verbatim after it.
    With `praise` False (the persona never praises), words of praise or thanks break a rule too.
    """
    stripped = text.strip()
    if not stripped:
        return "empty reply"
    words = len(stripped.split())
    allowed = word_limit(lead_in=lead_in)
    if words > allowed:
        return f"too long ({words} words, at most {allowed})"
    if _REVEALS.search(stripped):
        return "mentions scores or the rubric"
    if _SELF_ANSWER.search(stripped):
        return "answers its own question"
    if not praise and plan.kind != "wrap_up" and (found := _PRAISE.search(stripped)):
        return f'praises the candidate ("{found.group(0)}"), which this persona never does'
    questions = stripped.count("?")
    if lead_in:
        return "asks a question before the scripted one" if questions else None
    if plan.kind in ASKS:
        if questions == 0 and not _is_request(stripped):
            return "asks no question"
        if questions > MAX_QUESTIONS:
            return f"asks {questions} questions in one turn"
        tail = stripped[stripped.rfind("?") + 1 :].strip() if questions else ""
        if len(tail.split()) > MAX_WORDS_AFTER_QUESTION:
            return "keeps talking after its question (answers it)"
    elif plan.kind == "wrap_up" and questions > 1:
        return "asks questions while closing"
    elif plan.kind in ("hint", "hint_refusal") and questions > MAX_QUESTIONS:
        return f"asks {questions} questions in one turn"
    return None


def _is_request(text: str) -> bool:
    return any(_REQUEST.search(sentence) for sentence in _SENTENCE_START.findall(text))
