"""A whole headless `sre` round against a server that never answers, against the same round offline.

The extra time is reported in units of the profile's timeout: the circuit breaker should hold it to a
few timeouts for the whole round, not one or more per turn. The two sides alternate over repeated
samples, and the median is reported.

Run: python bench/hanging_server.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer.brain import Brain
from interviewer.content import load_library
from interviewer.llm.brain import LLMBrain
from interviewer.llm.capabilities import Capabilities
from interviewer.offline.brain import OfflineBrain
from interviewer.session import InterviewSession
from interviewer.store import TranscriptStore
from tests.fakes.openai_server import FakeOpenAIServer, Hang
from tests.llm_helpers import target_for

SAMPLES = 3
TIMEOUT_SECONDS = 2.0
ROUND = "sre"
ANSWER = "I would read the service's logs with journalctl -u, because the last lines before it exits name the cause."


async def round_seconds(brain: Brain, tmp: Path) -> tuple[float, int]:
    library = load_library(include_user=False)
    session = InterviewSession.create(library, ROUND, "strict", brain, TranscriptStore(tmp))
    started = time.perf_counter()
    async for _ in session.open():
        pass
    while not session.finished:
        async for _ in session.submit(ANSWER):
            pass
    turns = sum(1 for t in session.transcript.turns if t.role == "interviewer")
    return time.perf_counter() - started, turns


def main() -> None:
    server = FakeOpenAIServer().start()
    server.handler = lambda request: Hang(600)
    offline: list[float] = []
    hanging: list[float] = []
    turns = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for sample in range(SAMPLES):
                seconds, _ = asyncio.run(round_seconds(OfflineBrain(), Path(tmp) / f"offline-{sample}"))
                offline.append(seconds)
                target = target_for(server, timeout_seconds=TIMEOUT_SECONDS, max_retries=2)
                brain = LLMBrain(target, capabilities=Capabilities(Path(tmp) / f"caps-{sample}.json"))
                seconds, turns = asyncio.run(round_seconds(brain, Path(tmp) / f"hanging-{sample}"))
                hanging.append(seconds)
    finally:
        server.stop()
    extra = statistics.median(h - o for h, o in zip(hanging, offline, strict=True))
    print(f"round: {ROUND}, interviewer turns: {turns}, timeout: {TIMEOUT_SECONDS:g} s, samples: {SAMPLES}")
    print(f"offline round: median {statistics.median(offline):.2f} s")
    print(f"hanging server: median {statistics.median(hanging):.2f} s")
    print(f"extra time: {extra:.2f} s = {extra / TIMEOUT_SECONDS:.2f} timeouts for the whole round")


if __name__ == "__main__":
    main()
