"""Checks that go beyond field types: references, weights, complete rubrics."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from interviewer.analysis.claims import stated
from interviewer.analysis.segments import split_segments
from interviewer.analysis.stems import phrase_stems
from interviewer.content.loader import Library
from interviewer.content.problems import Problem, format_loc
from interviewer.content.yaml_source import YamlSyntaxError, read_yaml

WEIGHT_TOLERANCE = 1e-6
MIN_CRITERIA = 3
MIN_PROBES = 2


@cache
def _line(path: Path, loc: tuple[int | str, ...]) -> int | None:
    try:
        return read_yaml(path).line_of(loc)
    except YamlSyntaxError:
        return None


def _problem(
    library: Library,
    kind: str,
    item_id: str,
    loc: tuple[int | str, ...],
    message: str,
    *,
    warning: bool = False,
) -> Problem:
    path = library.sources.get((kind, item_id))
    line = _line(path, loc) if path is not None else None
    return Problem(
        path,
        message,
        line=line,
        field=format_loc(loc) or None,
        severity="warning" if warning else "error",
    )


def lint(library: Library) -> list[Problem]:
    problems: list[Problem] = []
    for round_id, round_ in library.rounds.items():
        if round_.default_persona not in library.personas:
            problems.append(
                _problem(
                    library,
                    "round",
                    round_id,
                    ("default_persona",),
                    f"unknown persona '{round_.default_persona}'",
                )
            )
        seen: set[str] = set()
        for i, qid in enumerate(round_.questions):
            if qid not in library.questions:
                problems.append(
                    _problem(
                        library,
                        "round",
                        round_id,
                        ("questions", i),
                        f"unknown question id '{qid}'",
                    )
                )
            if qid in seen:
                problems.append(
                    _problem(
                        library,
                        "round",
                        round_id,
                        ("questions", i),
                        f"question '{qid}' listed twice",
                    )
                )
            seen.add(qid)

    for qid, question in library.questions.items():
        if question.round not in library.rounds:
            problems.append(
                _problem(
                    library,
                    "question",
                    qid,
                    ("round",),
                    f"unknown round '{question.round}'",
                )
            )
        elif qid not in library.rounds[question.round].questions:
            problems.append(
                _problem(
                    library,
                    "question",
                    qid,
                    ("round",),
                    f"round '{question.round}' does not list this question",
                    warning=True,
                )
            )
        total = sum(c.weight for c in question.criteria)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            problems.append(
                _problem(
                    library,
                    "question",
                    qid,
                    ("criteria",),
                    f"criterion weights sum to {total:g}, not 1",
                )
            )
        if len(question.criteria) < MIN_CRITERIA:
            problems.append(
                _problem(
                    library,
                    "question",
                    qid,
                    ("criteria",),
                    f"only {len(question.criteria)} criteria; a rubric wants at least {MIN_CRITERIA}",
                    warning=True,
                )
            )
        if question.execution is not None:
            execution = question.execution
            if execution.criterion not in {c.id for c in question.criteria}:
                problems.append(
                    _problem(
                        library,
                        "question",
                        qid,
                        ("execution", "criterion"),
                        f"unknown criterion '{execution.criterion}'",
                    )
                )
            kind = "sql" if execution.sql is not None else "python"
            if question.answer_kind != kind:
                problems.append(
                    _problem(
                        library,
                        "question",
                        qid,
                        ("execution",),
                        f"a {kind} fixture on a {question.answer_kind} question",
                    )
                )
        criterion_ids: set[str] = set()
        for i, criterion in enumerate(question.criteria):
            at = ("criteria", i)
            if criterion.id in criterion_ids:
                problems.append(
                    _problem(
                        library,
                        "question",
                        qid,
                        (*at, "id"),
                        f"duplicate criterion id '{criterion.id}'",
                    )
                )
            criterion_ids.add(criterion.id)
            missing = [level for level in range(1, 6) if not criterion.levels.get(level)]
            if missing:
                problems.append(
                    _problem(
                        library,
                        "question",
                        qid,
                        (*at, "levels"),
                        f"missing level descriptors for {missing}",
                    )
                )
            if not criterion.probes:
                problems.append(
                    _problem(
                        library,
                        "question",
                        qid,
                        (*at, "probes"),
                        "criterion has no follow-up probes",
                    )
                )
            elif len(criterion.probes) < MIN_PROBES:
                problems.append(
                    _problem(
                        library,
                        "question",
                        qid,
                        (*at, "probes"),
                        f"only one probe; at least {MIN_PROBES} keep follow-ups fresh",
                        warning=True,
                    )
                )
            if criterion.signals.idea_count == 0:
                problems.append(
                    _problem(
                        library,
                        "question",
                        qid,
                        (*at, "signals"),
                        "no signals: the offline scorer cannot see this criterion",
                    )
                )
            for k, misconception in enumerate(criterion.misconceptions):
                at_claim = (*at, "misconceptions", k)
                for j, example in enumerate(misconception.examples):
                    if stated(misconception.patterns, example) is None:
                        problems.append(
                            _problem(
                                library, "question", qid, (*at_claim, "examples", j), f"no pattern finds {example!r}"
                            )
                        )
                for j, sentence in enumerate(misconception.near_misses):
                    if stated(misconception.patterns, sentence) is not None:
                        problems.append(
                            _problem(
                                library,
                                "question",
                                qid,
                                (*at_claim, "near_misses", j),
                                f"a pattern finds this near miss: {sentence!r}",
                            )
                        )
                said = _stated_in(misconception.patterns, question.reference_answer)
                if said is not None:
                    problems.append(
                        _problem(
                            library,
                            "question",
                            qid,
                            (*at, "misconceptions", k, "patterns"),
                            f"the reference answer states this misconception: {said!r}",
                        )
                    )
    problems += _shared_ideas(library)
    return problems


def _stated_in(patterns: list[str], text: str) -> str | None:
    """The first sentence of `text` that a misconception's patterns find, read as the scorer reads answers."""
    for segment in split_segments(text):
        if stated(patterns, segment.text) is not None:
            return segment.text
    return None


# Words that make a phrase longer without making it more specific: "out of memory" says no more than "memory".
_FILLER = frozenset({"a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "out", "by", "with", "at", "per"})


def _specific_words(phrase: tuple[str, ...]) -> int:
    return sum(1 for word in phrase if len(word) > 1 and word not in _FILLER and word.isalnum())


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    return any(words[i : i + len(phrase)] == phrase for i in range(len(words) - len(phrase) + 1))


def _shared_ideas(library: Library) -> list[Problem]:
    """Ideas a criterion expects that another question of the same round asks about.

    Such a criterion marks an answer down for not covering the next question's topic, and the next
    question then rewards the same idea again. A phrase of two or more words from an idea that appears in
    another question's topic, and not in this question's own topic or prompt, is taken as that overlap; a
    single specific word ("a/b test", "out of memory") is shared vocabulary, not a topic.
    """
    problems: list[Problem] = []
    for round_ in library.rounds.values():
        questions = [library.questions[qid] for qid in round_.questions if qid in library.questions]
        topics = {q.id: phrase_stems(q.topic) for q in questions}
        for question in questions:
            own = phrase_stems(f"{question.topic}. {question.prompt}")
            for i, criterion in enumerate(question.criteria):
                for k, idea in enumerate(criterion.signals.concepts):
                    for other in questions:
                        if other is question:
                            continue
                        shared = [
                            p
                            for p in idea
                            if _specific_words(phrase_stems(p)) >= 2
                            and _contains(topics[other.id], phrase_stems(p))
                            and not _contains(own, phrase_stems(p))
                        ]
                        if shared:
                            problems.append(
                                _problem(
                                    library,
                                    "question",
                                    question.id,
                                    ("criteria", i, "signals", "concepts", k),
                                    f"idea '{idea[0]}' shares '{shared[0]}' with question '{other.id}' of round "
                                    f"'{round_.id}' (topic: {other.topic}); a criterion should not expect what "
                                    "another question asks",
                                    warning=True,
                                )
                            )
    return problems
