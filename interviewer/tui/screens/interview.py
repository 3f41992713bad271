"""The live interview: a streaming chat log, an answer box, and the side panel."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Label, OptionList, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from interviewer.models import Turn
from interviewer.models.scores import RunResult
from interviewer.session import (
    CommandName,
    Event,
    Finished,
    InterviewSession,
    Notice,
    PhraseReset,
    SessionError,
    Token,
    TurnAdded,
)
from interviewer.tui.context import TuiContext
from interviewer.tui.widgets import CandidateMessage, InterviewerMessage, NoteMessage, ReplyBody, SidePanel

LANGUAGES = {"sql": "sql", "python": "python"}
FLUSH_SECONDS = 0.1  # ten screen updates a second while a reply streams
YIELD_SECONDS = 0.01  # tokens that arrive in a burst never hold the event loop longer than this


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

    def on_mount(self) -> None:
        ids = [pid for pid, _ in self.personas]
        self.query_one(OptionList).highlighted = ids.index(self.current) if self.current in ids else 0

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class ConfirmEnd(ModalScreen[bool]):
    """Ending cannot be undone, so it is asked once; a turn in flight is stopped when it is confirmed."""

    BINDINGS = [
        Binding("y", "dismiss(True)", "End now"),
        Binding("n,escape", "dismiss(False)", "Keep going"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-end"):
            yield Label("End the interview now and see the report?")
            with Horizontal():
                yield Button("End now (y)", variant="error", id="end-yes")
                yield Button("Keep going (n)", id="end-no")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "end-yes")


class InterviewScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", id="interview.submit", priority=True),
        Binding("f2", "command('hint')", "Hint", id="interview.hint"),
        Binding("f3", "command('skip')", "Skip", id="interview.skip"),
        Binding("f4", "command('repeat')", "Repeat", id="interview.repeat"),
        Binding("f5", "pick_persona", "Persona", id="interview.persona"),
        Binding("f8", "run_draft", "Run", id="interview.run"),
        Binding("f10", "end", "End", id="interview.end"),
    ]

    def __init__(self, session: InterviewSession, ctx: TuiContext) -> None:
        super().__init__()
        self.session = session
        self.ctx = ctx
        self.prompt_started = ctx.clock()
        self.busy = False
        self.draft_dirty = False
        self.turn_worker: Worker[None] | None = None
        self.submitted_text: str | None = None  # what the turn in flight took from the box
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
        self.sub_title = self.session.status().round_title
        for turn in self.session.transcript.turns:
            await self._show_turn(turn)
        self.answer_box.text = self.ctx.drafts.load(self.session.transcript.id)
        self.answer_box.move_cursor(self.answer_box.document.end)  # new typing continues the restored draft
        self.answer_box.border_title = "Your answer · Ctrl+S to submit · /hint /skip /repeat /end /persona NAME"
        self._sync_answer_kind()
        self.answer_box.focus()
        self.set_interval(1.0, self._tick)
        self._refresh_side()
        self.start_turn(self.session.open())

    # --- actions -----------------------------------------------------------------------

    def action_submit(self) -> None:
        # Ctrl+S is a priority binding, so it can arrive while keys typed just before it still wait in the
        # box's queue. Reading the text from that queue, after them, submits everything typed before Ctrl+S.
        self.answer_box.call_later(self._submit_box_text)

    def _submit_box_text(self) -> None:
        # The submission is exactly the box's text now; anything typed after it stays in the box.
        text = self.answer_box.text
        if self.busy or not text.strip() or self.session.finished:
            return
        self.submitted_text = text
        self.start_turn(self.session.submit(text))

    def action_command(self, name: CommandName) -> None:
        if not self.busy and not self.session.finished:
            self.start_turn(self.session.command(name))

    def action_end(self) -> None:
        if not self.session.finished:
            self.app.push_screen(ConfirmEnd(), self.end_confirmed)

    def end_confirmed(self, confirmed: bool | None) -> None:
        if confirmed and not self.session.finished:
            self.session.cancel()  # the session runs the end once the cancelled turn has let go
            self.start_turn(self.session.command("end"))

    def action_run_draft(self) -> None:
        if not self.session.status().can_run:
            self.notify("This question has nothing to run.")
            return
        self.run_draft(self.answer_box.text)

    @work(exclusive=True, group="run", exit_on_error=False, description="run the draft")
    async def run_draft(self, draft: str) -> None:
        """Runs the draft in the sandbox process and shows the outcome; nothing is submitted or saved."""
        try:
            result = await self.session.run_draft(draft)
        except SessionError as exc:
            self.notify(str(exc))
            return
        await self.log_view.mount(NoteMessage(format_run(result)))
        self.log_view.scroll_end(animate=False)

    def action_pick_persona(self) -> None:
        personas = [(p.id, p.name) for p in self.ctx.library.personas.values()]
        self.app.push_screen(PersonaPicker(personas, self.session.transcript.persona), self.switch_persona)

    def switch_persona(self, persona_id: str | None) -> None:
        if not persona_id or self.busy or self.session.finished:
            return
        try:
            event = self.session.switch_persona(persona_id)
        except SessionError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.start_turn(_single(event))

    @on(TextArea.Changed, "#answer")
    def draft_changed(self) -> None:
        self.draft_dirty = True

    # --- events from the session --------------------------------------------------------

    def start_turn(self, events: AsyncGenerator[Event, None]) -> None:
        self.busy = True
        self.turn_worker = self.run_events(events)

    @work(exclusive=True, group="turn", exit_on_error=False, description="interviewer turn")
    async def run_events(self, events: AsyncGenerator[Event, None]) -> None:
        message: InterviewerMessage | None = None
        stream: ReplyBody | None = None
        # Tokens are written to the widget in batches: a screen update per token would stall the loop.
        pending: list[str] = []
        flushed_at = yielded_at = time.monotonic()
        # Held tokens are shown within a flush interval even when no token follows them (a server that pauses,
        # or streams slower than ten tokens a second). A late flush only shows them; once the tail is long
        # enough to settle, the next token brings a full write, so the tail stays bounded.
        late_flush: asyncio.TimerHandle | None = None

        def take_pending() -> str:
            nonlocal late_flush
            if late_flush is not None:
                late_flush.cancel()
                late_flush = None
            text = "".join(pending)
            pending.clear()
            return text

        def flush_late() -> None:
            nonlocal late_flush, flushed_at
            late_flush = None
            if stream is not None and pending:
                if not stream.show_now(take_pending()):
                    flushed_at = time.monotonic()
                self.log_view.scroll_end(animate=False)

        async def finish_stream() -> None:
            """The one place a streamed reply is flushed and closed: on a reset, a whole turn, or the end."""
            nonlocal stream
            text = take_pending()
            if stream is not None:
                if text:
                    await stream.write(text)
                await stream.stop()
                stream = None

        try:
            async with aclosing(events):  # a cancelled turn still lets the session release the interview
                async for event in events:
                    if isinstance(event, Token):
                        if message is None:
                            message = await self._new_interviewer_message()
                        if stream is None:
                            stream = message.stream()
                        pending.append(event.text)
                        now = time.monotonic()
                        if now - flushed_at >= FLUSH_SECONDS:
                            await stream.write(take_pending())  # taken first: a late flush must not show it twice
                            flushed_at = yielded_at = time.monotonic()
                            self.log_view.scroll_end(animate=False)
                            continue
                        if late_flush is None:
                            late_flush = asyncio.get_running_loop().call_later(
                                FLUSH_SECONDS - (now - flushed_at), flush_late
                            )
                        if now - yielded_at >= YIELD_SECONDS:
                            # Buffered tokens come without waiting on the network, so nothing else would run
                            # until the burst ends: let input, timers and drawing in between.
                            await asyncio.sleep(0)
                            yielded_at = time.monotonic()
                        continue
                    if isinstance(event, PhraseReset):
                        await finish_stream()
                        if message is None:
                            message = await self._new_interviewer_message()
                        await message.set_text(event.text)
                    elif isinstance(event, TurnAdded):
                        turn = event.turn
                        if turn.role == "interviewer":
                            await finish_stream()
                            if message is None:
                                message = await self._new_interviewer_message()
                            await message.set_text(turn.text)
                            await _label(message, turn)
                            message = None
                            if turn.kind != "cut_in":
                                self.prompt_started = self.ctx.clock()
                        else:
                            await self._show_turn(turn)
                            if turn.role == "candidate" and turn.kind in ("answer", "command"):
                                self._take_submitted_text()  # a typed /hint leaves the box like an answer
                        self._sync_answer_kind()
                    elif isinstance(event, Notice):
                        self.notify(event.text)
                    elif isinstance(event, Finished):
                        from interviewer.tui.screens.report import ReportScreen

                        self.app.push_screen(ReportScreen(self.session.status(), self.ctx))
        except SessionError as exc:
            self.notify(str(exc), severity="warning")
        except Exception as exc:  # a failing backend must never cost the candidate their draft
            self.notify(f"Something went wrong: {exc}. Your answer is still in the box.", severity="error", timeout=8)
        finally:
            await finish_stream()
            if get_current_worker() is self.turn_worker:  # a turn replaced by the end leaves `busy` to the end
                self.busy = False
                self.submitted_text = None
            self.answer_box.read_only = self.session.finished
            self._refresh_side()
            self.log_view.scroll_end(animate=False)

    def _take_submitted_text(self) -> None:
        """The answer is on disk now: only now does it leave the box, and whatever was typed since stays."""
        box, submitted = self.answer_box, self.submitted_text
        if submitted is None:
            return
        self.submitted_text = None
        rest = box.text[len(submitted) :] if box.text.startswith(submitted) else box.text
        if rest != box.text:
            box.text = rest
            box.move_cursor(box.document.end)
        self.ctx.drafts.save(self.session.transcript.id, box.text)
        self.draft_dirty = False

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
        kind = self.session.status().answer_kind
        box = self.answer_box
        wanted = (LANGUAGES.get(kind), kind != "text", kind == "text")
        if (box.language, box.show_line_numbers, box.soft_wrap) == wanted:
            return  # setting the language reloads the document and sends the cursor home
        cursor = box.cursor_location
        box.language, box.show_line_numbers, box.soft_wrap = wanted
        box.move_cursor(cursor)

    def _elapsed(self) -> float:
        return self.ctx.clock() - self.prompt_started

    async def _tick(self) -> None:
        if self.draft_dirty:
            self.ctx.drafts.save(self.session.transcript.id, self.answer_box.text)
            self.draft_dirty = False
        if not self.busy:
            cut_in = self.session.tick(self._elapsed(), self.answer_box.text)
            if cut_in is not None:
                await self._show_turn(cut_in.turn)
        self._refresh_side()

    def _refresh_side(self) -> None:
        self.query_one(SidePanel).show(self.session.status(self._elapsed(), self.answer_box.text))

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


async def _single(event: Event) -> AsyncGenerator[Event, None]:
    yield event


async def _label(message: InterviewerMessage, turn: Turn) -> None:
    if turn.phrasing == "fallback":
        await message.mark(f"(offline wording: {turn.note})")
    elif turn.kind == "cut_in":
        message.add_class("cut-in")
