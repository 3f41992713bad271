"""Scores: per-criterion levels with evidence, and the overall computed from weights."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

ScoreSource = Literal["offline", "llm", "fallback", "execution"]


class CriterionScore(BaseModel):
    """One criterion's level, why, and the words from the answer that show it."""

    criterion_id: str
    weight: float = Field(gt=0.0)
    level: int = Field(ge=1, le=5)
    rationale: str
    evidence: list[str] = Field(default_factory=list, description="Verbatim quotes from the answer.")
    source: ScoreSource = "offline"
    evidence_dropped: int = Field(default=0, description="Quotes a model gave that are not in the answer.")
    errors: list[str] = Field(
        default_factory=list,
        description="Known wrong claims the answer states here, as the rubric names them.",
    )


class CaseOutcome(BaseModel):
    call: str  # "hidden case 3" for hidden cases
    passed: bool
    got: str | None = None
    expected: str | None = None
    error: str | None = None


class RunResult(BaseModel):
    """What happened when the answer was run: the facts behind a 'correct result' criterion."""

    kind: Literal["sql", "python"]
    status: Literal["passed", "failed", "error", "no_code", "timeout", "limit", "unavailable"]
    summary: str = Field(description="One line, like a test runner's.")
    passed: int = 0
    total: int = 0
    cases: list[CaseOutcome] = Field(default_factory=list)
    constant_passes: int = Field(
        default=0,
        description="Cases an answer returning one constant value would pass; partial credit starts above it.",
    )
    rows: list[list[Any]] | None = Field(default=None, description="SQL: the first rows the query returned.")
    first_difference: str | None = None
    follow_up: str | None = Field(default=None, description="A precise question about what went wrong.")
    code: str | None = Field(default=None, description="The query or function that ran, as the candidate wrote it.")
    reply: int | None = Field(default=None, description="Which reply of the thread held that code, from 0.")

    @property
    def ok(self) -> bool:
        return self.status == "passed"


class AnswerScore(BaseModel):
    """The score of everything a candidate said for one question."""

    question_id: str
    criteria: list[CriterionScore]
    source: ScoreSource = "offline"
    fallback_reason: str | None = None
    run: RunResult | None = Field(default=None, description="The outcome of running the answer, if it was run.")
    versions: list[RunResult] = Field(
        default_factory=list,
        description="Each version of the code in the thread with its run, oldest first; the last is `run`.",
    )
    flags: list[str] = Field(
        default_factory=list,
        description=(
            "Notes on the answer: 'no_answer', 'off_topic', 'keyword_list', 'misconception' (states a known wrong "
            "claim), 'grader_instruction', 'quotes_dropped', 'truncated' (only the first 100,000 characters were "
            "scored)."
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
