"""The brain interface: what the session needs from a backend to phrase turns and score answers.

The engine decides *what* happens; a brain only says it and grades it. The offline brain is
the default; a model-backed brain plugs in behind the same two methods.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from interviewer.models import AnswerScore, Backend, Persona, Question
from interviewer.plans import Plan


class Brain(Protocol):
    backend: Backend

    async def score(self, question: Question, answer: str) -> AnswerScore:
        """Score everything the candidate said for `question`."""
        ...

    def phrase(self, plan: Plan, persona: Persona, seed: int) -> AsyncIterator[str]:
        """Stream the words of the interviewer's next turn."""
        ...
