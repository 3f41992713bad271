"""The dialogue state machine, driven through a real session with the offline brain."""

from __future__ import annotations

import pytest

from interviewer import engine
from interviewer.session import InterviewSession, Notice, SessionError, TurnAdded
from tests.factories import STRONG


async def play(session: InterviewSession, *texts: str) -> list[TurnAdded]:
    added = []
    for text in texts:
        async for event in session.submit(text):
            if isinstance(event, TurnAdded):
                added.append(event)
    return added


async def started(small_library, brain, store, persona: str | None = None) -> InterviewSession:
    session = InterviewSession.create(small_library, "test-round", persona, brain, store)
    async for _ in session.open():
        pass
    return session


def interviewer_turns(session: InterviewSession):
    return [t for t in session.transcript.turns if t.role == "interviewer"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/hint", engine.Command("hint")),
        ("  /SKIP ", engine.Command("skip")),
        ("/persona casual", engine.Command("persona", "casual")),
        ("/unknown", None),
        ("I would use /hint rarely", None),
        ("/end\nmore text", None),
    ],
)
def test_parse_command(text, expected):
    assert engine.parse_command(text) == expected


async def test_interview_opens_with_the_first_question(small_library, brain, store):
    session = await started(small_library, brain, store)
    first = interviewer_turns(session)[0]
    assert first.kind == "question"
    assert first.question_id == "q1"
    assert "Question 1 of 3" in first.text


async def test_unjustified_metric_gets_a_why_this_metric_follow_up(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, "We looked at DAU and retention on the dashboard.")
    follow_up = interviewer_turns(session)[-1]
    assert follow_up.kind == "follow_up"
    assert follow_up.probe is not None and follow_up.probe.kind == "metric_why"
    assert '"DAU"' in follow_up.text and "WAU" in follow_up.text


async def test_weakest_criterion_is_probed_and_no_probe_repeats(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, "It had charts.", "Still charts.", "More charts.")
    probes = [t.probe for t in interviewer_turns(session) if t.kind == "follow_up"]
    assert len(probes) == 3
    keys = [(p.kind, p.criterion_id, p.probe_index) for p in probes]
    assert len(set(keys)) == 3
    # All levels tie at 1, so the heaviest criterion is the weakest and is probed first.
    assert probes[0].criterion_id == "objective"


async def test_follow_up_budget_is_respected_then_the_next_question_comes(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, "charts", "charts", "charts", "charts")
    turns = interviewer_turns(session)
    assert [t.kind for t in turns] == ["question", "follow_up", "follow_up", "follow_up", "question"]
    assert turns[-1].question_id == "q2"


async def test_casual_persona_asks_at_most_one_follow_up(small_library, brain, store):
    session = await started(small_library, brain, store, persona="casual")
    await play(session, "charts", "charts")
    assert [t.kind for t in interviewer_turns(session)] == ["question", "follow_up", "question"]


async def test_strong_answer_moves_on_without_criterion_probes(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, STRONG)
    turns = interviewer_turns(session)
    assert all(t.probe is None or t.probe.kind != "criterion" for t in turns)


async def test_scale_probe_follows_a_decent_answer_when_the_question_allows_it(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, STRONG)
    last = interviewer_turns(session)[-1]
    assert last.probe is not None and last.probe.kind == "scale"
    assert "10x" in last.text


async def test_long_answer_that_misses_the_point_is_cut_in_on(small_library, brain, store):
    session = await started(small_library, brain, store)
    rambling = "We had a lot of meetings about the dashboard and many people attended them. " * 10
    await play(session, rambling)
    assert interviewer_turns(session)[-1].text.startswith("Let me stop you.")


async def test_strict_persona_refuses_hints(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, "/hint")
    assert interviewer_turns(session)[-1].kind == "hint_refusal"


async def test_casual_persona_gives_scripted_hints_in_order(small_library, brain, store):
    session = await started(small_library, brain, store, persona="casual")
    await play(session, "/hint", "/hint", "/hint")
    hints = [t.text for t in interviewer_turns(session) if t.kind == "hint"]
    assert hints[0].endswith("First hint.") and hints[1].endswith("Second hint.")
    assert "ties metrics to the goal" in hints[2]


async def test_skip_moves_to_the_next_question_and_is_recorded(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, "/skip")
    assert interviewer_turns(session)[-1].question_id == "q2"
    state = session.state
    assert state.questions[0].skipped and not state.questions[0].answered


async def test_repeat_says_the_current_question_again(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, "/repeat")
    assert interviewer_turns(session)[-1].text == "Prompt for q1?"


async def test_end_wraps_up_with_a_report(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, STRONG, "/end")
    assert session.finished
    assert interviewer_turns(session)[-1].kind == "wrap_up"
    report = session.transcript.report
    assert report is not None
    assert report.answered == 1
    # The two questions never reached count as not answered (level 1), so ending early cannot pay.
    assert report.overall == round((session.state.questions[0].score.overall + 1 + 1) / 3, 2)
    assert report.ended_early and report.completion == "ended early, 1 of 3 answered"


async def test_answering_every_question_completes_the_interview(small_library, brain, store):
    session = await started(small_library, brain, store, persona="casual")
    for _ in range(3):
        await play(session, STRONG)
        while not session.finished and interviewer_turns(session)[-1].kind == "follow_up":
            await play(session, STRONG)
    assert session.finished
    assert session.transcript.report.answered == 3


async def test_persona_switch_applies_from_the_next_interviewer_turn(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, "/persona casual")
    switch = session.transcript.turns[-1]
    assert switch.kind == "persona_switch" and switch.role == "system"
    await play(session, "/hint")
    last = interviewer_turns(session)[-1]
    assert last.persona == "casual" and last.kind == "hint"
    assert interviewer_turns(session)[0].persona == "strict"
    assert session.transcript.personas_used() == ["strict", "casual"]


async def test_switching_to_an_unknown_persona_is_refused(small_library, brain, store):
    session = await started(small_library, brain, store)
    with pytest.raises(SessionError, match="unknown persona 'nobody'"):
        await play(session, "/persona nobody")


async def test_switching_to_the_current_persona_is_a_notice(small_library, brain, store):
    session = await started(small_library, brain, store)
    events = [e async for e in session.submit("/persona strict")]
    assert isinstance(events[0], Notice)


async def test_follow_up_scores_cover_everything_said_for_the_question(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, "It had charts.", STRONG)
    answers = [t for t in session.transcript.turns if t.kind == "answer"]
    assert answers[1].score.overall > answers[0].score.overall


async def test_interrupting_persona_cuts_in_once_on_time_or_length(small_library, brain, store):
    persona = small_library.personas["strict"].model_copy(update={"interrupts": True})
    session = await started(small_library, brain, store)
    state = session.state
    assert engine.live_cut_in(state, persona, elapsed_seconds=10, time_limit_minutes=5, draft_tokens=10) is None
    assert engine.live_cut_in(state, persona, elapsed_seconds=301, time_limit_minutes=5, draft_tokens=10) == "time"
    assert engine.live_cut_in(state, persona, elapsed_seconds=10, time_limit_minutes=5, draft_tokens=121) == "length"
    session.cut_in("time")
    after = session.state
    assert after.awaiting == "answer" and after.current_question.question_id == "q1"
    assert engine.live_cut_in(after, persona, elapsed_seconds=999, time_limit_minutes=5, draft_tokens=999) is None
    await play(session, "/repeat")
    assert engine.live_cut_in(session.state, persona, 999, 5, 10) == "time"


async def test_a_persona_that_does_not_interrupt_never_cuts_in(small_library, brain, store):
    session = await started(small_library, brain, store)
    casual = small_library.personas["casual"]
    assert engine.live_cut_in(session.state, casual, 10_000, 5, 10_000) is None


def test_drafts_survive_and_clear(tmp_path):
    from interviewer.drafts import DraftStore

    drafts = DraftStore(tmp_path / "drafts")
    drafts.save("t1", "half an answer")
    assert DraftStore(tmp_path / "drafts").load("t1") == "half an answer"
    drafts.save("t1", "   ")
    assert drafts.load("t1") == ""
