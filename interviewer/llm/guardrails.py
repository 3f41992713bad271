"""Checks on a model's interviewer turn, done in code; a turn that fails is replaced offline."""

from __future__ import annotations

import re

from interviewer.plans import Plan

MAX_WORDS = 90  # beyond the scripted prompt, for question turns
_REVEALS = re.compile(
    r"\b[1-5]\s*(?:/|out of)\s*5\b|\brubric\b|\bcriteri(?:on|a)\b|\b(?:your|the)\s+score\b|\bscored\b|"
    r"\blevel\s+[1-5]\b|\bpoints?\s+for\b",
    re.IGNORECASE,
)
_SELF_ANSWER = re.compile(
    r"\b(?:the (?:right|correct|best) answer (?:is|would be)|a (?:good|strong) answer (?:is|would)|"
    r"you (?:should|could) say|the answer is|for example,? you (?:could|would) (?:say|answer))\b",
    re.IGNORECASE,
)
ASKS = ("question", "follow_up")


def check_reply(text: str, plan: Plan) -> str | None:
    """The first rule the reply breaks, or None when it is fine."""
    stripped = text.strip()
    if not stripped:
        return "empty reply"
    words = len(stripped.split())
    allowed = MAX_WORDS + (len((plan.prompt or "").split()) if plan.kind == "question" else 0)
    if words > allowed:
        return f"too long ({words} words, at most {allowed})"
    if _REVEALS.search(stripped):
        return "mentions scores or the rubric"
    if _SELF_ANSWER.search(stripped):
        return "answers its own question"
    questions = stripped.count("?")
    if plan.kind in ASKS:
        scripted = (plan.prompt or "").count("?") if plan.kind == "question" else 0
        if questions == 0:
            return "asks no question"
        if questions > max(1, scripted):
            return f"asks {questions} questions in one turn"
        tail = stripped[stripped.rfind("?") + 1 :].strip()
        if len(tail.split()) > 12:
            return "keeps talking after its question (answers it)"
    elif plan.kind == "wrap_up" and questions > 1:
        return "asks questions while closing"
    elif plan.kind in ("hint", "hint_refusal") and questions > 1:
        return f"asks {questions} questions in one turn"
    if plan.kind == "question" and plan.prompt and not _keeps_prompt(stripped, plan.prompt):
        return "drops the scripted question"
    return None


def _keeps_prompt(text: str, prompt: str) -> bool:
    """A rephrased scripted question must keep most of its content words."""
    content = {w for w in re.findall(r"[a-z0-9]{5,}", prompt.lower())}
    if not content:
        return True
    kept = {w for w in re.findall(r"[a-z0-9]{5,}", text.lower())} & content
    return len(kept) >= 0.5 * len(content)
