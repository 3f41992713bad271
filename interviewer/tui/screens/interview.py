"""The live interview: a streaming chat log, an answer box, and the side panel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, OptionList, TextArea
from textual.widgets.option_list import Option

from interviewer import engine
from interviewer.execution.runner import run_answer
from interviewer.models import Question, Turn
from interviewer.models.scores import RunResult
from interviewer.session import (
    Event,
    Finished,
    InterviewSession,
    Notice,
    Reset,
    SessionError,
    Token,
    TurnAdded,
)
from interviewer.tokens import count_tokens
from interviewer.tui.context import TuiContext
from interviewer.tui.widgets import CandidateMessage, InterviewerMessage, NoteMessage, SidePanel

LANGUAGES = {"sql": "sql", "python": "python"}
FLUSH_SECONDS = 0.1  # ten screen updates a second while a reply streams


class PersonaPicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, personas: list[tuple[str, str]], current: str) -> None:
        super().__init__()
        self.personas = personas
        self.current = current

    def compose(self) -> ComposeResult:
        options = [Option(f"{name} ({pid})" + (" · current" if pid == self.current else ""), id=pid)
                   for pid, name in self.personas]  # fmt: skip
        yield Vertical(OptionList(*options, id="personas"), id="picker")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class InterviewScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", id="interview.submit", priority=True),
        Binding("f2", "command('hint')", "Hint", id="interview.hint"),
        Binding("f3", "command('skip')", "Skip", id="interview.skip"),
        Binding("f4", "command('repeat')", "Repeat", id="interview.repeat"),
        Binding("f5", "pick_persona", "Persona", id="interview.persona"),
        Binding("f8", "run_draft", "Run", id="interview.run"),
        Binding("f10", "command('end')", "End", id="interview.end"),
    ]

    def __init__(self, session: InterviewSession, ctx: TuiContext) -> None:
        super().__init__()
        self.session = session
        self.ctx = ctx
        self.prompt_started = ctx.clock()
        self.busy = False
        self.draft_dirty = False
        self._answer = TextArea(id="answer", soft_wrap=True, tab_behavior="indent", show_line_numbers=False)
        self._answer.cursor_blink = ctx.cursor_blink

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="main"):
            with Vertical(id="conversation"):
                yield VerticalScroll(id="log")
                yield self._answer
            yield SidePanel(id="side")
        yield Footer()

    @property
    def log_view(self) -> VerticalScroll:
        return self.query_one("#log", VerticalScroll)

    @property
    def answer_box(self) -> TextArea:
        return self._answer

    async def on_mount(self) -> None:
        self.title = "interviewer"
        self.sub_title = self.ctx.library.round(self.session.transcript.round_id).title
        for turn in self.session.transcript.turns:
            await self._show_turn(turn)
        self.answer_box.text = self.ctx.drafts.load(self.session.transcript.id)
        self.answer_box.border_title = "Your answer · Ctrl+S to submit · /hint /skip /repeat /end /persona NAME"
        self._sync_answer_kind()
        self.answer_box.focus()
        self.set_interval(1.0, self._tick)
        self._refresh_side()
        self.run_events(self.session.open(), submitted=False)

    # --- actions -----------------------------------------------------------------------

    def action_submit(self) -> None:
        text = self.answer_box.text
        if self.busy or not text.strip() or self.session.finished:
            return
        self.run_events(self.session.submit(text), submitted=engine.parse_command(text) is None)

    def action_command(self, name: str) -> None:
        if not self.busy and not self.session.finished:
            self.run_events(self.session.submit(f"/{name}"), submitted=False)

    def action_run_draft(self) -> None:
        qs = self.session.state.current_question
        if qs is None or self.session.questions[qs.question_id].execution is None:
            self.notify("This question has nothing to run.")
            return
        self.run_draft(self.session.questions[qs.question_id], self.answer_box.text)

    @work(exclusive=True, group="run", exit_on_error=False, description="run the draft")
    async def run_draft(self, question: Question, draft: str) -> None:
        """Runs the draft in the sandbox process and shows the outcome; nothing is submitted or saved."""
        result = await asyncio.to_thread(run_answer, question, draft)
        if result is not None:
            await self.log_view.mount(NoteMessage(format_run(result)))
            self.log_view.scroll_end(animate=False)

    def action_pick_persona(self) -> None:
        personas = [(p.id, p.name) for p in self.ctx.library.personas.values()]
        self.app.push_screen(PersonaPicker(personas, self.session.transcript.persona), self.switch_persona)

    def switch_persona(self, persona_id: str | None) -> None:
        if persona_id and not self.busy and not self.session.finished:
            self.run_events(self.session.submit(f"/persona {persona_id}"), submitted=False)

    @on(TextArea.Changed, "#answer")
    def draft_changed(self) -> None:
        self.draft_dirty = True

    # --- events from the session --------------------------------------------------------

    @work(exclusive=True, group="turn", exit_on_error=False, description="interviewer turn")
    async def run_events(self, events: AsyncIterator[Event], submitted: bool) -> None:
        self.busy = True
        self.answer_box.read_only = True
        message: InterviewerMessage | None = None
        stream = None
        # Tokens are written to the widget in batches: a screen update per token would stall the loop.
        pending: list[str] = []
        flushed_at = time.monotonic()
        try:
            async for event in events:
                if isinstance(event, Token):
                    if message is None:
                        message = await self._new_interviewer_message()
                    if stream is None:
                        stream = message.stream()
                    pending.append(event.text)
                    if time.monotonic() - flushed_at >= FLUSH_SECONDS:
                        await stream.write("".join(pending))
                        pending.clear()
                        flushed_at = time.monotonic()
                        self.log_view.scroll_end(animate=False)
                    continue
                if pending and stream is not None:
                    await stream.write("".join(pending))
                pending.clear()
                if isinstance(event, Reset):
                    if stream is not None:
                        await stream.stop()
                        stream = None
                    if message is None:
                        message = await self._new_interviewer_message()
                    await message.set_text(event.text)
                elif isinstance(event, TurnAdded):
                    turn = event.turn
                    if turn.role == "interviewer":
                        if stream is not None:
                            await stream.stop()
                            stream = None
                        if message is None:
                            message = await self._new_interviewer_message()
                        await message.set_text(turn.text)
                        await _label(message, turn)
                        message = None
                        if turn.kind != "cut_in":
                            self.prompt_started = self.ctx.clock()
                    else:
                        await self._show_turn(turn)
                        if turn.role == "candidate" and submitted:
                            # The answer is on disk now; only now is the box cleared.
                            self.answer_box.text = ""
                            self.ctx.drafts.clear(self.session.transcript.id)
                            self.draft_dirty = False
                    self._sync_answer_kind()
                elif isinstance(event, Notice):
                    self.notify(event.text)
                elif isinstance(event, Finished):
                    from interviewer.tui.screens.report import ReportScreen

                    self.app.push_screen(ReportScreen(self.session.transcript, self.ctx))
        except SessionError as exc:
            self.notify(str(exc), severity="warning")
        except Exception as exc:  # a failing backend must never cost the candidate their draft
            self.notify(f"Something went wrong: {exc}. Your answer is still in the box.", severity="error", timeout=8)
        finally:
            if stream is not None:
                await stream.stop()
            self.busy = False
            self.answer_box.read_only = self.session.finished
            self._refresh_side()
            self.log_view.scroll_end(animate=False)

    async def _new_interviewer_message(self) -> InterviewerMessage:
        message = InterviewerMessage(self.session.transcript.persona)
        await self.log_view.mount(message)
        return message

    async def _show_turn(self, turn: Turn) -> None:
        if turn.role == "interviewer":
            message = InterviewerMessage(turn.persona, turn.text)
            await self.log_view.mount(message)
            await _label(message, turn)
        elif turn.role == "candidate":
            await self.log_view.mount(CandidateMessage(turn.text))
        else:
            await self.log_view.mount(NoteMessage(turn.text))
        self.log_view.scroll_end(animate=False)

    # --- clock, side panel, cut-ins, drafts ----------------------------------------------

    def _sync_answer_kind(self) -> None:
        qs = self.session.state.current_question
        kind = self.session.questions[qs.question_id].answer_kind if qs else "text"
        box = self.answer_box
        box.language = LANGUAGES.get(kind)
        box.show_line_numbers = kind != "text"
        box.soft_wrap = kind == "text"

    async def _tick(self) -> None:
        if self.draft_dirty:
            self.ctx.drafts.save(self.session.transcript.id, self.answer_box.text)
            self.draft_dirty = False
        if not self.busy and not self.session.finished:
            state = self.session.state
            qs = state.current_question
            if qs is not None:
                persona = self.ctx.library.persona(self.session.transcript.persona)
                limit = self.session.questions[qs.question_id].time_limit_minutes
                elapsed = self.ctx.clock() - self.prompt_started
                reason = engine.live_cut_in(state, persona, elapsed, limit, self._draft_tokens())
                if reason is not None:
                    added = self.session.cut_in(reason)
                    await self._show_turn(added.turn)
        self._refresh_side()

    def _draft_tokens(self) -> int:
        text = self.answer_box.text
        return count_tokens(text).tokens if text.strip() else 0

    def _refresh_side(self) -> None:
        transcript = self.session.transcript
        state = self.session.state
        qs = state.current_question
        question = self.session.questions[qs.question_id] if qs else None
        persona = self.ctx.library.persona(transcript.persona)
        self.query_one(SidePanel).show(
            transcript,
            round_title=self.ctx.library.round(transcript.round_id).title,
            question_number=(state.current + 1) if state.current is not None else None,
            topic=question.topic if question else None,
            follow_ups=qs.follow_ups if qs else 0,
            follow_up_budget=persona.follow_up_budget,
            elapsed=self.ctx.clock() - self.prompt_started,
            limit_minutes=question.time_limit_minutes if question else None,
            persona_name=persona.name,
            backend=self.ctx.backend_label,
            draft_tokens=self._draft_tokens(),
        )

    def on_unmount(self) -> None:
        if self.draft_dirty:
            self.ctx.drafts.save(self.session.transcript.id, self.answer_box.text)


def format_run(result: RunResult) -> str:
    """Test-runner style: a status line, then one line per case."""
    lines = [f"Run ({result.kind}): {result.status.upper()}: {result.summary}"]
    for case in result.cases:
        mark = "PASS" if case.passed else "FAIL"
        detail = "" if case.passed else f": {case.error or f'got {case.got}, expected {case.expected}'}"
        if case.call == "hidden case" and not case.passed:
            detail = ""
        lines.append(f"  {mark}  {case.call}{detail}")
    if result.rows is not None:
        lines.append(f"  first rows: {result.rows[:5]}")
    return "\n".join(lines)


async def _label(message: InterviewerMessage, turn: Turn) -> None:
    if turn.phrasing == "fallback":
        await message.mark(f"(offline wording: {turn.note})")
    elif turn.kind == "cut_in":
        message.add_class("cut-in")
