"""Score an answer against a rubric from the ideas it shows and the evidence it gives for them.

Levels follow one rule for every criterion, so scores are predictable and explainable:
1 no idea of the criterion appears; 2 ideas are named without evidence (or too few);
3 at least half the expected ideas, one of them explained; 4 two thirds, two explained; 5 three
quarters, two explained and a concrete detail. An idea is explained when a sentence that names it, or in
prose the next sentence of its paragraph, says something more: a reason, a contrast, how it is done, an
example, or a correct specific such as a command with what it shows, a number, or code. An idea that is
itself a way of reasoning (a comparison, a trade-off) is shown by reasoning that way in any words. An
answer that is a list of terms never scores above 2.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from interviewer.analysis.claims import plain_apostrophes, stated
from interviewer.analysis.patterns import LinearPattern, PatternError, linear_pattern
from interviewer.analysis.reasoning import (
    CONCRETE,
    CONTRAST_PHRASES,
    STATED_CONTRAST,
    STATED_TRADE_OFF,
    TRADE_OFF_PHRASES,
    directs_grader,
    dismissed_spans,
    find_grader_text,
    is_non_answer,
    is_reasoned,
    is_specific,
)
from interviewer.analysis.segments import Segment, quote, split_segments
from interviewer.analysis.stems import phrase_stems
from interviewer.models import AnswerKind, AnswerScore, Criterion, CriterionScore, Misconception, Question

MAX_EVIDENCE = 3
MIN_EVIDENCE_WORDS = 5
# Words beyond the matched rubric terms that a sentence needs before it counts as saying something.
MIN_OTHER_WORDS = 3
NON_ANSWER_MAX_WORDS = 15
# An answer is a term list when most of its words sit in lists of short items.
TERM_LIST_SHARE = 0.7
TERM_ITEM_WORDS = 3
KEYWORD_LIST_CAP = 2
# A criterion on which the answer states a known wrong claim: level 2, where the rule puts ideas named without
# understanding shown, whatever else the answer says about it.
MISCONCEPTION_CAP = 2
# Answers are scored on their first 100,000 characters, some 15,000 words and far beyond any spoken
# answer: the bound keeps scoring a pasted megabyte well under a second, and the score says it was cut.
MAX_SCORED_CHARS = 100_000
# Share of the expected ideas a level-5 answer shows: an excellent answer may word one idea its own way.
FULL_COVERAGE = 0.75
# Words that may sit between the words of a rubric phrase: "both of us wanted" says "both wanted", and "time
# from sign-up to first post" says "time to first post".
MAX_PHRASE_GAP = 3
_NEGATIONS = frozenset({"not", "no", "never", "nor", "without", "neither"})

_SQL_START = re.compile(r"\bselect\b", re.IGNORECASE)
_SQL_FROM = re.compile(r"\bfrom\b", re.IGNORECASE)
# A line that starts like Python: a keyword, or an assignment to a name.
_PYTHON_SHAPE = re.compile(
    r"^[ \t]*(?:(?:def|class|for|while|return|import|from)\b|[A-Za-z_][\w.]*(?:\[[^\]\n]{0,80}\])?[ \t]*[-+*/]?=[^=])",
    re.MULTILINE,
)
_FIRST_WORD = re.compile(r"[,(\s]*\w+")
# A slash separates terms ("DAU / MAU") only with spaces around it; "30k/day" is one quantity.
_ITEM_SEPARATOR = re.compile(r"[,;|]|\s/\s")
# In a segment with no clause an arrow only chains names ("power 0.8 → sample size per arm").
_NAME_SEPARATOR = re.compile(r"[,;|]|\s/\s|\s(?:→|->|=>)\s")
# A heading before a colon ("Power analysis: ...") names what follows; what follows decides whether it is a list.
_LABEL = re.compile(r"^[^\s:,;]+(?:[ \t]+[^\s:,;]+){0,2}:\s")
# Words that make a clause rather than a name: a subject, a verb that states something, a negation, a
# relation. An explanation, however terse ("read available, not free", "it double-counts"), has one.
_CLAUSE_WORD = re.compile(
    r"\b(?:i|we|you|it|they|he|she|this|that|these|those|which|who|is|are|was|were|be|been|am|has|have|had|"
    r"do|does|did|can|could|will|would|should|must|may|might|not|no|never|so|because|if|then|than|when)\b|"
    r"n't\b|[=<>≤≥≈]",
    re.IGNORECASE,
)
# A short fragment that makes no clause is a name however it is written: "COUNT(DISTINCT user_id)", "time zone".
TERM_FRAGMENT_WORDS = 5
# A list with a clause in one item is still a list of names only when it is long enough to be plainly one.
MIN_LIST_ITEMS = 6


@dataclass
class IdeaHit:
    label: str
    segment: Segment
    position: int


@dataclass
class CriterionFindings:
    hits: dict[str, IdeaHit] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    evidence: list[Segment] = field(default_factory=list)
    explained: set[str] = field(default_factory=set)  # ideas named in a sentence of evidence
    concrete: bool = False
    errors: list[tuple[Misconception, Segment]] = field(default_factory=list)  # wrong claims stated, in order


@dataclass(frozen=True)
class Idea:
    label: str
    pattern: str | None  # a rubric regular expression, or None for an idea made of phrases
    # For an idea that is a way of reasoning ("rather than", "trade-off"): how a sentence shows it in any words.
    shape: re.Pattern[str] | None = None


@dataclass(frozen=True)
class RubricIndex:
    """A question's ideas, with their phrases keyed by first stem so an answer is read in one pass."""

    ideas: list[list[Idea]]  # per criterion
    by_first_stem: dict[str, list[tuple[int, int, tuple[str, ...]]]]  # stem -> (criterion, idea, stems)
    # Every misconception pattern of the question in one expression: most sentences state none, and one
    # search tells so where a search per pattern would cost a third of the scorer's time.
    any_claim: LinearPattern | None = None


_INDEXES: dict[int, tuple[Question, RubricIndex]] = {}
_INDEX_CACHE_SIZE = 64


def _index(question: Question) -> RubricIndex:
    cached = _INDEXES.get(id(question))
    if cached is not None and cached[0] is question:
        return cached[1]
    ideas: list[list[Idea]] = []
    by_first_stem: dict[str, list[tuple[int, int, tuple[str, ...]]]] = {}
    for c, criterion in enumerate(question.criteria):
        ideas.append([Idea(idea[0], None, _reasoning_shape(idea)) for idea in criterion.signals.concepts])
        ideas[-1] += [Idea(f"/{p}/", p) for p in criterion.signals.patterns]
        for k, idea in enumerate(criterion.signals.concepts):
            for phrase in idea:
                stems = phrase_stems(phrase)
                if stems:
                    by_first_stem.setdefault(stems[0], []).append((c, k, stems))
    index = RubricIndex(ideas, by_first_stem, _any_claim(question))
    if len(_INDEXES) >= _INDEX_CACHE_SIZE:
        _INDEXES.clear()
    _INDEXES[id(question)] = (question, index)
    return index


def _any_claim(question: Question) -> LinearPattern | None:
    """One search for every misconception pattern of the question; None when there are none, or when together
    they exceed RE2's memory budget (each alone was checked at load), and then each sentence is searched claim
    by claim."""
    patterns = [p for c in question.criteria for m in c.misconceptions for p in m.patterns]
    if not patterns:
        return None
    try:
        return linear_pattern("|".join(f"(?:{p})" for p in patterns))
    except PatternError:
        return None


def _reasoning_shape(phrases: list[str]) -> re.Pattern[str] | None:
    said = {phrase.strip().lower() for phrase in phrases}
    if said & TRADE_OFF_PHRASES:
        return STATED_TRADE_OFF
    if said & CONTRAST_PHRASES:
        return STATED_CONTRAST
    return None


def _shape_hits(index: RubricIndex, segments: list[Segment], hits: list[SegmentHits], listed: list[bool]) -> None:
    """A contrast or a trade-off stated in other words shows the rubric idea that names one."""
    for n, segment in enumerate(segments):
        if listed[n]:
            continue
        for c, ideas in enumerate(index.ideas):
            for k, idea in enumerate(ideas):
                if idea.shape is None or (c, k) in hits[n]:
                    continue
                match = idea.shape.search(segment.text)
                if match is not None:
                    # Only the first word counts as the rubric's term: the rest of the clause is the answer's own.
                    first_word = _FIRST_WORD.match(segment.text, match.start())
                    hits[n][(c, k)] = (match.start(), first_word.end() if first_word else match.end())


def _drop_dismissed(segments: list[Segment], hits: list[SegmentHits]) -> None:
    """An idea named only in a clause that waves it away ("cold start isn't a problem") is not shown there."""
    for segment, segment_hits in zip(segments, hits, strict=True):
        if not segment_hits:
            continue
        spans = dismissed_spans(segment.text)
        if not spans:
            continue
        lows = [lo for lo, _ in spans]  # in text order: two dismissals in one clause give the same span
        for key, (start, _) in list(segment_hits.items()):
            at = bisect_right(lows, start) - 1
            if at >= 0 and start < spans[at][1]:
                del segment_hits[key]


# (criterion, idea) -> span of its first match within the segment, for one segment.
SegmentHits = dict[tuple[int, int], tuple[int, int]]


def _gapped_end(stems: tuple[str, ...], start: int, phrase: tuple[str, ...]) -> int | None:
    """Where a phrase of words ends when a few words sit between its own ("both of us wanted" for "both wanted").

    The words stay in order and within one clause: punctuation, symbols and negations break the match.
    """
    at = start
    for word in phrase[1:]:
        for step in range(1, MAX_PHRASE_GAP + 2):
            probe = at + step
            if probe >= len(stems):
                return None
            if stems[probe] == word:
                at = probe
                break
            if not stems[probe].isalpha() or stems[probe] in _NEGATIONS:
                return None
        else:
            return None
    return at + 1


def _phrase_hits(index: RubricIndex, segment: Segment) -> SegmentHits:
    found: SegmentHits = {}
    toks = segment.tokens
    stems = tuple(t[0] for t in toks)
    for i, first in enumerate(stems):
        for c, k, phrase in index.by_first_stem.get(first, ()):
            if (c, k) in found:
                continue
            end: int | None = i + len(phrase)
            if stems[i:end] != phrase:
                end = _gapped_end(stems, i, phrase) if len(phrase) > 1 and all(map(str.isalpha, phrase)) else None
            if end is not None:
                found[(c, k)] = (toks[i][1], toks[end - 1][2])
    return found


def _pattern_hits(index: RubricIndex, answer: str, segments: list[Segment], hits: list[SegmentHits]) -> None:
    """Each rubric pattern runs once over the whole answer; a match belongs to the segment it starts in."""
    starts = [s.start for s in segments]
    for c, ideas in enumerate(index.ideas):
        for k, idea in enumerate(ideas):
            if idea.pattern is None:
                continue
            for match in linear_pattern(idea.pattern).finditer(answer):
                at = bisect_right(starts, match.start()) - 1
                if at < 0 or match.start() >= segments[at].end:
                    continue
                segment = segments[at]
                span = (match.start() - segment.start, min(match.end(), segment.end) - segment.start)
                hits[at].setdefault((c, k), span)


def _looks_like_code(kind: AnswerKind, answer: str) -> bool:
    if kind == "sql":
        select = _SQL_START.search(answer)
        return bool(select and _SQL_FROM.search(answer, select.end()))
    if kind == "python":
        return _PYTHON_SHAPE.search(answer) is not None
    return False


def _is_term_list(segment: Segment) -> bool:
    """Short items separated by commas, slashes and the like, or one bare term: a list, however punctuated."""
    if segment.words <= TERM_ITEM_WORDS:
        return True
    items = [item for item in _ITEM_SEPARATOR.split(segment.text) if item.strip()]
    short = sum(1 for item in items if len(item.split()) <= TERM_ITEM_WORDS and not any(c.isdigit() for c in item))
    return len(items) >= 4 and short >= 0.75 * len(items)


def _names_only(segment: Segment, term_list: bool) -> bool:
    """Whether a segment only names things, read as the whole answer's shape rather than one sentence's evidence.

    Beyond a term list, this counts compressed notes that chain names without a single clause: a short
    fragment ("COUNT(DISTINCT user_id)", "full weeks"), a heading followed by names ("Power analysis:
    baseline rate, MDE, alpha 0.05"), names joined by arrows. A number beside a name ("alpha 0.05") is still
    a name here. A clause keeps a segment out ("free -m: read available, not free" is not a list) unless it
    sits in one item of a long list of names.
    """
    if term_list:
        return True
    label = _LABEL.match(segment.text)
    body = segment.text[label.end() :] if label else segment.text
    items = [item for item in _NAME_SEPARATOR.split(body) if item.strip()]
    if _CLAUSE_WORD.search(segment.text):
        # A formula among many names ("..., base case dp[0] = 0, bottom-up, ...") does not make the list a
        # statement: it stays names when nearly every item is a short name with no clause of its own.
        plain = sum(1 for item in items if len(item.split()) <= TERM_ITEM_WORDS and not _CLAUSE_WORD.search(item))
        return len(items) >= MIN_LIST_ITEMS and plain >= 0.75 * len(items)
    if segment.words <= TERM_FRAGMENT_WORDS:
        return True
    short = sum(1 for item in items if len(item.split()) <= TERM_ITEM_WORDS)
    return len(items) >= 3 and short >= 0.75 * len(items)


def _is_keyword_list(segments: list[Segment], listed: list[bool], code: bool) -> bool:
    if code:
        return False
    words = sum(s.words for s in segments)
    named = sum(s.words for s, term_list in zip(segments, listed, strict=True) if _names_only(s, term_list))
    return words > 0 and named >= TERM_LIST_SHARE * words


def _term_words(segment: Segment, spans: list[tuple[int, int]]) -> int:
    """Words of the segment taken up by rubric terms, across all criteria."""
    words = 0
    last_end = -1
    for start, end in sorted(set(spans)):
        if start >= last_end:
            words += len(segment.text[start:end].split())
            last_end = end
    return words


def _says_something(segment: Segment, term_words: int, term_list: bool) -> bool:
    """Whether a sentence that names an idea also explains it, contrasts it, or gives a specific."""
    if term_list or segment.words < MIN_EVIDENCE_WORDS:
        return False
    if segment.words - term_words < MIN_OTHER_WORDS:
        return False
    return is_reasoned(segment.text) or is_specific(segment.text)


def _follow_ons(
    answer: str, segments: list[Segment], says: list[bool], listed: list[bool], code: bool
) -> list[Segment | None]:
    """For each sentence, the next sentence of the same paragraph when that one says something.

    Only prose continues: a line of code, a bullet or a new paragraph starts afresh, and a term list is
    never explained by whatever follows it.
    """
    follow: list[Segment | None] = [None] * len(segments)
    if code:
        return follow
    for n in range(len(segments) - 1):
        segment, after = segments[n], segments[n + 1]
        gap = answer[segment.end : after.start]
        if says[n + 1] and not gap.strip() and "\n\n" not in gap and not listed[n]:
            follow[n] = after
    return follow


def _level(criterion: Criterion, findings: CriterionFindings) -> int:
    shown = len(findings.hits)
    if shown == 0:
        return 1
    needed = max(1, criterion.signals.ideas_needed)
    coverage = min(1.0, shown / needed)
    # Depth is how many ideas the answer says something about, wherever they sit: one dense bullet
    # that explains two ideas counts as much as two sentences that explain one each.
    explained = min(len(findings.explained), 2) + (1 if needed == 1 and findings.explained else 0)
    if coverage >= FULL_COVERAGE - 1e-9 and explained >= 2 and findings.concrete:
        return 5
    if coverage >= 2 / 3 - 1e-9 and explained >= 2:
        return 4
    if coverage >= 0.5 and explained >= 1:
        return 3
    return 2


def _rationale(criterion: Criterion, findings: CriterionFindings, level: int, capped: bool) -> str:
    shown = [_readable(label) for label in findings.hits]
    missing = [_readable(label) for label in findings.missing]
    needed = criterion.signals.ideas_needed
    parts = [f"Level {level}: {criterion.levels.get(level, '').rstrip('.')}." if criterion.levels else ""]
    # A wrong claim comes straight after the level: it is why the level is what it is.
    for misconception, _ in findings.errors:
        parts.append(f"States a known error: {misconception.claim.rstrip('.')}. {misconception.correction}")
    if shown:
        parts.append(f"Shows {len(shown)} idea(s), {needed} expected: {', '.join(shown)}.")
    else:
        parts.append(f"Shows none of the {needed} expected ideas.")
    if capped:
        parts.append("The answer is a list of terms, which shows no understanding beyond the names.")
    else:
        parts.append(
            f"{len(findings.explained)} idea(s) explained or backed by specifics, in "
            f"{len(findings.evidence)} sentence(s)."
        )
    if missing:
        # At the top level a missing idea is what would make the answer complete, not a gap that cost a level.
        lead = "Still missing for a complete answer" if level == 5 else "Not covered"
        parts.append(f"{lead}: {', '.join(missing)}.")
    return " ".join(p for p in parts if p)


def _readable(label: str) -> str:
    return "the expected code construct" if label.startswith("/") else label


def _evidence(answer: str, findings: CriterionFindings) -> list[str]:
    # A wrong claim is quoted first, since it decided the level; then sentences of evidence, then sentences
    # that merely name an idea.
    ordered: list[tuple[Segment, int]] = [(s, s.start) for _, s in findings.errors]
    ordered += [(s, s.start) for s in findings.evidence]
    ordered += [(h.segment, h.segment.start + h.position) for h in findings.hits.values()]
    quotes: list[str] = []
    for segment, focus in ordered:
        text = quote(answer, segment, focus)
        if text and text not in quotes:
            quotes.append(text)
        if len(quotes) >= MAX_EVIDENCE:
            break
    return quotes


def _segment_at(starts: list[int], segments: list[Segment], offset: int) -> int | None:
    at = bisect_right(starts, offset) - 1
    return at if at >= 0 and offset < segments[at].end else None


def _without_grader_text(answer: str, segments: list[Segment], criterion_ids: tuple[str, ...]) -> list[Segment]:
    """Drops every line that addresses the grader: the rest of such a line ("Assessment: complete") is part of it."""
    found = find_grader_text(answer, criterion_ids)
    starts = [s.start for s in segments]
    flagged = {_segment_at(starts, segments, offset) for offset in found.direct}
    for offset in found.addressees:
        at = _segment_at(starts, segments, offset)
        if at is not None and at not in flagged and directs_grader(segments[at].text):
            flagged.add(at)
    flagged.discard(None)
    if not flagged:
        return segments
    dropped: list[tuple[int, int]] = []  # line spans, in order
    for at in sorted(i for i in flagged if i is not None):
        line_start = answer.rfind("\n", 0, segments[at].start) + 1
        line_end = answer.find("\n", segments[at].end)
        dropped.append((line_start, len(answer) if line_end < 0 else line_end))
    kept: list[Segment] = []
    index = 0
    for segment in segments:  # both lists are in text order, so one pass decides every segment
        while index < len(dropped) and dropped[index][1] <= segment.start:
            index += 1
        if index == len(dropped) or segment.end <= dropped[index][0]:
            kept.append(segment)
    return kept


def _stated_errors(
    criterion: Criterion, segments: list[Segment], seen: dict[tuple[int, str], bool]
) -> list[tuple[Misconception, Segment]]:
    """Each misconception of the criterion that some sentence states, with the first such sentence.

    `seen` remembers each (misconception, sentence text) pair, so an answer that repeats one line thousands
    of times is searched once per distinct line.
    """
    errors: list[tuple[Misconception, Segment]] = []
    for misconception in criterion.misconceptions:
        for segment in segments:
            key = (id(misconception), segment.text)
            found = seen.get(key)
            if found is None:
                found = seen[key] = stated(misconception.patterns, segment.text) is not None
            if found:
                errors.append((misconception, segment))
                break
    return errors


def _flat(question: Question, reason: str, flags: list[str]) -> AnswerScore:
    return AnswerScore(
        question_id=question.id,
        criteria=[
            CriterionScore(criterion_id=c.id, weight=c.weight, level=1, rationale=reason, evidence=[])
            for c in question.criteria
        ],
        flags=flags,
    )


def score_answer(question: Question, answer: str, claims_from: int = 0) -> AnswerScore:
    """Score `answer` against `question`'s rubric. Pure and deterministic.

    Wrong claims are sought only from offset `claims_from` on: a follow-up read with its reply may repeat the
    claim it challenges, and only the candidate's words can state one.
    """
    flags: list[str] = []
    if len(answer) > MAX_SCORED_CHARS:
        answer = answer[:MAX_SCORED_CHARS]
        flags.append("truncated")
    code = _looks_like_code(question.answer_kind, answer)
    # Line by line only where there is code: prose, even on a code question, is read by sentence, so a list
    # or an explanation wrapped over several lines stays one piece.
    segments = split_segments(answer, code=code)
    kept = _without_grader_text(answer, segments, tuple(c.id for c in question.criteria))
    if len(kept) < len(segments):
        flags.append("grader_instruction")
    words = sum(s.words for s in kept)
    if words == 0 or (words <= NON_ANSWER_MAX_WORDS and any(is_non_answer(s.text) for s in kept)):
        reason = "Level 1: no answer to grade."
        if "grader_instruction" in flags:
            reason = "Level 1: the answer only addresses the grader; instructions to the grader are ignored."
        return _flat(question, reason, [*flags, "no_answer"])

    listed = [_is_term_list(segment) for segment in kept]
    keyword_list = _is_keyword_list(kept, listed, code)
    index = _index(question)
    # Segments with the same text find the same phrases: hostile answers repeat one line thousands of times.
    by_text: dict[str, SegmentHits] = {}
    for segment in kept:
        if segment.text not in by_text:
            by_text[segment.text] = _phrase_hits(index, segment)
    hits = [dict(by_text[segment.text]) for segment in kept]
    _pattern_hits(index, answer, kept, hits)
    _shape_hits(index, kept, hits, listed)
    _drop_dismissed(kept, hits)
    term_words = [
        _term_words(segment, list(segment_hits.values())) for segment, segment_hits in zip(kept, hits, strict=True)
    ]
    says = [
        _says_something(segment, words, term_list)
        for segment, words, term_list in zip(kept, term_words, listed, strict=True)
    ]
    follow_on = _follow_ons(answer, kept, says, listed, code)

    criteria_scores: list[CriterionScore] = []
    any_hit = False
    stated_any = False
    claims_seen: dict[tuple[int, str], bool] = {}
    claim_segments = [k for k in kept if k.start >= claims_from]
    if not any(c.misconceptions for c in question.criteria):
        claim_segments = []
    elif index.any_claim is not None:
        texts = {k.text for k in claim_segments}
        may_state = {t for t in texts if index.any_claim.search(plain_apostrophes(t)) is not None}
        claim_segments = [k for k in claim_segments if k.text in may_state]
    for c, criterion in enumerate(question.criteria):
        ideas = index.ideas[c]
        findings = CriterionFindings()
        for n, segment in enumerate(kept):
            numbers = [k for (hc, k) in hits[n] if hc == c]
            if not numbers:
                continue
            for k in numbers:
                if ideas[k].label not in findings.hits:
                    findings.hits[ideas[k].label] = IdeaHit(ideas[k].label, segment, hits[n][(c, k)][0])
            pattern_hit = any(ideas[k].pattern is not None for k in numbers)
            if code and pattern_hit:
                # A line of code shows the constructs it contains, not the ideas its keywords happen to name.
                findings.evidence.append(segment)
                findings.explained.update(ideas[k].label for k in numbers if ideas[k].pattern is not None)
                findings.concrete = True
            elif says[n]:
                findings.evidence.append(segment)
                findings.explained.update(ideas[k].label for k in numbers)
                findings.concrete = findings.concrete or CONCRETE.search(segment.text) is not None
            elif (next_sentence := follow_on[n]) is not None:
                # Prose names an idea in one sentence and explains it in the next ("That shows whether ...").
                findings.evidence += [segment, next_sentence]
                findings.explained.update(ideas[k].label for k in numbers)
                findings.concrete = findings.concrete or CONCRETE.search(next_sentence.text) is not None
        findings.missing = [idea.label for idea in ideas if idea.label not in findings.hits]
        findings.errors = _stated_errors(criterion, claim_segments, claims_seen)
        any_hit = any_hit or bool(findings.hits)
        level = _level(criterion, findings)
        if keyword_list:
            level = min(level, KEYWORD_LIST_CAP)
        if findings.errors:
            level = min(level, MISCONCEPTION_CAP)
            stated_any = True
        criteria_scores.append(
            CriterionScore(
                criterion_id=criterion.id,
                weight=criterion.weight,
                level=level,
                rationale=_rationale(criterion, findings, level, keyword_list),
                evidence=_evidence(answer, findings),
                errors=[misconception.claim for misconception, _ in findings.errors],
            )
        )
    if not any_hit:
        flags.append("off_topic")
    elif keyword_list:
        flags.append("keyword_list")
    if stated_any:
        flags.append("misconception")
    return AnswerScore(question_id=question.id, criteria=criteria_scores, flags=flags)
