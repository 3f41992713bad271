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


def make_criterion(criterion_id: str, signals: Signals, **overrides: Any) -> Criterion:
    """A criterion with placeholder text: what a test varies is its signals."""
    fields: dict[str, Any] = {
        "id": criterion_id,
        "description": f"The {criterion_id} criterion.",
        "weight": 1.0,
        "levels": LEVELS,
        "probes": [f"{criterion_id} probe one?", f"{criterion_id} probe two?"],
        "signals": signals,
    }
    fields.update(overrides)
    return Criterion(**fields)


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


def make_code_question(kind: str = "python") -> Question:
    """A coding question with a fixture, for tests that run answers."""
    from interviewer.models.content import Execution, PythonCase, PythonExecution, SqlExecution

    if kind == "python":
        execution = Execution(
            criterion="correctness",
            python=PythonExecution(
                signature="def can_jump(nums: list[int]) -> bool:",
                cases=[
                    PythonCase(call="can_jump([2, 3, 1, 1, 4])", expected=True),
                    PythonCase(call="can_jump([3, 2, 1, 0, 4])", expected=False),
                    PythonCase(call="can_jump([0])", expected=True, hidden=True),
                    PythonCase(call="can_jump([1, 0, 1])", expected=False, hidden=True),
                ],
            ),
        )
    else:
        execution = Execution(
            criterion="correctness",
            sql=SqlExecution(
                setup=(
                    "CREATE TABLE users (user_id INTEGER, created_at TEXT);"
                    "CREATE TABLE posts (post_id INTEGER, user_id INTEGER, created_at TEXT);"
                    "INSERT INTO users VALUES (1, '2024-01-01 09:00:00'), (7, '2024-01-01 23:50:00'),"
                    " (9, '2024-01-02 10:00:00');"
                    "INSERT INTO posts VALUES (1, 1, '2024-01-01 10:00:00'), (2, 7, '2024-01-01 23:55:00'),"
                    " (3, 7, '2024-01-01 23:59:00'), (4, 9, '2024-01-03 08:00:00');"
                ),
                reference=(
                    "SELECT COUNT(DISTINCT u.user_id) FROM users u JOIN posts p ON u.user_id = p.user_id "
                    "WHERE DATE(u.created_at) = DATE(p.created_at)"
                ),
            ),
        )
    criteria = [
        Criterion(
            id="correctness",
            description="Produces the right result.",
            weight=0.5,
            levels=LEVELS,
            probes=["Does it handle every case?", "What inputs break it?"],
            signals=Signals(patterns=[r"def\s+can_jump" if kind == "python" else r"count\s*\(\s*distinct"]),
        ),
        Criterion(
            id="explanation",
            description="Explains the approach.",
            weight=0.5,
            levels=LEVELS,
            probes=["Why does this work?", "What did you consider instead?"],
            signals=Signals(concepts=[["greedy", "distinct"], ["because"]]),
        ),
    ]
    return make_question(f"code-{kind}", answer_kind=kind, criteria=criteria, execution=execution, probe_kinds=[])


STRONG = (
    "The business goal was engaged viewing, so every metric had to support a decision about it. "
    "If that objective changed, the decision would change and so would the metrics, for example revenue. "
    "I chose DAU rather than monthly actives because people use the product daily. "
    "Retention matters because it shows whether the value lasts, for example D7 retention of new users. "
    "A guardrail on report rate exists so that clickbait cannot inflate engagement without us seeing it. "
    "The guardrail matters because gaming a single number is easy when teams are rewarded for it."
)

GOOD_JUMP = """
def can_jump(nums):
    farthest = 0
    for i, step in enumerate(nums):
        if i > farthest:
            return False
        farthest = max(farthest, i + step)
    return True
"""


def code_library(question) -> Library:
    round_ = Round(id="code-round", title="Code", description="Code.", default_persona="strict",
                   questions=[question.id])  # fmt: skip
    question = question.model_copy(update={"round": "code-round"})
    return Library(personas={"strict": make_persona()}, questions={question.id: question}, rounds={round_.id: round_})
