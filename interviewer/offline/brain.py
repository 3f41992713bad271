"""The offline brain: rubric scoring by rules and phrasing from persona lines. No network."""

from __future__ import annotations

from collections.abc import AsyncIterator

from interviewer.brain import PhraseContext, PhraseReset, UsageDelta
from interviewer.models import AnswerScore, Backend, Persona, Question
from interviewer.offline.phrasing import render
from interviewer.offline.scorer import score_answer
from interviewer.plans import Plan
from interviewer.threads import AnswerThread


class OfflineBrain:
    def __init__(self) -> None:
        self.backend = Backend(name="offline")

    async def score(self, question: Question, thread: AnswerThread) -> AnswerScore:
        return score_answer(question, thread.text())

    async def phrase(
        self, plan: Plan, persona: Persona, seed: int, context: PhraseContext
    ) -> AsyncIterator[str | PhraseReset]:
        yield render(plan, persona, seed)

    def take_usage(self) -> UsageDelta:
        return UsageDelta()
