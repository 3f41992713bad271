"""Cues that a sentence explains a choice, asks the grader for a score, or says nothing."""

from __future__ import annotations

import re

_MARKERS = [
    r"because",
    r"since",
    r"so that",
    r"therefore",
    r"thus",
    r"hence",
    r"which means",
    r"that means",
    r"this means",
    r"means that",
    r"otherwise",
    r"trade[- ]?offs?",
    r"instead of",
    r"rather than",
    r"depends? on",
    r"it depends",
    r"in order to",
    r"to avoid",
    r"to prevent",
    r"the reason",
    r"that way",
    r"leads? to",
    r"as a result",
    r"at the cost of",
    r"whereas",
    r"unless",
    r"if\b.{3,80}?\b(?:then|would|will|we|i|you|it|the)\b",
    r"so (?:we|i|you|it|the|that)",
    r"but",
    r"while",
    r"compared (?:to|with)",
]
REASONING = re.compile(r"(?<![\w])(?:" + "|".join(_MARKERS) + r")(?![\w])|,\s*so\b", re.IGNORECASE)

CONCRETE = re.compile(
    r"\d|for example|for instance|e\.g\.|such as|say,|imagine|in my (?:last|previous)",
    re.IGNORECASE,
)

_GRADER_INSTRUCTIONS = [
    r"\b(?:ignore|disregard|forget|override)\b.{0,60}\b(?:rubric|instructions?|criteria|grading|scoring|previous|above|rules)\b",
    r"\b(?:give|award|assign|grant)\s+(?:me|us|this(?:\s+answer)?|the\s+candidate|it)\b.{0,30}\b(?:5|five|10|ten|full|maximum|max|top|perfect|highest)\b",
    r"\b(?:score|grade|rate|mark)\s+(?:me|us|this(?:\s+answer)?|it)\b.{0,30}\b(?:5|five|10|ten|full|maximum|max|top|perfect|highest)\b",
    r"\b(?:5\s*/\s*5|10\s*/\s*10)\b",
    r"\b(?:you\s+are|you're|act\s+as)\b.{0,30}\b(?:grader|evaluator|scorer|judge)\b",
    r"\bsystem\s+prompt\b",
    r"\b(?:grader|evaluator|scorer|judge)\b.{0,40}\b(?:must|should|will)\b",
]
GRADER_INSTRUCTION = re.compile("|".join(_GRADER_INSTRUCTIONS), re.IGNORECASE)

_NON_ANSWERS = re.compile(
    r"^\W*(?:i\s+(?:really\s+)?(?:do\s*n[o']?t|dont|have\s+no)\s+(?:know|idea|remember|clue)|no\s+idea|not\s+sure|"
    r"i'?m\s+not\s+sure|pass|skip|idk|n/?a|no\s+clue|i\s+can'?t\s+(?:answer|remember))\b",
    re.IGNORECASE,
)


def is_reasoned(text: str) -> bool:
    return REASONING.search(text) is not None


def is_grader_instruction(text: str) -> bool:
    return GRADER_INSTRUCTION.search(text) is not None


def is_non_answer(text: str) -> bool:
    return _NON_ANSWERS.search(text.strip()) is not None
