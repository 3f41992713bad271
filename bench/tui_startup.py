"""Time to first frame of the TUI (headless) against a bare Textual app, in one run.

Run: python bench/tui_startup.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from interviewer.content import load_library
from interviewer.tui.app import make_app
from tests.tui_helpers import make_context

ROUNDS = 7


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("hello")
        yield Footer()


async def first_frame(build) -> float:
    start = time.perf_counter()
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        library = load_library(include_user=False)
        load_s = time.perf_counter() - start
        ctx = make_context(library, Path(tmp))
        bare = [asyncio.run(first_frame(BareApp)) for _ in range(ROUNDS)]
        ours = [asyncio.run(first_frame(lambda: make_app(ctx))) for _ in range(ROUNDS)]
    bare_m, ours_m = statistics.median(bare), statistics.median(ours)
    print(f"content load (42 questions, 2 personas): {load_s * 1000:.0f} ms")
    print(f"bare Textual app, first frame: median {bare_m * 1000:.0f} ms")
    print(f"interviewer home screen, first frame: median {ours_m * 1000:.0f} ms")
    print(f"ratio: {ours_m / bare_m:.2f}x")


if __name__ == "__main__":
    main()
