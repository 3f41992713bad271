"""The end-of-interview report, computed from the turns, never by a model."""

from __future__ import annotations

from collections import defaultdict

from interviewer.engine import derive_state
from interviewer.models import Criterion, CriterionScore, Question, QuestionResult, Report, Transcript

PRACTISE_BELOW = 3.5
PRACTISE_MAX = 3
NOT_ANSWERED = 1.0  # the value of a skipped question, or one the interview never reached
MISSED_BELOW = 4  # below this level a criterion's top descriptor is shown as what was missed


def build_report(transcript: Transcript, questions: dict[str, Question]) -> Report:
    """Every question of the round counts: an answered one at its score, any other at 1.

    Questions never reached count as not answered, so ending early can never raise the overall.
    """
    state = derive_state(transcript)
    results = [
        QuestionResult(
            question_id=qs.question_id,
            skipped=qs.skipped and not qs.answered,
            score=qs.score,
            follow_ups=qs.follow_ups,
            hints=qs.hints,
        )
        for qs in state.questions
        if qs.asked
    ]
    averages = competency_averages(results, questions)
    practise = sorted((c for c, avg in averages.items() if avg < PRACTISE_BELOW), key=lambda c: (averages[c], c))
    scored = [result.score.overall for result in results if result.score is not None]
    question_count = len(state.questions)
    not_answered = question_count - len(scored)
    return Report(
        overall=round((sum(scored) + NOT_ANSWERED * not_answered) / question_count, 2) if question_count else 1.0,
        answered=len(scored),
        skipped=sum(1 for r in results if r.skipped),
        results=results,
        practise_next=practise[:PRACTISE_MAX],
        question_count=question_count,
        ended_early=any(not qs.asked or not (qs.answered or qs.skipped) for qs in state.questions),
    )


def counted_value(result: QuestionResult) -> float | None:
    """A question's value in the totals: its score, 1 if skipped, None if the interview ended before an answer."""
    if result.score is not None:
        return result.score.overall
    return NOT_ANSWERED if result.skipped else None


def competency_averages(results: list[QuestionResult], questions: dict[str, Question]) -> dict[str, float]:
    """Per competency, the mean value of the questions that exercise it."""
    by_competency: dict[str, list[float]] = defaultdict(list)
    for result in results:
        value = counted_value(result)
        question = questions.get(result.question_id)
        if value is None or question is None:
            continue
        for competency in question.competencies:
            by_competency[competency].append(value)
    return {c: sum(v) / len(v) for c, v in by_competency.items()}


def competency_history(transcripts: list[Transcript], questions: dict[str, Question]) -> dict[str, list[float]]:
    """Per competency, its average in each finished interview that touched it, in the order they were finished.

    An interview resumed and finished today is today's result, however long ago it was started.
    """
    history: dict[str, list[float]] = defaultdict(list)
    for transcript in sorted(transcripts, key=lambda t: t.updated_at):
        if transcript.report is None:
            continue
        for competency, average in competency_averages(transcript.report.results, questions).items():
            history[competency].append(round(average, 2))
    return dict(sorted(history.items()))


def missed(criterion: Criterion, level: int) -> str | None:
    """What a top answer would have had, for a criterion scored below MISSED_BELOW."""
    top = criterion.levels.get(5)
    return top if level < MISSED_BELOW and top else None


def errors_to_name(criterion: CriterionScore) -> list[str]:
    """Known errors the answer stated that the rationale does not already name: a model's rationale is its own
    words, and the error must still be on the report."""
    return [claim for claim in criterion.errors if claim not in criterion.rationale]
