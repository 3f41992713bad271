"""`interviewer list` over 10,000 transcripts: the summary parse against a full parse, in one run.

Run: python bench/list_transcripts.py [COUNT]
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer.content import load_library
from interviewer.models import Transcript
from interviewer.offline.brain import OfflineBrain
from interviewer.session import InterviewSession
from interviewer.store import TranscriptStore

ANSWER = (
    "I chose DAU rather than MAU because the product is used daily, and I added a guardrail so that "
    "clickbait cannot inflate watch time without us noticing."
)


async def one_interview(store: TranscriptStore) -> Transcript:
    library = load_library(include_user=False)
    session = InterviewSession.create(library, "ds-round-1", "strict", OfflineBrain(), store)
    async for _ in session.open():
        pass
    while not session.finished:
        async for _ in session.submit(ANSWER):
            pass
    return session.transcript


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "transcripts"
        store = TranscriptStore(root)
        template = asyncio.run(one_interview(store))
        store.path_for(template.id).unlink()
        body = template.model_dump_json(indent=2)
        for i in range(count):
            tid = f"20260101-000000-ds-round-1-{i:05d}"
            (root / f"{tid}.json").write_text(body.replace(template.id, tid), encoding="utf-8")
        size = sum(p.stat().st_size for p in root.iterdir()) / count

        start = time.perf_counter()
        listing = store.list()
        cold_s = time.perf_counter() - start
        assert len(listing.summaries) == count

        start = time.perf_counter()
        store.list()
        warm_s = time.perf_counter() - start

        start = time.perf_counter()
        for path in store.files():
            Transcript.model_validate_json(path.read_bytes())
        full_s = time.perf_counter() - start

        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "interviewer", "--transcripts", str(root), "list"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cli_s = time.perf_counter() - start

    print(f"transcripts: {count}, {size / 1024:.1f} KiB each, {len(template.turns)} turns each")
    print(f"store.list(), cold (parses every file, writes the index): {cold_s:.2f} s")
    print(f"store.list(), warm (index up to date): {warm_s:.2f} s")
    print(f"full Transcript parse of every file, for comparison: {full_s:.2f} s")
    print(f"ratio full parse / warm list: {full_s / warm_s:.1f}x")
    print(f"`interviewer list` end to end, warm (process start included): {cli_s:.2f} s")


if __name__ == "__main__":
    main()
