"""How well follow-ups listen: the hand-graded calibration answers played through the engine, per persona.

For every round and every answer style, one interview: each question gets that style's graded answer
and the engine picks its first follow-up, remembering what it asked earlier in the interview. Each
follow-up is put in one class, judged from the grade, the answer's style, the text and the question's
own words, never from the offline scorer's levels (which decide the follow-ups, so judging with them
would flatter the engine):

- aimed: a criterion probe at a criterion the answer really misses, a metric probe about a metric the
  answer names without a reason, or a probe about a run that failed;
- already said: a criterion probe at a criterion the answer covers, a metric probe about a metric it
  justifies, or a probe text the interview has asked before;
- off topic: a metric probe about a metric the question's own words (topic, prompt, reference answer,
  criterion descriptions and level descriptors) never name, or a criterion probe that shares no word
  with them but shares words with another question of the round;
- pushes further: the scale and complexity probes, which follow good answers.

A challenge to a known error the answer states is judged as a probe at its criterion: aimed when the answer
really misses that criterion, already said when it does not (a false alarm on a strong answer lands there).

"Really misses" for criterion C: an answer graded 5 misses nothing; one graded 1-2, or written as a
keyword list, off topic, an injection attempt or confidently wrong, misses every criterion; an answer
graded 3-4 misses C when fewer than half of the content words of C's description and top level
descriptor (stemmed, less the words every criterion of the question shares) appear in it.

The same answers also go through the rule the previous release used (the first unjustified metric of the
latest answer, whatever the topic; else the weakest criterion's first probe; no memory across
questions), for comparison in the same run.

Both graded batches are played, each reported on its own: the second batch's answers were written after the
engine's follow-up rules were, so it shows how they do on answers they were not shaped on.

Run: python bench/follow_up_quality.py
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer import engine
from interviewer.analysis.metrics import MetricMention, find_metrics
from interviewer.analysis.reasoning import is_reasoned
from interviewer.analysis.segments import split_segments
from interviewer.analysis.stems import stem
from interviewer.calibration import CALIBRATION_DIR, GradedAnswer, load_graded
from interviewer.content import load_library
from interviewer.engine import QuestionState, situation_of
from interviewer.models import AnswerScore, Persona, Probe, Question
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.phrasing import acknowledgement, follow_up_opener
from interviewer.plans import Plan
from interviewer.scoring import score_with_run
from interviewer.threads import AnswerThread, Exchange
from interviewer.tokens import count_tokens

CLASSES = ("aimed", "already said", "off topic", "pushes further")
ALWAYS_MISSING = {"keyword_list", "off_topic", "injection", "confidently_wrong"}
DESCRIPTOR_SHARE = 0.5
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "the a an and or of to in on for with without at by from as is are was were be been it its this that these "
        "those each every any all some one two three what which who how why when where there their them they you "
        "your our we i not no but if then than so such can could would should will may might more most less least "
        "very also just only about into over under between across per does do did has have had say says said",
    )
)
# A reason or a contrast next to a metric, in any of the ways people write it, terse ones included.
_REASON_NEAR = re.compile(
    r"\b(?:because|since|so that|rather than|instead of|over|vs\.?|versus|not|as it|which|hides?|misses|"
    r"rewards?|captures?|measures?|shows?|tells?)\b|\(\s*not\b|->|=>|→",
    re.IGNORECASE,
)


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 2}


def really_misses(question: Question, criterion_id: str, answer: GradedAnswer) -> bool:
    if answer.grade >= 5:
        return False
    if answer.grade <= 2 or answer.kind in ALWAYS_MISSING:
        return True
    criteria = {c.id: c for c in question.criteria}
    shared = set.intersection(*(content_stems(c.description + " " + c.levels.get(5, "")) for c in question.criteria))
    criterion = criteria[criterion_id]
    wanted = content_stems(criterion.description + " " + criterion.levels.get(5, "")) - shared
    if not wanted:
        return False
    return len(wanted & content_stems(answer.text)) / len(wanted) < DESCRIPTOR_SHARE


def metric_justified(metric: str, answer: str) -> bool:
    """The answer gives a reason or a contrast in a line or sentence that names the metric."""
    for line in re.split(r"(?<=[.!?])\s+|\n", answer):
        if any(m.metric.name == metric for m in find_metrics(line)) and _REASON_NEAR.search(line):
            return True
    return False


def own_words(question: Question) -> str:
    """What the question is about, as a reader sees it: not the signals or probes, which steer the engine."""
    parts = [question.topic, question.prompt, question.reference_answer]
    for criterion in question.criteria:
        parts += [criterion.description, *criterion.levels.values()]
    return "\n".join(parts)


def metric_on_topic(metric: str, question: Question) -> bool:
    return metric in {m.metric.name for m in find_metrics(own_words(question))}


def criterion_probe_off_topic(probe_text: str, question: Question, round_questions: list[Question]) -> bool:
    """The probe shares no word with its question and some with another question of the round: a leak."""
    words = content_stems(probe_text)
    if words & content_stems(own_words(question)):
        return False
    return any(words & content_stems(own_words(other)) for other in round_questions if other.id != question.id)


def classify(plan: Plan, question: Question, answer: GradedAnswer, asked: set[str], round_questions) -> str:
    probe = plan.probe
    assert probe is not None and plan.probe_text is not None
    if plan.probe_text in asked:
        return "already said"
    if probe.kind in ("scale", "complexity"):
        return "pushes further"
    if probe.kind == "execution":
        return "aimed"
    if probe.kind == "metric_why":
        assert probe.metric is not None
        if not metric_on_topic(probe.metric, question):
            return "off topic"
        return "already said" if metric_justified(probe.metric, answer.text) else "aimed"
    assert probe.criterion_id is not None
    if criterion_probe_off_topic(plan.probe_text, question, round_questions):
        return "off topic"
    return "aimed" if really_misses(question, probe.criterion_id, answer) else "already said"


Policy = Callable[[QuestionState, Question, Persona, AnswerScore, set[str]], Plan | None]


def previous_unjustified_metric(answer: str) -> MetricMention | None:
    """The previous release's test: a metric is justified only by a cue word such as "because" beside it."""
    segments = split_segments(answer)
    for mention in find_metrics(answer):
        beside = [s for s in segments if any(m.metric == mention.metric for m in find_metrics(s.text))]
        if not any(is_reasoned(s.text) for s in beside):
            return mention
    return None


def previous_rule(qs: QuestionState, question: Question, persona: Persona, score: AnswerScore, _: set[str]):
    """The rule of the previous release, kept here only to compare against."""
    run = score.run
    if run is not None and not run.ok and run.follow_up:
        return Plan(kind="follow_up", probe=Probe(kind="execution"), probe_text=run.follow_up)
    if run is not None and run.ok and run.kind == "python":
        return Plan(kind="follow_up", probe=Probe(kind="complexity"), probe_text=engine.COMPLEXITY_PROBE)
    if "metric_why" in question.probe_kinds:
        mention = previous_unjustified_metric(qs.exchanges[-1].reply)
        if mention is not None:
            text = f"Why {mention.as_written} rather than {mention.alternative}?"
            return Plan(kind="follow_up", probe=Probe(kind="metric_why", metric=mention.metric.name), probe_text=text)
    criteria = {c.id: c for c in question.criteria}
    for gap in sorted(
        (c for c in score.criteria if c.level < persona.probe_threshold), key=lambda c: (c.level, -c.weight)
    ):
        return Plan(
            kind="follow_up",
            probe=Probe(kind="criterion", criterion_id=gap.criterion_id, probe_index=0),
            probe_text=criteria[gap.criterion_id].probes[0],
        )
    if "scale" in question.probe_kinds and score.overall >= engine.SCALE_PROBE_MIN_OVERALL:
        return Plan(kind="follow_up", probe=Probe(kind="scale"), probe_text=engine.SCALE_PROBE)
    return None


def current_rule(qs: QuestionState, question: Question, persona: Persona, score: AnswerScore, asked: set[str]):
    return engine.choose_follow_up(qs, question, persona, score, asked)


async def scores_for(library, graded) -> dict[tuple[str, str], AnswerScore]:
    brain = OfflineBrain()
    scores = {}
    for item in graded:
        question = library.questions[item.question]
        for answer in item.answers:
            thread = AnswerThread.single(question.prompt, answer.text)
            scores[(item.question, answer.kind)] = await score_with_run(brain, question, thread)
    return scores


def tally(policy: Policy, persona: Persona, library, graded, scores) -> tuple[Counter[str], int]:
    by_question = {item.question: {a.kind: a for a in item.answers} for item in graded}
    counts: Counter[str] = Counter()
    silent = 0
    for round_ in library.rounds.values():
        kinds = {kind for qid in round_.questions for kind in by_question.get(qid, {})}
        round_questions = [library.questions[qid] for qid in round_.questions]
        for kind in sorted(kinds):
            asked: set[str] = set()
            for qid in round_.questions:
                answer = by_question.get(qid, {}).get(kind)
                if answer is None:
                    continue
                question = library.questions[qid]
                qs = QuestionState(qid, asked=True, exchanges=[Exchange(prompt=question.prompt, reply=answer.text)])
                plan = policy(qs, question, persona, scores[(qid, kind)], asked)
                if plan is None:
                    silent += 1
                    continue
                counts[classify(plan, question, answer, asked, round_questions)] += 1
                asked.add(plan.probe_text or "")
    return counts, silent


def main() -> None:
    library = load_library(include_user=False)
    for batch, folder in (("First batch", "graded"), ("Second batch", "second")):
        graded = [g for g in load_graded(CALIBRATION_DIR / folder) if g.question in library.questions]
        answers = sum(len(g.answers) for g in graded)
        scores = asyncio.run(scores_for(library, graded))
        print(f"## {batch} (calibration/{folder}/): {len(graded)} questions, {answers} graded answers, "
              "first follow-up after each")  # fmt: skip
        print()
        print("| persona | rule | follow-ups | " + " | ".join(CLASSES) + " | no follow-up |")
        print("| --- | --- | --- | " + " | ".join("---" for _ in CLASSES) + " | --- |")
        for persona_id in ("strict", "casual"):
            persona = library.personas[persona_id]
            for name, policy in (("previous", previous_rule), ("current", current_rule)):
                counts, silent = tally(policy, persona, library, graded, scores)
                total = sum(counts.values())
                shares = " | ".join(f"{counts[c] / total:.0%} ({counts[c]})" if total else "-" for c in CLASSES)
                print(f"| {persona_id} | {name} | {total} | {shares} | {silent} |")
        print()
        print(words_table(library, graded, scores))
        print()


SCOLDS = ("That is not what I asked.", "Stop there.")
SEEDS = range(12)  # every line of every list in the personas comes round


def words_table(library, graded, scores) -> str:
    """How the words around the follow-ups fit: scolding strong answers, praising weak ones."""
    strict, casual = library.personas["strict"], library.personas["casual"]
    strong = [(g.question, a) for g in graded for a in g.answers if a.grade >= 4]
    weak = [(g.question, a) for g in graded for a in g.answers if a.grade <= 2]

    def situation(persona, qid, answer):
        tokens = count_tokens(answer.text).tokens
        return situation_of(library.questions[qid], scores[(qid, answer.kind)], answer.text, tokens, persona)

    scolded = sum(
        any(follow_up_opener(strict, situation(strict, q, a), seed) in SCOLDS for seed in SEEDS) for q, a in strong
    )
    praised = sum(
        any(acknowledgement(casual, situation(casual, q, a), seed) in casual.tone.praise for seed in SEEDS)
        for q, a in weak
    )
    praised_strong = sum(
        any(acknowledgement(casual, situation(casual, q, a), seed) in casual.tone.praise for seed in SEEDS)
        for q, a in strong
    )
    return "\n".join(
        [
            "| words | answers | share |",
            "| --- | --- | --- |",
            f"| strict can open with {' or '.join(repr(s) for s in SCOLDS)} after an answer graded 4-5 "
            f"| {scolded} of {len(strong)} | {scolded / len(strong):.0%} |",
            f"| casual can praise an answer graded 1-2 | {praised} of {len(weak)} | {praised / len(weak):.0%} |",
            f"| casual can praise an answer graded 4-5 | {praised_strong} of {len(strong)} "
            f"| {praised_strong / len(strong):.0%} |",
        ]
    )


if __name__ == "__main__":
    main()
