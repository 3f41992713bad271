"""A streamed interviewer reply through the app against the raw `openai` client, in one run.

Run: python bench/tui_streaming.py [ROUNDS]

Two replies: a realistic 600-token one and a 20,000-token one, each token its own SSE chunk, sent at
full speed by the loopback fake server (tests/fakes/openai_server.py), which runs in a process of its
own as a real server would. For each, the sides alternate and take turns going first:

- raw client: `AsyncOpenAI` streams the reply and reads every chunk;
- app: the interview screen (headless, 120x40) runs a model-backed interview; once the first question is
  shown, an answer is submitted, it is judged, and the reply streams in as the follow-up. The clock stops
  once the whole reply is on screen.

A third side, the same interview without a screen, reads the reply through the app's own path (the
session, the interviewer and its client) and consumes the tokens: the app against it is what showing the
reply costs, and it against the raw client is what the app's reading costs.

Both clocks start when the fake server receives the request, so neither side's clock starts late, and
stop at the last token read (raw, no screen) or shown (app). A probe task wakes every 5 ms on each side's event loop;
its latest wake-up in that window is the longest stall.

Both replies are far over the interviewer's length limit, which would replace them after 40 words (and
now stops reading there). To measure the app showing a whole long reply, the guardrails are switched off
in the measured path: the app then does the most work it can, never less. A last line shows the normal
path for the 20,000-token reply, with the guardrails on.

Full speed is the stress measurement: the server sends faster than any real one, so every cost of the
app's path shows. A second measurement paces the server at 100 tokens a second (a 10 ms pause after each
chunk), for both sides alike: hosted models stream roughly 30 to 150 tokens a second and local ones 5 to
100, so 100 is the fast end of what a candidate meets. It streams the 600-token reply (a 20,000-token
reply would take over three minutes a run); what it shows is how late the app shows the whole reply
compared with the raw client reading it, and how long the event loop stalls at that pace.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import alternate, load, median, spread
from openai import AsyncOpenAI
from textual.widgets import TextArea

import interviewer.llm.brain as llm_brain
import interviewer.llm.guardrails as guardrails
from interviewer.llm.brain import LLMBrain
from interviewer.llm.capabilities import Capabilities
from interviewer.session import Token
from interviewer.tui.app import make_app
from interviewer.tui.safe_text import markdown_source
from interviewer.tui.widgets import InterviewerMessage
from tests.factories import make_library
from tests.fakes.openai_server import FakeOpenAIServer, Item, Stream
from tests.llm_helpers import API_KEY, Script, is_judge, is_lead_in, target_for
from tests.tui_helpers import make_context, settle

GOAL_RATIO, GOAL_STALL = 1.15, 0.050
WORDS = ("the", "metric", "retention", "because", "users", "come", "back", "daily,", "**impact**", "and", "so",
         "we", "`dau`", "rather", "than", "weekly", "counts.")  # fmt: skip
PROBE_SECONDS = 0.005
PACED_TOKENS_PER_SECOND = 100
ANSWER = "I would track DAU because the product is used daily, with retention as a guardrail."


def reply(tokens: int) -> list[str]:
    """Interviewer prose: words, some bold or code, a paragraph break every 60 tokens, a list now and then."""
    pieces = []
    for i in range(tokens):
        piece = f" {WORDS[i % len(WORDS)]}"
        if i % 60 == 59:
            piece += "\n\n" + ("- " if i % 180 == 179 else "")
        pieces.append(piece)
    return pieces


class StallProbe:
    """Wakes every 5 ms on the running loop and keeps how late each wake-up was."""

    def __init__(self) -> None:
        self.wakes: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(PROBE_SECONDS)
            now = time.perf_counter()
            self.wakes.append((now, now - before - PROBE_SECONDS))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()

    def longest(self, start: float, end: float) -> float:
        """The longest stall that overlaps the window: a wake-up late by `lag` covered (woke - lag, woke)."""
        return max((lag for woke, lag in self.wakes if woke - lag <= end and woke >= start), default=0.0)


class Sample:
    """One measured run: the time from the request reaching the server to the end, and the longest stall."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.stalls: list[float] = []

    def add(self, seconds: float, stall: float) -> float:
        self.seconds.append(seconds)
        self.stalls.append(stall)
        return seconds


class ServerProcess:
    """The loopback fake server in a process of its own, as a real server is.

    In the measured process its thread would share the interpreter lock with the side being measured, so
    the more work that side did, the later the server would send: the side's own cost counted twice.
    Chat requests get the reply, with `delay` seconds after each chunk; the judge and the lead-in get
    scripted answers. The time each chat request arrives is sent back (`perf_counter` is the system's
    monotonic clock, the same in both processes).
    """

    def __init__(self, pieces: list[str], delay: float) -> None:
        context = mp.get_context("fork")
        self._received: Any = context.SimpleQueue()
        self._control, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(pieces, delay, self._received, child), daemon=True)
        self._process.start()
        self.base_url: str = self._control.recv()

    def last_request_at(self) -> float:
        """When the latest chat request reached the server."""
        arrived = None
        while not self._received.empty():
            arrived = self._received.get()
        if arrived is None:
            raise SystemExit("the server received no chat request")
        return float(arrived)

    def stop(self) -> None:
        self._control.send("stop")
        self._process.join(10)


def _serve(pieces: list[str], delay: float, received: Any, control: Any) -> None:
    library = make_library(1)
    script = Script(lambda text: next(q for q in library.questions.values() if q.prompt in text), level=2)

    def handler(request: dict[str, Any]) -> Item:
        if is_judge(request) or is_lead_in(request):
            return script(request)
        received.put(time.perf_counter())
        return Stream(list(pieces), delay=delay)

    server = FakeOpenAIServer().start()
    server.handler = handler
    control.send(server.base_url)
    control.recv()
    server.stop()


async def raw_client(server: ServerProcess, pieces: list[str]) -> tuple[float, float]:
    client = AsyncOpenAI(base_url=server.base_url, api_key=API_KEY)
    probe = StallProbe()
    probe.start()
    stream = await client.chat.completions.create(
        model="fake-model", messages=[{"role": "user", "content": "Ask me about metrics."}], stream=True
    )
    read = 0
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            read += 1
    end = time.perf_counter()
    probe.stop()
    await client.close()
    if read != len(pieces):
        raise SystemExit(f"raw client read {read} of {len(pieces)} chunks")
    asked = server.last_request_at()
    return end - asked, probe.longest(asked, end)


async def no_screen(server: ServerProcess, pieces: list[str], tmp: Path) -> tuple[float, float]:
    """The same interview and answer as `app_shows`, with the reply's tokens consumed instead of shown."""
    library = make_library(1)
    target = target_for(server, timeout_seconds=300, reply_max_tokens=max(300, len(pieces) * 2))
    brain = LLMBrain(target, capabilities=Capabilities(tmp / "caps.json"))
    ctx = make_context(library, tmp / f"run-{time.monotonic_ns()}", brain=brain)
    session = ctx.interviews.start("test-round")
    async for _ in session.open():
        pass
    probe = StallProbe()
    probe.start()
    shown = 0
    with switched_off(True):
        async for event in session.submit(ANSWER):
            if isinstance(event, Token):
                shown += len(event.text)
                end = time.perf_counter()
    probe.stop()
    await brain.caller.client.close()
    if shown < len("".join(pieces).strip()):
        raise SystemExit(f"no-screen side read {shown} of {len(''.join(pieces))} characters")
    asked = server.last_request_at()
    return end - asked, probe.longest(asked, end)


async def app_shows(server: ServerProcess, pieces: list[str], tmp: Path, guarded: bool) -> tuple[float, float]:
    """The reply streams as the follow-up to a submitted answer, with the interview screen already up."""
    library = make_library(1)
    target = target_for(server, timeout_seconds=300, reply_max_tokens=max(300, len(pieces) * 2))
    brain = LLMBrain(target, capabilities=Capabilities(tmp / "caps.json"))
    ctx = make_context(library, tmp / f"run-{time.monotonic_ns()}", brain=brain)
    session = ctx.interviews.start("test-round")
    app = make_app(ctx, session)
    probe = StallProbe()
    with switched_off(not guarded):
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)  # the first question is on screen and nothing is running
            probe.start()
            screen = app.screen
            screen.query_one("#answer", TextArea).text = ANSWER
            screen.action_submit()  # what Ctrl+S does; a pilot key press would wait for the app to go idle
            while True:  # until the follow-up is saved and its final words are in the widget
                turns = [t for t in session.transcript.turns if t.role == "interviewer"]
                shown = screen.query(InterviewerMessage)
                if (
                    len(turns) == 2
                    and len(shown) == 2
                    and shown.last().body.source.strip() == markdown_source(turns[-1].text)
                ):
                    break
                await asyncio.sleep(0.001)
            drawn = asyncio.Event()
            app.call_after_refresh(drawn.set)  # and then on screen: the next frame has been drawn
            await drawn.wait()
            end = time.perf_counter()
            probe.stop()
    await brain.caller.client.close()
    if guarded == (turns[-1].phrasing == "llm"):
        raise SystemExit(f"unexpected phrasing {turns[-1].phrasing!r} with guardrails {'on' if guarded else 'off'}")
    asked = server.last_request_at()
    return end - asked, probe.longest(asked, end)


class switched_off:
    """Switches the guardrails off for the measured path, so a long reply is kept and shown in full."""

    def __init__(self, active: bool) -> None:
        self.active = active
        self.saved: tuple[Callable[..., str | None], int, int] | None = None

    def __enter__(self) -> None:
        if self.active:
            self.saved = (llm_brain.check_reply, guardrails.MAX_WORDS, guardrails.MAX_LEAD_IN_WORDS)
            llm_brain.check_reply = lambda *args, **kwargs: None
            guardrails.MAX_WORDS = guardrails.MAX_LEAD_IN_WORDS = 10**9

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            llm_brain.check_reply, guardrails.MAX_WORDS, guardrails.MAX_LEAD_IN_WORDS = self.saved


def measure(tokens: int, rounds: int, tmp: Path, normal_path: bool, delay: float = 0.0) -> dict[str, Sample]:
    pieces = reply(tokens)
    server = ServerProcess(pieces, delay)
    results = {"raw client": Sample(), "app": Sample(), "app, no screen": Sample()}
    sides = {
        "raw client": lambda: results["raw client"].add(*asyncio.run(raw_client(server, pieces))),
        "app": lambda: results["app"].add(*asyncio.run(app_shows(server, pieces, tmp, guarded=False))),
        "app, no screen": lambda: results["app, no screen"].add(*asyncio.run(no_screen(server, pieces, tmp))),
    }
    if normal_path:
        results["app, guardrails on"] = Sample()
        sides["app, guardrails on"] = lambda: results["app, guardrails on"].add(
            *asyncio.run(app_shows(server, pieces, tmp, guarded=True))
        )
    for run in sides.values():  # one unmeasured run each: imports, caches and the server warmed up
        run()
    for sample in results.values():
        sample.seconds.clear()
        sample.stalls.clear()
    try:
        alternate(sides, rounds)
    finally:
        server.stop()
    return results


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    print(f"load before: {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        short = measure(600, rounds, Path(tmp), normal_path=False)
        long = measure(20_000, max(3, rounds // 2), Path(tmp), normal_path=True)
        paced = measure(600, max(3, rounds // 2), Path(tmp), normal_path=False, delay=1 / PACED_TOKENS_PER_SECOND)
    print(f"load after:  {load()}")
    for label, results in (
        ("600-token reply at full speed (stress)", short),
        ("20,000-token reply at full speed (stress)", long),
        (f"600-token reply paced at {PACED_TOKENS_PER_SECOND} tokens/s (realistic)", paced),
    ):
        print(f"{label}, {len(results['app'].seconds)} rounds alternating:")
        for name, sample in results.items():
            print(f"  {name:<20} {spread(sample.seconds)}, longest stall {median(sample.stalls) * 1000:.0f} ms "
                  f"(median of runs; worst {max(sample.stalls) * 1000:.0f} ms)")  # fmt: skip
        ratio = median(results["app"].seconds) / median(results["raw client"].seconds)
        lag = median(results["app"].seconds) - median(results["raw client"].seconds)
        print(
            f"  ratio app / raw client: {ratio:.2f}x (goal at most {GOAL_RATIO}x); the app is {lag * 1000:.0f} ms later"
        )
        screen = median(results["app"].seconds) / median(results["app, no screen"].seconds)
        reading = median(results["app, no screen"].seconds) / median(results["raw client"].seconds)
        print(f"  showing it: app / app without a screen {screen:.2f}x; reading it: app without a screen / raw "
              f"client {reading:.2f}x")  # fmt: skip
        print(f"  longest stall in the app: {max(results['app'].stalls) * 1000:.0f} ms (goal under "
              f"{GOAL_STALL * 1000:.0f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
