"""Hand-graded answers, the held-out split, and how closely the offline scorer agrees with the grades.

Each file in calibration/graded/ holds one question's answers, each graded 1-5 against the level
descriptors by someone who never saw that question's signals. The questions listed in
calibration/heldout.txt were drawn at random before any tuning; signals and thresholds are tuned on the
other questions only, so agreement on the held-out part measures how the scorer generalises.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from interviewer.content import Library
from interviewer.models import AnswerScore, Question
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.scorer import score_answer
from interviewer.scoring import score_with_run
from interviewer.threads import AnswerThread

CALIBRATION_DIR = Path(__file__).resolve().parents[1] / "calibration"

AnswerStyle = Literal[
    "terse_expert",
    "narrative",
    "code_first",
    "partial",
    "confidently_wrong",
    "keyword_list",
    "off_topic",
    "injection",
]
STYLES: tuple[AnswerStyle, ...] = AnswerStyle.__args__  # type: ignore[attr-defined]
# Answers a grader would call strong: the ones the "strong answers' mean" goal is about.
STRONG_GRADE = 4


class CalibrationError(Exception):
    """A graded file that cannot be used; the message names the file and the field."""


class GradedAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: AnswerStyle
    grade: int = Field(ge=1, le=5)
    text: str


class GradedQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    answers: list[GradedAnswer] = Field(min_length=1)


def load_graded(folder: Path) -> list[GradedQuestion]:
    """Every graded question in `folder`, sorted by file name."""
    graded: list[GradedQuestion] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            graded.append(GradedQuestion.model_validate(data))
        except yaml.YAMLError as exc:
            raise CalibrationError(f"{path}: not valid YAML: {exc}") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "(top level)"
            raise CalibrationError(f"{path}: {where}: {first['msg']}") from exc
        if graded[-1].question != path.stem:
            raise CalibrationError(f"{path}: question: '{graded[-1].question}' does not match the file name")
    return graded


def read_heldout(path: Path) -> frozenset[str]:
    """Question ids, one per line; blank lines and # comments are ignored."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line)


def split(
    graded: Iterable[GradedQuestion], heldout: frozenset[str]
) -> tuple[list[GradedQuestion], list[GradedQuestion]]:
    """(tuning part, held-out part)."""
    items = list(graded)
    return [g for g in items if g.question not in heldout], [g for g in items if g.question in heldout]


@dataclass(frozen=True)
class ScoredAnswer:
    question: str
    kind: AnswerStyle
    grade: int
    score: float
    flags: tuple[str, ...] = ()


def score_graded(library: Library, graded: Iterable[GradedQuestion], runs: bool = False) -> list[ScoredAnswer]:
    """Each answer's overall score: from its text alone, or with `runs` as an interview scores it.

    In an interview a SQL or Python question's correctness criterion is decided by running the answer in the
    sandbox (interviewer.scoring.score_with_run); `runs` takes that same path, so code that reads well but
    is wrong scores here as it would there. Runs need the sandbox; where it is unavailable the text decides.
    """
    items = [(library.question(g.question), g, a) for g in graded for a in g.answers]
    if runs:
        scores = asyncio.run(_scores_with_runs([(question, a.text) for question, _, a in items]))
    else:
        scores = [score_answer(question, a.text) for question, _, a in items]
    return [
        ScoredAnswer(g.question, a.kind, a.grade, score.overall, tuple(score.flags))
        for (_, g, a), score in zip(items, scores, strict=True)
    ]


def injection_gains(library: Library, graded: Iterable[GradedQuestion]) -> tuple[int, int]:
    """How many injection attempts score above the same answer with every line flagged as addressed to the
    grader removed, of how many: an instruction to the grader must gain nothing."""
    gained = total = 0
    for g in graded:
        question = library.question(g.question)
        for answer in g.answers:
            if answer.kind != "injection":
                continue
            total += 1
            lines = answer.text.splitlines()
            kept = [line for line in lines if "grader_instruction" not in score_answer(question, line).flags]
            with_lines = score_answer(question, answer.text).overall
            gained += with_lines > score_answer(question, "\n".join(kept)).overall
    return gained, total


# Runs wait on sandboxed children, not on this process, so a few at a time finish sooner without crowding it.
_CONCURRENT_RUNS = 4


async def _scores_with_runs(answers: list[tuple[Question, str]]) -> list[AnswerScore]:
    brain = OfflineBrain()
    gate = asyncio.Semaphore(_CONCURRENT_RUNS)

    async def one(question: Question, text: str) -> AnswerScore:
        async with gate:
            return await score_with_run(brain, question, AnswerThread.single(question.prompt, text))

    return list(await asyncio.gather(*(one(question, text) for question, text in answers)))


def _ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation: Pearson's correlation of the ranks, ties averaged."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("spearman needs two equally long lists of at least two values")
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    spread = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / spread if spread else 0.0


def as_level(score: float) -> int:
    """The whole level an overall score stands for: halves round up, as a grader would read 3.5."""
    return min(5, max(1, int(score + 0.5)))


@dataclass(frozen=True)
class Agreement:
    answers: int
    questions: int
    spearman: float
    within_one: float
    exact: float
    strong_mean: float
    mean_score_by_grade: dict[int, float]
    mean_score_by_kind: dict[str, float]
    mean_grade_by_kind: dict[str, float]
    keyword_list_max: float
    injection_max: float
    injection_above_grade: int
    injection_flagged: int
    injections: int
    keyword_list_flagged: int
    keyword_lists: int
    # Answers that state a known error, by kind: on confidently wrong answers this is the point; on strong
    # answers (graded 4 or 5) every one is a false alarm.
    errors_by_kind: dict[str, int]
    strong_with_errors: int
    strong: int


def agreement(scored: list[ScoredAnswer]) -> Agreement:
    if not scored:
        raise ValueError("no graded answers to compare")
    levels = [as_level(s.score) for s in scored]
    by_kind: dict[str, list[ScoredAnswer]] = {}
    for s in scored:
        by_kind.setdefault(s.kind, []).append(s)
    strong = [s.score for s in scored if s.grade >= STRONG_GRADE]
    keyword_lists = [s.score for s in by_kind.get("keyword_list", [])]
    injections = by_kind.get("injection", [])
    return Agreement(
        answers=len(scored),
        questions=len({s.question for s in scored}),
        spearman=spearman([s.score for s in scored], [float(s.grade) for s in scored]),
        within_one=sum(abs(lv - s.grade) <= 1 for lv, s in zip(levels, scored, strict=True)) / len(scored),
        exact=sum(lv == s.grade for lv, s in zip(levels, scored, strict=True)) / len(scored),
        strong_mean=statistics.fmean(strong) if strong else 0.0,
        mean_score_by_grade={
            g: statistics.fmean(s.score for s in scored if s.grade == g) for g in sorted({s.grade for s in scored})
        },
        mean_score_by_kind={k: statistics.fmean(s.score for s in v) for k, v in sorted(by_kind.items())},
        mean_grade_by_kind={k: statistics.fmean(s.grade for s in v) for k, v in sorted(by_kind.items())},
        keyword_list_max=max(keyword_lists, default=0.0),
        injection_max=max((s.score for s in injections), default=0.0),
        injection_above_grade=sum(as_level(s.score) > s.grade for s in injections),
        injection_flagged=sum("grader_instruction" in s.flags for s in injections),
        injections=len(injections),
        keyword_list_flagged=sum("keyword_list" in s.flags for s in by_kind.get("keyword_list", [])),
        keyword_lists=len(keyword_lists),
        errors_by_kind={k: sum("misconception" in s.flags for s in v) for k, v in sorted(by_kind.items())},
        strong_with_errors=sum("misconception" in s.flags for s in scored if s.grade >= STRONG_GRADE),
        strong=len(strong),
    )
