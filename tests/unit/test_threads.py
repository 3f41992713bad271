"""Answers are threads: the latest complete version runs, follow-up replies are read with their follow-up,
and the overall is honest about questions never reached."""

from __future__ import annotations

import pytest

from interviewer import scoring
from interviewer.models import Criterion, Signals
from interviewer.offline.brain import score_thread
from interviewer.offline.scorer import score_answer
from interviewer.render import transcript_markdown
from interviewer.scoring import code_versions, score_with_run
from interviewer.session import InterviewSession
from interviewer.threads import AnswerThread, Exchange
from interviewer.tui.screens.report import run_lines
from tests.factories import GOOD_JUMP, LEVELS, STRONG, code_library, make_code_question, make_question
from tests.unit.test_engine import play, started

WRONG_SQL = "SELECT COUNT(DISTINCT user_id) FROM posts"
RIGHT_SQL = (
    "SELECT COUNT(DISTINCT u.user_id) FROM users u JOIN posts p ON u.user_id = p.user_id\n"
    "WHERE DATE(u.created_at) = DATE(p.created_at)"
)
WRONG_JUMP = "def can_jump(nums):\n    return True\n"


def thread(*replies: str, probed: str | None = None) -> AnswerThread:
    first = Exchange(prompt="The question?", reply=replies[0])
    rest = [Exchange(prompt="A follow-up?", reply=r, probed_criterion=probed) for r in replies[1:]]
    return AnswerThread((first, *rest))


def test_each_reply_with_a_complete_version_is_a_version_and_fragments_are_not():
    question = make_code_question("sql")
    versions = code_versions(question, thread(WRONG_SQL, "I'd use a join instead.", RIGHT_SQL))
    assert [(v.reply, v.code) for v in versions] == [(0, WRONG_SQL), (2, RIGHT_SQL)]


def test_a_snippet_without_the_required_function_is_not_a_version():
    question = make_code_question("python")
    snippet = "from collections import Counter\ncounts = Counter(nums)\n"
    assert [v.reply for v in code_versions(question, thread(GOOD_JUMP, snippet))] == [0]


@pytest.mark.slow
async def test_the_latest_complete_query_runs_never_the_versions_glued_together(brain):
    question = make_code_question("sql")
    # Two unfenced queries without semicolons read as one statement if the replies are glued.
    score = await score_with_run(brain, question, thread(WRONG_SQL, RIGHT_SQL))
    assert score.run is not None and score.run.status == "passed", score.run
    assert [(v.reply, v.status) for v in score.versions] == [(0, "failed"), (1, "passed")]
    assert score.versions[-1].code == RIGHT_SQL


@pytest.mark.slow
async def test_a_later_fragment_leaves_the_latest_version_in_charge(brain):
    question = make_code_question("python")
    score = await score_with_run(brain, question, thread(GOOD_JUMP, "It is greedy: it tracks the farthest index."))
    assert score.run.status == "passed" and score.run.reply == 0


@pytest.mark.slow
async def test_versions_already_run_are_not_run_again(brain, monkeypatch):
    question = make_code_question("python")
    first = await score_with_run(brain, question, thread(WRONG_JUMP))
    calls: list[str] = []
    real = scoring.run_answer

    def counting(question, answer, *args):
        calls.append(answer)
        return real(question, answer, *args)

    monkeypatch.setattr(scoring, "run_answer", counting)
    second = await score_with_run(brain, question, thread(WRONG_JUMP, GOOD_JUMP), previous=first)
    assert calls == [GOOD_JUMP]
    assert [v.status for v in second.versions] == ["failed", "passed"]


@pytest.mark.slow
async def test_a_headless_interview_whose_follow_up_corrects_the_query_ends_with_the_run_passed(store, brain):
    library = code_library(make_code_question("sql"))
    session = InterviewSession.create(library, "code-round", None, brain, store)
    async for _ in session.open():
        pass
    await play(session, WRONG_SQL)
    follow_up = session.transcript.turns[-1]
    assert follow_up.kind == "follow_up" and follow_up.probe.kind == "execution"
    await play(session, RIGHT_SQL, "/end")
    result = session.transcript.report.results[0]
    assert result.score.run.status == "passed"
    assert [v.status for v in result.score.versions] == ["failed", "passed"]
    correctness = next(c for c in result.score.criteria if c.criterion_id == "correctness")
    assert correctness.level == 5
    # The report shows each version with its run.
    markdown = transcript_markdown(session.transcript, library.questions)
    assert "version 1 (reply 1): **failed**" in markdown and "version 2 (reply 2): **passed**" in markdown
    shown = [line.plain for line in run_lines(result.score)]
    assert shown[0].startswith("  Ran reply 1: failed") and shown[1].startswith("  Ran reply 2: passed")
    assert RIGHT_SQL in shown[1]


def probed_question():
    criterion = Criterion(
        id="justification",
        description="Justifies the metric against an alternative.",
        weight=1.0,
        levels=LEVELS,
        probes=["Why DAU rather than retention?"],
        signals=Signals(concepts=[["dau"], ["retention"], ["rather than"]], enough=3),
    )
    return make_question("q-probed", criteria=[criterion], probe_kinds=[])


# The reply joins the follow-up's last sentence, so with a follow-up of two sentences only that one may be cut
# from the quote.
@pytest.mark.parametrize(
    "probe", ["Why DAU rather than retention?", "You tracked DAU and retention. Why DAU rather than retention?"]
)
def test_a_reply_is_read_with_the_follow_up_it_answers_and_lifts_the_probed_criterion(probe):
    question = probed_question()
    reply = "Because the product is used every day, and a weekly count hides churn for weeks."
    exchanges = (
        Exchange(prompt=question.prompt, reply="We tracked DAU and retention."),
        Exchange(prompt=probe, reply=reply, probed_criterion="justification", probe_kind="criterion"),
    )
    threaded = score_thread(question, AnswerThread(exchanges))
    glued = score_answer(question, AnswerThread(exchanges).text())
    assert threaded.criteria[0].level > glued.criteria[0].level
    assert threaded.criteria[0].evidence and all(q in reply for q in threaded.criteria[0].evidence)
    assert probe in threaded.criteria[0].rationale


@pytest.mark.parametrize("reply", ["Yes.", "DAU rather than retention", "I don't know."])
def test_a_reply_that_adds_nothing_to_the_follow_up_lifts_nothing(reply):
    question = probed_question()
    exchanges = (
        Exchange(prompt=question.prompt, reply="We tracked DAU and retention."),
        Exchange(prompt="Why DAU rather than retention?", reply=reply, probed_criterion="justification"),
    )
    threaded = score_thread(question, AnswerThread(exchanges))
    glued = score_answer(question, AnswerThread(exchanges).text())
    assert threaded.criteria[0].level == glued.criteria[0].level


async def test_ending_after_one_answer_never_beats_finishing_with_skips(small_library, brain, store):
    ended = await started(small_library, brain, store)
    await play(ended, STRONG, "/end")
    skipped = await started(small_library, brain, store)
    await play(skipped, STRONG)
    while not skipped.finished:
        await play(skipped, "/skip")
    assert ended.transcript.report.overall <= skipped.transcript.report.overall
    assert ended.transcript.report.completion == "ended early, 1 of 3 answered"
    assert skipped.transcript.report.completion == "1 of 3 answered, 2 skipped"
    assert not skipped.transcript.report.ended_early


async def test_a_question_left_open_at_the_end_counts_as_not_answered(small_library, brain, store):
    session = await started(small_library, brain, store)
    await play(session, "/end")
    report = session.transcript.report
    assert (report.overall, report.answered, report.ended_early) == (1.0, 0, True)
