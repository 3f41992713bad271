"""Building the app for tests: temp storage, a frozen clock, no cursor blink."""

from __future__ import annotations

import asyncio
from pathlib import Path

from interviewer.brain import Brain
from interviewer.content import Library
from interviewer.drafts import DraftStore
from interviewer.offline.brain import OfflineBrain
from interviewer.session import Interviews
from interviewer.store import TranscriptStore
from interviewer.tui.context import TuiContext

SETTLE_TIMEOUT = 60.0  # seconds: generous on a busy machine, finite when a turn hangs


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_context(
    library: Library, root: Path, brain: Brain | None = None, clock: FakeClock | None = None
) -> TuiContext:
    return TuiContext(
        Interviews(library, TranscriptStore(root / "transcripts"), brain or OfflineBrain()),
        drafts=DraftStore(root / "drafts"),
        clock=clock or FakeClock(),
        cursor_blink=False,
    )


async def settle(app, pilot, timeout: float = SETTLE_TIMEOUT) -> None:
    """Let workers finish and the screen catch up; a worker that never finishes fails the test, not hangs it."""
    await pilot.pause()
    await asyncio.wait_for(app.workers.wait_for_complete(), timeout)
    await pilot.pause()


def plain(widget) -> str:
    """What a Static-based widget shows, as plain text."""
    import io

    from rich.console import Console

    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()
