"""The model-backed interviewer and judge, through the real openai client and a fake server."""

from __future__ import annotations

import pytest

from interviewer.brain import PhraseReset
from interviewer.llm.brain import LLMBrain
from interviewer.llm.client import Redactor
from interviewer.session import InterviewSession, Token
from tests.fakes.openai_server import Drop, Hang, RawChunks, Reply, Status, Stream
from tests.llm_helpers import API_KEY, Script, capabilities, is_judge, judge_json, target_for

ANSWER = "We tracked DAU and retention on the dashboard."


def question_lookup_for(library):
    def lookup(user_text: str):
        return next(q for q in library.questions.values() if q.prompt in user_text)

    return lookup


@pytest.fixture
def llm_brain(fake_server, tmp_path):
    return LLMBrain(target_for(fake_server), capabilities=capabilities(tmp_path))


async def start(library, brain, store) -> tuple[InterviewSession, list]:
    session = InterviewSession.create(library, "test-round", None, brain, store)
    events = [e async for e in session.open()]
    return session, events


async def submit(session, text):
    return [e async for e in session.submit(text)]


def last_interviewer(session):
    return [t for t in session.transcript.turns if t.role == "interviewer"][-1]


async def test_interviewer_turns_stream_token_by_token(small_library, store, fake_server, llm_brain):
    fake_server.handler = Script(question_lookup_for(small_library), lead_in="Let's start with the first question.")
    session, events = await start(small_library, llm_brain, store)
    tokens = [e for e in events if isinstance(e, Token)]
    assert len(tokens) > 3  # streamed in pieces, not one block
    turn = last_interviewer(session)
    assert turn.phrasing == "llm"
    assert turn.text == "".join(t.text for t in tokens).strip()
    # The model writes the lead-in; the scripted question follows word for word.
    assert turn.text == "Let's start with the first question.\n\nPrompt for q1?"


async def test_engine_still_decides_and_the_model_phrases_the_metric_follow_up(
    small_library, store, fake_server, llm_brain
):
    fake_server.handler = Script(question_lookup_for(small_library), level=2, line="You said DAU. Why not WAU?")
    session, _ = await start(small_library, llm_brain, store)
    await submit(session, ANSWER)
    follow_up = last_interviewer(session)
    assert follow_up.kind == "follow_up" and follow_up.probe.kind == "metric_why"
    assert follow_up.text == "You said DAU. Why not WAU?"
    instruction = fake_server.chat_requests()[-1]["messages"][-1]["content"]
    assert '"DAU"' in instruction and "WAU" in instruction
    assert ANSWER in instruction  # grounded in the candidate's words


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("Good answer, that is a 4/5. Why DAU?", "mentions scores"),
        ("Why DAU? And why retention? And why not WAU?", "asks 3 questions"),
        ("Why DAU? Because it is daily, and a weekly count would hide churn in the middle of the week.", "answers"),
        ("That's interesting.", "asks no question"),
        (" ".join(["word"] * 120) + "?", "too long"),
    ],
)
async def test_replies_that_break_a_guardrail_are_replaced_offline(
    small_library, store, fake_server, llm_brain, reply, reason
):
    fake_server.handler = Script(question_lookup_for(small_library), level=2, line=reply)
    session, _ = await start(small_library, llm_brain, store)
    events = await submit(session, ANSWER)
    turn = last_interviewer(session)
    assert turn.phrasing == "fallback"
    assert reason in turn.note
    assert turn.text.startswith("Push:")  # the offline persona's words
    assert any(isinstance(e, PhraseReset) for e in events)


async def test_a_stream_dropped_midway_is_retried(small_library, store, fake_server, llm_brain):
    fake_server.handler = Script(question_lookup_for(small_library))
    session, _ = await start(small_library, llm_brain, store)
    fake_server.handler = None
    question = small_library.questions["q1"]
    fake_server.enqueue(
        Reply(judge_json(question, ANSWER, level=2)),
        Stream(["Why ", "DAU ", "rather ", "than ", "WAU?"], drop_after=2),
        Reply("Why DAU rather than WAU?"),
    )
    events = await submit(session, ANSWER)
    turn = last_interviewer(session)
    assert turn.phrasing == "llm"
    assert turn.text == "Why DAU rather than WAU?"
    assert "stream broke" in turn.note
    assert any(isinstance(e, PhraseReset) and e.text == "" for e in events)


async def test_a_stream_that_keeps_breaking_falls_back_and_keeps_the_answer(
    small_library, store, fake_server, llm_brain
):
    fake_server.handler = Script(question_lookup_for(small_library))
    session, _ = await start(small_library, llm_brain, store)
    fake_server.handler = None
    question = small_library.questions["q1"]
    fake_server.enqueue(
        Reply(judge_json(question, ANSWER, level=2)),
        Stream(["Why ", "DAU"], drop_after=1),
        Stream(["Why ", "DAU"], drop_after=1),
    )
    await submit(session, ANSWER)
    turn = last_interviewer(session)
    assert turn.phrasing == "fallback" and "model unavailable" in turn.note
    saved = store.load(session.transcript.id)
    assert any(t.text == ANSWER for t in saved.turns)


def chunk(delta: dict | None = None, **extra) -> dict:
    return {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta or {}}], **extra}


async def follow_up_from(small_library, store, fake_server, llm_brain, stream: RawChunks):
    """The follow-up to ANSWER, streamed by `stream` after a scripted judgement; a retry gets `stream` again."""
    fake_server.handler = Script(question_lookup_for(small_library))
    session, _ = await start(small_library, llm_brain, store)
    fake_server.handler = lambda request: stream
    fake_server.enqueue(Reply(judge_json(small_library.questions["q1"], ANSWER, level=2)))
    events = await submit(session, ANSWER)
    return session, events


async def test_a_reasoning_servers_thinking_deltas_are_not_shown(small_library, store, fake_server, llm_brain):
    stream = RawChunks(
        [
            chunk({"role": "assistant", "reasoning_content": "The candidate said DAU, so ask"}),
            chunk({"reasoning": " about the alternative."}),
            chunk({"content": "Why DAU "}),
            chunk({"content": "rather than WAU?"}),
            {"choices": [], "usage": {"prompt_tokens": 40, "completion_tokens": 9, "total_tokens": 49}},
        ]
    )
    session, events = await follow_up_from(small_library, store, fake_server, llm_brain, stream)
    turn = last_interviewer(session)
    assert turn.phrasing == "llm" and turn.text == "Why DAU rather than WAU?"
    assert "".join(e.text for e in events if isinstance(e, Token)) == "Why DAU rather than WAU?"
    assert session.transcript.usage.completion_tokens >= 9 and not session.transcript.usage.approximate


async def test_a_chunk_that_breaks_the_format_falls_back_in_one_line(small_library, store, fake_server, llm_brain):
    stream = RawChunks([chunk({"content": "Why "}), chunk({"content": {"x": "\x1b]52;c;PAYLOAD\x07"}})])
    session, _ = await follow_up_from(small_library, store, fake_server, llm_brain, stream)
    turn = last_interviewer(session)
    assert turn.phrasing == "fallback"
    assert "not a chat completion chunk (choices.0.delta.content" in turn.note
    assert "\n" not in turn.note and "PAYLOAD" not in turn.note  # the server's text is not echoed


async def test_usage_with_a_missing_count_is_estimated_not_taken_as_zero(small_library, store, fake_server, llm_brain):
    stream = RawChunks(
        [chunk({"content": "Why DAU rather than WAU?"}), {"choices": [], "usage": {"prompt_tokens": 40}}]
    )
    session, _ = await follow_up_from(small_library, store, fake_server, llm_brain, stream)
    assert last_interviewer(session).phrasing == "llm"
    assert session.transcript.usage.approximate  # estimated from the text, marked so; never a silent 0


async def test_an_error_event_mid_stream_falls_back_with_the_servers_reason(
    small_library, store, fake_server, llm_brain
):
    stream = RawChunks([chunk({"content": "Why "}), {"error": {"message": "model overloaded", "type": "server_error"}}])
    session, _ = await follow_up_from(small_library, store, fake_server, llm_brain, stream)
    turn = last_interviewer(session)
    assert turn.phrasing == "fallback" and "model overloaded" in turn.note


@pytest.mark.slow
async def test_rate_limit_with_retry_after_is_retried_by_the_client(small_library, store, fake_server, llm_brain):
    fake_server.enqueue(Status(429, headers={"retry-after": "0"}), Reply("Let's begin."))
    session, _ = await start(small_library, llm_brain, store)
    assert last_interviewer(session).phrasing == "llm"


async def test_server_errors_fall_back_for_the_turn_and_for_the_score(small_library, store, fake_server, tmp_path):
    brain = LLMBrain(target_for(fake_server, max_retries=0), capabilities=capabilities(tmp_path))
    fake_server.handler = lambda request: Status(500)
    session, _ = await start(small_library, brain, store)
    assert last_interviewer(session).phrasing == "fallback"
    await submit(session, ANSWER)
    answer_turn = next(t for t in session.transcript.turns if t.kind == "answer")
    assert answer_turn.score.source == "fallback"
    assert "HTTP 500" in answer_turn.score.fallback_reason
    assert all(c.source == "fallback" for c in answer_turn.score.criteria)


@pytest.mark.slow
async def test_a_hanging_server_times_out_and_falls_back(small_library, store, fake_server, tmp_path):
    brain = LLMBrain(target_for(fake_server, timeout_seconds=0.3, max_retries=0), capabilities=capabilities(tmp_path))
    fake_server.handler = lambda request: Hang(2)
    session, _ = await start(small_library, brain, store)
    turn = last_interviewer(session)
    assert turn.phrasing == "fallback" and "timed out" in turn.note


async def test_connection_dropped_before_any_reply_falls_back(small_library, store, fake_server, tmp_path):
    brain = LLMBrain(target_for(fake_server, max_retries=0), capabilities=capabilities(tmp_path))
    fake_server.handler = lambda request: Drop()
    session, _ = await start(small_library, brain, store)
    assert last_interviewer(session).phrasing == "fallback"


async def test_usage_and_cost_are_recorded_in_the_transcript(small_library, store, fake_server, tmp_path):
    brain = LLMBrain(target_for(fake_server), capabilities=capabilities(tmp_path))
    fake_server.handler = Script(question_lookup_for(small_library))
    session = InterviewSession.create(small_library, "test-round", None, brain, store)
    async for _ in session.open():
        pass
    await submit(session, ANSWER)
    usage = store.load(session.transcript.id).usage
    assert usage.calls == 3  # question, judge, follow-up
    assert usage.prompt_tokens == 33 and usage.completion_tokens == 21
    assert usage.estimated_cost_usd == pytest.approx((33 * 1.0 + 21 * 2.0) / 1_000_000)
    assert session.transcript.backend.model == "fake-model"


async def test_the_api_key_is_never_written_or_shown(small_library, store, fake_server, tmp_path, capsys):
    brain = LLMBrain(target_for(fake_server, max_retries=0), capabilities=capabilities(tmp_path))
    fake_server.handler = lambda request: Status(401, body={"error": {"message": f"bad key {API_KEY}"}})
    session, _ = await start(small_library, brain, store)
    await submit(session, ANSWER)
    saved_text = store.path_for(session.transcript.id).read_text()
    assert API_KEY not in saved_text
    assert fake_server.requests[0]["_authorization"] == f"Bearer {API_KEY}"  # it was used, just never kept
    assert API_KEY not in capsys.readouterr().out


@pytest.mark.slow
async def test_the_prompt_stays_within_budget_however_long_the_interview(small_library, store, fake_server, tmp_path):
    from interviewer.tokens import count_messages

    budget = 600
    brain = LLMBrain(target_for(fake_server, prompt_budget_tokens=budget), capabilities=capabilities(tmp_path))
    fake_server.handler = Script(question_lookup_for(small_library), level=2)
    session, _ = await start(small_library, brain, store)
    long_answer = "We tracked DAU because it matters. " * 150
    while not session.finished:
        await submit(session, long_answer)
    for request in fake_server.chat_requests():
        if not is_judge(request):
            messages = [{"role": m["role"], "content": m["content"]} for m in request["messages"]]
            assert count_messages(messages).tokens <= budget


async def test_repeat_is_word_for_word_without_a_model_call(small_library, store, fake_server, llm_brain):
    fake_server.handler = Script(question_lookup_for(small_library))
    session, _ = await start(small_library, llm_brain, store)
    calls = len(fake_server.chat_requests())
    await submit(session, "/repeat")
    assert len(fake_server.chat_requests()) == calls
    assert last_interviewer(session).text == "Prompt for q1?"


@pytest.mark.parametrize("size", [1, 3, 5, 50])
def test_a_key_echoed_across_chunks_is_never_shown(size):
    text = f"Why DAU? (debug: Authorization: Bearer {API_KEY}) done"
    redactor = Redactor(target_for(type("S", (), {"base_url": "http://127.0.0.1:1/v1"})()))
    shown = "".join(redactor.feed(text[i : i + size]) for i in range(0, len(text), size)) + redactor.flush()
    assert shown == text.replace(API_KEY, "***")


async def test_a_server_echoing_the_key_has_it_masked_in_the_streamed_words_and_the_transcript(
    small_library, store, fake_server, llm_brain
):
    fake_server.handler = Script(question_lookup_for(small_library), line=f"Why DAU? [Bearer {API_KEY}]")
    session, _ = await start(small_library, llm_brain, store)
    events = await submit(session, ANSWER)
    streamed = "".join(e.text for e in events if isinstance(e, Token))
    assert API_KEY not in streamed and "Bearer ***" in streamed
    assert API_KEY not in store.path_for(session.transcript.id).read_text()


@pytest.mark.slow
async def test_cancelling_a_turn_in_flight_closes_its_stream(small_library, store, fake_server, llm_brain):
    import asyncio

    fake_server.enqueue(Stream(["Let's ", "take ", "this ", "slowly. "] * 20, delay=0.2))
    session = InterviewSession.create(small_library, "test-round", None, llm_brain, store)

    async def consume():
        async for _ in session.open():
            pass

    task = asyncio.create_task(consume())
    for _ in range(50):
        await asyncio.sleep(0.05)
        if fake_server.in_flight:
            break
    assert fake_server.in_flight == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(40):  # the server notices the closed connection on its next write
        if not fake_server.in_flight:
            break
        await asyncio.sleep(0.05)
    assert fake_server.in_flight == 0
    spent = llm_brain.take_usage()  # what was streamed before the cancel still counts
    assert spent.calls == 1 and spent.completion_tokens > 0 and spent.approximate


async def test_repeated_failures_send_the_interview_offline_and_the_server_is_tried_again_later(
    small_library, store, fake_server, tmp_path
):
    brain = LLMBrain(target_for(fake_server, max_retries=0), capabilities=capabilities(tmp_path))
    fake_server.handler = lambda request: Status(503)
    session, _ = await start(small_library, brain, store)
    await submit(session, ANSWER)  # the score fails too: two failures in a row
    calls = len(fake_server.chat_requests())
    await submit(session, ANSWER)
    assert len(fake_server.chat_requests()) == calls  # no call while the breaker is open
    assert "continuing offline" in last_interviewer(session).note
    brain.breaker.pause_seconds = 0  # the pause is over
    fake_server.handler = Script(question_lookup_for(small_library), level=None)
    await submit(session, ANSWER)
    assert len(fake_server.chat_requests()) > calls
    assert last_interviewer(session).phrasing == "llm"


async def test_a_follow_up_prompt_names_the_criterion_what_is_covered_and_the_tone(
    small_library, store, fake_server, llm_brain
):
    question = small_library.questions["q1"]
    fake_server.handler = Script(question_lookup_for(small_library), level=2, line="Why these metrics?")
    session, _ = await start(small_library, llm_brain, store)
    await submit(session, "The business goal is engagement, so I would track time spent.")
    follow_up = last_interviewer(session)
    request = fake_server.chat_requests()[-1]
    system, task = request["messages"][0]["content"], request["messages"][-1]["content"]
    assert "never acknowledge, thank or praise" in system  # the strict persona's real manners
    assert "<candidate_answer>" in task  # the candidate's words are wrapped as data
    assert follow_up.probe is not None and follow_up.probe.kind == "criterion"
    criterion = next(c for c in question.criteria if c.id == follow_up.probe.criterion_id)
    assert f'still weak: "{criterion.description.rstrip(".")}"' in task
    assert "The answer already covers:" in task
    assert "to adapt rather than copy" in task


@pytest.mark.slow
def test_an_offline_interview_never_loads_tiktoken(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import asyncio, pathlib, sys\n"
        "from interviewer.offline.brain import OfflineBrain\n"
        "from interviewer.session import InterviewSession\n"
        "from interviewer.store import TranscriptStore\n"
        "from tests.factories import make_library\n"
        "async def main():\n"
        f"    store = TranscriptStore(pathlib.Path({str(tmp_path)!r}))\n"
        "    session = InterviewSession.create(make_library(), 'test-round', None, OfflineBrain(), store)\n"
        "    async for _ in session.open(): pass\n"
        "    async for _ in session.submit('We tracked DAU because it is daily.'): pass\n"
        "asyncio.run(main())\n"
        "print('tiktoken' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "INTERVIEWER_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=root, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "False"


async def test_a_model_brain_loads_the_tokenizer_off_the_event_loop(monkeypatch):
    import threading

    from interviewer import tokens

    loaded_on: list[str] = []
    monkeypatch.setattr(tokens, "_encoding", tokens._NOT_LOADED)
    real_load = tokens.load_encoding

    def spy():
        loaded_on.append(threading.current_thread().name)
        return real_load()

    monkeypatch.setattr(tokens, "load_encoding", spy)
    assert tokens.count_tokens("hello world").approximate  # inside the loop, before warming: an estimate
    await tokens.warm()
    assert loaded_on and loaded_on[0] != threading.main_thread().name
