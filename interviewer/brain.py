"""The brain interface: what the session needs from a backend to phrase turns and score answers.

The engine decides *what* happens; a brain only says it and grades it. The offline brain is
the default; a model-backed brain plugs in behind the same methods.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from interviewer.models import AnswerScore, Backend, Persona, Question, TokenUsage
from interviewer.plans import Plan
from interviewer.threads import AnswerThread


@dataclass(frozen=True)
class PhraseReset:
    """Discard what was streamed so far: the turn's words are `text` instead, for `reason`."""

    text: str
    reason: str


@dataclass(frozen=True)
class HistoryTurn:
    role: str  # "interviewer" or "candidate"
    text: str


@dataclass
class PhraseContext:
    """What a phraser may ground its words in; the session keeps it small."""

    question: Question | None = None
    history: list[HistoryTurn] = field(default_factory=list)  # oldest first
    earlier: list[str] = field(default_factory=list)  # one line per earlier question


class Brain(Protocol):
    backend: Backend

    async def score(self, question: Question, thread: AnswerThread) -> AnswerScore:
        """Score the thread of everything the candidate said for `question`."""
        ...

    def phrase(
        self, plan: Plan, persona: Persona, seed: int, context: PhraseContext
    ) -> AsyncIterator[str | PhraseReset]:
        """Stream the words of the interviewer's next turn."""
        ...

    def take_usage(self) -> TokenUsage:
        """Model usage since the last call, with its cost: the backend knows its own price."""
        ...
