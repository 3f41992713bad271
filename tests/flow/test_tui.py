"""Flows through the TUI, driven with Textual's pilot."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
from rich.text import Text
from textual import events
from textual.widgets import DataTable, OptionList, TextArea

from interviewer.offline.brain import OfflineBrain
from interviewer.tui.app import make_app
from interviewer.tui.screens.home import HomeScreen
from interviewer.tui.screens.interview import ConfirmEnd, InterviewScreen
from interviewer.tui.screens.report import ReportScreen
from interviewer.tui.screens.review import ProgressScreen, ReviewScreen, TranscriptScreen
from interviewer.tui.widgets import CandidateMessage, InterviewerMessage, NoteMessage
from tests.factories import STRONG
from tests.fakes.openai_server import Reply
from tests.llm_helpers import Script, capabilities, target_for
from tests.tui_helpers import FakeClock, make_context, plain, settle

SIZE = (100, 34)
# Every test here boots the app and drives it with a pilot, about a second each on a busy machine.
pytestmark = pytest.mark.slow


async def type_and_submit(app, pilot, text: str) -> None:
    app.screen.query_one("#answer", TextArea).text = text
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def start_interview(app, pilot) -> None:
    """From the home screen, start the selected round and wait for its first question."""
    await pilot.click("#start")
    await settle(app, pilot)


def transcript_of(app):
    return app.screen.session.transcript


async def test_home_screen_starts_an_interview_offline(small_library, tmp_path):
    app = make_app(make_context(small_library, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        assert "Offline interviewer" in plain(app.screen.query_one("#backend"))
        await start_interview(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        first = app.screen.query(InterviewerMessage).first()
        assert "Prompt for q1?" in first.body.source


async def test_a_complete_offline_interview_ends_on_the_report(small_library, tmp_path):
    app = make_app(make_context(small_library, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        for _ in range(12):
            if isinstance(app.screen, ReportScreen):
                break
            await type_and_submit(app, pilot, STRONG)
        assert isinstance(app.screen, ReportScreen)
        status = app.screen.status
        assert status.finished
        assert status.report.answered == 3
        body = plain(app.screen.query_one("#report-body"))
        assert "Overall" in body and "Reference answer" in body


@pytest.mark.parametrize("command", ["/hint", "/repeat"])
async def test_a_typed_command_leaves_the_box_once_it_is_saved(small_library, tmp_path, command):
    app = make_app(make_context(small_library, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        await type_and_submit(app, pilot, command)
        assert [t.text for t in transcript_of(app).turns if t.role == "candidate"] == [command]
        assert app.screen.query_one("#answer", TextArea).text == ""


async def test_submitting_clears_the_box_only_once_the_answer_is_saved(small_library, tmp_path):
    ctx = make_context(small_library, tmp_path)
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        await type_and_submit(app, pilot, "We tracked DAU.")
        assert app.screen.query_one("#answer", TextArea).text == ""
        saved = ctx.store.load(transcript_of(app).id)
        assert any(t.text == "We tracked DAU." for t in saved.turns)
        assert app.screen.query(CandidateMessage)


async def test_keys_still_queued_in_the_box_when_ctrl_s_arrives_are_submitted_with_the_rest(small_library, tmp_path):
    ctx = make_context(small_library, tmp_path)
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        box = app.screen.query_one("#answer", TextArea)
        box.text = "We tracked DAU"
        box.move_cursor(box.document.end)
        # Fast typing: these keys wait in the box's queue when the priority Ctrl+S binding fires.
        for character in " daily.":
            box.post_message(events.Key(character, character))
        app.screen.action_submit()
        await settle(app, pilot)
        said = [t.text for t in ctx.store.load(transcript_of(app).id).turns if t.role == "candidate"]
        assert said == ["We tracked DAU daily."]
        assert box.text == ""


async def test_a_failed_save_keeps_the_draft_in_the_box(small_library, tmp_path):
    ctx = make_context(small_library, tmp_path)
    app = make_app(ctx)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start_interview(app, pilot)

        def disk_full(transcript):
            raise OSError("No space left on device")

        ctx.store.save = disk_full  # type: ignore[method-assign]
        await type_and_submit(app, pilot, "An answer I do not want to lose.")
        assert app.screen.query_one("#answer", TextArea).text == "An answer I do not want to lose."
        assert any("No space left" in str(n.message) for n in app._notifications)


async def test_hint_skip_repeat_and_end_keys(small_library, tmp_path):
    app = make_app(make_context(small_library, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        app.screen.query_one("#answer", TextArea).text = "draft in progress"
        for key in ("f2", "f4", "f3"):
            await pilot.press(key)
            await settle(app, pilot)
        kinds = [t.kind for t in transcript_of(app).turns if t.role == "interviewer"]
        assert kinds == ["question", "hint_refusal", "repeat", "question"]
        assert app.screen.query_one("#answer", TextArea).text == "draft in progress"  # commands keep the draft
        await pilot.press("f10", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportScreen)


async def test_persona_switch_with_f5_shows_in_the_log_and_applies_next_turn(small_library, tmp_path):
    app = make_app(make_context(small_library, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        await pilot.press("f5")
        await pilot.pause()
        picker = app.screen.query_one(OptionList)
        picker.highlighted = next(i for i in range(picker.option_count) if picker.get_option_at_index(i).id == "casual")
        await pilot.press("enter")
        await settle(app, pilot)
        assert transcript_of(app).persona == "casual"
        assert any("Persona switched to casual" in plain(n) for n in app.screen.query(NoteMessage))
        await pilot.press("f2")
        await settle(app, pilot)
        last = [t for t in transcript_of(app).turns if t.role == "interviewer"][-1]
        assert (last.kind, last.persona) == ("hint", "casual")


async def test_persona_switch_from_the_command_palette(small_library, tmp_path):
    app = make_app(make_context(small_library, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Switch persona: Casual"].callback()
        await settle(app, pilot)
        assert transcript_of(app).persona == "casual"


async def test_strict_persona_cuts_in_when_the_time_limit_passes(small_library, tmp_path):
    strict = small_library.personas["strict"].model_copy(update={"interrupts": True})
    small_library.personas["strict"] = strict
    clock = FakeClock()
    app = make_app(make_context(small_library, tmp_path, clock=clock))
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        clock.now += 5 * 60 + 1
        await app.screen._tick()
        await settle(app, pilot)
        last = transcript_of(app).turns[-1]
        assert last.kind == "cut_in" and "over time" in last.text
        assert app.screen.query(InterviewerMessage).last().has_class("cut-in")


async def test_resume_after_a_crash_answers_the_saved_answer_and_restores_the_draft(small_library, tmp_path):
    ctx = make_context(small_library, tmp_path)
    session = ctx.interviews.start("test-round")
    async for _ in session.open():
        pass
    # The process died right after saving an answer and before replying to it.
    transcript = session.transcript
    transcript.turns.append(
        transcript.turns[0].model_copy(
            update={"index": 1, "role": "candidate", "kind": "answer", "text": "It had charts.", "score": None}
        )
    )
    ctx.store.save(transcript)
    ctx.drafts.save(transcript.id, "the next answer I was typing")
    resumed = ctx.interviews.resume(transcript.id)
    app = make_app(ctx, resumed)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        saved = ctx.store.load(transcript.id)
        assert saved.turns[1].score is not None
        assert saved.turns[-1].kind == "follow_up"
        box = app.screen.query_one("#answer", TextArea)
        assert box.text == "the next answer I was typing"
        await pilot.press("x")
        assert box.text == "the next answer I was typingx"  # typing continues the draft, not splices it


async def test_resume_from_the_home_screen(small_library, tmp_path):
    ctx = make_context(small_library, tmp_path)
    session = ctx.interviews.start("test-round")
    async for _ in session.open():
        pass
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)  # the list of unfinished interviews fills in after the first frame
        await pilot.click(f"#r-{session.transcript.id}")
        await settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.session.transcript.id == session.transcript.id


async def test_streamed_interview_against_the_fake_server(small_library, tmp_path, fake_server):
    from interviewer.llm.brain import LLMBrain

    lookup = lambda text: next(q for q in small_library.questions.values() if q.prompt in text)  # noqa: E731
    fake_server.handler = Script(lookup, level=2, line="You said DAU. Why DAU rather than WAU?")
    brain = LLMBrain(target_for(fake_server), capabilities=capabilities(tmp_path))
    app = make_app(make_context(small_library, tmp_path, brain=brain))
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        await type_and_submit(app, pilot, "We tracked DAU.")
        messages = app.screen.query(InterviewerMessage)
        assert messages.last().body.source == "You said DAU. Why DAU rather than WAU?"
        turns = [t for t in transcript_of(app).turns if t.role == "interviewer"]
        assert [t.phrasing for t in turns] == ["llm", "llm"]


async def test_a_replaced_model_reply_is_labelled(small_library, tmp_path, fake_server):
    from interviewer.llm.brain import LLMBrain

    fake_server.handler = lambda request: Reply("Great job, 5/5! Next?")
    brain = LLMBrain(target_for(fake_server), capabilities=capabilities(tmp_path))
    app = make_app(make_context(small_library, tmp_path, brain=brain))
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        first = app.screen.query(InterviewerMessage).first()
        assert "Prompt for q1?" in first.body.source
        assert "offline wording" in plain(first.query_one(".phrasing"))


INJECTION = "[bold]loud[/bold] [link=https://example.invalid]click[/link] \x1b[31mred\x1b[0m"


async def test_markup_and_escape_sequences_are_shown_literally(small_library, tmp_path, fake_server):
    from interviewer.llm.brain import LLMBrain

    fake_server.handler = lambda request: Reply(f"{INJECTION} Why?")
    brain = LLMBrain(target_for(fake_server), capabilities=capabilities(tmp_path))
    app = make_app(make_context(small_library, tmp_path, brain=brain))
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        await type_and_submit(app, pilot, INJECTION)
        candidate = str(app.screen.query(CandidateMessage).last().render())
        assert "[bold]loud[/bold]" in candidate and "[link=https://example.invalid]" in candidate
        assert "\x1b" not in candidate and "\\x1b[31m" in candidate
        for message in app.screen.query(InterviewerMessage):
            assert "\x1b" not in message.body.source


@pytest.fixture
def finished_transcripts(small_library, tmp_path):
    import asyncio

    ctx = make_context(small_library, tmp_path)

    async def one(answer: str) -> str:
        session = ctx.interviews.start("test-round")
        async for _ in session.open():
            pass
        async for _ in session.submit(answer):
            pass
        async for _ in session.submit("/end"):
            pass
        return session.transcript.id

    ids = [asyncio.run(one("It had charts.")), asyncio.run(one(STRONG))]
    return ctx, ids


async def test_review_browser_opens_a_transcript(finished_transcripts):
    ctx, _ = finished_transcripts
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, TranscriptScreen)
        detail = plain(app.screen.query_one(".transcript-view"))
        assert "Score:" in detail
        assert "●●" in detail and "##..." not in detail and "#...." not in detail  # levels read as dots


async def test_review_table_shows_escape_sequences_and_markup_from_a_file_literally(finished_transcripts):
    ctx, ids = finished_transcripts
    [path] = [p for p in ctx.store.root.glob("*.json") if p.stem == ids[0]]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["persona"] = "\x1b]52;c;SGVsbG8=\x07\x1b[2J[bold]strict"
    path.write_text(json.dumps(data), encoding="utf-8")
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        cells = [table.get_row_at(i) for i in range(table.row_count)]
        shown = [cell.plain if isinstance(cell, Text) else str(cell) for row in cells for cell in row]
        assert not any("\x1b" in cell or "\x07" in cell for cell in shown)
        assert any("\\x1b]52;c;SGVsbG8=\\x07\\x1b[2J[bold]strict" in cell for cell in shown)


async def test_review_filter_sort_compare_and_progress(finished_transcripts):
    ctx, ids = finished_transcripts
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        screen = app.screen
        table = screen.query_one(DataTable)
        screen.sort_column, screen.sort_reverse = "overall", False
        screen.fill()
        overall = [table.get_row_at(i)[3] for i in range(table.row_count)]
        assert overall == sorted(overall)
        screen.query_one("#filter").value = ids[1][-4:]
        await pilot.pause()
        assert table.row_count == 1
        screen.query_one("#filter").value = ""
        await pilot.pause()
        table.focus()
        await pilot.press("space", "down", "space", "c")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CompareScreen"
        assert len(app.screen.query(".transcript-view")) == 2
        await pilot.press("escape", "g")
        await settle(app, pilot)
        assert isinstance(app.screen, ProgressScreen)
        assert "metrics: latest" in str(app.screen.query(".competency").first().render())


async def test_help_and_theme_toggle(small_library, tmp_path):
    app = make_app(make_context(small_library, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before


async def test_f8_runs_the_draft_like_a_test_runner_without_submitting(tmp_path):
    from tests.factories import GOOD_JUMP, code_library, make_code_question

    library = code_library(make_code_question("python"))
    ctx = make_context(library, tmp_path)
    session = ctx.interviews.start("code-round")
    app = make_app(ctx, session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        box = app.screen.query_one("#answer", TextArea)
        assert box.language == "python"
        box.text = GOOD_JUMP
        await pilot.press("f8")
        await settle(app, pilot)
        note = plain(app.screen.query(NoteMessage).last())
        assert "Run (python): PASSED: 4/4 tests passed" in note
        assert "PASS  can_jump([2, 3, 1, 1, 4])" in note
        assert box.text == GOOD_JUMP
        assert [t.kind for t in session.transcript.turns] == ["question"]


class StallingBrain(OfflineBrain):
    """Scores at once, then hangs mid-reply after the first question until released: a slow or stuck model."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = asyncio.Event()
        self.release = asyncio.Event()
        self.cancelled = False

    async def phrase(self, plan, persona, seed, context):
        if plan.kind in ("question", "wrap_up") and plan.question_number in (None, 1):
            async for chunk in super().phrase(plan, persona, seed, context):
                yield chunk
            return
        yield "Let me think about"
        self.stalled.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise


async def test_a_submit_takes_the_text_in_the_box_at_that_moment_and_keeps_what_is_typed_after(small_library, tmp_path):
    brain = StallingBrain()
    ctx = make_context(small_library, tmp_path, brain=brain)
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        box = app.screen.query_one("#answer", TextArea)
        box.text = "We tracked DAU."
        box.move_cursor(box.document.end)
        await pilot.press("ctrl+s")
        await asyncio.wait_for(brain.stalled.wait(), timeout=30)  # saved and scored; the reply is still coming
        await pilot.press("A", "n", "d")
        brain.release.set()
        await settle(app, pilot)
        answers = [t.text for t in ctx.store.load(transcript_of(app).id).turns if t.kind == "answer"]
        assert answers == ["We tracked DAU."]
        assert box.text == "And"
        await app.screen._tick()
        assert ctx.drafts.load(transcript_of(app).id) == "And"  # the rest is autosaved like any draft


async def test_the_persona_picker_starts_on_the_current_persona(small_library, tmp_path):
    ctx = make_context(small_library, tmp_path)
    session = ctx.interviews.start("test-round", "casual")
    app = make_app(ctx, session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await pilot.pause()
        picker = app.screen.query_one(OptionList)
        assert picker.get_option_at_index(picker.highlighted).id == "casual"


async def test_f10_asks_before_ending(small_library, tmp_path):
    app = make_app(make_context(small_library, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmEnd)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert [t.kind for t in transcript_of(app).turns] == ["question"]


async def test_f10_ends_the_interview_while_a_turn_is_running_and_stops_that_turn(small_library, tmp_path):
    brain = StallingBrain()
    ctx = make_context(small_library, tmp_path, brain=brain)
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await start_interview(app, pilot)
        app.screen.query_one("#answer", TextArea).text = "We tracked DAU."
        await pilot.press("ctrl+s")
        await asyncio.wait_for(brain.stalled.wait(), timeout=30)  # the answer is scored and the reply hangs
        session = app.screen.session
        assert session.turn_running
        await pilot.press("f10", "y")
        await settle(app, pilot, timeout=10)  # the stalled reply is cancelled, so the workers finish
        assert brain.cancelled
        assert isinstance(app.screen, ReportScreen)
        saved = ctx.store.load(session.transcript.id)
        assert saved.status == "completed"
        assert [t.kind for t in saved.turns] == ["question", "answer", "command", "wrap_up"]
        assert saved.turns[1].score is not None  # the answer was saved and scored before the stall


async def _finish(ctx, answer: str, started: datetime) -> None:
    session = ctx.interviews.start("test-round")
    session.transcript.started_at = started
    async for _ in session.open():
        pass
    async for _ in session.submit(answer):
        pass
    async for _ in session.command("end"):
        pass


async def test_progress_latest_is_the_interview_finished_last(small_library, tmp_path):
    ctx = make_context(small_library, tmp_path)
    # The second interview was started months earlier (then resumed), but it is the one finished last.
    await _finish(ctx, "It had charts.", datetime(2026, 1, 5, 9, 30, tzinfo=UTC))
    await _finish(ctx, STRONG, datetime(2025, 6, 1, 9, 30, tzinfo=UTC))
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        label = str(app.screen.query(".competency").first().render())
        assert label.startswith("metrics: latest 4.") and "2 interview(s)" in label


async def test_compare_builds_one_view_per_transcript_not_a_widget_per_paragraph(finished_transcripts):
    ctx, _ = finished_transcripts
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await pilot.press("space", "down", "space", "c")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "CompareScreen"
        # A widget per Markdown block is what made Compare take seconds on real transcripts.
        assert len(list(app.screen.walk_children())) < 20
        assert all("Score:" in plain(view) for view in app.screen.query(".transcript-view"))


async def test_an_interview_open_in_another_window_is_refused_with_a_notice(small_library, tmp_path):
    from interviewer.store import TranscriptStore

    ctx = make_context(small_library, tmp_path)
    session = ctx.interviews.start("test-round")
    async for _ in session.open():
        pass
    ctx.store.release(session.transcript.id)
    other_window = TranscriptStore(ctx.store.root)
    other_window.claim(other_window.load(session.transcript.id))
    app = make_app(ctx)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.click(f"#r-{session.transcript.id}")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert any("another window" in str(n.message) for n in app._notifications)
