"""How much of a model-backed interview fell back to the offline interviewer, and why.

`run`, `show` and `export` report this as the TUI does, so a headless run against a failing or
refusing server never looks like a model-run interview.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from interviewer.models.transcript import Transcript

MAX_REASONS = 3


class FallbackSummary(BaseModel):
    turns_replaced: int = Field(description="Interviewer turns whose model reply was replaced by offline phrasing.")
    interviewer_turns: int
    answers_scored_offline: int = Field(description="Answers the model judge did not score.")
    answers: int
    reasons: list[str] = Field(default_factory=list, description="The first distinct reasons, most frequent first.")

    def line(self) -> str:
        text = (
            f"Model fallbacks: {self.turns_replaced} of {self.interviewer_turns} interviewer turns replaced, "
            f"{self.answers_scored_offline} of {self.answers} answers scored offline"
        )
        return f"{text} ({'; '.join(self.reasons)})" if self.reasons else text


def summarise_fallbacks(transcript: Transcript) -> FallbackSummary | None:
    """None for an offline interview, where nothing can fall back."""
    if transcript.backend.name == "offline":
        return None
    spoken = [t for t in transcript.turns if t.role == "interviewer" and t.phrasing is not None]
    replaced = [t for t in spoken if t.phrasing == "fallback"]
    scored = [t.score for t in transcript.turns if t.kind == "answer" and t.score is not None]
    offline = [s for s in scored if s.source == "fallback"]
    counts: dict[str, int] = {}
    for reason in [t.note or "" for t in replaced] + [s.fallback_reason or "" for s in offline]:
        if reason:
            counts[reason] = counts.get(reason, 0) + 1
    reasons = sorted(counts, key=lambda r: -counts[r])[:MAX_REASONS]
    return FallbackSummary(
        turns_replaced=len(replaced),
        interviewer_turns=len(spoken),
        answers_scored_offline=len(offline),
        answers=len(scored),
        reasons=reasons,
    )
