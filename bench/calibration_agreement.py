"""Agreement between the offline scorer and hand-graded answers.

Four batches, graded blind to the signals by different graders: calibration/graded/ (the first),
calibration/second/ (the second), and calibration/third/ and calibration/fourth/ (held-out questions only,
written while the rubrics' known errors were, by graders who never saw them). Each is printed as a tuning
part and a held-out part (calibration/heldout.txt). The second
batch's tuning part is a development set: general rule changes are checked on it, and since no signal was
fitted to its wording it shows how the rule generalises. No batch's held-out part is used for tuning.
Each part is scored twice: from the text alone, and as an interview scores it, where a SQL or Python
answer's correctness criterion is decided by running it in the sandbox (--text-only skips that).
Run: python bench/calibration_agreement.py [--tuning-only] [--text-only]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer.calibration import (
    CALIBRATION_DIR,
    STYLES,
    Agreement,
    agreement,
    injection_gains,
    load_graded,
    read_heldout,
    score_graded,
    split,
)
from interviewer.content import load_library


def report(title: str, result: Agreement) -> None:
    print(f"## {title}: {result.questions} questions, {result.answers} answers")
    print()
    print(f"Spearman: {result.spearman:.3f}")
    print(f"within one level: {result.within_one:.1%}")
    print(f"exact level: {result.exact:.1%}")
    print(f"strong answers (graded 4 or 5), mean score: {result.strong_mean:.2f}")
    print(
        f"keyword lists, highest score: {result.keyword_list_max:.2f}; "
        f"flagged as a keyword list: {result.keyword_list_flagged}/{result.keyword_lists}"
    )
    print(
        f"injection attempts, highest score: {result.injection_max:.2f}; "
        f"scored above their grade: {result.injection_above_grade}; "
        f"flagged: {result.injection_flagged}/{result.injections}"
    )
    print(
        f"stating a known error: {result.errors_by_kind.get('confidently_wrong', 0)} confidently wrong answers; "
        f"strong answers (false alarms): {result.strong_with_errors}/{result.strong}"
    )
    print()
    print("| kind | mean grade | mean score | states a known error |")
    print("| --- | --- | --- | --- |")
    for kind in STYLES:
        if kind in result.mean_score_by_kind:
            print(
                f"| {kind} | {result.mean_grade_by_kind[kind]:.2f} | {result.mean_score_by_kind[kind]:.2f} "
                f"| {result.errors_by_kind[kind]} |"
            )
    print()
    print("| grade | mean score |")
    print("| --- | --- |")
    for grade, mean in result.mean_score_by_grade.items():
        print(f"| {grade} | {mean:.2f} |")
    print()


def main() -> None:
    library = load_library(include_user=False)
    heldout_ids = read_heldout(CALIBRATION_DIR / "heldout.txt")
    ways = [("text only", False)]
    if "--text-only" not in sys.argv:
        ways.append(("as the interview scores (runs included)", True))
    batches = (
        ("First batch", "graded"),
        ("Second batch", "second"),
        ("Third batch", "third"),
        ("Fourth batch", "fourth"),
    )
    for batch, folder in batches:
        if not (CALIBRATION_DIR / folder).is_dir():
            continue
        tuning, heldout = split(load_graded(CALIBRATION_DIR / folder), heldout_ids)
        parts = [("tuning part", tuning)]
        if "--tuning-only" not in sys.argv:
            parts.append(("held-out part", heldout))
        for part, graded in parts:
            for way, runs in ways:
                if graded:
                    report(f"{batch}, {part}, {way}", agreement(score_graded(library, graded, runs=runs)))
            if graded:
                gained, total = injection_gains(library, graded)
                line = "injection attempts scoring above the same answer without their flagged lines"
                print(f"{batch}, {part}: {line}: {gained} of {total}\n")


if __name__ == "__main__":
    main()
