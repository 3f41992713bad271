"""Graded example answers and how well the offline scorer orders them."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from interviewer.content import Library
from interviewer.offline.scorer import score_answer

# Tiers that must come out in this order; the last two are capped instead.
ORDERED_TIERS = ("strong", "partial", "weak")
CAPPED_TIERS = {"keyword_list": 2.0, "off_topic": 2.0}


class CalibrationAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid")
    strong: str
    partial: str
    weak: str
    keyword_list: str
    off_topic: str


class CalibrationSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    answers: CalibrationAnswers


class CalibrationResult(BaseModel):
    question: str
    scores: dict[str, float]
    ordered_pairs: int
    concordant_pairs: int
    caps_met: int
    caps_total: int

    @property
    def passed(self) -> bool:
        return self.concordant_pairs == self.ordered_pairs and self.caps_met == self.caps_total


def load_sets(folder: Path) -> list[CalibrationSet]:
    return [
        CalibrationSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted(folder.glob("*.yaml"))
    ]


def evaluate(library: Library, calibration: CalibrationSet) -> CalibrationResult:
    question = library.question(calibration.question)
    answers = calibration.answers.model_dump()
    scores = {tier: score_answer(question, text).overall for tier, text in answers.items()}
    pairs = [(a, b) for i, a in enumerate(ORDERED_TIERS) for b in ORDERED_TIERS[i + 1 :]]
    return CalibrationResult(
        question=calibration.question,
        scores=scores,
        ordered_pairs=len(pairs),
        concordant_pairs=sum(1 for a, b in pairs if scores[a] > scores[b]),
        caps_met=sum(1 for tier, cap in CAPPED_TIERS.items() if scores[tier] <= cap),
        caps_total=len(CAPPED_TIERS),
    )
