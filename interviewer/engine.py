"""The interview state machine: pure decisions over a transcript, with no I/O and no backend.

State is always derived from the saved turns, so a resumed interview continues exactly where
the file says it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from interviewer.analysis.coverage import already_covered, complexity_said, scale_said, shared_topic_words
from interviewer.analysis.metrics import MetricMention, first_unjustified_metric, metric_fits
from interviewer.analysis.segments import split_segments
from interviewer.execution.extract import code_chars
from interviewer.models import AnswerScore, Persona, Probe, Question, Transcript
from interviewer.plans import Plan, Situation
from interviewer.threads import AnswerThread, Exchange

SCALE_PROBE = "What changes if the data were 10x larger?"
COMPLEXITY_PROBE = "Your code passes my tests. What are its time and space complexity, and could you do better?"
# A scale probe pushes a decent answer further; a weak one needs its gaps probed first.
SCALE_PROBE_MIN_OVERALL = 3.0
# An answer at or above this, with no flag against it, is genuinely good: the only kind a persona praises.
STRONG_OVERALL = 4.0
# Fewer words than this is a short answer (unless it is also a strong one: terse experts exist).
SHORT_ANSWER_WORDS = 25
# Content words an answer must share with its question before it counts as talking about it.
ON_TOPIC_WORDS = 3
# An answer this weak that leaves the question's words is off the point even without the scorer's flag.
OFF_POINT_BELOW = 2.0
LENGTH_CUT_IN_FACTOR = 2  # a draft or answer this many times the persona's budget is rambling

Awaiting = Literal["start", "answer", "response", "done"]
COMMANDS = ("hint", "skip", "repeat", "end", "persona")


@dataclass
class QuestionState:
    question_id: str
    asked: bool = False
    skipped: bool = False
    exchanges: list[Exchange] = field(default_factory=list)
    follow_ups: int = 0
    hints: int = 0
    probes: list[Probe] = field(default_factory=list)
    score: AnswerScore | None = None
    # What the candidate is replying to now: the question as asked, or the latest follow-up.
    open_prompt: str = ""
    open_probe: Probe | None = None

    @property
    def answers(self) -> list[str]:
        return [exchange.reply for exchange in self.exchanges]

    @property
    def answered(self) -> bool:
        return bool(self.exchanges)

    def thread(self) -> AnswerThread:
        return AnswerThread(tuple(self.exchanges))


@dataclass
class InterviewState:
    questions: list[QuestionState]
    current: int | None  # index into questions of the question being discussed
    awaiting: Awaiting
    last_prompt: str | None  # the last follow-up asked, or None while the scripted question stands
    cut_in_since_prompt: bool = False  # the interviewer already cut in on the current draft
    probe_texts: set[str] = field(default_factory=set)  # every probe asked in this interview, any question

    @property
    def current_question(self) -> QuestionState | None:
        return self.questions[self.current] if self.current is not None else None


@dataclass(frozen=True)
class Command:
    name: str
    argument: str = ""


def parse_command(text: str) -> Command | None:
    """`/hint`, `/skip`, `/repeat`, `/end` or `/persona NAME`; anything else is an answer."""
    stripped = text.strip()
    if not stripped.startswith("/") or "\n" in stripped:
        return None
    name, _, argument = stripped[1:].partition(" ")
    name = name.lower()
    if name not in COMMANDS:
        return None
    return Command(name, argument.strip())


def derive_state(transcript: Transcript) -> InterviewState:
    states = [QuestionState(qid) for qid in transcript.question_ids]
    by_id = {s.question_id: i for i, s in enumerate(states)}
    current: int | None = None
    awaiting: Awaiting = "start"
    last_prompt: str | None = None
    cut_in = False
    probe_texts: set[str] = set()
    for turn in transcript.turns:
        index = by_id.get(turn.question_id or "", current)
        state = states[index] if index is not None else None
        if turn.role == "interviewer" and turn.kind == "cut_in":
            cut_in = True  # an interruption leaves the question open
            continue
        if turn.role == "interviewer":
            cut_in = False
            if turn.kind == "wrap_up":
                awaiting = "done"
                continue
            awaiting = "answer"
            if turn.kind == "question" and index is not None:
                current = index
                states[index].asked = True
                states[index].open_prompt, states[index].open_probe = turn.text, None
                last_prompt = None  # the scripted prompt itself
            elif turn.kind == "follow_up" and state is not None:
                state.follow_ups += 1
                if turn.probe is not None:
                    state.probes.append(turn.probe)
                    if turn.probe.text:
                        probe_texts.add(turn.probe.text)
                state.open_prompt, state.open_probe = turn.text, turn.probe
                last_prompt = turn.text
            elif turn.kind == "hint" and state is not None:
                state.hints += 1
        elif turn.role == "candidate" and state is not None:
            if turn.kind == "answer":
                probe = state.open_probe
                state.exchanges.append(
                    Exchange(
                        prompt=state.open_prompt,
                        reply=turn.text,
                        probed_criterion=probe.criterion_id if probe else None,
                        probe_kind=probe.kind if probe else None,
                    )
                )
                state.score = turn.score
                awaiting = "response"
            elif turn.kind == "command":
                command = parse_command(turn.text)
                if command and command.name == "skip":
                    state.skipped = True
                    awaiting = "response"
                elif command and command.name in ("hint", "repeat", "end"):
                    awaiting = "response"
    return InterviewState(states, current, awaiting, last_prompt, cut_in, probe_texts)


def _question_plan(state: InterviewState, index: int, question: Question, *, acknowledge: bool) -> Plan:
    return Plan(
        kind="question",
        question_id=question.id,
        question_number=index + 1,
        question_count=len(state.questions),
        prompt=question.prompt,
        acknowledge=acknowledge,
    )


def first_question(state: InterviewState, questions: dict[str, Question]) -> Plan:
    first = state.questions[0].question_id
    return _question_plan(state, 0, questions[first], acknowledge=False)


def move_on(state: InterviewState, questions: dict[str, Question], *, acknowledge: bool) -> Plan:
    """The next unasked question, or the wrap-up when none is left."""
    start = 0 if state.current is None else state.current + 1
    for index in range(start, len(state.questions)):
        qs = state.questions[index]
        if not qs.asked:
            return _question_plan(state, index, questions[qs.question_id], acknowledge=acknowledge)
    return Plan(kind="wrap_up", acknowledge=acknowledge)


def _probe_key(probe: Probe) -> tuple[str, str | None, int | None, str | None]:
    return (probe.kind, probe.criterion_id, probe.probe_index, probe.metric)


def question_text(question: Question) -> str:
    """Everything the question itself says: what decides whether a metric belongs to its topic."""
    parts = [question.topic, question.prompt, question.reference_answer]
    for criterion in question.criteria:
        parts += [criterion.description, *criterion.levels.values(), *criterion.probes]
        parts += [" / ".join(idea) for idea in criterion.signals.concepts]
    return "\n".join(parts)


def _criterion_for(question: Question, mention: MetricMention) -> str | None:
    """The criterion a "why this metric" probe serves: the first whose own words name the metric.

    The reply to the probe can then raise that criterion, as a reply to any criterion probe can.
    """
    for criterion in question.criteria:
        words = [
            criterion.description,
            *criterion.levels.values(),
            *(" / ".join(i) for i in criterion.signals.concepts),
        ]
        if metric_fits(mention.metric, "\n".join(words)):
            return criterion.id
    return None


def _follow_up(question: Question, probe: Probe, text: str, **facts: str) -> Plan:
    probe = probe.model_copy(update={"text": text})
    return Plan(kind="follow_up", question_id=question.id, probe=probe, probe_text=text, **facts)


def choose_follow_up(
    qs: QuestionState,
    question: Question,
    persona: Persona,
    score: AnswerScore,
    asked_in_interview: set[str] | frozenset[str] = frozenset(),
) -> Plan | None:
    """Probe the biggest gap the thread has left: a failed run, a wrong claim, an unjustified metric, the weakest
    criterion, scale.

    A probe is never asked twice in one interview (`asked_in_interview` holds every probe text so far),
    and a criterion probe that names ideas the thread already speaks to is passed over.
    """
    if qs.follow_ups >= persona.follow_up_budget:
        return None
    asked = {_probe_key(p) for p in qs.probes}
    asked_metrics = {p.metric for p in qs.probes if p.kind == "metric_why" and p.metric}
    thread_text = qs.thread().text()

    def fresh(probe: Probe, text: str) -> bool:
        return _probe_key(probe) not in asked and text not in asked_in_interview

    # What running the answer showed comes first: it is a fact, not an impression.
    run = score.run
    if run is not None and not run.ok and run.follow_up and fresh(Probe(kind="execution"), run.follow_up):
        return _follow_up(question, Probe(kind="execution"), run.follow_up)
    passed_python = run is not None and run.ok and run.kind == "python"
    if passed_python and fresh(Probe(kind="complexity"), COMPLEXITY_PROBE) and not complexity_said(thread_text):
        return _follow_up(question, Probe(kind="complexity"), COMPLEXITY_PROBE)

    criteria = {c.id: c for c in question.criteria}
    # A wrong claim comes before a missing idea: left standing, it is what the candidate would take away.
    for stated in score.criteria:
        if stated.criterion_id not in criteria:
            continue
        for k, misconception in enumerate(criteria[stated.criterion_id].misconceptions):
            challenge = Probe(kind="misconception", criterion_id=stated.criterion_id, probe_index=k)
            if misconception.claim in stated.errors and misconception.probe and fresh(challenge, misconception.probe):
                return _follow_up(question, challenge, misconception.probe)

    if "metric_why" in question.probe_kinds:
        mention = first_unjustified_metric(thread_text, exclude=asked_metrics, question_text=question_text(question))
        if mention is not None:
            text = f"Why {mention.as_written} rather than {mention.alternative}?"
            if text not in asked_in_interview:
                return _follow_up(
                    question,
                    Probe(
                        kind="metric_why", metric=mention.metric.name, criterion_id=_criterion_for(question, mention)
                    ),
                    text,
                    metric_as_written=mention.as_written,
                    metric_alternative=mention.alternative,
                )

    gaps = sorted(
        (c for c in score.criteria if c.level < persona.probe_threshold and c.criterion_id in criteria),
        key=lambda c: (c.level, -c.weight),
    )
    for gap in gaps:
        for i, text in enumerate(criteria[gap.criterion_id].probes):
            probe = Probe(kind="criterion", criterion_id=gap.criterion_id, probe_index=i)
            if fresh(probe, text) and not already_covered(question, text, thread_text):
                return _follow_up(question, probe, text)

    scale = Probe(kind="scale")
    decent = score.overall >= SCALE_PROBE_MIN_OVERALL
    if "scale" in question.probe_kinds and fresh(scale, SCALE_PROBE) and decent and not scale_said(thread_text):
        return _follow_up(question, scale, SCALE_PROBE)
    return None


def prose_tokens(question: Question, answer: str, answer_tokens: int) -> int:
    """An answer's or draft's tokens less its code's share: code is as long as the task needs, so only prose
    can run long."""
    if not answer:
        return answer_tokens
    code = min(len(answer), code_chars(answer, question.answer_kind))
    return round(answer_tokens * (len(answer) - code) / len(answer))


def situation_of(
    question: Question, score: AnswerScore, answer: str, answer_tokens: int, persona: Persona
) -> Situation:
    """What the answer was, so the interviewer's words fit it: what kind of answer, then quality, then length.

    "Off the point" means the answer shares almost no words with the question, whatever the scorer found:
    a terse answer the scorer found nothing in is not told "That is not what I asked." when it talks about
    the question, and an answer about something else is off the point even if it names a rubric term.
    A long answer is rambling only when it is far past the budget and not a strong one, and only its prose
    counts: code, in any answer, is as long as the task needs.
    """
    off_point = shared_topic_words(question, answer) < ON_TOPIC_WORDS
    if "no_answer" in score.flags:
        return "no_answer"
    if "keyword_list" in score.flags and "off_topic" not in score.flags:
        return "term_list"  # rubric terms share few words with the question, yet they are not off the point
    if off_point and ("off_topic" in score.flags or score.overall < OFF_POINT_BELOW):
        return "off_point"
    if "keyword_list" in score.flags:
        return "term_list"
    run_fine = score.run is None or score.run.ok
    if score.overall >= STRONG_OVERALL and run_fine and not score.flags:
        return "strong"
    if prose_tokens(question, answer, answer_tokens) > LENGTH_CUT_IN_FACTOR * persona.answer_budget_tokens:
        return "rambling"
    if sum(segment.words for segment in split_segments(answer)) < SHORT_ANSWER_WORDS:
        return "short"
    return "partial"


def after_answer(
    state: InterviewState,
    questions: dict[str, Question],
    persona: Persona,
    score: AnswerScore,
    latest_answer: str,
    answer_tokens: int,
) -> Plan:
    """Decide what follows an answer: a follow-up within budget, or the next question."""
    qs = state.current_question
    if qs is None:
        return move_on(state, questions, acknowledge=False)
    question = questions[qs.question_id]
    situation = situation_of(question, score, latest_answer, answer_tokens, persona)
    plan = choose_follow_up(qs, question, persona, score, state.probe_texts)
    if plan is None:
        plan = move_on(state, questions, acknowledge=True)
        plan.situation = situation
        return plan
    # Cutting in is for answers that ran long and still missed the point.
    plan.cut_in = (
        prose_tokens(question, latest_answer, answer_tokens) > persona.answer_budget_tokens
        and score.overall < persona.probe_threshold
    )
    plan.situation = situation
    return plan


def live_cut_in(
    state: InterviewState, persona: Persona, elapsed_seconds: float, time_limit_minutes: float, draft_tokens: int
) -> Literal["time", "length"] | None:
    """Whether an interrupting persona cuts in on the draft being typed, and why; once per prompt."""
    if not persona.interrupts or state.awaiting != "answer" or state.cut_in_since_prompt:
        return None
    if elapsed_seconds > time_limit_minutes * 60:
        return "time"
    if draft_tokens > LENGTH_CUT_IN_FACTOR * persona.answer_budget_tokens:
        return "length"
    return None


def hint(state: InterviewState, questions: dict[str, Question], persona: Persona) -> Plan:
    qs = state.current_question
    if qs is None:
        return Plan(kind="hint_refusal")
    question = questions[qs.question_id]
    if persona.hint_policy == "never":
        return Plan(kind="hint_refusal", question_id=question.id)
    if qs.hints < len(question.hints):
        text = question.hints[qs.hints]
    else:
        # Out of scripted hints: point at the heaviest criterion not yet shown well.
        weakest = qs.score.weakest() if qs.score else None
        target = next((c for c in question.criteria if weakest and c.id == weakest.criterion_id), None)
        target = target or max(question.criteria, key=lambda c: c.weight)
        text = f"Think about this: {target.description[0].lower()}{target.description[1:]}"
    return Plan(kind="hint", question_id=question.id, hint_text=text)


def repeat(state: InterviewState, questions: dict[str, Question]) -> Plan:
    qs = state.current_question
    if qs is None:
        return Plan(kind="repeat", prompt="")
    return Plan(
        kind="repeat",
        question_id=qs.question_id,
        prompt=state.last_prompt or questions[qs.question_id].prompt,
    )
