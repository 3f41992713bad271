"""Pick a round, a persona and start; or resume an unfinished interview; or open the review."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Label, ListItem, ListView, Select, Static

from interviewer.tui.context import TuiContext
from interviewer.tui.safe_text import literal

# The session and the content bring pydantic and yaml: loaded by the context's loader, after the first frame.
if TYPE_CHECKING:
    from interviewer.session import InterviewSession

ROUND_DEFAULT = "__round_default__"
RESUME_SHOWN = 50  # mounting a list item per unfinished interview would stall the screen with thousands


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+n", "start", "Start", id="home.start"),
        Binding("ctrl+r", "review", "Review", id="home.review"),
    ]

    def __init__(self, ctx: TuiContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="home"):
            yield Static("Mock interview", id="home-title")
            if self.ctx.loaded:
                yield from self._choices()
            else:  # the first frame: the fewer widgets, the sooner it is drawn
                yield Static("Loading rounds…", id="home-loading")
        yield Footer()

    def _choices(self) -> list[Widget]:
        """Everything below the title; it needs the content library and the model choice."""
        library = self.ctx.library
        rounds = [(f"{r.title} ({r.id})", r.id) for r in library.rounds.values()]
        personas = [("The round's default", ROUND_DEFAULT)] + [
            (f"{p.name}: {p.description}", p.id) for p in library.personas.values()
        ]
        return [
            Label("Round"),
            Select(rounds, value=rounds[0][1], allow_blank=False, id="round"),
            Label("Interviewer"),
            Select(personas, value=ROUND_DEFAULT, allow_blank=False, id="persona"),
            Static(literal(self.ctx.backend_label), id="backend"),
            Horizontal(
                Button("Start interview", variant="primary", id="start"),
                Button("Review past interviews", id="review"),
                id="home-buttons",
            ),
            Vertical(
                Label("Looking for unfinished interviews…", id="resume-count"),
                ListView(id="resume"),
                id="resume-box",
            ),
        ]

    def on_mount(self) -> None:
        self.title = "interviewer"
        self.sub_title = "home"
        # Content, the model choice and a store of tens of thousands of transcripts are slow: draw first, then
        # load and list them off the event loop.
        self.call_after_refresh(self.fill_in)

    @work(exclusive=True, group="home-listing", exit_on_error=False, description="load rounds, list interviews")
    async def fill_in(self) -> None:
        if not self.ctx.loaded:
            try:
                await asyncio.to_thread(self.ctx.load)
            except Exception as exc:  # broken content or model settings: the command line reports it once we end
                self.app.start_up_failed(exc)  # type: ignore[attr-defined]
                return
            gc.freeze()  # what was just loaded lives as long as the app, like the rest of start-up
            placeholder = self.query_one("#home-loading", Static)
            await placeholder.remove()
            await self.query_one("#home", VerticalScroll).mount_all(self._choices())
            self.query_one("#round", Select).focus()
        listing = await asyncio.to_thread(self.ctx.store.list)
        unfinished = [s for s in listing.summaries if s.status == "in_progress"]
        count = f"Unfinished interviews ({len(unfinished)})" if unfinished else "No unfinished interviews"
        if len(unfinished) > RESUME_SHOWN:
            count += f", the {RESUME_SHOWN} most recent shown; Ctrl+R reviews them all"
        self.query_one("#resume-count", Label).update(count)
        items = [
            ListItem(Label(literal(f"{s.started_at:%Y-%m-%d %H:%M}  {s.round_id}  {s.persona}")), id=f"r-{s.id}")
            for s in unfinished[:RESUME_SHOWN]
        ]
        await self.query_one("#resume", ListView).extend(items)

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        if not self._loaded():
            return
        round_id = str(self.query_one("#round", Select).value)
        persona = str(self.query_one("#persona", Select).value)
        self._open(lambda: self.ctx.interviews.start(round_id, None if persona == ROUND_DEFAULT else persona))

    @on(Button.Pressed, "#review")
    def action_review(self) -> None:
        if not self._loaded():
            return
        from interviewer.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.ctx))

    @on(ListView.Selected, "#resume")
    def resume(self, event: ListView.Selected) -> None:
        transcript_id = (event.item.id or "")[2:]
        self._open(lambda: self.ctx.interviews.resume(transcript_id))

    def _loaded(self) -> bool:
        if not self.ctx.loaded:
            self.notify("Still loading the rounds…", timeout=3)
        return self.ctx.loaded

    def _open(self, build: Callable[[], InterviewSession]) -> None:
        """An interview that cannot be opened (held by another window, unreadable, missing content) is a notice."""
        from interviewer.content import UnknownIdError
        from interviewer.session import SessionError
        from interviewer.store import TranscriptError

        try:
            session = build()
        except (TranscriptError, SessionError, UnknownIdError) as exc:
            self.notify(str(exc).strip("'\""), severity="error", timeout=8)
            return
        self.app.open_interview(session)  # type: ignore[attr-defined]
