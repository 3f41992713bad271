"""Agreement between the offline scorer and hand-graded answers in tests/calibration.

Run: python bench/calibration_agreement.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer.calibration import evaluate, load_sets
from interviewer.content import load_library


def report(title: str, folder: Path) -> None:
    library = load_library(include_user=False)
    results = [evaluate(library, s) for s in load_sets(folder)]
    print(f"## {title} ({folder.name}/)")
    print()
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
    for tier in ("strong", "partial", "weak"):
        print(f"mean {tier}: {sum(r.scores[tier] for r in results) / len(results):.2f}")
    above = sum(1 for r in results if r.scores["keyword_list"] >= r.scores["partial"])
    print(f"keyword list scored at or above the partial answer: {above}/{len(results)}")
    print()


def main() -> None:
    tests = Path(__file__).resolve().parents[1] / "tests"
    report("Tuned set", tests / "calibration")
    report("Held-out set", tests / "calibration_heldout")


if __name__ == "__main__":
    main()
