"""Score an answer against a rubric from the ideas it shows and whether it reasons about them.

Levels follow one rule for every criterion, so scores are predictable and explainable:
1 no idea of the criterion appears; 2 ideas are named but not reasoned about (or too few);
3 at least half the expected ideas and one reasoned sentence; 4 two thirds and two reasoned
sentences; 5 every expected idea, two reasoned sentences and a concrete detail.
A list of the right terms therefore never scores above 2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interviewer.analysis.reasoning import CONCRETE, is_grader_instruction, is_non_answer, is_reasoned
from interviewer.analysis.segments import (
    Segment,
    idea_regex,
    pattern_regex,
    quote,
    split_segments,
)
from interviewer.models import AnswerKind, AnswerScore, Criterion, CriterionScore, Question

MAX_EVIDENCE = 3
MIN_REASONED_WORDS = 6
# Words beyond the matched terms that a sentence needs before it counts as explaining something.
MIN_OTHER_WORDS = 4
NON_ANSWER_MAX_WORDS = 15

_CODE_SHAPE: dict[AnswerKind, re.Pattern[str]] = {
    "sql": re.compile(r"\bselect\b[\s\S]*\bfrom\b", re.IGNORECASE),
    "python": re.compile(r"^\s*(?:def|class|for|while|return|import)\b|=", re.IGNORECASE | re.MULTILINE),
}


@dataclass
class IdeaHit:
    label: str
    segment: Segment
    position: int
    length: int


@dataclass
class CriterionFindings:
    hits: dict[str, IdeaHit] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    reasoned: list[Segment] = field(default_factory=list)
    concrete: bool = False


def _idea_labels(criterion: Criterion) -> list[tuple[str, list[re.Pattern[str]]]]:
    ideas = [(idea[0], [idea_regex(tuple(idea))]) for idea in criterion.signals.concepts]
    ideas += [(f"/{p}/", [pattern_regex(p)]) for p in criterion.signals.patterns]
    return ideas


def _is_term_list(text: str) -> bool:
    """Comma- or slash-separated short items: a list of terms, however it is punctuated."""
    items = [item.strip() for item in re.split(r"[,;/|]", text) if item.strip()]
    return len(items) >= 4 and sum(1 for item in items if len(item.split()) <= 3) >= 0.75 * len(items)


Hits = dict[tuple[str, int], list[re.Match[str]]]  # (criterion id, segment start) -> matches


def _rubric_term_words(question: Question, segment: Segment, hits: Hits) -> int:
    """Words of the segment taken up by any rubric term, across all criteria."""
    spans = sorted({m.span() for c in question.criteria for m in hits[(c.id, segment.start)]})
    words = 0
    last_end = -1
    for start, end in spans:
        if start >= last_end:
            words += len(segment.text[start:end].split())
            last_end = end
    return words


def _find(
    criterion: Criterion, segments: list[Segment], code: bool, term_words: dict[int, int], hits: Hits
) -> CriterionFindings:
    findings = CriterionFindings()
    for label, regexes in _idea_labels(criterion):
        hit = _first_hit(regexes, segments)
        if hit is None:
            findings.missing.append(label)
            continue
        segment, match = hit
        findings.hits[label] = IdeaHit(label, segment, match.start(), match.end() - match.start())
    for segment in segments:
        if not hits[(criterion.id, segment.start)]:
            continue
        prose_reason = (
            segment.words >= MIN_REASONED_WORDS
            and segment.words - term_words[segment.start] >= MIN_OTHER_WORDS
            and not _is_term_list(segment.text)
            and is_reasoned(segment.text)
        )
        code_reason = code and any(pattern_regex(p).search(segment.text) for p in criterion.signals.patterns)
        if prose_reason or code_reason:
            findings.reasoned.append(segment)
            if code_reason or CONCRETE.search(segment.text):
                findings.concrete = True
    return findings


def _first_hit(regexes: list[re.Pattern[str]], segments: list[Segment]) -> tuple[Segment, re.Match[str]] | None:
    for segment in segments:
        for regex in regexes:
            match = regex.search(segment.text)
            if match:
                return segment, match
    return None


def _all_hits(criterion: Criterion, segment: Segment) -> list[re.Match[str]]:
    found: list[re.Match[str]] = []
    for idea in criterion.signals.concepts:
        match = idea_regex(tuple(idea)).search(segment.text)
        if match:
            found.append(match)
    for pattern in criterion.signals.patterns:
        match = pattern_regex(pattern).search(segment.text)
        if match:
            found.append(match)
    return found


def _level(criterion: Criterion, findings: CriterionFindings) -> int:
    shown = len(findings.hits)
    if shown == 0:
        return 1
    coverage = min(1.0, shown / max(1, criterion.signals.ideas_needed))
    reasoned = len(findings.reasoned)
    if coverage >= 1.0 and reasoned >= 2 and findings.concrete:
        return 5
    if coverage >= 2 / 3 - 1e-9 and reasoned >= 2:
        return 4
    if coverage >= 0.5 and reasoned >= 1:
        return 3
    return 2


def _rationale(criterion: Criterion, findings: CriterionFindings, level: int) -> str:
    shown = [_readable(label) for label in findings.hits]
    missing = [_readable(label) for label in findings.missing]
    needed = criterion.signals.ideas_needed
    parts = [f"Level {level}: {criterion.levels.get(level, '').rstrip('.')}." if criterion.levels else ""]
    if shown:
        parts.append(f"Shows {len(shown)} idea(s), {needed} expected: {', '.join(shown)}.")
    else:
        parts.append(f"Shows none of the {needed} expected ideas.")
    parts.append(f"{len(findings.reasoned)} sentence(s) explain a choice.")
    if missing:
        parts.append(f"Not covered: {', '.join(missing)}.")
    return " ".join(p for p in parts if p)


def _readable(label: str) -> str:
    return "the expected code construct" if label.startswith("/") else label


def _evidence(answer: str, findings: CriterionFindings) -> list[str]:
    # Reasoned sentences are the best evidence; then sentences that merely name an idea.
    ordered: list[tuple[Segment, int]] = [(s, s.start) for s in findings.reasoned]
    ordered += [(h.segment, h.segment.start + h.position) for h in findings.hits.values()]
    quotes: list[str] = []
    for segment, focus in ordered:
        text = quote(answer, segment, focus)
        if text and text not in quotes:
            quotes.append(text)
        if len(quotes) >= MAX_EVIDENCE:
            break
    return quotes


def _flat(question: Question, reason: str, flags: list[str]) -> AnswerScore:
    return AnswerScore(
        question_id=question.id,
        criteria=[
            CriterionScore(criterion_id=c.id, weight=c.weight, level=1, rationale=reason, evidence=[])
            for c in question.criteria
        ],
        flags=flags,
    )


def score_answer(question: Question, answer: str) -> AnswerScore:
    """Score `answer` against `question`'s rubric. Pure and deterministic."""
    segments = split_segments(answer, code=question.answer_kind != "text")
    flags: list[str] = []
    kept = [s for s in segments if not is_grader_instruction(s.text)]
    if len(kept) < len(segments):
        flags.append("grader_instruction")
    words = sum(s.words for s in kept)
    if words == 0 or (words <= NON_ANSWER_MAX_WORDS and any(is_non_answer(s.text) for s in kept)):
        reason = "Level 1: no answer to grade."
        if "grader_instruction" in flags:
            reason = "Level 1: the answer only addresses the grader; instructions to the grader are ignored."
        return _flat(question, reason, [*flags, "no_answer"])

    shape = _CODE_SHAPE.get(question.answer_kind)
    code = bool(shape and shape.search(answer))
    criteria_scores: list[CriterionScore] = []
    any_hit = False
    reasoned_anywhere = False
    hits: Hits = {(c.id, s.start): _all_hits(c, s) for c in question.criteria for s in kept}
    term_words = {segment.start: _rubric_term_words(question, segment, hits) for segment in kept}
    for criterion in question.criteria:
        findings = _find(criterion, kept, code, term_words, hits)
        any_hit = any_hit or bool(findings.hits)
        reasoned_anywhere = reasoned_anywhere or bool(findings.reasoned)
        level = _level(criterion, findings)
        criteria_scores.append(
            CriterionScore(
                criterion_id=criterion.id,
                weight=criterion.weight,
                level=level,
                rationale=_rationale(criterion, findings, level),
                evidence=_evidence(answer, findings),
            )
        )
    if not any_hit:
        flags.append("off_topic")
    elif not reasoned_anywhere:
        flags.append("keyword_list")
    return AnswerScore(question_id=question.id, criteria=criteria_scores, flags=flags)
