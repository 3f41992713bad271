"""Scores: per-criterion levels with evidence, and the overall computed from weights."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, computed_field

ScoreSource = Literal["offline", "llm", "fallback"]


class CriterionScore(BaseModel):
    """One criterion's level, why, and the words from the answer that show it."""

    criterion_id: str
    weight: float = Field(gt=0.0)
    level: int = Field(ge=1, le=5)
    rationale: str
    evidence: list[str] = Field(default_factory=list, description="Verbatim quotes from the answer.")
    source: ScoreSource = "offline"
    evidence_dropped: int = Field(default=0, description="Quotes a model gave that are not in the answer.")


class AnswerScore(BaseModel):
    """The score of everything a candidate said for one question."""

    question_id: str
    criteria: list[CriterionScore]
    source: ScoreSource = "offline"
    fallback_reason: str | None = None
    flags: list[str] = Field(
        default_factory=list,
        description=(
            "Notes on the answer: 'no_answer', 'off_topic', 'keyword_list', 'grader_instruction', 'quotes_dropped'."
        ),
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def overall(self) -> float:
        """Weighted mean of criterion levels on the 1-5 scale, computed here and never by a model."""
        total_weight = sum(c.weight for c in self.criteria)
        if total_weight <= 0:
            return 1.0
        return round(sum(c.weight * c.level for c in self.criteria) / total_weight, 2)

    def weakest(self) -> CriterionScore | None:
        """Lowest level first; among equals, the heavier criterion matters more."""
        if not self.criteria:
            return None
        return min(self.criteria, key=lambda c: (c.level, -c.weight))
