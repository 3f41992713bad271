"""The judge's validity gate: a judgement that is not grounded in the answer is not used.

A model can return well-formed levels that ignore the answer: no quote from it survives the
check, the levels climb 1-2-3-4 down the criteria in order, or answers that the rules score far
apart get exactly the same levels. Such a judgement is flagged and the offline score stands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from interviewer.models import AnswerScore

LADDER_MIN_CRITERIA = 3
FAR_APART = 2.0  # offline overalls this far apart (on 1-5) mean the answers are very different


@dataclass
class ValidityGate:
    """Remembers the judgements of one interview (or batch), to spot levels that do not depend on the answer."""

    # For each set of levels given to two or more answers: the lowest and highest rule-based overall among them.
    spread: dict[tuple[int, ...], tuple[float, float]] = field(default_factory=dict)
    # Levels given once so far: how to score that answer by rule, if a second answer gets the same levels.
    first_seen: dict[tuple[int, ...], Callable[[], float]] = field(default_factory=dict)

    def check(self, judged: AnswerScore, offline_overall: Callable[[], float]) -> str | None:
        """Why the judgement cannot be used, or None when it can. `offline_overall` scores the same answer by rule."""
        levels = tuple(c.level for c in judged.criteria)
        kept = sum(len(c.evidence) for c in judged.criteria)
        given = kept + sum(c.evidence_dropped for c in judged.criteria)
        if kept == 0 and given > 0:
            return f"none of the judge's {given} quote(s) is in the answer"
        if kept == 0 and max(levels, default=1) > 1:
            return "the judge quoted nothing from the answer to support its levels"
        if _is_ladder(levels):
            return f"the levels step through the criteria in order ({'-'.join(map(str, levels))})"
        if levels not in self.spread and levels not in self.first_seen:
            self.first_seen[levels] = offline_overall
            return None
        if levels in self.first_seen:
            first = self.first_seen.pop(levels)()
            self.spread[levels] = (first, first)
        overall = offline_overall()
        low, high = self.spread[levels]
        self.spread[levels] = (min(low, overall), max(high, overall))
        if max(overall - low, high - overall) >= FAR_APART:
            return "the judge gave the same levels to a very different answer"
        return None


def _is_ladder(levels: tuple[int, ...]) -> bool:
    if len(levels) < LADDER_MIN_CRITERIA:
        return False
    steps = {b - a for a, b in pairwise(levels)}
    return steps in ({1}, {-1})
