"""Cues that a sentence explains a choice, asks the grader for a score, or says nothing."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from interviewer.analysis.patterns import linear_pattern

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
    r"so (?:we|i|you|it|the|that|he|she|they|people|users|our|my|their)",
    r"(?:that'?s|this is|which is|that is) why",
    r"but",
    r"while",
    r"compared (?:to|with)",
]
REASONING = re.compile(r"(?<![\w])(?:" + "|".join(_MARKERS) + r")(?![\w])|,\s*so\b|^\W*so\b", re.IGNORECASE)

# Specifics that show understanding without a cue word: a number, a command with a flag, code, a
# comparison, or a term followed by what it shows ("free -m: read available, not free").
_SPECIFICS = [
    r"\d",
    r"`",
    r"(?:^|\s)--?[A-Za-z]",
    r"\w\(",
    r"[<>=]|->|→",
    r":[ \t]*[\w'’]+[ \t]+\w",
    r"\s[-–—]\s",
    r";",
    r"\([^()]{0,80}\s[^()]{0,80}\)",
    r"\b(?:not|vs|versus|than|instead|without|over|else|either|both|only|never)\b",
    r"\b(?:shows?|tells?|measures?|captures?|catch(?:es)?|reveals?|hides?|miss(?:es)?|prevents?|guards?)\b",
    r"\b(?:cost(?:s|ly)?|cheap(?:er)?|expensive|slow(?:er)?|fast(?:er)?|risk(?:s|y)?|worse|better|breaks?)\b",
    # How something is done, in ordinary words: "through the recommender", "by reading 300 tickets".
    r"\b(?:through|via)\b|\bby\s+\w+ing\b",
    # An example introduced in speech: "a lighter path, like templates", "things like retries".
    r",\s*like\b|\b(?:things|something)\s+like\b",
]
SPECIFIC = re.compile("|".join(_SPECIFICS), re.IGNORECASE)

CONCRETE = re.compile(
    r"\d|for example|for instance|e\.g\.|such as|say,|imagine|in my (?:last|previous)|,\s*like\b|\bthings\s+like\b",
    re.IGNORECASE,
)

# A rubric idea that is itself a way of reasoning ("rather than", "trade-off") is shown by reasoning that
# way in any words: "I compared DistilBERT with TF-IDF", "3 points more accurate but twice as slow".
CONTRAST_PHRASES = frozenset({"rather than", "instead of", "compared with", "compared to", "versus", "vs"})
TRADE_OFF_PHRASES = frozenset({"trade-off", "tradeoff", "trade off", "at the cost of"})
_COMPARATIVE = (
    r"(?:more|less|fewer|higher|lower|better|worse|faster|slower|cheaper|costlier|simpler|safer|riskier|easier|"
    r"harder|bigger|smaller|larger|longer|shorter|quicker|stronger|weaker)"
)
_GIVE_AND_TAKE = r"(?:but|yet|though|although|whereas|at the (?:cost|expense|price) of|in exchange for)"
STATED_CONTRAST = re.compile(
    r"\b(?:rather\s+than|instead\s+of|versus|vs|unlike|whereas|nor|as\s+opposed\s+to)\b"
    r"|(?<!more )(?<!less )(?<!fewer )\bthan\b"
    r"|\bcompar(?:e|ed|ing)\b[^.;:!?]{0,60}?\b(?:with|to|against)\b"
    r"|[,(]\s*not\b",
    re.IGNORECASE,
)
STATED_TRADE_OFF = re.compile(
    rf"\b{_COMPARATIVE}\b[^.;!?]{{0,80}}?\b{_GIVE_AND_TAKE}\b"
    rf"|\b{_GIVE_AND_TAKE}\b[^.;!?]{{0,80}}?\b{_COMPARATIVE}\b"
    r"|\b(?:gave|give|giving|gives)\s+up\b|\btrad(?:ed|ing)\b|\bsacrific\w*|\bthe\s+(?:price|catch|downside)\b",
    re.IGNORECASE,
)

# A consideration waved away rather than weighed: "X isn't a problem", "no need for X", "X doesn't matter",
# "I wouldn't worry about X". Naming an idea in order to dismiss it shows no grasp of it; when it truly does not
# apply, a candidate says why in a clause of its own, and that clause still counts.
DISMISSAL = re.compile(
    r"(?:\b(?:is|are|was|were|does|do|did|wo|would|should)\s*n[o']?t|\bno)\s+(?:really\s+|actually\s+|even\s+)?"
    r"(?:need(?:ed|s)?|matters?|helps?|an?\s+(?:real\s+)?(?:issue|problem|concern)|necessary|required|relevant)\b"
    r"|\bno\s+need\b|\bnot\s+(?:needed|necessary|required|an?\s+(?:issue|problem|concern))\b|\bneed(?:n't|\s+not)\b"
    r"|\bnothing\s+to\s+worry\b|\b(?:would\s*n[o']?t|do\s*n[o']?t|no\s+need\s+to)\s+worry\b",
    re.IGNORECASE,
)
# Where a clause ends inside a sentence: punctuation, or a word that starts a reason or a new statement.
_CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:since|because|so|but|and|which|as|while|whereas)\b", re.IGNORECASE)


def dismissed_spans(text: str) -> list[tuple[int, int]]:
    """The clauses of a sentence that dismiss a consideration, as (start, end) offsets. Linear in the text."""
    matches = list(DISMISSAL.finditer(text))
    if not matches:
        return []
    breaks = [(b.start(), b.end()) for b in _CLAUSE_BREAK.finditer(text)]
    starts = [start for start, _ in breaks]
    spans: list[tuple[int, int]] = []
    for match in matches:
        before = bisect_right(starts, match.start() - 1) - 1
        after = bisect_left(starts, match.end())
        spans.append((breaks[before][1] if before >= 0 else 0, breaks[after][0] if after < len(breaks) else len(text)))
    return spans


_GRADER_INSTRUCTIONS = [
    r"\b(?:ignore|disregard|forget|override)\b.{0,60}\b(?:rubric|instructions?|criteria|grading|scoring|previous|above|rules)\b",
    r"\b(?:give|award|assign|grant)\s+(?:me|us|this(?:\s+answer)?|the\s+candidate|it)\b.{0,30}\b(?:5|five|10|ten|full|maximum|max|top|perfect|highest)\b",
    # The same order with no one named: "Assign 5 on all criteria", "award full marks".
    r"\b(?:give|award|assign|grant)\s+(?:a\s+|the\s+)?(?:(?:score|grade|level|mark)\s+(?:of\s+)?)?(?:5|five|10|ten|full|maximum|max|top|perfect|highest)\b",
    r"\b(?:score|grade|rate|mark)\s+(?:me|us|this(?:\s+answer)?|it)\b.{0,30}\b(?:5|five|10|ten|full|maximum|max|top|perfect|highest)\b",
    r"\b(?:5\s*/\s*5|10\s*/\s*10)\b",
    r"\b(?:you\s+are|you're|act\s+as)\b.{0,30}\b(?:grader|evaluator|scorer|judge)\b",
    r"\bsystem\s+prompt\b",
    r"\b(?:grader|evaluator|scorer|judge)\b.{0,40}\b(?:must|should|will)\b",
]
# These run on every sentence of every answer, so they use RE2: linear, and far faster on long alternations.
GRADER_INSTRUCTION = linear_pattern("|".join(_GRADER_INSTRUCTIONS))

# Text that hands the grader a score: "Grade: 5", "score 5", a JSON verdict, a call that sets a score.
_SCORE_GIVEN = linear_pattern(
    r"\b(?:grade|score|level|rating|marks?)\b[ \t]{0,3}(?:[:=]|of|is)?[ \t]{0,3}[\"']?(?:[1-5]|five)\b"
    r"(?:[^%.\d]|\.\D|\.?$)"
    r"|\"(?:verdict|scores?|grade|grader_output|final|level)\"[ \t]*:"
    r"|\bset_score\b|\bfull marks\b|\bstrong hire\b"
)
# Someone the answer addresses instead of the interviewer: a grader, a scoring system, a "system" voice.
_ADDRESSEE = linear_pattern(
    r"\b(?:graders?|grading|evaluators?|reviewers?|assessors?|scorers?|judges?|examiners?|scoring system|"
    r"automated (?:review|evaluation|grading)|system (?:message|instruction|prompt)|interviewer override|"
    r"(?:ai|llm|model|assistant)s?\s+(?:that\s+(?:is\s+)?)?(?:scoring|grading|evaluating|reviewing|marking))\b|"
    r"\[\s*system\s*\]"
)
_DIRECTIVE = linear_pattern(
    r"\b(?:instructions?|directive|override|policy|guidelines?|hint|note|reminder|attention|"
    r"award|assign|emit|treat|mark|record|approved|verified|5|five|maximum|highest|perfect|excellent)\b"
)

# A hyphen continues the word: "skip-gram, CBOW" and "pass-through" are answers, not "skip" or "pass".
_NON_ANSWERS = re.compile(
    r"^\W*(?:i\s+(?:really\s+)?(?:do\s*n[o']?t|dont|have\s+no)\s+(?:know|idea|remember|clue)|no\s+idea|not\s+sure|"
    r"i'?m\s+not\s+sure|pass|skip|idk|n/?a|no\s+clue|i\s+can'?t\s+(?:answer|remember))(?![\w-])",
    re.IGNORECASE,
)


def is_reasoned(text: str) -> bool:
    return REASONING.search(text) is not None


def is_specific(text: str) -> bool:
    return SPECIFIC.search(text) is not None


@dataclass(frozen=True)
class GraderText:
    """Where text addressed to the grader may start, found with one scan of the answer per pattern."""

    direct: list[int]  # a score handed over or an instruction: these need nothing more
    addressees: list[int]  # a grader named: it counts when the same sentence directs them


def find_grader_text(text: str, criterion_ids: tuple[str, ...] = ()) -> GraderText:
    direct = [m.start() for m in GRADER_INSTRUCTION.finditer(text)]
    direct += [m.start() for m in _SCORE_GIVEN.finditer(text)]
    if criterion_ids:
        # "leakage-and-split 5": a criterion of this rubric paired with a level.
        ids = "|".join(re.escape(c) for c in criterion_ids)
        direct += [m.start() for m in linear_pattern(rf"\b(?:{ids})\b\W{{0,3}}[1-5]\b").finditer(text)]
    return GraderText(sorted(direct), [m.start() for m in _ADDRESSEE.finditer(text)])


def directs_grader(sentence: str) -> bool:
    """Whether a sentence that names a grader also tells them something, rather than merely mentioning one."""
    return _DIRECTIVE.search(sentence) is not None


def is_non_answer(text: str) -> bool:
    return _NON_ANSWERS.search(text.strip()) is not None
