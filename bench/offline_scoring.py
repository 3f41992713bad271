"""Offline scoring throughput: answers scored per second on the built-in bank.

Run: python bench/offline_scoring.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer.calibration import CALIBRATION_DIR, load_graded
from interviewer.content import load_library
from interviewer.offline.scorer import score_answer

ROUNDS = 5


def main() -> None:
    library = load_library(include_user=False)
    graded = load_graded(CALIBRATION_DIR / "graded")
    work = [(library.question(g.question), a.text) for g in graded for a in g.answers]
    # Reference answers are the longest realistic answers; score each against its own rubric.
    work += [(q, q.reference_answer) for q in library.questions.values()]
    words = sum(len(text.split()) for _, text in work)
    rates = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for question, text in work:
            score_answer(question, text)
        rates.append(len(work) / (time.perf_counter() - start))
    print(f"answers per pass: {len(work)} (mean {words / len(work):.0f} words)")
    print(f"offline scoring: median {statistics.median(rates):,.0f} answers/s, best {max(rates):,.0f} answers/s")


if __name__ == "__main__":
    main()
