"""Shared by the benchmarks: alternating samples, medians, the machine's load, and a large transcript store.

Every benchmark compares two or more sides in one run. Each round runs every side once and the order
turns around from one round to the next, so a side never always runs first (cold) or last (warm), and a
change in the machine's load falls on both sides alike.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
CORPUS_DIR = Path(os.environ.get("BENCH_CORPUS", "/tmp/interviewer-bench"))
UNFINISHED_EVERY = 100  # one interview in a hundred is left unfinished, so the home screen has some to list

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def alternate(sides: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Runs every side once per round, reversing the order each round; returns each side's samples."""
    names = list(sides)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for i in range(rounds):
        for name in names if i % 2 == 0 else reversed(names):
            samples[name].append(sides[name]())
    return samples


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float], scale: float = 1000.0, unit: str = "ms") -> str:
    return f"median {median(values) * scale:.0f} {unit} (min {min(values) * scale:.0f}, max {max(values) * scale:.0f})"


def load() -> str:
    """The load averages, as `uptime` prints them, for the record."""
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def cpu_count() -> int:
    return os.cpu_count() or 1


def whole_process(argv: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Wall-clock seconds from starting a process to its exit, output discarded."""
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - start


def isolated_env(home: Path) -> dict[str, str]:
    """No user config or content: the app runs offline against folders the benchmark owns."""
    env = dict(os.environ)
    env["INTERVIEWER_HOME"] = str(home)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    return env


def interviewer_command() -> list[str]:
    """The installed console script when there is one, as a user would run it."""
    script = VENV_BIN / "interviewer"
    return [str(script)] if script.exists() else [sys.executable, "-m", "interviewer"]


def _template_transcript() -> tuple[str, str]:
    """One finished strict ds-round-1 interview, played offline: its id and its JSON."""
    from interviewer.content import load_library
    from interviewer.offline.brain import OfflineBrain
    from interviewer.session import InterviewSession
    from interviewer.store import TranscriptStore

    answer = (
        "I chose DAU rather than MAU because the product is used daily, and I added a guardrail so that "
        "clickbait cannot inflate watch time without us noticing."
    )

    async def play(store: TranscriptStore) -> str:
        library = load_library(include_user=False)
        session = InterviewSession.create(library, "ds-round-1", "strict", OfflineBrain(), store)
        async for _ in session.open():
            pass
        while not session.finished:
            async for _ in session.submit(answer):
                pass
        return session.transcript.id

    scratch = CORPUS_DIR / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    store = TranscriptStore(scratch)
    tid = asyncio.run(play(store))
    body = store.path_for(tid).read_text(encoding="utf-8")
    shutil.rmtree(scratch, ignore_errors=True)
    return tid, body


def corpus(count: int) -> Path:
    """A folder of `count` transcripts (about 80 KiB each), made once and reused by later runs.

    The index is removed, so the first listing of a fresh corpus parses every file.
    """
    root = CORPUS_DIR / f"store-{count}" / "transcripts"
    done = root.parent / "complete"
    if not done.exists():
        shutil.rmtree(root.parent, ignore_errors=True)
        root.mkdir(parents=True)
        tid, body = _template_transcript()
        started = json.dumps(json.loads(body)["started_at"])
        unfinished = body.replace('"status": "completed"', '"status": "in_progress"', 1)
        base = datetime(2024, 1, 1, tzinfo=UTC)
        for i in range(count):
            # Ids begin with the start time, as real ones do; the times are spread over months.
            moment = base + timedelta(seconds=(i * 7919) % count * 613, microseconds=i)
            new_id = f"{moment:%Y%m%d-%H%M%S}-ds-round-1-{i:05d}"
            text = (unfinished if i % UNFINISHED_EVERY == 0 else body).replace(tid, new_id)
            text = text.replace(started, json.dumps(moment.isoformat().replace("+00:00", "Z")), 1)
            (root / f"{new_id}.json").write_text(text, encoding="utf-8")
        done.write_text(f"{count}\n")
    return root


def drop_caches() -> bool:
    """Empties the page cache (root only), so the next read comes from the disk; False if not allowed."""
    try:
        subprocess.run(["sync"], check=True)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        return False
    return True
