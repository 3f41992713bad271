"""`check` warns when a criterion expects what another question of the same round asks."""

from __future__ import annotations

from interviewer.content.lint import lint
from interviewer.models import Criterion, Signals
from tests.factories import LEVELS, make_library


def _with_idea(phrases: list[str], next_topic: str):
    library = make_library(question_count=2)
    first, second = library.questions["q1"], library.questions["q2"]
    extra = Criterion(
        id="extra",
        description="Something more.",
        weight=0.2,
        levels=LEVELS,
        probes=["One?", "Two?"],
        signals=Signals(concepts=[phrases]),
    )
    library.questions["q1"] = first.model_copy(update={"criteria": [*first.criteria, extra]})
    library.questions["q2"] = second.model_copy(update={"topic": next_topic})
    return library


def _shared(library) -> list[str]:
    return [p.message for p in lint(library) if "another question asks" in p.message]


def test_an_idea_that_is_another_questions_topic_is_warned_about():
    library = _with_idea(["goal changes", "metrics change"], "Metrics when the goal changes")
    [message] = _shared(library)
    assert "'goal changes'" in message
    assert "'q2'" in message
    problem = next(p for p in lint(library) if "another question asks" in p.message)
    assert problem.severity == "warning"


def test_inflected_forms_of_the_topic_are_caught_too():
    library = _with_idea(["overlapping session"], "Overlapping sessions")
    assert len(_shared(library)) == 1


def test_single_words_and_unrelated_ideas_pass():
    assert _shared(_with_idea(["goal", "retention"], "Metrics when the goal changes")) == []
    assert _shared(_with_idea(["guardrail metric"], "Metrics when the goal changes")) == []


def test_an_idea_the_question_itself_asks_about_passes():
    library = _with_idea(["goal changes"], "Metrics when the goal changes")
    q1 = library.questions["q1"]
    library.questions["q1"] = q1.model_copy(update={"prompt": "What if the goal changes halfway through?"})
    assert _shared(library) == []


def test_the_dashboard_question_no_longer_expects_the_next_questions_topic(builtin_library):
    warned = [p for p in lint(builtin_library) if "another question asks" in p.message]
    assert not [p for p in warned if p.path is not None and p.path.stem.startswith("ds1-")]
