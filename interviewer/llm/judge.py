"""Scores an answer with a model: structured output down a ladder, checked quotes, code totals.

json_schema -> json_object with the schema in the prompt -> plain instructions with JSON
extraction; each with one repair retry. Whatever the model says, levels are validated, quotes
are checked against the answer, and the overall is computed in code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel, Field, ValidationError

from interviewer.llm.capabilities import Capabilities
from interviewer.llm.client import CallUsage, describe_error
from interviewer.llm.config import ModelTarget, StructuredMode
from interviewer.llm.evidence import locate
from interviewer.llm.prompts import judge_messages
from interviewer.models import AnswerScore, CriterionScore, Question

MAX_QUOTES = 3
JUDGE_TOKENS_PER_CRITERION = 220


class JudgedCriterion(BaseModel):
    # Field order matters: the model writes its reasons and evidence before it commits to a level.
    rationale: str = Field(min_length=1)
    evidence: list[str] = Field(default_factory=list)
    level: int = Field(ge=1, le=5)


class JudgeReply(BaseModel):
    """Keyed by criterion id, so a grammar-constrained server must produce each one exactly once."""

    criteria: dict[str, JudgedCriterion]


class JudgeFailed(Exception):
    """The judge could not produce a valid score; the message says why, in one line."""


class ModeUnsupported(Exception):
    pass


def reply_schema(question: Question) -> dict[str, Any]:
    """A plain JSON Schema (no $refs) that strict servers and grammar-based servers both accept."""
    criterion = {
        "type": "object",
        "properties": {
            "rationale": {"type": "string"},
            "evidence": {"type": "array", "items": {"type": "string"}},
            "level": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        },
        "required": ["rationale", "evidence", "level"],
        "additionalProperties": False,
    }
    ids = [c.id for c in question.criteria]
    return {
        "type": "object",
        "properties": {
            "criteria": {
                "type": "object",
                "properties": {cid: criterion for cid in ids},
                "required": ids,
                "additionalProperties": False,
            }
        },
        "required": ["criteria"],
        "additionalProperties": False,
    }


_FENCE = re.compile(r"```(?:json)?\s*(\{.*?\})\s*```", re.DOTALL)


def extract_json(text: str) -> str:
    """The JSON object in a reply that may wrap it in prose or a code fence."""
    fenced = _FENCE.search(text)
    if fenced:
        return fenced.group(1)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the reply")
    return text[start : end + 1]


def parse_reply(text: str, question: Question) -> JudgeReply:
    reply = JudgeReply.model_validate_json(extract_json(text))
    ids = list(reply.criteria)
    expected = [c.id for c in question.criteria]
    if sorted(ids) != sorted(expected):
        missing = sorted(set(expected) - set(ids))
        extra = sorted(set(ids) - set(expected))
        raise ValueError(f"criteria must be exactly {expected}; missing {missing}, unexpected {extra}")
    return reply


@dataclass
class Judgement:
    score: AnswerScore
    mode: StructuredMode
    dropped_quotes: int


def to_score(question: Question, reply: JudgeReply, answer: str) -> tuple[AnswerScore, int]:
    by_id = reply.criteria
    dropped = 0
    scores: list[CriterionScore] = []
    for criterion in question.criteria:
        judged = by_id[criterion.id]
        quotes: list[str] = []
        for quote in judged.evidence:
            found = locate(answer, quote)
            if found is None:
                dropped += 1
            elif found not in quotes and len(quotes) < MAX_QUOTES:
                quotes.append(found)
        scores.append(
            CriterionScore(
                criterion_id=criterion.id,
                weight=criterion.weight,
                level=judged.level,
                rationale=judged.rationale.strip(),
                evidence=quotes,
                source="llm",
                evidence_dropped=len(judged.evidence) - len(quotes),
            )
        )
    flags = ["quotes_dropped"] if dropped else []
    return AnswerScore(question_id=question.id, criteria=scores, source="llm", flags=flags), dropped


def _is_unsupported(exc: openai.APIStatusError) -> bool:
    """A server refusing the response_format itself, as opposed to failing in general."""
    text = json.dumps(exc.body) if exc.body is not None else exc.message
    mentions = re.search(r"response_format|json_schema|json_object|schema|grammar", text, re.IGNORECASE)
    return exc.status_code in (400, 404, 415, 422) or (exc.status_code == 500 and mentions is not None)


class Judge:
    def __init__(self, client: AsyncOpenAI, target: ModelTarget, capabilities: Capabilities) -> None:
        self.client = client
        self.target = target
        self.capabilities = capabilities
        self.key = Capabilities.key(target.base_url, target.model)

    def modes(self) -> tuple[StructuredMode, ...]:
        forced = self.target.profile.structured_output
        return (forced,) if forced else self.capabilities.ladder(self.key)

    async def judge(self, question: Question, answer: str, usage: CallUsage) -> Judgement:
        schema = reply_schema(question)
        problems: list[str] = []
        for mode in self.modes():
            try:
                reply = await self._try_mode(mode, question, answer, schema, usage)
            except ModeUnsupported as exc:
                problems.append(f"{mode}: {exc}")
                continue
            except (ValidationError, ValueError) as exc:
                problems.append(f"{mode}: invalid reply after a repair retry ({_short(exc)})")
                continue
            if not self.target.profile.structured_output:
                self.capabilities.remember(self.key, mode)
            score, dropped = to_score(question, reply, answer)
            return Judgement(score, mode, dropped)
        raise JudgeFailed("; ".join(problems) or "no structured-output mode worked")

    async def _try_mode(
        self, mode: StructuredMode, question: Question, answer: str, schema: dict[str, Any], usage: CallUsage
    ) -> JudgeReply:
        messages = judge_messages(
            question,
            answer,
            schema,
            schema_in_prompt=mode != "json_schema",
            budget=self.target.profile.prompt_budget_tokens,
            model=self.target.model,
        )
        text = await self._complete(mode, messages, schema, question, usage)
        try:
            return parse_reply(text, question)
        except (ValidationError, ValueError) as exc:
            repair = [
                *messages,
                {"role": "assistant", "content": text[:4000]},
                {
                    "role": "user",
                    "content": f"That reply was not valid: {_short(exc)}. "
                    "Reply again with the corrected JSON object only.",
                },
            ]
            return parse_reply(await self._complete(mode, repair, schema, question, usage), question)

    async def _complete(
        self,
        mode: StructuredMode,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        question: Question,
        usage: CallUsage,
    ) -> str:
        extra: dict[str, Any] = {}
        if mode == "json_schema":
            extra["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "rubric_scores", "schema": schema, "strict": True},
            }
        elif mode == "json_object":
            # llama.cpp's server turns a schema given here into a grammar; others ignore it.
            extra["response_format"] = {"type": "json_object", "schema": schema}
        try:
            response = await self.client.chat.completions.create(
                model=self.target.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=0,
                max_tokens=JUDGE_TOKENS_PER_CRITERION * len(question.criteria) + 100,
                **extra,
            )
        except openai.APIStatusError as exc:
            if mode != "plain" and _is_unsupported(exc):
                raise ModeUnsupported(describe_error(exc, self.target)) from exc
            raise
        if response.usage is not None:
            usage.prompt_tokens += response.usage.prompt_tokens
            usage.completion_tokens += response.usage.completion_tokens
            usage.reported = True
        content = response.choices[0].message.content if response.choices else None
        if not content:
            raise ValueError("the reply was empty")
        return content


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False)[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'reply'}: {first['msg']}"
    return " ".join(str(exc).split())[:200]
