"""Agreement between the offline scorer and hand-graded answers in tests/calibration.

Run: python bench/calibration_agreement.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer.calibration import evaluate, load_sets
from interviewer.content import load_library


def main() -> None:
    library = load_library(include_user=False)
    results = [evaluate(library, s) for s in load_sets(Path(__file__).resolve().parents[1] / "tests" / "calibration")]
    tiers = ["strong", "partial", "weak", "keyword_list", "off_topic"]
    print(f"| question | {' | '.join(tiers)} |")
    print(f"|---|{'---|' * len(tiers)}")
    for r in results:
        print(f"| {r.question} | {' | '.join(f'{r.scores[t]:.2f}' for t in tiers)} |")
    pairs = sum(r.ordered_pairs for r in results)
    concordant = sum(r.concordant_pairs for r in results)
    caps = sum(r.caps_met for r in results)
    caps_total = sum(r.caps_total for r in results)
    print()
    print(f"questions: {len(results)}")
    print(f"ordering agreement (strong > partial > weak, pairwise): {concordant}/{pairs} = {concordant / pairs:.0%}")
    print(f"keyword-list and off-topic answers at or below 2: {caps}/{caps_total} = {caps / caps_total:.0%}")
    print(f"sets fully in agreement: {sum(r.passed for r in results)}/{len(results)}")


if __name__ == "__main__":
    main()
