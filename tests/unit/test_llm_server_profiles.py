"""A whole headless interview against emulations of the servers people use, compared with a plain server.

Each profile must reach the same share of model-phrased turns and model-judged answers as a plain
OpenAI-compatible server, within 10 points, and keep the API key out of everything saved.
"""

from __future__ import annotations

import time

import pytest

from interviewer.llm.brain import LLMBrain
from interviewer.llm.capabilities import key_for
from interviewer.offline.brain import OfflineBrain
from interviewer.session import InterviewSession
from tests.fakes.openai_server import PROFILES, FakeOpenAIServer, Hang, Reply
from tests.llm_helpers import API_KEY, Script, capabilities, is_judge, target_for

ROUND = "sre"
ANSWERS = [
    "I would run systemctl status on the unit first, because it shows whether it is crash-looping and its exit "
    "code, then journalctl -u for the service since the last boot: the lines just before each exit usually name "
    "the cause, such as a missing config file or a port already in use.",
    "free -m, and I look at the available column rather than free, because the page cache is reclaimable. "
    "Then dmesg -T | grep -i oom shows which process the kernel OOM killer chose and its RSS at the time.",
    "I am not sure.",
    "df -h to find the full filesystem, then du -xh --max-depth=1 | sort -h from its root to find where the "
    "space went; lsof +L1 finds deleted files still held open by a process, which df counts but du cannot see.",
    "Probably logs, cache, metrics.",
]
MAX_SUBMISSIONS = 60


def lookup(library):
    def find(user_text: str):
        return next(q for q in library.questions.values() if q.prompt in user_text)

    return find


async def headless_interview(library, store, brain) -> InterviewSession:
    session = InterviewSession.create(library, ROUND, "strict", brain, store)
    async for _ in session.open():
        pass
    for submitted in range(MAX_SUBMISSIONS):
        if session.finished:
            break
        async for _ in session.submit(ANSWERS[submitted % len(ANSWERS)]):
            pass
    assert session.finished
    return session


def shares(session: InterviewSession) -> tuple[float, float]:
    turns = [t for t in session.transcript.turns if t.role == "interviewer" and t.kind not in ("repeat", "cut_in")]
    answers = [t for t in session.transcript.turns if t.kind == "answer"]
    phrased = sum(t.phrasing == "llm" for t in turns) / len(turns)
    judged = sum(t.score is not None and t.score.source == "llm" for t in answers) / len(answers)
    return phrased, judged


async def run_against(
    profiled_server, profile_name: str, library, store, tmp_path
) -> tuple[InterviewSession, FakeOpenAIServer]:
    server = profiled_server(PROFILES[profile_name])
    server.handler = Script(lookup(library), level=None, line="You said it shows the cause. How would you confirm?")
    brain = LLMBrain(target_for(server), capabilities=capabilities(tmp_path / profile_name))
    session = await headless_interview(library, store, brain)
    return session, server


@pytest.mark.slow
@pytest.mark.parametrize("profile_name", [name for name in PROFILES if name != "plain"])
async def test_each_server_profile_matches_a_plain_server(
    profiled_server, profile_name, builtin_library, store, tmp_path
):
    plain, _ = await run_against(profiled_server, "plain", builtin_library, store, tmp_path)
    session, server = await run_against(profiled_server, profile_name, builtin_library, store, tmp_path)
    plain_phrased, plain_judged = shares(plain)
    phrased, judged = shares(session)
    assert plain_phrased > 0.9 and plain_judged > 0.5  # the comparison means something only if plain works
    assert abs(phrased - plain_phrased) <= 0.10, [t.note for t in session.transcript.turns if t.note]
    assert abs(judged - plain_judged) <= 0.10, [
        t.score.fallback_reason for t in session.transcript.turns if t.score and t.score.fallback_reason
    ]
    saved = store.path_for(session.transcript.id).read_text()
    assert API_KEY not in saved
    # Refusals are learned once and remembered, not paid again on every call.
    refused = [r for r in server.chat_requests() if "max_tokens" in r or "stream_options" in r]
    if profile_name == "openai-reasoning":
        assert len([r for r in refused if "max_tokens" in r]) == 1
        assert all("temperature" not in r for r in server.chat_requests()[3:])
    if profile_name == "no-stream-options":
        assert len([r for r in refused if "stream_options" in r]) == 1


@pytest.mark.slow
async def test_a_reasoning_model_gets_a_larger_completion_budget_and_keeps_it_across_runs(
    profiled_server, builtin_library, store, tmp_path
):
    server = profiled_server(PROFILES["openai-reasoning"])
    server.handler = Script(lookup(builtin_library), level=None)
    caps = capabilities(tmp_path)
    target = target_for(server)
    brain = LLMBrain(target, capabilities=caps)
    session = InterviewSession.create(builtin_library, ROUND, "strict", brain, store)
    async for _ in session.open():
        pass
    streamed = [r for r in server.chat_requests() if r.get("stream")][-1]
    assert streamed["max_completion_tokens"] >= 4 * target.profile.reply_max_tokens
    assert "temperature" not in streamed
    assert capabilities(tmp_path).traits(key_for(target)).reasoning  # a later run starts adapted


async def test_a_profile_setting_declares_a_reasoning_model_without_a_refusal(fake_server, tmp_path, small_library):
    fake_server.handler = Script(lookup(small_library))
    brain = LLMBrain(target_for(fake_server, reasoning=True), capabilities=capabilities(tmp_path))
    await brain.score(small_library.questions["q1"], _thread(small_library))
    request = fake_server.chat_requests()[0]
    assert "max_completion_tokens" in request and "max_tokens" not in request and "temperature" not in request


@pytest.mark.slow
async def test_after_a_single_bad_judge_reply_the_judge_stays_on_json_schema(builtin_library, store, tmp_path):
    server = FakeOpenAIServer().start()
    try:
        script = Script(lookup(builtin_library), level=None)
        bad_replies = iter(["not json at all", "still not json"])

        def handler(request):
            if is_judge(request):
                bad = next(bad_replies, None)
                if bad is not None:
                    return Reply(bad)
            return script(request)

        server.handler = handler
        brain = LLMBrain(target_for(server), capabilities=capabilities(tmp_path))
        await headless_interview(builtin_library, store, brain)
        judge_modes = [(r.get("response_format") or {}).get("type") for r in server.chat_requests() if is_judge(r)]
        assert judge_modes[:2] == ["json_schema", "json_schema"]  # the reply and its repair failed
        assert judge_modes[2] == "json_object"  # that one answer is judged one step down
        assert judge_modes[-1] == "json_schema"
        assert brain.caller.capabilities.ladder(brain.caller.key)[0] == "json_schema"
    finally:
        server.stop()


@pytest.mark.slow
async def test_a_hanging_server_costs_a_few_timeouts_for_a_whole_round(builtin_library, store, tmp_path):
    timeout = 1.0
    started = time.monotonic()
    await headless_interview(builtin_library, store, OfflineBrain())
    offline_seconds = time.monotonic() - started

    server = FakeOpenAIServer().start()
    try:
        server.handler = lambda request: Hang(30)
        target = target_for(server, timeout_seconds=timeout, max_retries=2)
        brain = LLMBrain(target, capabilities=capabilities(tmp_path))
        started = time.monotonic()
        session = await headless_interview(builtin_library, store, brain)
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    assert elapsed - offline_seconds < 4 * timeout
    turns = [t for t in session.transcript.turns if t.role == "interviewer"]
    assert all(t.phrasing == "fallback" for t in turns)
    assert any("continuing offline" in (t.note or "") for t in turns)  # the breaker says so


def _thread(library):
    from interviewer.threads import AnswerThread

    question = library.questions["q1"]
    return AnswerThread.single(question.prompt, "We tracked DAU because the product is used daily.")


async def test_a_server_that_streams_no_usage_gets_estimated_counts_marked_approximate(
    profiled_server, builtin_library, store, tmp_path
):
    server = profiled_server(PROFILES["lm-studio"])
    server.handler = Script(lookup(builtin_library), level=None)
    brain = LLMBrain(target_for(server), capabilities=capabilities(tmp_path))
    session = InterviewSession.create(builtin_library, ROUND, "strict", brain, store)
    async for _ in session.open():
        pass
    usage = session.transcript.usage
    assert usage.calls == 1 and usage.approximate
    assert usage.prompt_tokens > 50 and usage.completion_tokens > 0  # estimated from the prompt and reply


async def test_a_build_that_ignores_json_schema_is_spared_it_for_the_rest_of_the_interview_only(
    profiled_server, builtin_library, tmp_path
):
    from interviewer.threads import AnswerThread

    server = profiled_server(PROFILES["llama.cpp-ignores-schema"])
    server.handler = Script(lookup(builtin_library), level=None)
    question = builtin_library.questions["sre-linux-logs"]
    thread = AnswerThread.single(question.prompt, ANSWERS[0])
    brain = LLMBrain(target_for(server), capabilities=capabilities(tmp_path))
    for _ in range(5):
        assert (await brain.score(question, thread)).source == "llm"
    modes = [(r.get("response_format") or {}).get("type") for r in server.chat_requests()]
    assert modes == ["json_schema", "json_schema", "json_object"] * 3 + ["json_object"] * 2
    later_run = LLMBrain(target_for(server), capabilities=capabilities(tmp_path))
    await later_run.score(question, thread)
    assert (server.chat_requests()[-1].get("response_format") or {}).get("type") == "json_object"
    assert server.chat_requests()[-3]["response_format"]["type"] == "json_schema"  # tried afresh


def test_the_bundled_models_traits_are_reused_across_its_random_ports(tmp_path):
    from pydantic import SecretStr

    from interviewer.llm.config import ModelTarget, Profile

    def local_at(port: int) -> ModelTarget:
        url = f"http://127.0.0.1:{port}/v1"
        return ModelTarget(name="local", model="m", base_url=url, api_key=SecretStr("x"), profile=Profile(local=True))

    caps = capabilities(tmp_path)
    caps.update(key_for(local_at(40001)), structured="json_object", stream_usage=False)
    later = capabilities(tmp_path).traits(key_for(local_at(40999)))
    assert later.structured == "json_object" and not later.stream_usage
