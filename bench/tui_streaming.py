"""A 20,000-token interviewer reply streamed at full speed into the interview screen, against the
raw openai client consuming the same stream; also the longest event-loop stall while streaming.

Run: python bench/tui_streaming.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openai import AsyncOpenAI

from interviewer.llm.brain import LLMBrain
from interviewer.llm.capabilities import Capabilities
from interviewer.session import InterviewSession
from interviewer.tui.app import make_app
from interviewer.tui.widgets import InterviewerMessage
from tests.factories import make_library
from tests.fakes.openai_server import FakeOpenAIServer, Stream
from tests.llm_helpers import API_KEY, target_for
from tests.tui_helpers import make_context

TOKENS = 20_000
WORDS = ("metric", "retention", "because", "users", "daily", "**impact**", "the", "and", "so", "we")


def chunks() -> list[str]:
    pieces = []
    for i in range(TOKENS):
        word = WORDS[i % len(WORDS)]
        pieces.append(f" {word}" + ("\n\n" if i % 120 == 119 else ""))
    return pieces


class StallMonitor:
    """Wakes every 5 ms and records how late it woke: the longest stall of the event loop."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            self.longest = max(self.longest, time.perf_counter() - before - 0.005)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()


async def raw(server: FakeOpenAIServer) -> tuple[float, float]:
    server.enqueue(Stream(chunks()))
    client = AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)
    monitor = StallMonitor()
    monitor.start()
    start = time.perf_counter()
    stream = await client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": "x"}],
                                                  stream=True)  # fmt: skip
    received = 0
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            received += 1
    elapsed = time.perf_counter() - start
    monitor.stop()
    await client.close()
    assert received == TOKENS, received
    return elapsed, monitor.longest


async def tui(server: FakeOpenAIServer, tmp: Path) -> tuple[float, float, int]:
    library = make_library(1)
    server.enqueue(Stream(chunks()))
    brain = LLMBrain(target_for(server, timeout_seconds=120), capabilities=Capabilities(tmp / "caps.json"))
    ctx = make_context(library, tmp, brain=brain)
    session = InterviewSession.create(library, "test-round", None, brain, ctx.store)
    app = make_app(ctx, session)
    monitor = StallMonitor()
    async with app.run_test(size=(120, 40)) as pilot:
        monitor.start()
        start = time.perf_counter()
        await pilot.pause()
        while not [t for t in session.transcript.turns if t.role == "interviewer"]:
            await asyncio.sleep(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause()
        elapsed = time.perf_counter() - start
        monitor.stop()
        shown = len(app.screen.query(InterviewerMessage).first().body.source)
    return elapsed, monitor.longest, shown


def main() -> None:
    server = FakeOpenAIServer().start()
    try:
        raw_s, raw_stall = asyncio.run(raw(server))
        with tempfile.TemporaryDirectory() as tmp:
            tui_s, tui_stall, shown = asyncio.run(tui(server, Path(tmp)))
    finally:
        server.stop()
    print(f"reply: {TOKENS:,} streamed chunks (one token each)")
    print(f"raw openai client: {raw_s:.2f} s ({TOKENS / raw_s:,.0f} tokens/s), longest stall {raw_stall * 1000:.0f} ms")
    print(f"interview screen: {tui_s:.2f} s ({TOKENS / tui_s:,.0f} tokens/s), longest stall {tui_stall * 1000:.0f} ms")
    print(f"ratio screen/raw: {tui_s / raw_s:.2f}x; final text shown: {shown:,} characters")


if __name__ == "__main__":
    main()
