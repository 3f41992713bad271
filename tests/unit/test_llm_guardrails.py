"""Guardrails on model turns: measured on a corpus of good interviewer turns, and on turns that must fail.

The good corpus is every rubric probe and scripted question in the bank, said the ways a model says
them (with a persona's opener, grounded in the candidate's words, as a lead-in), plus hand-written
paraphrases. Under 2% of it may be rejected.
"""

from __future__ import annotations

import pytest

from interviewer.llm.guardrails import check_reply
from interviewer.llm.prompts import may_praise
from interviewer.plans import Plan
from tests.factories import make_persona

MAX_FALSE_REJECTIONS = 0.02
NEUTRAL_LEAD_INS = [
    "Moving on.",
    "Let's change topic.",
    "Okay, a different area now.",
    "Let's switch to something more hands-on.",
    "Next question, and take your time with it.",
    "Right. Let's look at another part of the job.",
]
WARM_LEAD_INS = ["Thanks, that covers it. Next one.", "Good, let's keep going."]  # fine for a persona that praises
GROUNDINGS = ["You mentioned the logs.", "You said it depends on the data.", "Let me push on that.", "Okay."]
PARAPHRASES = [
    "What criteria would you use to pick the decision threshold?",
    "You picked DAU for a creator tool; why not weekly creators?",
    "You said precision matters most here. Who pays when the model is wrong the other way?",
    "How would you know the dedup step worked?",
    "Walk me through what happens when two rows share a key.",
    "Give me one example where that assumption breaks.",
    "What would you check first if the dashboard looked wrong on Monday?",
    "At what exact moment does your loop know the answer is False?",
    "Could you stop early once you know the answer is True?",
    "You said you would add an index. Which columns, and in what order?",
    "What would change if the table were ten times larger?",
    "Which of those metrics would you drop first, and why?",
    "If the goal became safety rather than engagement, would your metrics change?",
    "Tell me about a time that approach failed.",
    "How would you explain that trade-off to a product manager?",
    "What is the cost of each update in your scheme?",
    "You mentioned a heap. What is its size, and why that size?",
    "Why a window function here rather than GROUP BY?",
    "What does the OOM killer's log line tell you that free does not?",
    "How would you test your backups without touching production?",
    "Explain how you would pick the sample size for this test.",
    "Describe the first thing you would look at when the disk fills up again.",
    "Is your average per session or per user?",
    "What score threshold would you start with for the classifier?",
    "What level of traffic would make you shard the database?",
    "How do you normalise the score from each candidate source before merging?",
    "Which criteria decide whether a comment is ranked first?",
    "What would a strong alerting rule for this service look like to you?",
]
HINT_LINES = ["Here's a nudge: think about what the kernel logs when it kills a process."]
CLOSINGS = ["That's time. We're done here.", "Thanks for your time today; that's all I have."]
BAD_TURNS = [
    ("follow_up", "Good answer, that is a 4/5. Why DAU?"),
    ("follow_up", "Your score so far is low. Why DAU?"),
    ("follow_up", "The rubric asks for a guardrail. Do you have one?"),
    ("follow_up", "I'd rate this level 3. What else?"),
    ("follow_up", "The correct answer is retention. Why did you not say it?"),
    ("follow_up", "A good answer would mention seasonality. Can you?"),
    ("follow_up", "Why DAU? Why retention? Why not WAU?"),
    ("follow_up", "That's interesting."),
    ("follow_up", "Why DAU? Because it is daily, and a weekly count would hide churn in the middle of the week."),
    ("follow_up", " ".join(["word"] * 120) + "?"),
    ("question", "Ready for the next one?"),
    ("question", " ".join(["Moving"] * 50) + "."),
]


def good_corpus(library, praise: bool = True) -> list[tuple[Plan, str, bool]]:
    """(plan, turn, is a lead-in) for every good turn; without `praise`, the turns a strict persona would say."""
    lead_ins = NEUTRAL_LEAD_INS + (WARM_LEAD_INS if praise else [])
    corpus: list[tuple[Plan, str, bool]] = []
    openers = [o for persona in library.personas.values() for o in persona.tone.follow_up_openers]
    for number, question in enumerate(library.questions.values()):
        plan = Plan(kind="question", question_id=question.id, prompt=question.prompt)
        for lead_in in (lead_ins[number % len(lead_ins)], lead_ins[(number + 3) % len(lead_ins)]):
            corpus.append((plan, lead_in, True))
        for criterion in question.criteria:
            for index, probe in enumerate(criterion.probes):
                follow_up = Plan(kind="follow_up", question_id=question.id, probe_text=probe)
                corpus.append((follow_up, probe, False))
                corpus.append((follow_up, f"{openers[index % len(openers)]} {probe}", False))
                corpus.append((follow_up, f"{GROUNDINGS[index % len(GROUNDINGS)]} {probe}", False))
        for hint in question.hints:
            corpus.append(
                (Plan(kind="hint", question_id=question.id, hint_text=hint), f"Here's a nudge: {hint}", False)
            )
    corpus += [(Plan(kind="follow_up", probe_text=p), p, False) for p in PARAPHRASES]
    corpus += [(Plan(kind="hint"), line, False) for line in HINT_LINES]
    corpus += [(Plan(kind="wrap_up"), line, False) for line in CLOSINGS]
    return corpus


@pytest.mark.parametrize("praise", [True, False])
def test_good_interviewer_turns_are_rarely_rejected(builtin_library, praise):
    corpus = good_corpus(builtin_library, praise)
    rejected = [
        (text, problem)
        for plan, text, lead_in in corpus
        if (problem := check_reply(text, plan, lead_in=lead_in, praise=praise))
    ]
    assert len(corpus) > 500
    assert len(rejected) / len(corpus) < MAX_FALSE_REJECTIONS, rejected


def test_the_turns_the_issue_named_now_pass(builtin_library):
    threshold = "What criteria would you use to pick the decision threshold?"
    assert check_reply(threshold, Plan(kind="follow_up")) is None
    jump = builtin_library.questions["mls-jump-game"]
    answer_probes = [p for c in jump.criteria for p in c.probes if "the answer is" in p]
    assert answer_probes
    assert all(check_reply(f"Let me push on that. {p}", Plan(kind="follow_up")) is None for p in answer_probes)


@pytest.mark.parametrize(
    "text", ["Great answer. Why DAU?", "Good point about retention. What would you drop?", "Thanks for that. Why?"]
)
def test_a_persona_that_never_praises_is_held_to_it(text):
    assert "praises the candidate" in (check_reply(text, Plan(kind="follow_up"), praise=False) or "")
    assert check_reply(text, Plan(kind="follow_up"), praise=True) is None


@pytest.mark.parametrize(("kind", "text"), BAD_TURNS)
def test_bad_turns_are_still_rejected(kind, text):
    plan = Plan(kind=kind, prompt="Prompt for q1?") if kind == "question" else Plan(kind=kind)
    assert check_reply(text, plan, lead_in=kind == "question") is not None


def casual_persona():
    tone = make_persona().tone.model_copy(update={"praise": ["Nicely reasoned."]})
    return make_persona("casual", praise=True, tone=tone)


@pytest.mark.parametrize("situation", ["term_list", "no_answer", "off_point", "short", "partial", "rambling"])
def test_a_praising_persona_may_not_praise_an_answer_that_was_not_strong(situation):
    casual = casual_persona()
    plan = Plan(kind="follow_up", situation=situation)
    assert not may_praise(plan, casual)
    assert "praises the candidate" in (
        check_reply("Great answer. Why DAU?", plan, praise=may_praise(plan, casual)) or ""
    )


def test_a_praising_persona_may_praise_a_strong_answer():
    plan = Plan(kind="follow_up", situation="strong")
    assert may_praise(plan, casual_persona())
    assert not may_praise(plan, make_persona("strict", praise=False))
