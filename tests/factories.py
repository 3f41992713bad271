"""Small, fixed content for tests that must not change when the built-in bank is edited."""

from __future__ import annotations

from typing import Any

from interviewer.content import Library
from interviewer.models import Criterion, LLMSettings, Persona, PersonaTone, Question, Round, Signals

LEVELS = {1: "Nothing relevant.", 2: "Names it.", 3: "Explains some.", 4: "Explains most.", 5: "Explains all."}


def make_persona(persona_id: str = "strict", **overrides: Any) -> Persona:
    fields: dict[str, Any] = {
        "id": persona_id,
        "name": persona_id.title(),
        "description": "test persona",
        "follow_up_budget": 3,
        "probe_threshold": 4.0,
        "hint_policy": "never",
        "answer_budget_tokens": 60,
        "tone": PersonaTone(
            acknowledgements=["Okay."],
            follow_up_openers=["Push:"],
            cut_ins=["Let me stop you."],
            transitions=["Next."],
            hint_openers=["Hint:"],
            hint_refusals=["No hints."],
            closings=["Done."],
        ),
        "llm": LLMSettings(system_prompt="Be an interviewer."),
    }
    fields.update(overrides)
    return Persona(**fields)


def make_question(question_id: str = "q-metrics", **overrides: Any) -> Question:
    fields: dict[str, Any] = {
        "id": question_id,
        "round": "test-round",
        "topic": "metrics",
        "prompt": f"Prompt for {question_id}?",
        "competencies": ["metrics"],
        "time_limit_minutes": 5,
        "reference_answer": "A reference.",
        "hints": ["First hint.", "Second hint."],
        "probe_kinds": ["metric_why", "scale"],
        "criteria": [
            Criterion(
                id="objective",
                description="Ties metrics to the goal.",
                weight=0.5,
                levels=LEVELS,
                probes=["Objective probe one?", "Objective probe two?"],
                signals=Signals(concepts=[["business goal", "objective"], ["decision"]], enough=2),
            ),
            Criterion(
                id="justification",
                description="Justifies each metric.",
                weight=0.3,
                levels=LEVELS,
                probes=["Justification probe one?", "Justification probe two?"],
                signals=Signals(concepts=[["dau", "daily active users"], ["retention"], ["rather than"]], enough=3),
            ),
            Criterion(
                id="guardrails",
                description="Adds guardrails.",
                weight=0.2,
                levels=LEVELS,
                probes=["Guardrail probe one?", "Guardrail probe two?"],
                signals=Signals(concepts=[["guardrail"], ["clickbait", "gaming"]], enough=2),
            ),
        ],
    }
    fields.update(overrides)
    return Question(**fields)


def make_library(question_count: int = 3) -> Library:
    questions = [make_question(f"q{i}") for i in range(1, question_count + 1)]
    round_ = Round(
        id="test-round",
        title="Test round",
        description="For tests.",
        default_persona="strict",
        questions=[q.id for q in questions],
    )
    casual = make_persona(
        "casual", follow_up_budget=1, probe_threshold=3.0, hint_policy="on_request", answer_budget_tokens=600
    )
    return Library(
        personas={"strict": make_persona(), "casual": casual},
        questions={q.id: q for q in questions},
        rounds={round_.id: round_},
    )
