"""Past interviews: a sortable, filterable table, a transcript view, side-by-side, progress."""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Sparkline, Static

from interviewer.models import Transcript
from interviewer.render import transcript_markdown
from interviewer.report import competency_history
from interviewer.store import ListedTranscript, TranscriptError
from interviewer.tui.context import TuiContext
from interviewer.tui.safe_text import literal, neutralise

COLUMNS = ("date", "round", "persona", "overall", "status", "id")


class ReviewScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.go_home", "Home", id="review.home"),
        Binding("enter", "open", "Open", id="review.open", show=True),
        Binding("space", "mark", "Mark", id="review.mark"),
        Binding("c", "compare", "Compare marked", id="review.compare"),
        Binding("g", "progress", "Progress chart", id="review.progress"),
        Binding("slash", "focus_filter", "Filter", id="review.filter"),
    ]

    def __init__(self, ctx: TuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.summaries: list[ListedTranscript] = []
        self.marked: list[str] = []
        self.sort_column = "date"
        self.sort_reverse = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter by round, persona, status or id  (/ to focus)", id="filter")
        yield DataTable(id="transcripts", cursor_type="row", zebra_stripes=True)
        yield Label("", id="review-status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Review"
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column.title(), key=column)
        listing = self.ctx.store.list()
        self.summaries = listing.summaries
        for problem in listing.problems:
            self.notify(problem, severity="warning", timeout=6)
        self.fill()
        table.focus()

    def fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        needle = self.query_one("#filter", Input).value.strip().lower()
        for s in self.summaries:
            row = (f"{s.started_at:%Y-%m-%d %H:%M}", s.round_id, s.persona,
                   f"{s.overall:.2f}" if s.overall is not None else "-", s.status.replace("_", " "), s.id)  # fmt: skip
            if needle and not any(needle in cell.lower() for cell in row):
                continue
            marker = "● " if s.id in self.marked else ""
            # Every cell but the score came from a file: shown literally, never as markup or escape sequences.
            when, round_id, persona, overall, status, transcript_id = row
            cells = (literal(marker + when), literal(round_id), literal(persona), overall, literal(status))
            table.add_row(*cells, literal(transcript_id), key=s.id)
        table.sort(self.sort_column, key=_sort_key, reverse=self.sort_reverse)
        shown = table.row_count
        self.query_one("#review-status", Label).update(
            f"{shown} of {len(self.summaries)} interviews · sorted by {self.sort_column}"
            + (f" · marked: {len(self.marked)}" if self.marked else "")
        )

    @on(Input.Changed, "#filter")
    def filter_changed(self) -> None:
        self.fill()

    @on(DataTable.HeaderSelected)
    def sort_by(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        self.sort_reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column = column
        self.fill()

    def _selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _load(self, transcript_id: str) -> Transcript | None:
        try:
            return self.ctx.store.load(transcript_id)
        except TranscriptError as exc:
            self.notify(str(exc), severity="error")
            return None

    def action_open(self) -> None:
        transcript_id = self._selected_id()
        transcript = self._load(transcript_id) if transcript_id else None
        if transcript is not None:
            self.app.push_screen(TranscriptScreen(transcript, self.ctx))

    @on(DataTable.RowSelected)
    def row_selected(self) -> None:
        self.action_open()

    def action_mark(self) -> None:
        transcript_id = self._selected_id()
        if transcript_id is None:
            return
        if transcript_id in self.marked:
            self.marked.remove(transcript_id)
        else:
            self.marked = [*self.marked[-1:], transcript_id]  # at most two, for a comparison
        self.fill()

    def action_compare(self) -> None:
        if len(self.marked) != 2:
            self.notify("Mark two interviews with space, then press c.")
            return
        loaded = [self._load(t) for t in self.marked]
        if all(loaded):
            self.app.push_screen(CompareScreen(loaded[0], loaded[1], self.ctx))  # type: ignore[arg-type]

    def action_progress(self) -> None:
        self.app.push_screen(ProgressScreen(self.ctx))

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()


def _sort_key(value: object) -> object:
    return value.plain if isinstance(value, Text) else value


def transcript_view(transcript: Transcript, ctx: TuiContext) -> Static:
    """A whole transcript as one rendered Markdown block. Textual's Markdown widget builds a widget per
    paragraph, which took seconds for two long transcripts side by side; Rich renders the same source at once."""
    # `transcript_markdown` already fences or escapes every text it did not write, and Rich drops raw HTML,
    # so only control characters are left to neutralise; escaping `<` here would show "&lt;" in fenced answers.
    source = neutralise(transcript_markdown(transcript, ctx.library.questions))
    return Static(RichMarkdown(source, hyperlinks=False), classes="transcript-view")


class TranscriptScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="transcript.back")]

    def __init__(self, transcript: Transcript, ctx: TuiContext) -> None:
        super().__init__()
        self.transcript = transcript
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(transcript_view(self.transcript, self.ctx), id="transcript")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Interview"
        self.sub_title = self.transcript.id


class CompareScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="compare.back")]

    def __init__(self, left: Transcript, right: Transcript, ctx: TuiContext) -> None:
        super().__init__()
        self.left = left
        self.right = right
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="compare"):
            for transcript in (self.left, self.right):
                yield VerticalScroll(transcript_view(transcript, self.ctx), classes="side-by-side")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Compare"


class ProgressScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="progress.back")]

    def __init__(self, ctx: TuiContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Header()
        transcripts = []
        for summary in self.ctx.store.list().summaries:
            try:
                transcripts.append(self.ctx.store.load(summary.id))
            except TranscriptError:
                continue
        history = competency_history(transcripts, self.ctx.library.questions)
        with VerticalScroll(id="progress"):
            if not history:
                yield Static("Finish an interview to see scores per competency over time.")
            for competency, values in history.items():
                yield Label(f"{competency}: latest {values[-1]:.2f}, {len(values)} interview(s)", classes="competency")
                yield Sparkline(values if len(values) > 1 else values * 2, classes="spark")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Scores per competency over time"
