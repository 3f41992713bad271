"""Batch scoring of 500 answers at concurrency 16 against a fake server with 100 ms latency,
compared with the ideal time (ceil(500 / 16) x 100 ms).

Run: python bench/batch_scoring.py
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer.batch import score_batch
from interviewer.llm.brain import LLMBrain
from interviewer.llm.capabilities import Capabilities
from tests.factories import make_library
from tests.fakes.openai_server import FakeOpenAIServer, Reply
from tests.llm_helpers import judge_json, target_for

ANSWERS = 500
CONCURRENCY = 16
LATENCY = 0.1


def main() -> None:
    library = make_library(1)
    question = library.questions["q1"]
    lines = [
        json.dumps({"id": str(i), "question": "q1", "answer": f"DAU because daily, case {i}"}) for i in range(ANSWERS)
    ]
    server = FakeOpenAIServer(latency=LATENCY).start()
    server.handler = lambda request: Reply(judge_json(question, "DAU because daily", level=3))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            target = target_for(server, max_retries=0, timeout_seconds=30)
            brain = LLMBrain(target, capabilities=Capabilities(Path(tmp) / "caps.json"))
            out = io.StringIO()
            start = time.perf_counter()
            summary = asyncio.run(score_batch(lines, library, brain, CONCURRENCY, out, progress=None))
            elapsed = time.perf_counter() - start
    finally:
        server.stop()
    ideal = math.ceil(ANSWERS / CONCURRENCY) * LATENCY
    print(f"answers: {ANSWERS}, concurrency: {CONCURRENCY}, server latency: {LATENCY * 1000:.0f} ms")
    print(f"scored: {summary.scored}, failed: {summary.failed}, most requests in flight: {server.max_in_flight}")
    print(f"elapsed: {elapsed:.2f} s, ideal: {ideal:.2f} s, ratio: {elapsed / ideal:.2f}x")
    print(f"throughput: {ANSWERS / elapsed:.0f} answers/s")


if __name__ == "__main__":
    main()
