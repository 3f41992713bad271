"""A question's answer is a thread: the scripted question and each follow-up, with the reply to each.

Scorers judge a follow-up's reply in the light of the follow-up it answers, and code questions run
the latest complete version in the thread rather than every version glued together.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exchange:
    """One prompt the candidate replied to, and the reply."""

    prompt: str  # the scripted question, or the follow-up's words
    reply: str
    probed_criterion: str | None = None  # the criterion a follow-up aimed at; None for the question itself
    probe_kind: str | None = None  # Probe.kind of the follow-up, when there was one


@dataclass(frozen=True)
class AnswerThread:
    exchanges: tuple[Exchange, ...]

    @classmethod
    def single(cls, prompt: str, reply: str) -> AnswerThread:
        """A thread of one reply: what `score` and batch scoring receive."""
        return cls((Exchange(prompt=prompt, reply=reply),))

    @property
    def replies(self) -> list[str]:
        return [exchange.reply for exchange in self.exchanges]

    def text(self) -> str:
        """Every reply, oldest first: the evidence a lexical scorer searches."""
        return "\n\n".join(self.replies)

    def __bool__(self) -> bool:
        return any(reply.strip() for reply in self.replies)
