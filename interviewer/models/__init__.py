"""Pydantic models shared by every layer; nothing here does I/O."""

from interviewer.models.content import (
    AnswerKind,
    Criterion,
    LLMSettings,
    Misconception,
    Persona,
    PersonaTone,
    ProbeKind,
    Question,
    Round,
    Signals,
)
from interviewer.models.scores import AnswerScore, CriterionScore, ScoreSource
from interviewer.models.transcript import (
    SCHEMA_VERSION,
    Backend,
    Probe,
    QuestionResult,
    Report,
    TokenUsage,
    Transcript,
    TranscriptSummary,
    Turn,
)

__all__ = [
    "SCHEMA_VERSION",
    "AnswerKind",
    "AnswerScore",
    "Backend",
    "Criterion",
    "CriterionScore",
    "LLMSettings",
    "Misconception",
    "Persona",
    "PersonaTone",
    "Probe",
    "ProbeKind",
    "Question",
    "QuestionResult",
    "Report",
    "Round",
    "ScoreSource",
    "Signals",
    "TokenUsage",
    "Transcript",
    "TranscriptSummary",
    "Turn",
]
