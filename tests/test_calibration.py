"""The offline scorer orders hand-graded answers as a human grader would."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.calibration import CAPPED_TIERS, evaluate, load_sets

SETS = load_sets(Path(__file__).parent / "calibration")


def test_there_are_graded_answers_for_at_least_ten_questions():
    assert len({s.question for s in SETS}) >= 10


@pytest.mark.parametrize("calibration", SETS, ids=[s.question for s in SETS])
def test_strong_beats_partial_beats_weak_and_lists_stay_low(builtin_library, calibration):
    result = evaluate(builtin_library, calibration)
    scores = result.scores
    assert scores["strong"] > scores["partial"] > scores["weak"], scores
    for tier, cap in CAPPED_TIERS.items():
        assert scores[tier] <= cap, (tier, scores)
