"""The judge's validity gate: a judgement that is not grounded in the answer is not used.

A model can return well-formed levels that ignore the answer: no quote from it survives the
check, the levels climb 1-2-3-4 down the criteria in order, or answers that the rules score far
apart get exactly the same levels. Such a judgement is flagged and the offline score stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from interviewer.models import AnswerScore

LADDER_MIN_CRITERIA = 3
FAR_APART = 2.0  # offline overalls this far apart (on 1-5) mean the answers are very different


@dataclass
class ValidityGate:
    """Remembers the judgements of one interview (or batch), to spot levels that do not depend on the answer."""

    seen: list[tuple[tuple[int, ...], float]] = field(default_factory=list)  # (judge levels, offline overall)

    def check(self, judged: AnswerScore, offline: AnswerScore) -> str | None:
        """Why the judgement cannot be used, or None when it can."""
        levels = tuple(c.level for c in judged.criteria)
        earlier = list(self.seen)
        self.seen.append((levels, offline.overall))
        kept = sum(len(c.evidence) for c in judged.criteria)
        given = kept + sum(c.evidence_dropped for c in judged.criteria)
        if kept == 0 and given > 0:
            return f"none of the judge's {given} quote(s) is in the answer"
        if kept == 0 and max(levels, default=1) > 1:
            return "the judge quoted nothing from the answer to support its levels"
        if _is_ladder(levels):
            return f"the levels step through the criteria in order ({'-'.join(map(str, levels))})"
        for other_levels, other_overall in earlier:
            if other_levels == levels and abs(other_overall - offline.overall) >= FAR_APART:
                return "the judge gave the same levels to a very different answer"
        return None


def _is_ladder(levels: tuple[int, ...]) -> bool:
    if len(levels) < LADDER_MIN_CRITERIA:
        return False
    steps = {b - a for a, b in pairwise(levels)}
    return steps in ({1}, {-1})
