"""Helpers for driving the model-backed brain against the fake server."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import SecretStr

from interviewer.llm.capabilities import Capabilities
from interviewer.llm.config import ModelTarget, Price, Profile
from interviewer.models import Question
from interviewer.offline.scorer import score_answer
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


def judged_replies(request: dict[str, Any]) -> str:
    """The candidate's replies in a judge request, joined as the thread's text is."""
    user = request["messages"][1]["content"]
    return "\n\n".join(re.findall(r"<candidate_answer>\n(.*?)\n</candidate_answer>", user, re.DOTALL))


def is_lead_in(request: dict[str, Any]) -> bool:
    return "lead-in to the next scripted question" in request["messages"][-1]["content"]


class Script:
    """Answers judge calls with a judge reply and interviewer calls with a chosen line.

    With no fixed `level`, the judge follows the offline score, as a judge that reads the answer would.
    """

    def __init__(
        self,
        question_lookup,
        level: int | None = 4,
        line: str = "Why did you pick that metric?",
        lead_in: str = "Next.",
    ) -> None:
        self.question_lookup = question_lookup
        self.level = level
        self.line = line
        self.lead_in = lead_in

    def __call__(self, request: dict[str, Any]) -> Item:
        if is_judge(request):
            answer = judged_replies(request)
            question = self.question_lookup(request["messages"][1]["content"])
            level = self.level
            if level is None:
                level = max(1, min(5, round(score_answer(question, answer).overall)))
            return Reply(judge_json(question, answer, level))
        if is_lead_in(request):
            return Reply(self.lead_in)
        return Reply(self.line)


def capabilities(tmp_path) -> Capabilities:
    return Capabilities(tmp_path / "caps.json")
