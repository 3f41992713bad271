"""Score an answer: the brain judges the words; running the answer decides its correctness criterion."""

from __future__ import annotations

import asyncio

from interviewer.brain import Brain
from interviewer.execution.runner import level_for, run_answer
from interviewer.models import AnswerScore, Question
from interviewer.models.scores import RunResult
from interviewer.threads import AnswerThread


def apply_run(score: AnswerScore, question: Question, result: RunResult) -> AnswerScore:
    """The run's outcome replaces the judged level of the criterion it decides: a fact beats a guess."""
    assert question.execution is not None
    target = question.execution.criterion
    criteria = []
    for criterion in score.criteria:
        if criterion.criterion_id == target:
            criterion = criterion.model_copy(
                update={
                    "level": level_for(result),
                    "rationale": f"Ran the answer: {result.summary}.",
                    "source": "execution",
                }
            )
        criteria.append(criterion)
    return score.model_copy(update={"criteria": criteria, "run": result})


async def score_with_run(brain: Brain, question: Question, thread: AnswerThread) -> AnswerScore:
    score = await brain.score(question, thread)
    if question.execution is None:
        return score
    # The latest reply that holds code is the version that runs; earlier versions are history.
    result = await asyncio.to_thread(run_answer, question, thread.text())
    return apply_run(score, question, result) if result is not None else score
