"""The saved record of one interview: every turn, who said it, and how it scored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from interviewer.models.scores import AnswerScore

SCHEMA_VERSION = 1

Role = Literal["interviewer", "candidate", "system"]
TurnKind = Literal[
    "question",  # a scripted question (interviewer)
    "follow_up",  # a probe into a gap (interviewer)
    "hint",  # a hint (interviewer)
    "hint_refusal",  # the persona declines to give a hint (interviewer)
    "repeat",  # the current question again (interviewer)
    "answer",  # what the candidate said (candidate)
    "command",  # a candidate command such as /skip (candidate)
    "persona_switch",  # a persona change, effective from the next interviewer turn (system)
    "wrap_up",  # the closing words (interviewer)
    "cut_in",  # the interviewer interrupts a draft that runs over time or length (interviewer)
]
Status = Literal["in_progress", "completed"]
Phrasing = Literal["offline", "llm", "fallback"]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Probe(BaseModel):
    """What a follow-up was aimed at, so the same probe is never asked twice."""

    kind: Literal["criterion", "misconception", "metric_why", "scale", "execution", "complexity"]
    criterion_id: str | None = None
    probe_index: int | None = None
    metric: str | None = None
    text: str | None = Field(default=None, description="The probe as the engine chose it, before any phrasing.")


class Turn(BaseModel):
    index: int = Field(ge=0)
    role: Role
    kind: TurnKind
    text: str
    persona: str = Field(description="The persona in effect for this turn.")
    question_id: str | None = None
    at: datetime = Field(default_factory=utc_now)
    probe: Probe | None = None
    score: AnswerScore | None = Field(
        default=None,
        description="On answers: the score of everything said for the question so far.",
    )
    tokens: int | None = Field(default=None, description="Token count of the text, where counted.")
    phrasing: Phrasing | None = Field(
        default=None,
        description="On interviewer turns: who wrote the words; 'fallback' when a model reply was replaced.",
    )
    note: str | None = Field(default=None, description="Why a model reply was replaced, when it was.")


class Backend(BaseModel):
    name: str = "offline"
    model: str | None = None
    base_url: str | None = None

    @property
    def label(self) -> str:
        """How a screen names the backend in use."""
        if self.name == "offline":
            return "Offline interviewer (no model configured)"
        return f"Model {self.model} via {self.name}"


class TokenUsage(BaseModel):
    """Tokens and cost of model calls; the one usage type, from a single call up to a whole interview."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    candidate_tokens: int = 0
    approximate: bool = Field(default=False, description="Some counts were estimated: the server reported none.")
    estimated_cost_usd: float = 0.0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            candidate_tokens=self.candidate_tokens + other.candidate_tokens,
            approximate=self.approximate or other.approximate,
            # Not rounded here: many tiny calls rounded one by one would drift from the true total.
            estimated_cost_usd=self.estimated_cost_usd + other.estimated_cost_usd,
        )


class QuestionResult(BaseModel):
    question_id: str
    skipped: bool
    score: AnswerScore | None
    follow_ups: int
    hints: int


class Report(BaseModel):
    """Written at wrap-up; every number is computed from the turns."""

    overall: float
    answered: int
    skipped: int
    results: list[QuestionResult]
    practise_next: list[str] = Field(default_factory=list)
    question_count: int = Field(default=0, description="Questions in the round; unanswered ones count as level 1.")
    ended_early: bool = Field(default=False, description="The interview ended before every question was reached.")

    @property
    def completion(self) -> str:
        """'ended early, 1 of 7 answered', or '7 of 7 answered, 0 skipped' for an interview run to its end."""
        count = self.question_count or len(self.results)
        if self.ended_early:
            return f"ended early, {self.answered} of {count} answered"
        return f"{self.answered} of {count} answered, {self.skipped} skipped"


class Transcript(BaseModel):
    schema_version: int = SCHEMA_VERSION
    id: str
    round_id: str
    question_ids: list[str] = Field(description="The round's questions when the interview started.")
    persona: str = Field(description="The persona in effect now.")
    status: Status = "in_progress"
    started_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    backend: Backend = Field(default_factory=Backend)
    usage: TokenUsage = Field(default_factory=TokenUsage)
    turns: list[Turn] = Field(default_factory=list)
    report: Report | None = None

    def personas_used(self) -> list[str]:
        seen: list[str] = []
        for turn in self.turns:
            if turn.role == "interviewer" and turn.persona not in seen:
                seen.append(turn.persona)
        return seen


class _ReportOverall(BaseModel):
    overall: float


class _SummaryFields(BaseModel):
    id: str
    round_id: str
    persona: str
    status: Status
    started_at: datetime
    updated_at: datetime


class _SummaryView(_SummaryFields):
    """Reads a transcript file keeping only what a listing shows."""

    report: _ReportOverall | None = None


class TranscriptSummary(_SummaryFields):
    """The few fields `list` needs; small enough to cache for thousands of transcripts."""

    overall: float | None = None

    @classmethod
    def from_json(cls, data: bytes) -> TranscriptSummary:
        view = _SummaryView.model_validate_json(data)
        return cls(**view.model_dump(exclude={"report"}), overall=view.report.overall if view.report else None)
