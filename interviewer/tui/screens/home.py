"""Pick a round, a persona and start; or resume an unfinished interview; or open the review."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, ListItem, ListView, Select, Static

from interviewer.content import UnknownIdError
from interviewer.session import InterviewSession, SessionError
from interviewer.store import TranscriptError
from interviewer.tui.context import TuiContext
from interviewer.tui.safe_text import literal

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
        library = self.ctx.library
        rounds = [(f"{r.title} ({r.id})", r.id) for r in library.rounds.values()]
        personas = [("The round's default", ROUND_DEFAULT)] + [
            (f"{p.name}: {p.description}", p.id) for p in library.personas.values()
        ]
        yield Header()
        with VerticalScroll(id="home"):
            yield Static("Mock interview", id="home-title")
            yield Label("Round")
            yield Select(rounds, value=rounds[0][1], allow_blank=False, id="round")
            yield Label("Interviewer")
            yield Select(personas, value=ROUND_DEFAULT, allow_blank=False, id="persona")
            yield Static(literal(self.ctx.backend_label), id="backend")
            with Horizontal(id="home-buttons"):
                yield Button("Start interview", variant="primary", id="start")
                yield Button("Review past interviews", id="review")
            with Vertical(id="resume-box"):
                yield Label("Looking for unfinished interviews…", id="resume-count")
                yield ListView(id="resume")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "interviewer"
        self.sub_title = "home"
        # The store can hold tens of thousands of transcripts: draw first, then list them off the event loop.
        self.call_after_refresh(self.list_unfinished)

    @work(exclusive=True, group="home-listing", exit_on_error=False, description="list unfinished interviews")
    async def list_unfinished(self) -> None:
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
        round_id = str(self.query_one("#round", Select).value)
        persona = str(self.query_one("#persona", Select).value)
        self._open(lambda: self.ctx.interviews.start(round_id, None if persona == ROUND_DEFAULT else persona))

    @on(Button.Pressed, "#review")
    def action_review(self) -> None:
        from interviewer.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.ctx))

    @on(ListView.Selected, "#resume")
    def resume(self, event: ListView.Selected) -> None:
        transcript_id = (event.item.id or "")[2:]
        self._open(lambda: self.ctx.interviews.resume(transcript_id))

    def _open(self, build: Callable[[], InterviewSession]) -> None:
        """An interview that cannot be opened (held by another window, unreadable, missing content) is a notice."""
        try:
            session = build()
        except (TranscriptError, SessionError, UnknownIdError) as exc:
            self.notify(str(exc).strip("'\""), severity="error", timeout=8)
            return
        self.app.open_interview(session)  # type: ignore[attr-defined]
