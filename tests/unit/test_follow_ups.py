"""Follow-ups that listen: `derive_state`, `choose_follow_up` and the words around them, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from interviewer import engine
from interviewer.engine import QuestionState, choose_follow_up, derive_state, situation_of
from interviewer.models import AnswerScore, CriterionScore, Probe, Question, Transcript, Turn
from interviewer.models.scores import RunResult
from interviewer.offline.phrasing import acknowledgement, render
from interviewer.plans import Plan
from interviewer.threads import Exchange
from tests.factories import make_persona, make_question

SEEDS = range(12)  # enough to reach every line of every list in the personas


def transcript(*specs: tuple[Any, ...]) -> Transcript:
    turns = [
        Turn(index=i, role=role, kind=kind, text=text, persona="strict", question_id=question_id, **extra)
        for i, (role, kind, text, question_id, extra) in enumerate(specs)
    ]
    return Transcript(id="t", round_id="r", question_ids=["q1", "q2"], persona="strict", turns=turns)


GAP_PROBE = Probe(kind="criterion", criterion_id="objective", probe_index=0, text="Objective probe one?")

DERIVE_CASES = [
    # (name, turns, expected facts)
    ("nothing said yet", [], {"current": None, "awaiting": "start", "asked": [False, False]}),
    (
        "question asked",
        [("interviewer", "question", "Q1?")],
        {"current": 0, "awaiting": "answer", "asked": [True, False], "open_prompt": "Q1?"},
    ),
    (
        "question answered",
        [("interviewer", "question", "Q1?"), ("candidate", "answer", "A1")],
        {"current": 0, "awaiting": "response", "exchanges": [("Q1?", "A1", None)]},
    ),
    (
        "a follow-up's reply is kept with the follow-up and its criterion",
        [
            ("interviewer", "question", "Q1?"),
            ("candidate", "answer", "A1"),
            ("interviewer", "follow_up", "Push: Objective probe one?", "q1", {"probe": GAP_PROBE}),
            ("candidate", "answer", "A2"),
        ],
        {
            "awaiting": "response",
            "follow_ups": 1,
            "exchanges": [("Q1?", "A1", None), ("Push: Objective probe one?", "A2", "objective")],
            "probe_texts": {"Objective probe one?"},
        },
    ),
    (
        "a skip moves on and is remembered",
        [
            ("interviewer", "question", "Q1?"),
            ("candidate", "command", "/skip"),
            ("interviewer", "question", "Q2?", "q2"),
        ],
        {"current": 1, "awaiting": "answer", "asked": [True, True], "skipped": [True, False]},
    ),
    (
        "a cut-in leaves the question open",
        [("interviewer", "question", "Q1?"), ("interviewer", "cut_in", "Get to the point.")],
        {"current": 0, "awaiting": "answer", "cut_in": True},
    ),
    (
        "a hint is counted and leaves the prompt open",
        [("interviewer", "question", "Q1?"), ("candidate", "command", "/hint"), ("interviewer", "hint", "Hint: x")],
        {"awaiting": "answer", "hints": 1, "open_prompt": "Q1?"},
    ),
    (
        "the wrap-up ends it",
        [("interviewer", "question", "Q1?"), ("candidate", "command", "/end"), ("interviewer", "wrap_up", "Done.")],
        {"awaiting": "done"},
    ),
]


def _spec(raw: tuple[Any, ...]) -> tuple[Any, ...]:
    role, kind, text, *rest = raw
    question_id = rest[0] if rest else "q1"
    extra = rest[1] if len(rest) > 1 else {}
    return role, kind, text, question_id, extra


@pytest.mark.parametrize(("name", "turns", "expected"), DERIVE_CASES, ids=[c[0] for c in DERIVE_CASES])
def test_derive_state(name, turns, expected):
    state = derive_state(transcript(*[_spec(raw) for raw in turns]))
    first = state.questions[0]
    facts = {
        "current": state.current,
        "awaiting": state.awaiting,
        "asked": [qs.asked for qs in state.questions],
        "skipped": [qs.skipped for qs in state.questions],
        "open_prompt": first.open_prompt,
        "exchanges": [(e.prompt, e.reply, e.probed_criterion) for e in first.exchanges],
        "follow_ups": first.follow_ups,
        "hints": first.hints,
        "cut_in": state.cut_in_since_prompt,
        "probe_texts": state.probe_texts,
    }
    for key, value in expected.items():
        assert facts[key] == value, key


def score(question: Question, levels: dict[str, int], flags: list[str] | None = None, run: RunResult | None = None):
    return AnswerScore(
        question_id=question.id,
        criteria=[
            CriterionScore(criterion_id=c.id, weight=c.weight, level=levels.get(c.id, 1), rationale="r")
            for c in question.criteria
        ],
        flags=flags or [],
        run=run,
    )


def state_for(question: Question, *replies: str, probes: list[Probe] | None = None) -> QuestionState:
    exchanges = [Exchange(prompt=question.prompt, reply=replies[0])]
    exchanges += [Exchange(prompt="A follow-up?", reply=reply) for reply in replies[1:]]
    probes = probes or []
    return QuestionState(question.id, asked=True, exchanges=exchanges, follow_ups=len(probes), probes=probes)


COMPARED = (
    "I put DAU at the top rather than MAU because the product is used daily. "
    "Watch time goes instead of views because views reward clickbait."
)
TERSE_COMPARED = (
    "- DAU (not MAU): daily habit product; MAU hides churn inside the month.\n"
    "- Engaged minutes per DAU (not pageviews): pageviews reward clickbait."
)
FAILED_RUN = RunResult(kind="sql", status="failed", summary="differs", follow_up="It returns 3. Why?")
PASSED_PY = RunResult(kind="python", status="passed", summary="4/4 tests passed")


def follow_up_cases(builtin_library) -> list[tuple[str, Question, QuestionState, AnswerScore, set[str], Any]]:
    questions = builtin_library.questions
    dashboard = questions["ds1-dashboard-metrics"]
    moderation = questions["ds1-precision-recall"]
    objective_probes = next(c for c in dashboard.criteria if c.id == "objective-first").probes
    small = make_question()
    return [
        (
            "a metric foreign to the question is not probed",
            moderation,
            state_for(moderation, "DAU, WAU, MAU, retention."),
            score(moderation, {}, ["keyword_list"]),
            set(),
            lambda plan: plan is None or plan.probe.kind != "metric_why",
        ),
        (
            "a metric of the question named without a reason is probed",
            dashboard,
            state_for(dashboard, "We tracked DAU on the dashboard."),
            score(dashboard, {}),
            set(),
            # The probe serves the criterion that names the metric, so the reply can raise it.
            lambda plan: (
                (plan.probe.kind, plan.probe.metric, plan.probe.criterion_id)
                == ("metric_why", "DAU", "metric-justification")
            ),
        ),
        (
            "a metric justified earlier in the thread is not probed again",
            dashboard,
            state_for(
                dashboard,
                "DAU rather than MAU, because the product is used every day.",
                "DAU.",
                probes=[Probe(kind="criterion", criterion_id="guardrails", probe_index=0)],
            ),
            score(dashboard, {}),
            set(),
            lambda plan: plan.probe.kind != "metric_why",
        ),
        (
            "a probe asking for a comparison the candidate made is passed over",
            dashboard,
            state_for(dashboard, COMPARED),
            score(dashboard, {"objective-first": 1, "metric-justification": 4, "guardrails": 4}),
            set(),
            lambda plan: plan.probe_text == objective_probes[1],
        ),
        (
            "a terse comparison covers a probe asking for one",
            dashboard,
            state_for(dashboard, TERSE_COMPARED),
            score(dashboard, {"objective-first": 1, "metric-justification": 4, "guardrails": 4}),
            set(),
            lambda plan: plan.probe_text == objective_probes[1],
        ),
        (
            "a probe text asked for an earlier question is never asked again",
            small,
            state_for(small, "It had charts."),
            score(small, {}),
            {"Objective probe one?"},
            lambda plan: plan.probe_text == "Objective probe two?",
        ),
        (
            "all levels tie: the heaviest criterion's first probe",
            small,
            state_for(small, "It had charts."),
            score(small, {}),
            set(),
            lambda plan: plan.probe.criterion_id == "objective" and plan.probe_text == "Objective probe one?",
        ),
        (
            "the budget is spent",
            small,
            state_for(small, "a", "b", "c", "d", probes=[Probe(kind="scale")] * 3),
            score(small, {}),
            set(),
            lambda plan: plan is None,
        ),
        (
            "a failed run is asked about first",
            small,
            state_for(small, "SELECT 1"),
            score(small, {}, run=FAILED_RUN),
            set(),
            lambda plan: plan.probe.kind == "execution" and plan.probe_text == "It returns 3. Why?",
        ),
        (
            "passing code gets the complexity probe",
            small,
            state_for(small, "def f(): ..."),
            score(small, {"objective": 5, "justification": 5, "guardrails": 5}, run=PASSED_PY),
            set(),
            lambda plan: plan.probe.kind == "complexity",
        ),
        (
            "a decent answer with no gap gets the scale probe",
            small,
            state_for(small, "A fine answer."),
            score(small, {"objective": 4, "justification": 4, "guardrails": 4}),
            set(),
            lambda plan: plan.probe.kind == "scale" and plan.probe_text == engine.SCALE_PROBE,
        ),
        (
            "an answer that already talks about 10x gets no scale probe",
            small,
            state_for(small, "At 10x the data I would partition by day and dedupe per partition."),
            score(small, {"objective": 4, "justification": 4, "guardrails": 4}),
            set(),
            lambda plan: plan is None,
        ),
        (
            "passing code whose complexity was stated gets no complexity probe",
            small,
            state_for(small, "def f(): ...\n\nIt is O(n) time and O(1) space."),
            score(small, {"objective": 5, "justification": 5, "guardrails": 5}, run=PASSED_PY),
            set(),
            lambda plan: plan is None or plan.probe.kind != "complexity",
        ),
        (
            "the scale probe is not asked twice in one interview",
            small,
            state_for(small, "A fine answer."),
            score(small, {"objective": 4, "justification": 4, "guardrails": 4}),
            {engine.SCALE_PROBE},
            lambda plan: plan is None,
        ),
    ]


CASE_NAMES = [
    "a metric foreign to the question is not probed",
    "a metric of the question named without a reason is probed",
    "a metric justified earlier in the thread is not probed again",
    "a probe asking for a comparison the candidate made is passed over",
    "a terse comparison covers a probe asking for one",
    "a probe text asked for an earlier question is never asked again",
    "all levels tie: the heaviest criterion's first probe",
    "the budget is spent",
    "a failed run is asked about first",
    "passing code gets the complexity probe",
    "a decent answer with no gap gets the scale probe",
    "an answer that already talks about 10x gets no scale probe",
    "passing code whose complexity was stated gets no complexity probe",
    "the scale probe is not asked twice in one interview",
]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_choose_follow_up(builtin_library, name):
    case = next(c for c in follow_up_cases(builtin_library) if c[0] == name)
    _, question, qs, answer_score, asked_elsewhere, check = case
    plan = choose_follow_up(qs, question, make_persona(), answer_score, asked_elsewhere)
    assert check(plan), plan
    if plan is not None:
        assert plan.probe.text == plan.probe_text  # saved with the turn, so later questions can avoid it


def test_every_case_name_is_run(builtin_library):
    assert [c[0] for c in follow_up_cases(builtin_library)] == CASE_NAMES


async def test_no_probe_text_appears_twice_in_one_interview(small_library, brain, store):
    from tests.unit.test_engine import interviewer_turns, play, started

    session = await started(small_library, brain, store)
    # The three questions share their probe texts; weak answers invite every one of them.
    while not session.finished:
        await play(session, "charts")
    probes = [t.probe.text for t in interviewer_turns(session) if t.probe is not None]
    assert len(probes) >= 6
    assert len(probes) == len(set(probes))


SITUATION_CASES = [
    # (name, flags, overall levels, answer, tokens, expected)
    ("no answer", ["no_answer"], 1, "I don't know.", 4, "no_answer"),
    ("off topic", ["off_topic"], 1, "I like trains a lot, they are great.", 9, "off_point"),
    # The scorer found no rubric idea, but the answer talks about the question: not "not what I asked".
    (
        "terse, about the question",
        ["off_topic"],
        1,
        "Daily actives; engagement minutes; week-one retention.",
        9,
        "short",
    ),
    ("term list", ["keyword_list"], 2, "DAU, retention, guardrail, clickbait", 8, "term_list"),
    ("short term list of the right terms", ["keyword_list"], 1, "DAU, retention, CTR", 6, "term_list"),
    ("far past the budget", [], 2, "word " * 200, 200, "rambling"),
    ("long and strong", [], 5, "word " * 200, 200, "strong"),
    ("a little past the budget", [], 3, "word " * 80, 80, "partial"),
    ("weak and about something else", [], 1, "I like trains a lot, they are great.", 9, "off_point"),
    ("terse and right", [], 5, "DAU rather than MAU: daily product.", 10, "strong"),
    ("ten words", [], 2, "We had a dashboard with charts on it, I think.", 12, "short"),
    ("a fair try", [], 3, "word " * 40, 45, "partial"),
    # Code is as long as the task needs: only the prose around it can ramble.
    ("long fenced code, short prose", [], 3, "Two passes.\n```python\n" + "x = 1\n" * 150 + "```", 300, "partial"),
    ("long indented code", [], 3, "Chaining.\n\n" + "    x = 1\n" * 150, 300, "partial"),
    ("long prose around code", [], 2, "word " * 400 + "\n```sql\nSELECT 1\n```", 420, "rambling"),
]


@pytest.mark.parametrize(("name", "flags", "level", "answer", "tokens", "expected"), SITUATION_CASES)
def test_situation_of(name, flags, level, answer, tokens, expected):
    question = make_question(reference_answer="Daily actives for reach, engagement minutes, and retention.")
    levels = dict.fromkeys(("objective", "justification", "guardrails"), level)
    assert situation_of(question, score(question, levels, flags), answer, tokens, make_persona()) == expected


def test_a_failed_run_is_never_strong():
    question = make_question()
    top = score(question, dict.fromkeys(("objective", "justification", "guardrails"), 5), run=FAILED_RUN)
    assert situation_of(question, top, "SELECT 1", 5, make_persona()) != "strong"


def _follow_up_plan(situation: str, cut_in: bool = False) -> Plan:
    return Plan(kind="follow_up", question_id="q", probe_text="Why?", situation=situation, cut_in=cut_in)


@pytest.mark.parametrize("situation", ["strong", "short"])
def test_strict_never_scolds_a_direct_or_short_answer(builtin_library, situation):
    strict = builtin_library.personas["strict"]
    said = {render(_follow_up_plan(situation), strict, seed) for seed in SEEDS}
    assert not any(text.startswith(("That is not what I asked.", "Stop there.")) for text in said)


def test_strict_openers_fit_what_went_wrong(builtin_library):
    strict = builtin_library.personas["strict"]
    assert render(_follow_up_plan("off_point"), strict, 0).startswith("That is not what I asked.")
    assert render(_follow_up_plan("rambling"), strict, 0).startswith("Stop there.")


@pytest.mark.parametrize("situation", ["no_answer", "term_list", "off_point", "short", "partial", "rambling"])
def test_casual_never_praises_what_was_not_a_good_answer(builtin_library, situation):
    casual = builtin_library.personas["casual"]
    praise = set(casual.tone.praise)
    assert praise, "the casual persona praises good answers, so it has lines for it"
    spoken = [acknowledgement(casual, situation, seed) for seed in SEEDS]
    spoken += [render(Plan(kind="wrap_up", acknowledge=True, situation=situation), casual, s) for s in SEEDS]
    spoken += [render(_follow_up_plan(situation), casual, seed) for seed in SEEDS]
    for text in spoken:
        assert not any(line in text for line in praise), text
        assert not text.startswith(("Good", "Nice", "Great")), text


def test_casual_praises_a_genuinely_good_answer_and_strict_never_does(builtin_library):
    casual, strict = builtin_library.personas["casual"], builtin_library.personas["strict"]
    assert acknowledgement(casual, "strong", 0) in casual.tone.praise
    assert acknowledgement(strict, "strong", 0) in strict.tone.acknowledgements


async def test_a_keyword_list_is_not_praised_in_a_real_interview(builtin_library, brain, store):
    from interviewer.session import InterviewSession
    from tests.unit.test_engine import interviewer_turns, play

    session = InterviewSession.create(builtin_library, "ds-round-1", "casual", brain, store)
    async for _ in session.open():
        pass
    terms = "DAU, MAU, retention, watch time, guardrail, clickbait"
    while not session.finished and session.state.current_question.question_id == "ds1-dashboard-metrics":
        await play(session, terms)
    spoken = " ".join(t.text for t in interviewer_turns(session)[1:])
    assert not any(line in spoken for line in builtin_library.personas["casual"].tone.praise), spoken


def test_a_persona_that_praises_needs_praise_lines():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"needs at least one line in tone\.praise"):
        make_persona(praise=True)
