"""Find where an answer states a known wrong claim, and not where it warns against one.

A rubric's misconception patterns describe the claim as a candidate would assert it. The same words
also appear when an answer refutes the claim ("HyperLogLog is not exact", "a common mistake is to think
...", "people assume ..."), so a match counts only when neither the match nor the words just before it in
its clause hold a negation or a refutation that the pattern does not spell out itself, and the rest of its
sentence does not call it a myth or a mistake. A belief told in the past ("at first I thought ...") and a
claim led into as a past mistake ("we learned the hard way: ...") are recounted, not held. A claim that is
itself negative ("no need for a baseline") carries its negation in its pattern, and then only the words
before the match are checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from interviewer.analysis.patterns import linear_pattern

# How far back a refutation reaches: "it is a common mistake to think that <claim>" fits, a negation in an
# earlier clause of a long sentence does not.
REFUTATION_WINDOW_WORDS = 8
_REFUTED_BEFORE = linear_pattern(
    r"(?:\b(?:not|no|never|nor|neither|without|cannot|myths?|misconceptions?|mistakes?|mistaken|mistakenly|wrong|wrongly|"
    r"false|falsely|untrue|fallacy|pitfall|trap|avoid|beware|naive|naively|unlike|contrary|instead|rather|"
    r"whether|tempting|temptation|misread|misreads|misreading|misuse|misuses|confuse|confuses|confusing|"
    r"claims?|claimed|tempted)\b|n't\b|\b(?:i|we)\s+(?:\w+\s+)?(?:thought|assumed|believed|felt|figured|suspected)\b|"
    r"\b(?:some|many|most|other) (?:people|teams|engineers|candidates|folks)\b|"
    r"\b(?:people|some|many|others|folks|candidates|juniors|teams)\s+(?:\w+\s+)?"
    r"(?:think|thinks|say|says|assume|assumes|believe|believes|argue|argues|treat|treats|expect|expects)\b)"
)
# What follows the claim in its sentence can disown it: "..., which is a common misconception".
# A condition after it makes a rule correct: "averaging sessions equals averaging users only when each user has one".
# Naming the harm the claim does also disowns it.
_REFUTED_AFTER = linear_pattern(
    r"\b(?:myths?|misconceptions?|fallacy|fallacies|not true|untrue|(?:is|are|was|were) (?:just |simply )?"
    r"(?:wrong|false|incorrect|a mistake|mistaken)|mistakes?|anti-?patterns?|pitfalls?|bad (?:idea|practice)|"
    r"only (?:when|if|with|after|once)|unless)\b|"
    # ... or name the harm it does: "stopping as soon as it looks significant inflates false positives".
    r"\b(?:would|will|can|could|may|might)\s+(?:\w+\s+)?(?:confound|bias|inflate|overstate|understate|mislead|"
    r"leak|break|hide|mask|double-?count|undercount|mix|hurt|blow|multiply|fan)\w*|"
    r"\b(?:inflates|overstates|understates|misleads|double-?counts|undercounts|confounds|leaks|multiplies|fans out|"
    r"is impossible|is unrealistic|is too late)\b|"
    r"\b(?:is|are)\s+(?:not\s+(?:enough|sufficient)|misleading)\b|\b(?:isn't|aren't)\s+(?:enough|sufficient)\b|"
    r"\bis how you end up\b"
)
# A sentence that tells a past mistake as a story recounts the claim rather than making it: "I learned that
# the hard way: we scaled on the whole table and then split".
_RECOUNTED = linear_pattern(
    r"\b(?:the hard way|made the mistake|our mistake|my mistake|mistake we made|mistake i made|used to|at first|"
    r"initially|originally|back then)\b"
)
_NEGATION = linear_pattern(r"\b(?:not|no|never|nor|neither|without|cannot|nothing|none|nobody)\b|n't\b")
# A negation in a match is the pattern's own when the pattern spells that word out. A contraction may be
# written with a class, an escape or a dot for the apostrophe ("don['’]t", "don\x27t", "don.t"), and there must
# be one: "distinct" and "against" are not contractions.
_CONTRACTION_IN_SOURCE = re.compile(r"n\S{0,12}?(?:'|\u2019|\\x27|\\u2019)\S{0,8}?t\b|n\.\??t\b")
# What a pattern spells out, read as words: "\b" and "\w" go, and a run of "\s+" is a space, so a pattern
# written "other\s+teams" spells out the cue "other teams".
_SPACE_IN_SOURCE = re.compile(r"(?:\\s|\[ \])(?:[+*?]|\{\d*,?\d*\})?\??")
_ESCAPE = re.compile(r"\\[A-Za-z]")
_WORD = re.compile(r"\S+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# A negation governs its own clause: "No, I'd keep them, HyperLogLog is exact" still asserts the claim.
# "and" does not end a negation's reach: "don't peek and stop as soon as it is significant" refutes both.
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\s-\s|\b(?:but|so|because|although|though|while)\b", re.IGNORECASE)


def _window_before(sentence: str, start: int) -> str:
    before = sentence[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    return " ".join(_WORD.findall(clause)[-REFUTATION_WINDOW_WORDS:])


def _foreign_cue(pattern: str, matched: str) -> bool:
    """Whether the matched text holds a negation or a refutation its pattern did not ask for.

    A broad pattern ("HLL[^.]{0,60}exact") also spans "HLL is not exact" or "HLL rather than an exact count";
    a pattern that spells a negation out ("no need for") states a negative claim, and its negations are its own.
    """
    source = " ".join(_ESCAPE.sub(" ", _SPACE_IN_SOURCE.sub(" ", pattern)).lower().split())
    contraction_in_source = _CONTRACTION_IN_SOURCE.search(pattern.lower()) is not None
    for negation in _NEGATION.finditer(matched):
        word = negation.group().lower()
        own = contraction_in_source if word == "n't" else re.search(rf"\b{word}\b", source) is not None
        if not own:
            return True
    return any(
        cue.group().lower() not in source and not _NEGATION.search(cue.group())  # negations: decided above
        for cue in _REFUTED_BEFORE.finditer(matched)
    )


def plain_apostrophes(text: str) -> str:
    """Typographic apostrophes as plain ones, so "don’t" meets a pattern written with "don't". One character
    for one, so spans stay those of the text as written."""
    return text.translate(_APOSTROPHES)


def stated(patterns: Iterable[str], sentence: str) -> tuple[int, int] | None:
    """The span of the first match of any pattern that `sentence` asserts rather than refutes."""
    sentence = plain_apostrophes(sentence)
    for pattern in patterns:
        for match in linear_pattern(pattern).finditer(sentence):
            start, end = match.span()
            if _foreign_cue(pattern, sentence[start:end]):
                continue
            if _REFUTED_BEFORE.search(_window_before(sentence, start)) or _RECOUNTED.search(sentence[:start]):
                continue
            if _REFUTED_AFTER.search(sentence[end:]):
                continue
            return start, end
    return None
