"""Shapes of the JSON the command line prints, so scripts can rely on them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from interviewer.models.content import AnswerKind
from interviewer.models.fallbacks import FallbackSummary
from interviewer.models.transcript import Report, Status


class QuestionInfo(BaseModel):
    id: str
    round: str
    topic: str
    answer_kind: AnswerKind
    competencies: list[str]
    time_limit_minutes: float


class RunResult(BaseModel):
    transcript_id: str
    path: str
    status: Status
    answers_used: int
    answers_left: int
    report: Report | None
    fallbacks: FallbackSummary | None = None  # None when no model was used


class ListEntry(BaseModel):
    id: str
    started_at: datetime
    round_id: str
    persona: str
    status: Status
    overall: float | None
