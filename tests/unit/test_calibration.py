"""The offline scorer orders hand-graded answers as a human grader would."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.calibration import CAPPED_TIERS, evaluate, load_sets

# calibration/ was written alongside the rubric signals; calibration_heldout/ was written by
# someone who saw only the prompts and level descriptors, never the signals.
TUNED = load_sets(Path(__file__).parents[1] / "calibration")
HELD_OUT = load_sets(Path(__file__).parents[1] / "calibration_heldout")
SETS = TUNED + HELD_OUT


def test_there_are_graded_answers_for_at_least_ten_questions():
    assert len({s.question for s in TUNED}) >= 10
    assert HELD_OUT


@pytest.mark.parametrize(
    "calibration", SETS, ids=[f"{s.question}-{'tuned' if s in TUNED else 'held-out'}" for s in SETS]
)
def test_strong_beats_partial_beats_weak_and_lists_stay_low(builtin_library, calibration):
    result = evaluate(builtin_library, calibration)
    scores = result.scores
    assert scores["strong"] > scores["partial"] > scores["weak"], scores
    for tier, cap in CAPPED_TIERS.items():
        assert scores[tier] <= cap, (tier, scores)
