"""The judge's validity gate: a judgement that is not grounded in the answer is not used.

A model can return well-formed levels that ignore the answer: no quote from it survives the
check, the levels climb 1-2-3-4 down the criteria in order, or answers that the rules score far
apart get exactly the same levels. Such a judgement is flagged and the offline score stands.

The rules underrate terse expert answers, so "far apart" is wide: two levels for answers to the
same question, three across questions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from itertools import pairwise

from interviewer.models import AnswerScore

LADDER_MIN_CRITERIA = 3
FAR_APART_SAME_QUESTION = 2.0  # rule-based overalls this far apart (on 1-5) mean very different answers
FAR_APART_ACROSS_QUESTIONS = 3.0


@dataclass
class _Spread:
    """The lowest and highest rule-based overall of the answers in one group, scored only once a group has two."""

    far_apart: float
    bounds: dict[Hashable, tuple[float, float]] = field(default_factory=dict)
    first_seen: dict[Hashable, Callable[[], float]] = field(default_factory=dict)

    def add(self, group: Hashable, overall: Callable[[], float]) -> bool:
        """Add an answer to its group; whether it is far apart from another answer there."""
        if group not in self.bounds and group not in self.first_seen:
            self.first_seen[group] = overall
            return False
        if group in self.first_seen:
            first = self.first_seen.pop(group)()
            self.bounds[group] = (first, first)
        value = overall()
        low, high = self.bounds[group]
        self.bounds[group] = (min(low, value), max(high, value))
        return max(value - low, high - value) >= self.far_apart


@dataclass
class ValidityGate:
    """Remembers the judgements of one interview (or batch), to spot levels that do not depend on the answer."""

    same_question: _Spread = field(default_factory=lambda: _Spread(FAR_APART_SAME_QUESTION))
    across_questions: _Spread = field(default_factory=lambda: _Spread(FAR_APART_ACROSS_QUESTIONS))

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
        once = _Once(offline_overall)
        far_in_question = self.same_question.add((judged.question_id, levels), once)
        far_across = self.across_questions.add(levels, once)
        if far_in_question or far_across:
            return "the judge gave the same levels to a very different answer"
        return None


@dataclass
class _Once:
    """The rule-based overall, computed at most once however many groups ask for it."""

    compute: Callable[[], float]
    value: float | None = None

    def __call__(self) -> float:
        if self.value is None:
            self.value = self.compute()
        return self.value


def _is_ladder(levels: tuple[int, ...]) -> bool:
    if len(levels) < LADDER_MIN_CRITERIA:
        return False
    steps = {b - a for a, b in pairwise(levels)}
    return steps in ({1}, {-1})
