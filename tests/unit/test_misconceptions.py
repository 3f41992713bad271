"""Known wrong claims: found where an answer states them, never where it refutes them, and they cost a level."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from interviewer.analysis.claims import stated
from interviewer.cli import main
from interviewer.engine import QuestionState, choose_follow_up
from interviewer.models import Misconception, Probe, Signals
from interviewer.offline.brain import score_thread
from interviewer.offline.scorer import score_answer
from interviewer.threads import AnswerThread, Exchange
from tests.factories import make_criterion, make_persona, make_question

EXACT = r"\b(?:hll|hyperloglog)\b[^.]{0,60}\b(?:exact|precise)\b"
INSTEAD = r"\buse (?:hll|hyperloglog) instead of\b"  # spells out its own cue
NO_BASELINE = r"\bno need (?:to|for)\b[^.]{0,30}\bbaseline"


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("HLL gives exact counts; it just hashes the ids.", True),
        ("No, I would keep the job and use HyperLogLog, which is exact.", True),  # the "No" is another clause
        ("HLL is not exact: it is off by about 2%.", False),
        ("HyperLogLog isn't precise enough for billing.", False),
        ("It is a common mistake to think HLL is exact.", False),
        ("Many people assume HyperLogLog is exact.", False),
        ("HLL gives exact counts, which is a common misconception.", False),
        ("HLL gives exact counts - a myth.", False),
        ("I learned that the hard way: we billed on HLL because it gave exact counts.", False),  # a past mistake
        ("At first we treated HyperLogLog as exact.", False),
        ("Looking back, HLL gives exact counts anyway.", True),  # reflection is not a mistake recounted
        ("At first I thought HyperLogLog was exact.", False),  # a belief told in the past
        ("HLL doesn\u2019t give exact counts.", False),  # a typographic apostrophe negates too
        ("Don't sample and call HLL exact.", False),  # "and" does not end the negation's reach
        ("You cannot call HLL exact.", False),
        ("HLL is exact only when the set is small enough for its sparse form.", False),  # a condition after
        ("Treating HLL as exact would overstate the bill.", False),  # the harm it does, named after it
        ("Treating HLL as exact is how you end up overbilling.", False),
        ("HLL counts are exact, so they are enough for billing.", True),  # "enough" asserted, not denied
        ("Some teams bill on HLL as if it were exact.", False),  # attributed to others
        ("Calling HLL exact is a classic mistake.", False),
        ("HLL rather than an exact count is fine for a dashboard.", False),  # a cue inside a broad match
        ("HLL is exact only with a tiny set.", False),
        ("Calling HLL exact undercounts the error bars.", False),
        ("HLL tells you nothing exact about one user.", False),  # "nothing" negates like "not"
    ],
)
def test_a_claim_counts_when_stated_and_not_when_refuted(sentence, found):
    assert (stated([EXACT], sentence) is not None) is found


def test_a_cue_the_pattern_spells_out_is_its_own():
    assert stated([INSTEAD], "For billing, use HLL instead of exact counts.") is not None


@pytest.mark.parametrize(
    ("pattern", "sentence", "found"),
    [
        # "distinct" ends in n-t but is no contraction, so "not" inside the match stays foreign.
        (r"\bcount distinct\b[^.]{0,30}\bcheap\b", "COUNT DISTINCT is not cheap at this size.", False),
        (r"\bdon['’]t need\b[^.]{0,20}\bbaseline\b", "We don\u2019t need a baseline.", True),
        (r"\bdidn\x27t need\b[^.]{0,20}\bbaseline\b", "We didn't need a baseline.", True),
        (r"\bother\s+teams\s+own\b[^.]{0,20}\bquality\b", "Other teams own the quality of it.", True),
    ],
)
def test_a_pattern_spells_out_its_own_negations_and_cues(pattern, sentence, found):
    assert (stated([pattern], sentence) is not None) is found


def test_a_negative_claim_carries_its_negation_in_the_pattern():
    assert stated([NO_BASELINE], "There is no need for a baseline here.") is not None
    assert stated([NO_BASELINE], "It is wrong to say there is no need for a baseline.") is None


def misconception(**overrides):
    fields = {
        "claim": "HyperLogLog counts are exact",
        "correction": "HyperLogLog estimates distinct counts within about 2%; billing needs exact counts.",
        "patterns": [EXACT],
        "examples": ["HLL gives exact counts."],
        "near_misses": ["HLL is approximate, off by about 2%."],
        "probe": "You said HyperLogLog counts are exact. How does it count, and what does that cost?",
    }
    fields.update(overrides)
    return Misconception(**fields)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"patterns": [r"(?<=hll) exact"]}, "not a valid regular expression"),
        ({"patterns": []}, "at least 1 item"),
    ],
)
def test_a_misconception_pattern_must_run_in_linear_time(overrides, message):
    with pytest.raises(ValidationError, match=message):
        misconception(**overrides)


def test_the_packages_own_patterns_are_compiled_by_check_not_on_every_load(monkeypatch, tmp_path):
    from interviewer.analysis import patterns
    from interviewer.content import load_library

    compiled: list[str] = []
    real = patterns.check_pattern
    monkeypatch.setattr(patterns, "check_pattern", lambda p: compiled.append(p) or real(p))
    load_library(include_user=False)
    assert compiled == []  # shipped content, verified by `check` in the test suite and CI
    user = tmp_path / "content" / "rubrics" / "mine" / "q-count.yaml"
    user.parent.mkdir(parents=True)
    data = counting_question().model_dump(mode="json", exclude_defaults=True)
    data["criteria"][0]["misconceptions"][0]["patterns"] = [r"(?<=hll) exact"]
    user.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["check", str(user)]) == 2  # anyone else's content is compiled when it loads


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"examples": ["We used a sketch."]}, "examples[0]: no pattern finds 'We used a sketch.'"),
        ({"near_misses": ["HyperLogLog is precise to the row."]}, "near_misses[0]: a pattern finds this near miss"),
    ],
)
def test_check_proves_each_misconceptions_examples_and_near_misses(tmp_path, capsys, overrides, message):
    criterion = make_criterion("accuracy", Signals(concepts=[["hll"]]), weight=1.0, misconceptions=[misconception()])
    question = make_question("q-proof", criteria=[criterion], probe_kinds=[])
    data = question.model_dump(mode="json", exclude_defaults=True)
    data["criteria"][0]["misconceptions"][0].update(overrides)
    path = tmp_path / "content" / "rubrics" / "mine" / "q-proof.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["check", str(path)]) == 2
    out = capsys.readouterr().out
    assert f"{path}:" in out and message in out and "Traceback" not in out


def counting_question(**overrides):
    accuracy = make_criterion(
        "accuracy",
        Signals(concepts=[["hyperloglog", "hll"], ["distinct"], ["memory"]], enough=3),
        weight=0.5,
        misconceptions=[misconception()],
    )
    scale = make_criterion("scale", Signals(concepts=[["partition"], ["shuffle"]], enough=2), weight=0.5)
    fields = {"criteria": [accuracy, scale], "probe_kinds": [], "reference_answer": "HLL is approximate."}
    fields.update(overrides)
    return make_question("q-count", **fields)


STRONG = (
    "For distinct users I would switch to HyperLogLog because it keeps a few kilobytes of memory per key, "
    "for example 12 KB, instead of every id. Its distinct counts are off by about 1%, which is fine for a "
    "dashboard trend. Then I would partition by date so a late file only reprocesses its own day, and "
    "pre-aggregate before the shuffle so each executor sends partial counts, for example 200 rows a day."
)
WRONG = STRONG.replace("Its distinct counts are off by about 1%", "HyperLogLog gives exact distinct counts")


def test_stating_a_known_error_holds_the_criterion_at_two_and_says_why():
    question = counting_question()
    right, wrong = score_answer(question, STRONG), score_answer(question, WRONG)
    assert right.criteria[0].level >= 4 and not right.criteria[0].errors
    accuracy = wrong.criteria[0]
    assert accuracy.level == 2
    assert accuracy.errors == ["HyperLogLog counts are exact"]
    assert "States a known error: HyperLogLog counts are exact. HyperLogLog estimates" in accuracy.rationale
    assert "exact distinct counts" in accuracy.evidence[0]  # the claim is quoted first: it decided the level
    assert wrong.criteria[1].level == right.criteria[1].level  # other criteria keep their own level
    assert "misconception" in wrong.flags and "misconception" not in right.flags


def test_a_claim_with_a_typographic_apostrophe_is_found_in_a_scored_answer():
    negative = misconception(
        claim="Counts need no checking",
        patterns=[r"\bdon't need to check\b"],
        examples=["We don't need to check the counts."],
        near_misses=["We need to check the counts."],
    )
    scale = make_criterion("scale", Signals(concepts=[["partition"]]), weight=1.0, misconceptions=[negative])
    question = make_question("q-typo", criteria=[scale], probe_kinds=[])
    score = score_answer(question, "We partition by day, and we don\u2019t need to check the counts after that.")
    assert score.criteria[0].errors == ["Counts need no checking"]


def test_a_claim_repeated_thousands_of_times_is_found_and_named_once():
    question = counting_question()
    score = score_answer(question, "HLL gives exact counts.\n" * 5000)
    assert score.criteria[0].errors == ["HyperLogLog counts are exact"]
    assert score.criteria[0].level <= 2


def test_the_interviewer_challenges_a_stated_error_before_any_gap_and_only_once():
    question = counting_question()
    persona = make_persona()
    score = score_answer(question, WRONG)
    state = QuestionState(question_id=question.id, asked=True)
    plan = choose_follow_up(state, question, persona, score)
    assert plan is not None and plan.probe is not None
    assert plan.probe.kind == "misconception" and plan.probe_text == misconception().probe
    state.probes.append(plan.probe)
    again = choose_follow_up(state, question, persona, score)
    assert again is None or again.probe is None or again.probe.kind != "misconception"


def test_a_reply_that_puts_the_claim_right_lifts_the_criterion_and_the_error_stays_on_record():
    question = counting_question()
    challenge = misconception().probe
    assert challenge is not None
    reply = (
        "I was wrong there: HyperLogLog estimates the distinct count from hashed ids, so it is off by about 1%, "
        "because it keeps only the longest run of leading zeros per register, in about 12 KB of memory."
    )
    exchanges = (
        Exchange(prompt=question.prompt, reply=WRONG),
        Exchange(prompt=challenge, reply=reply, probed_criterion="accuracy", probe_kind="misconception"),
    )
    threaded = score_thread(question, AnswerThread(exchanges))
    accuracy = threaded.criteria[0]
    assert accuracy.level > 2
    assert accuracy.errors == ["HyperLogLog counts are exact"]
    assert "Stated earlier in the thread: HyperLogLog counts are exact." in accuracy.rationale


def test_the_challenge_itself_never_counts_as_the_candidate_stating_the_claim():
    question = counting_question()
    challenge = "So HyperLogLog is exact, you say? How does it count?"
    prompt = challenge.rstrip("?") + ": "
    reply = "It hashes each id and keeps, per register, the longest run of leading zeros, in 12 KB of memory."
    score = score_answer(question, prompt + reply, claims_from=len(prompt))
    assert not score.criteria[0].errors


def test_check_names_a_misconception_the_reference_answer_states(tmp_path, capsys):
    question = counting_question(reference_answer="Use HyperLogLog, which gives exact counts in little memory.")
    data = question.model_dump(mode="json", exclude_defaults=True)
    path = tmp_path / "content" / "rubrics" / "mine" / "q-count.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["check", str(path)]) == 2
    out = capsys.readouterr().out
    assert "the reference answer states this misconception" in out
    assert "criteria[0].misconceptions[0].patterns" in out
    assert f"{path}:" in out and "Traceback" not in out


def test_the_model_judge_is_told_the_known_errors():
    from interviewer.llm.prompts import rubric_text

    text = rubric_text(counting_question())
    assert "known error (at most level 2 if stated): HyperLogLog counts are exact." in text


def test_a_transcript_probe_can_be_a_challenge():
    probe = Probe(kind="misconception", criterion_id="accuracy", probe_index=0, text="Sure?")
    assert Probe.model_validate_json(probe.model_dump_json()) == probe


async def test_a_headless_interview_challenges_the_error_and_the_corrected_reply_lifts_it(store, brain):
    from interviewer.render import transcript_markdown
    from interviewer.session import InterviewSession
    from tests.factories import code_library
    from tests.unit.test_engine import play

    library = code_library(counting_question())
    session = InterviewSession.create(library, "code-round", None, brain, store)
    async for _ in session.open():
        pass
    await play(session, WRONG)
    challenge = session.transcript.turns[-1]
    assert challenge.kind == "follow_up" and challenge.probe is not None
    assert challenge.probe.kind == "misconception" and challenge.probe.criterion_id == "accuracy"
    await play(
        session,
        "I was wrong: HyperLogLog estimates the distinct count from hashed ids, so it is off by about 1%, "
        "because each register keeps only the longest run of leading zeros, in about 12 KB of memory.",
    )
    if not session.finished:
        await play(session, "/end")
    accuracy = session.transcript.report.results[0].score.criteria[0]
    assert accuracy.level > 2
    assert accuracy.errors == ["HyperLogLog counts are exact"]
    markdown = transcript_markdown(session.transcript, library.questions)
    assert "Stated earlier in the thread: HyperLogLog counts are exact." in markdown


def test_claims_too_many_to_search_at_once_are_searched_one_by_one(monkeypatch):
    # A user's rubric may hold more patterns than RE2 will combine in one program; each alone was checked.
    from interviewer.analysis.patterns import PatternError
    from interviewer.offline import scorer

    real = scorer.linear_pattern

    def refusing_combined(pattern: str):
        if pattern.startswith("(?:"):
            raise PatternError("pattern too large - compile failed")
        return real(pattern)

    monkeypatch.setattr(scorer, "linear_pattern", refusing_combined)
    question = counting_question(id="q-count-large")
    assert scorer._index(question).any_claim is None
    assert score_answer(question, WRONG).criteria[0].errors == ["HyperLogLog counts are exact"]
