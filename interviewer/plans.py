"""What the interviewer should say next, as decided by the engine, before anyone phrases it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from interviewer.models import Probe

PlanKind = Literal["question", "follow_up", "hint", "hint_refusal", "repeat", "wrap_up"]
# What the previous answer was, so the words around a decision fit it; "partial" has only neutral lines.
Situation = Literal["no_answer", "off_point", "term_list", "rambling", "strong", "short", "partial"]


class Plan(BaseModel):
    """A decision plus the facts a phraser needs; the offline phrasing of it is always possible."""

    kind: PlanKind
    question_id: str | None = None
    question_number: int | None = None
    question_count: int | None = None
    prompt: str | None = None  # the scripted question, or the text to repeat
    probe: Probe | None = None
    probe_text: str | None = None  # the rubric's probe, or the generic one
    metric_as_written: str | None = None
    metric_alternative: str | None = None
    hint_text: str | None = None
    acknowledge: bool = False  # the previous answer is finished and deserves a word
    situation: Situation | None = None  # what the previous answer was, when there was one
    cut_in: bool = False  # the previous answer ran long without reaching the point
