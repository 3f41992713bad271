"""The end-of-interview report, computed from the turns, never by a model."""

from __future__ import annotations

from collections import defaultdict

from interviewer.engine import derive_state
from interviewer.models import Question, QuestionResult, Report, Transcript

PRACTISE_BELOW = 3.5
PRACTISE_MAX = 3


def build_report(transcript: Transcript, questions: dict[str, Question]) -> Report:
    """Answered questions count at their score and skipped ones at 1; unreached ones not at all."""
    state = derive_state(transcript)
    results: list[QuestionResult] = []
    counted: list[float] = []
    by_competency: dict[str, list[float]] = defaultdict(list)
    for qs in state.questions:
        if not qs.asked:
            continue
        results.append(
            QuestionResult(
                question_id=qs.question_id,
                skipped=qs.skipped and not qs.answered,
                score=qs.score,
                follow_ups=qs.follow_ups,
                hints=qs.hints,
            )
        )
        value = qs.score.overall if qs.score is not None else 1.0
        if qs.score is None and not qs.skipped:
            continue  # asked when the interview ended, never answered
        counted.append(value)
        question = questions.get(qs.question_id)
        for competency in question.competencies if question else []:
            by_competency[competency].append(value)
    averages = {c: sum(v) / len(v) for c, v in by_competency.items()}
    practise = sorted((c for c, avg in averages.items() if avg < PRACTISE_BELOW), key=lambda c: (averages[c], c))
    return Report(
        overall=round(sum(counted) / len(counted), 2) if counted else 1.0,
        answered=sum(1 for r in results if r.score is not None),
        skipped=sum(1 for r in results if r.skipped),
        results=results,
        practise_next=practise[:PRACTISE_MAX],
    )
