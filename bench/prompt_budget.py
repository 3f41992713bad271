"""Prompt tokens per model call across a 12-question interview with 3 follow-ups per question,
against sending the whole history every call. Runs against the loopback fake server.

Run: python bench/prompt_budget.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interviewer.llm.brain import LLMBrain
from interviewer.llm.capabilities import Capabilities
from interviewer.session import InterviewSession
from interviewer.store import TranscriptStore
from interviewer.tokens import count_messages
from tests.factories import make_library
from tests.fakes.openai_server import FakeOpenAIServer, Reply
from tests.llm_helpers import is_judge, is_lead_in, judge_json, target_for

QUESTIONS = 12
BUDGET = 3000
ANSWER = (
    "I think it mostly depends on the team and on what they want to achieve with it, and there are a lot of "
    "considerations around data, tooling and communication that I would want to go through carefully. "
) * 3


async def interview(server: FakeOpenAIServer, tmp: Path) -> list[int]:
    library = make_library(QUESTIONS)
    questions = list(library.questions.values())

    def handler(request):
        if is_judge(request):
            question = next(q for q in questions if q.prompt in request["messages"][1]["content"])
            return Reply(judge_json(question, ANSWER, level=2))
        if is_lead_in(request):
            return Reply("Next.")
        return Reply("Why would that be the right call here?")

    server.handler = handler
    target = target_for(server, prompt_budget_tokens=BUDGET)
    brain = LLMBrain(target, capabilities=Capabilities(tmp / "caps.json"))
    session = InterviewSession.create(library, "test-round", "strict", brain, TranscriptStore(tmp / "t"))
    async for _ in session.open():
        pass
    while not session.finished:
        async for _ in session.submit(ANSWER):
            pass
    follow_ups = sum(1 for t in session.transcript.turns if t.kind == "follow_up")
    print(f"questions: {QUESTIONS}, follow-ups: {follow_ups}, interviewer calls: "
          f"{sum(1 for r in server.chat_requests() if not is_judge(r))}")  # fmt: skip
    full_history: list[dict[str, str]] = []
    budgeted: list[int] = []
    naive: list[int] = []
    turns = session.transcript.turns
    system = {"role": "system", "content": library.personas["strict"].llm.system_prompt}
    interviewer_requests = [r for r in server.chat_requests() if not is_judge(r)]
    spoken = [t for t in turns if t.role != "system"]
    # Pair each interviewer call with the history a naive client would have sent at that moment.
    call = 0
    for turn in spoken:
        if turn.role == "interviewer":
            request = interviewer_requests[call]
            messages = [{"role": m["role"], "content": m["content"]} for m in request["messages"]]
            budgeted.append(count_messages(messages).tokens)
            naive.append(count_messages([system, *full_history, messages[-1]]).tokens)
            call += 1
        full_history.append({"role": "assistant" if turn.role == "interviewer" else "user", "content": turn.text})
    return [*budgeted, -1, *naive]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = FakeOpenAIServer().start()
        try:
            numbers = asyncio.run(interview(server, Path(tmp)))
        finally:
            server.stop()
    split = numbers.index(-1)
    budgeted, naive = numbers[:split], numbers[split + 1 :]
    print(f"budget per call: {BUDGET} tokens")
    print(f"budgeted prompt: first {budgeted[0]}, max {max(budgeted)}, mean {sum(budgeted) / len(budgeted):.0f}, "
          f"last {budgeted[-1]} tokens")  # fmt: skip
    print(f"full history:    first {naive[0]}, max {max(naive)}, mean {sum(naive) / len(naive):.0f}, "
          f"last {naive[-1]} tokens")  # fmt: skip
    print(f"total prompt tokens: budgeted {sum(budgeted):,}, full history {sum(naive):,} "
          f"({sum(naive) / sum(budgeted):.1f}x)")  # fmt: skip
    print(f"last call: full history is {naive[-1] / budgeted[-1]:.1f}x the budgeted prompt")


if __name__ == "__main__":
    main()
