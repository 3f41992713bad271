"""Chat log messages and the side panel."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator

from rich.console import Console, ConsoleOptions
from rich.markdown import Markdown as RichMarkdown
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from interviewer.session import SessionStatus
from interviewer.tui.safe_text import literal, markdown_source

BLOCK_CHARS = 4000  # the live, plain-text part of a streaming reply stays about this size
FORCED_CUT_CHARS = 12000  # a reply with no blank line is cut at a line end beyond this
_FENCE = ("```", "~~~")


def _blank_lines_outside_fences(text: str) -> list[int]:
    """Offsets just after each blank line that is not inside a code fence: where Markdown may be split."""
    points: list[int] = []
    in_fence = False
    offset = 0
    for line in text.splitlines(keepends=True):
        offset += len(line)
        stripped = line.strip()
        if stripped.startswith(_FENCE):
            in_fence = not in_fence
        elif not stripped and not in_fence and offset < len(text):
            points.append(offset)
    return points


def _settle_point(text: str) -> int:
    """How much of a streaming reply can be rendered for good: up to its last safe blank line, or 0."""
    if len(text) < BLOCK_CHARS:
        return 0
    points = _blank_lines_outside_fences(text)
    if points:
        return points[-1]
    if len(text) >= FORCED_CUT_CHARS:
        return text.rfind("\n") + 1 or len(text)
    return 0


def split_blocks(text: str) -> list[str]:
    """Markdown cut into pieces of about BLOCK_CHARS at blank lines, so no one piece is slow to lay out."""
    blocks: list[str] = []
    start = 0
    for point in _blank_lines_outside_fences(text):
        if point - start >= BLOCK_CHARS:
            blocks.append(text[start:point])
            start = point
    blocks.append(text[start:])
    return blocks


class ReplyBody(Vertical):
    """An interviewer's words as rendered Markdown blocks, plus a plain live tail while a reply streams.

    Re-laying out one growing Markdown document on every update gets slower as the reply grows, so a
    streamed reply is shown as plain text until a blank line lets its head be rendered as Markdown once,
    in a block of its own. Each block is a single widget (Rich's Markdown in a Static): Textual's Markdown
    widget makes a widget of every paragraph, and mounting those cost more than the rest of the stream.
    Each update then costs about the same however long the reply is.
    """

    DEFAULT_CSS = """
    ReplyBody { height: auto; }
    ReplyBody > Static { height: auto; }
    """

    def __init__(self, text: str = "", *, classes: str = "") -> None:
        super().__init__(classes=classes)
        self._initial = text
        self._settled: list[str] = []
        self._live = ""
        self._live_view = Static(classes="live")
        self._live_view.display = False

    def compose(self) -> ComposeResult:
        self._settled = split_blocks(self._initial) if self._initial else []
        yield from (_rendered(block) for block in self._settled)
        yield self._live_view

    @property
    def source(self) -> str:
        """The Markdown source shown, settled blocks and live tail alike."""
        return markdown_source("".join(self._settled) + self._live)

    @property
    def blocks(self) -> list[str]:
        """The Markdown source of each rendered block."""
        return [markdown_source(block) for block in self._settled]

    async def write(self, fragment: str) -> None:
        """Adds streamed text: the live tail is redrawn, and its head settles into Markdown at a blank line."""
        self._live += fragment
        point = _settle_point(self._live)
        if point:
            block, self._live = self._live[:point], self._live[point:]
            await self._settle([block])
        self._live_view.update(literal(self._live))
        self._live_view.display = bool(self._live)

    def show_now(self, fragment: str) -> bool:
        """Adds streamed text to the live tail without waiting; True when the tail should settle at the next `write`."""
        self._live += fragment
        self._live_view.update(literal(self._live))
        self._live_view.display = bool(self._live)
        return len(self._live) >= BLOCK_CHARS

    async def stop(self) -> None:
        """The stream has ended: what is left of the live tail is rendered as Markdown."""
        if self._live:
            block, self._live = self._live, ""
            await self._settle([block])
        self._live_view.update("")
        self._live_view.display = False

    async def set_text(self, text: str) -> None:
        """Shows the final words; when they are what was streamed, nothing is rendered again."""
        if markdown_source(text).strip() == self.source.strip():
            await self.stop()
            return
        await self.query(".block").remove()
        self._settled, self._live = [], ""
        self._live_view.display = False
        await self._settle(split_blocks(text))

    async def _settle(self, blocks: list[str]) -> None:
        self._settled.extend(blocks)
        markdown = [RenderedMarkdown(block) for block in blocks]
        width = self.content_region.width
        if width > 0:
            # Laid out once, off the event loop: input and drawing go on while a long block is rendered.
            options = self.app.console_options.update_width(width).update(highlight=False)
            console = _console_like(self.app.console)
            await asyncio.to_thread(_render_all, markdown, console, options)
        await self.mount_all([Static(m, classes="block") for m in markdown], before=self._live_view)


class RenderedMarkdown:
    """A block of a reply's Markdown, laid out once for a width and replayed while the width stays.

    Static would render Rich's Markdown twice for each new block, once to measure its height and once
    to draw it, and again whenever the log is laid out anew; this keeps the lines of the last layout.
    """

    def __init__(self, block: str) -> None:
        # Links are shown as text with their address, never as terminal hyperlinks: the words are a model's.
        self.markdown = RichMarkdown(markdown_source(block), hyperlinks=False)
        self._width = -1
        self._segments: list[Segment] = []

    def render_for(self, console: Console, options: ConsoleOptions) -> None:
        self._segments = list(console.render(self.markdown, options))
        self._width = options.max_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        if options.max_width != self._width:
            self.render_for(console, options)
        yield from self._segments


def _render_all(markdown: list[RenderedMarkdown], console: Console, options: ConsoleOptions) -> None:
    for block in markdown:
        block.render_for(console, options)


def _console_like(console: Console) -> Console:
    """A console of its own for a worker thread, rendering as the app's does."""
    return Console(
        color_system=console.color_system,  # type: ignore[arg-type]
        file=io.StringIO(),
        markup=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        force_terminal=True,
        safe_box=False,
        soft_wrap=False,
    )


def _rendered(block: str) -> Static:
    return Static(RenderedMarkdown(block), classes="block")


class InterviewerMessage(Vertical):
    """An interviewer turn; its body is filled by a stream while the model speaks."""

    def __init__(self, persona: str, text: str = "") -> None:
        super().__init__(classes="message interviewer")
        self.persona = persona
        self.initial = text

    def compose(self) -> ComposeResult:
        yield Label(literal(f"Interviewer · {self.persona}"), classes="speaker")
        yield ReplyBody(self.initial, classes="body")

    @property
    def body(self) -> ReplyBody:
        return self.query_one(ReplyBody)

    def stream(self) -> ReplyBody:
        """Where streamed text goes: `write` raw fragments (they are shown literally), then `stop`."""
        return self.body

    async def set_text(self, text: str) -> None:
        await self.body.set_text(text)

    async def mark(self, note: str) -> None:
        await self.mount(Label(literal(note), classes="phrasing"))


class CandidateMessage(Static):
    def __init__(self, text: str) -> None:
        label = Text()
        label.append("You\n", style="bold")
        label.append_text(literal(text))
        super().__init__(label, classes="message candidate")


class NoteMessage(Static):
    def __init__(self, text: str) -> None:
        super().__init__(literal(text, style="italic"), classes="message note")


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class SidePanel(Static):
    """Where the interview stands: question, follow-ups, clock, persona, tokens and cost."""

    def show(self, status: SessionStatus) -> None:
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim")
        table.add_column()
        table.add_row("Round", literal(status.round_title))
        table.add_row("Question", f"{status.question_number or '-'} of {status.question_count}")
        if status.topic:
            table.add_row("Topic", literal(status.topic))
        table.add_row("Follow-ups", f"{status.follow_ups} / {status.follow_up_budget}")
        limit = f" / {_clock(status.time_limit_minutes * 60)}" if status.time_limit_minutes else ""
        clock = Text(f"{_clock(status.elapsed_seconds)}{limit}", style="bold red" if status.over_time else "")
        table.add_row("Time", clock)
        table.add_row("Persona", literal(status.persona_name))
        table.add_row("Backend", literal(status.backend))
        approximate = status.tokens_approximate and status.tokens > 0  # "~0" would hedge a count that is exact
        table.add_row("Tokens", f"{'~' if approximate else ''}{status.tokens:,}")
        table.add_row("Cost", f"${status.cost_usd:.4f}")
        table.add_row("Draft", f"{status.draft_tokens} tokens")
        table.add_row("Status", "completed" if status.finished else "in progress")
        self.update(table)
