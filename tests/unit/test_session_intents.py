"""The session's intent API: what the TUI and the plain-terminal mode may ask of an interview."""

from __future__ import annotations

import asyncio

import pytest

from interviewer.offline.brain import OfflineBrain
from interviewer.session import Interviews, InterviewSession, SessionError, TurnAdded


async def opened(interviews: Interviews, persona: str | None = None) -> InterviewSession:
    session = interviews.start("test-round", persona)
    async for _ in session.open():
        pass
    return session


async def drain(events) -> list:
    return [event async for event in events]


@pytest.fixture
def interviews(small_library, store) -> Interviews:
    return Interviews(small_library, store, OfflineBrain())


async def test_a_command_is_recorded_as_the_candidates_turn_and_answered(interviews):
    session = await opened(interviews, "casual")
    events = await drain(session.command("hint"))
    added = [e.turn for e in events if isinstance(e, TurnAdded)]
    assert [(t.role, t.kind, t.text) for t in added[:1]] == [("candidate", "command", "/hint")]
    assert added[-1].kind == "hint"


async def test_a_typed_slash_command_goes_where_its_key_would(interviews):
    typed, keyed = await opened(interviews), await opened(interviews)
    await drain(typed.submit("/skip"))
    await drain(keyed.command("skip"))
    kinds = [[t.kind for t in s.transcript.turns] for s in (typed, keyed)]
    assert kinds[0] == kinds[1] == ["question", "command", "question"]


async def test_tick_cuts_in_once_when_an_interrupting_persona_runs_out_of_time(interviews, small_library):
    small_library.personas["strict"] = small_library.personas["strict"].model_copy(update={"interrupts": True})
    session = await opened(interviews)
    assert session.tick(elapsed_seconds=10, draft="a start") is None
    cut_in = session.tick(elapsed_seconds=5 * 60 + 1, draft="a start")
    assert cut_in is not None and cut_in.turn.kind == "cut_in"
    assert session.tick(elapsed_seconds=999, draft="a start") is None  # once per prompt
    assert interviews.store.load(session.transcript.id).turns[-1].kind == "cut_in"  # saved like any turn


async def test_a_long_code_draft_is_not_cut_in_on_for_length_but_long_prose_is(interviews, small_library):
    small_library.personas["strict"] = small_library.personas["strict"].model_copy(update={"interrupts": True})
    session = await opened(interviews)
    budget = small_library.personas["strict"].answer_budget_tokens
    code = "I would compute it per day:\n```sql\n" + "SELECT day, COUNT(*) FROM events GROUP BY day;\n" * budget + "```"
    assert session.tick(elapsed_seconds=10, draft=code) is None
    cut_in = session.tick(elapsed_seconds=10, draft="and then I would also say that " * budget)
    assert cut_in is not None and cut_in.turn.kind == "cut_in"


async def test_status_is_what_the_side_panel_and_report_show(interviews):
    session = await opened(interviews)
    status = session.status(elapsed_seconds=301, draft="We tracked DAU.")
    assert (status.question_number, status.question_count, status.topic) == (1, 3, "metrics")
    assert status.over_time and status.draft_tokens > 0 and status.answer_kind == "text" and not status.can_run
    assert status.backend.startswith("Offline interviewer")
    await drain(session.submit("We tracked DAU."))
    await drain(session.command("end"))
    final = session.status()
    assert final.finished and final.report is not None
    assert final.answers == {"q1": "We tracked DAU."}


async def test_state_is_derived_once_per_change(interviews):
    session = await opened(interviews)
    assert session.state is session.state
    before = session.state
    await drain(session.command("repeat"))
    assert session.state is not before and session.state.awaiting == "answer"


async def test_run_draft_refuses_a_question_with_nothing_to_run(interviews):
    session = await opened(interviews)
    with pytest.raises(SessionError, match="nothing to run"):
        await session.run_draft("SELECT 1")


class StallingBrain(OfflineBrain):
    """Phrases the first question, then hangs in every later reply, like a model that stops sending."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = asyncio.Event()
        self.closed = False

    async def phrase(self, plan, persona, seed, context):
        if plan.question_number == 1 or plan.kind == "wrap_up":
            async for chunk in super().phrase(plan, persona, seed, context):
                yield chunk
            return
        try:
            yield "Let me"
            self.stalled.set()
            await asyncio.Event().wait()
        finally:
            self.closed = True


async def test_cancel_stops_a_stalled_turn_and_the_interview_can_still_end(small_library, store):
    brain = StallingBrain()
    session = await opened(Interviews(small_library, store, brain))
    turn = asyncio.create_task(drain(session.submit("We tracked DAU.")))
    await brain.stalled.wait()
    assert session.turn_running
    with pytest.raises(SessionError, match="wait for the interviewer"):
        session.switch_persona("casual")
    assert session.cancel()
    with pytest.raises(asyncio.CancelledError):
        await turn
    assert brain.closed and not session.turn_running and not session.cancel()
    await drain(session.command("end"))
    saved = store.load(session.transcript.id)
    assert [t.kind for t in saved.turns] == ["question", "answer", "command", "wrap_up"]
    assert saved.status == "completed" and saved.turns[1].score is not None


async def test_a_turn_waits_for_the_one_in_flight(small_library, store):
    brain = StallingBrain()
    session = await opened(Interviews(small_library, store, brain))
    first = asyncio.create_task(drain(session.submit("We tracked DAU.")))
    await brain.stalled.wait()
    second = asyncio.create_task(drain(session.command("end")))
    await asyncio.sleep(0.05)
    assert not second.done()  # the end waits rather than interleaving with the stalled reply
    session.cancel()
    await asyncio.gather(first, return_exceptions=True)
    await second
    assert session.finished
