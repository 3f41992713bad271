"""Score an answer: the brain judges the words; running the answer decides its correctness criterion."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from interviewer.brain import Brain
from interviewer.execution.extract import extract_python, extract_sql
from interviewer.execution.runner import level_for, run_answer
from interviewer.models import AnswerScore, Question
from interviewer.models.scores import RunResult
from interviewer.threads import AnswerThread

_DEF_NAME = re.compile(r"\bdef\s+([A-Za-z_]\w*)")


def apply_run(score: AnswerScore, question: Question, result: RunResult) -> AnswerScore:
    """The run's outcome replaces the judged level of the criterion it decides: a fact beats a guess."""
    assert question.execution is not None
    if result.status == "unavailable":  # not run here: no fact, so the judged level stands
        return score.model_copy(update={"run": result})
    target = question.execution.criterion
    criteria = []
    for criterion in score.criteria:
        if criterion.criterion_id == target:
            criterion = criterion.model_copy(
                update={
                    "level": level_for(result),
                    "rationale": f"Ran the answer: {result.summary}.",
                    # The evidence is the version that ran, not lines of earlier versions the text matched.
                    "evidence": _code_evidence(result),
                    "source": "execution",
                }
            )
        criteria.append(criterion)
    return score.model_copy(update={"criteria": criteria, "run": result})


def _code_evidence(result: RunResult) -> list[str]:
    first_line = next((line.strip() for line in (result.code or "").splitlines() if line.strip()), None)
    return [first_line] if first_line else []


@dataclass(frozen=True)
class CodeVersion:
    reply: int  # index of the reply in the thread
    text: str  # that reply, which run_answer extracts the code from again
    code: str  # the extracted query or function


def code_versions(question: Question, thread: AnswerThread) -> list[CodeVersion]:
    """Each reply that holds a complete query, or a function with the name the question asks for, oldest first.

    A follow-up reply with a fragment ("use HAVING instead") is discussion, not a new version.
    """
    execution = question.execution
    if execution is None:
        return []
    required = None
    if execution.python is not None:
        named = _DEF_NAME.search(execution.python.signature)
        required = named.group(1) if named else None
    versions: list[CodeVersion] = []
    for index, reply in enumerate(thread.replies):
        code = extract_sql(reply) if execution.sql is not None else extract_python(reply)
        if code is None:
            continue
        if required is not None and required not in _DEF_NAME.findall(code):
            continue
        versions.append(CodeVersion(index, reply, code))
    return versions


def _latest_code_reply(question: Question, thread: AnswerThread) -> int | None:
    """The newest reply holding any code at all, so a run can say what is missing from it."""
    execution = question.execution
    assert execution is not None
    extract = extract_sql if execution.sql is not None else extract_python
    for index in range(len(thread.replies) - 1, -1, -1):
        if extract(thread.replies[index]) is not None:
            return index
    return None


async def _run(question: Question, reply: int | None, text: str, code: str | None) -> RunResult | None:
    result = await asyncio.to_thread(run_answer, question, text)
    if result is None:
        return None
    return result.model_copy(update={"reply": reply, "code": code})


async def score_with_run(
    brain: Brain, question: Question, thread: AnswerThread, previous: AnswerScore | None = None
) -> AnswerScore:
    """Score the thread; for code questions run each version once and let the latest decide correctness.

    `previous` is the score of the same thread before its newest reply: versions it already ran are
    not run again.
    """
    score = await brain.score(question, thread)
    if question.execution is None:
        return score
    known = {(v.reply, v.code): v for v in previous.versions} if previous is not None else {}
    runs: list[RunResult] = []
    for version in code_versions(question, thread):
        ran = known.get((version.reply, version.code))
        if ran is None:
            ran = await _run(question, version.reply, version.text, version.code)
        if ran is not None:
            runs.append(ran)
    if not runs:
        # No complete version: run the newest code there is, or nothing, so the run says what is missing.
        reply = _latest_code_reply(question, thread)
        text = thread.replies[reply] if reply is not None else ""
        result = await _run(question, reply, text, None)
        return apply_run(score, question, result) if result is not None else score
    scored = apply_run(score, question, runs[-1])
    return scored.model_copy(update={"versions": runs})
