"""`interviewer list` at 10,000 and 50,000 transcripts, warm and cold, whole processes, in one run.

Run: python bench/list_transcripts.py [ROUNDS]
Cold samples empty the page cache first (`sync; echo 3 > /proc/sys/vm/drop_caches`), which needs root;
without it they are skipped. The stores (about 80 KiB a transcript, 4 GiB at 50,000) are made once under
$BENCH_CORPUS (default /tmp/interviewer-bench) and reused.

- warm: the index is up to date and the files are in the page cache;
- cold: the index is up to date, but nothing is cached: every stat, the index, and Python's own modules
  come from the disk;
- rebuild: no index at all, so every transcript is read and parsed once (a single sample, not a goal).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import alternate, corpus, drop_caches, interviewer_command, isolated_env, load, median, spread
from _harness import whole_process as timed

from interviewer.store import INDEX_NAME, TranscriptStore

COUNTS = (10_000, 50_000)
WARM_GOAL, COLD_GOAL = 1.0, 5.0


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    stores = {count: corpus(count) for count in COUNTS}
    command = interviewer_command()
    rebuild: dict[int, float] = {}
    for count, root in stores.items():
        (root / INDEX_NAME).unlink(missing_ok=True)
        start = time.perf_counter()
        listing = TranscriptStore(root).list()
        rebuild[count] = time.perf_counter() - start
        assert len(listing.summaries) == count and not listing.problems, (count, listing.problems[:3])

    with tempfile.TemporaryDirectory() as home:
        env = isolated_env(Path(home))

        def listed(root: Path) -> float:
            return timed([*command, "--transcripts", str(root), "list"], env)

        def cold(root: Path) -> float:
            drop_caches()
            return listed(root)

        warm_sides = {f"warm {count:,}": (lambda root=root: listed(root)) for count, root in stores.items()}
        in_process = {
            f"store.list() {count:,}": (lambda root=root: _in_process(root)) for count, root in stores.items()
        }
        print(f"load before: {load()}")
        warm = alternate({**warm_sides, **in_process}, rounds)
        can_drop = drop_caches()
        cold_sides = {f"cold {count:,}": (lambda root=root: cold(root)) for count, root in stores.items()}
        cold_samples = alternate(cold_sides, max(3, rounds // 2)) if can_drop else {}
        print(f"load after:  {load()}")

    print(f"`interviewer list`, whole process, {rounds} rounds alternating:")
    for name, values in {**warm, **cold_samples}.items():
        print(f"  {name:<20} {spread(values)}")
    if not can_drop:
        print("  cold: skipped (emptying the page cache needs root)")
    for count, seconds in rebuild.items():
        print(f"  rebuild {count:,} (no index, every file parsed, in process, one sample): {seconds:.2f} s")
    big = f"{COUNTS[-1]:,}"
    print(f"warm 50,000: {median(warm[f'warm {big}']):.2f} s (goal under {WARM_GOAL:.0f} s)")
    if cold_samples:
        print(f"cold 50,000: {median(cold_samples[f'cold {big}']):.2f} s (goal under {COLD_GOAL:.0f} s)")
    ratio = median(warm[f"warm {big}"]) / median(warm[f"warm {COUNTS[0]:,}"])
    print(f"ratio warm 50,000 / 10,000: {ratio:.2f}x for 5x the transcripts")


def _in_process(root: Path) -> float:
    start = time.perf_counter()
    TranscriptStore(root).list()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
