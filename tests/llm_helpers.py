"""Helpers for driving the model-backed brain against the fake server."""

from __future__ import annotations

import json
from typing import Any

from pydantic import SecretStr

from interviewer.llm.capabilities import Capabilities
from interviewer.llm.config import ModelTarget, Price, Profile
from interviewer.models import Question
from tests.fakes.openai_server import Item, Reply

API_KEY = "sk-test-secret-value-123456"


def target_for(server, **profile: Any) -> ModelTarget:
    settings = {"max_retries": 1, "timeout_seconds": 5.0, **profile}
    return ModelTarget(
        name="fake",
        model="fake-model",
        base_url=server.base_url,
        api_key=SecretStr(API_KEY),
        profile=Profile(**settings),
        price=Price(prompt_per_million=1.0, completion_per_million=2.0),
    )


def judge_json(question: Question, answer: str, level: int = 4, quote: str | None = None) -> str:
    """A valid judge reply that quotes the first words of the answer."""
    quote = quote if quote is not None else " ".join(answer.split()[:6])
    return json.dumps(
        {
            "criteria": {
                c.id: {"rationale": f"Reasoned about {c.id}.", "evidence": [quote], "level": level}
                for c in question.criteria
            }
        }
    )


def is_judge(request: dict[str, Any]) -> bool:
    system = request["messages"][0]["content"]
    return system.startswith("You grade one interview answer")


class Script:
    """Answers judge calls with a judge reply and interviewer calls with a chosen line."""

    def __init__(self, question_lookup, level: int = 4, line: str = "Why did you pick that metric?") -> None:
        self.question_lookup = question_lookup
        self.level = level
        self.line = line

    def __call__(self, request: dict[str, Any]) -> Item:
        if is_judge(request):
            user = request["messages"][1]["content"]
            answer = user.split("<candidate_answer>\n", 1)[1].rsplit("\n</candidate_answer>", 1)[0]
            question = self.question_lookup(user)
            return Reply(judge_json(question, answer, self.level))
        last = request["messages"][-1]["content"]
        if "scripted question" in last:
            prompt = last.split("Keep its meaning and all its parts:\n", 1)[1]
            return Reply(f"Let's begin. {prompt}")
        return Reply(self.line)


def capabilities(tmp_path) -> Capabilities:
    return Capabilities(tmp_path / "caps.json")
