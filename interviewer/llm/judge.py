"""Scores an answer with a model: structured output down a ladder, checked quotes, code totals.

json_schema -> json_object (with the schema where the server accepts it) -> plain instructions
with JSON extraction; each with one repair retry. Only a server's refusal of a mode moves the
remembered mode down; a bad reply is repaired or tried one step lower for that answer only.
Whatever the model says, levels are validated, quotes are checked against the candidate's
replies, and the overall is computed in code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import openai
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, Field, ValidationError

from interviewer.llm.client import ModelCaller, describe_error, refusal_text
from interviewer.llm.config import StructuredMode
from interviewer.llm.evidence import locate
from interviewer.llm.prompts import judge_messages
from interviewer.models import AnswerScore, CriterionScore, Question
from interviewer.threads import AnswerThread

Spend = Callable[[list[dict[str, str]], ChatCompletion], None]  # records one answered call's usage
MAX_QUOTES = 3
JUDGE_TOKENS_PER_CRITERION = 220
SKIP_AFTER_BAD_ANSWERS = 3  # answers in a row that a mode failed and a lower one judged, before it is skipped


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


def to_score(question: Question, reply: JudgeReply, answer: str) -> AnswerScore:
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
    return AnswerScore(question_id=question.id, criteria=scores, source="llm", flags=flags)


def is_mode_refusal(exc: openai.APIStatusError) -> bool:
    """A server refusing the response_format itself, as opposed to failing in general."""
    mentions = re.search(r"response_format|json_schema|json_object|schema|grammar", refusal_text(exc), re.IGNORECASE)
    return exc.status_code in (400, 404, 415, 422) or (exc.status_code == 500 and mentions is not None)


def response_format(mode: StructuredMode, schema: dict[str, Any], *, with_schema: bool) -> dict[str, Any] | None:
    """The response_format a mode sends: strict json_schema, or json_object with the schema when accepted."""
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "rubric_scores", "schema": schema, "strict": True}}
    if mode == "json_object":
        # llama.cpp's server turns a schema given here into a grammar; OpenAI and others refuse the key.
        return {"type": "json_object", "schema": schema} if with_schema else {"type": "json_object"}
    return None


class Judge:
    def __init__(self, caller: ModelCaller) -> None:
        self.caller = caller
        self.target = caller.target
        self.capabilities = caller.capabilities
        self.key = caller.key
        # Per mode, answers in a row whose replies in that mode failed and a lower mode then worked.
        self._bad_in_a_row: dict[StructuredMode, int] = {}

    def modes(self) -> tuple[StructuredMode, ...]:
        forced = self.target.profile.structured_output
        if forced:
            return (forced,)
        ladder = self.capabilities.ladder(self.key)
        # A server that keeps ignoring a mode (one llama.cpp build and json_schema) is spared it for the rest
        # of this interview; this is never remembered, so one bad reply cannot downgrade a server for good.
        usable = tuple(m for m in ladder if self._bad_in_a_row.get(m, 0) < SKIP_AFTER_BAD_ANSWERS)
        return usable or ladder

    async def judge(self, question: Question, thread: AnswerThread, spend: Spend) -> AnswerScore:
        schema = reply_schema(question)
        problems: list[str] = []
        failed_on_content: list[StructuredMode] = []
        modes = self.modes()
        for index, mode in enumerate(modes):
            try:
                reply = await self._try_mode(mode, question, thread, schema, spend)
            except ModeUnsupported as exc:
                problems.append(f"{mode}: {exc}")
                # Only a refusal moves the remembered mode down; a bad reply never does.
                if not self.target.profile.structured_output and index + 1 < len(modes):
                    self.capabilities.remember(self.key, modes[index + 1])
                continue
            except (ValidationError, ValueError) as exc:
                problems.append(f"{mode}: invalid reply after a repair retry ({_short(exc)})")
                failed_on_content.append(mode)
                continue
            self._bad_in_a_row[mode] = 0
            for failed in failed_on_content:
                self._bad_in_a_row[failed] = self._bad_in_a_row.get(failed, 0) + 1
            return to_score(question, reply, thread.text())
        raise JudgeFailed("; ".join(problems) or "no structured-output mode worked")

    async def _try_mode(
        self, mode: StructuredMode, question: Question, thread: AnswerThread, schema: dict[str, Any], spend: Spend
    ) -> JudgeReply:
        messages = judge_messages(
            question,
            thread,
            schema,
            schema_in_prompt=mode != "json_schema",
            budget=self.target.profile.prompt_budget_tokens,
            model=self.target.model,
        )
        text = await self._complete(mode, messages, schema, question, spend)
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
            return parse_reply(await self._complete(mode, repair, schema, question, spend), question)

    async def _complete(
        self,
        mode: StructuredMode,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        question: Question,
        spend: Spend,
    ) -> str:
        cap = JUDGE_TOKENS_PER_CRITERION * len(question.criteria) + 100
        response = await self._request(mode, messages, schema, cap)
        spend(messages, response)
        choice = response.choices[0] if response.choices else None
        if choice is not None and choice.finish_reason == "length":
            # A reply cut off by the cap is not the server's fault nor the mode's: allow more room once.
            response = await self._request(mode, messages, schema, cap * 2)
            spend(messages, response)
            choice = response.choices[0] if response.choices else None
            if choice is not None and choice.finish_reason == "length":
                raise JudgeFailed(f"the judge's reply was cut off at {cap * 2} tokens, twice the usual room")
        content = choice.message.content if choice is not None else None
        if not content:
            raise ValueError("the reply was empty")
        return content

    async def _request(
        self, mode: StructuredMode, messages: list[dict[str, str]], schema: dict[str, Any], cap: int
    ) -> ChatCompletion:
        try:
            return await request_structured(self.caller, mode, messages, schema, cap)
        except openai.APIStatusError as exc:
            if mode != "plain" and is_mode_refusal(exc):
                raise ModeUnsupported(describe_error(exc, self.target)) from exc
            raise


async def request_structured(
    caller: ModelCaller, mode: StructuredMode, messages: list[dict[str, str]], schema: dict[str, Any], cap: int
) -> ChatCompletion:
    """One structured-output request in the form the server accepts; `doctor` sends exactly this too."""
    with_schema = caller.traits.json_object_schema
    while True:
        extra: dict[str, Any] = {}
        form = response_format(mode, schema, with_schema=with_schema)
        if form is not None:
            extra["response_format"] = form
        try:
            response = await caller.complete(messages, temperature=0, max_tokens=cap, **extra)
        except openai.APIStatusError as exc:
            if mode == "json_object" and with_schema and exc.status_code in (400, 422):
                # Some servers refuse only the schema key: send the plain form, and remember it if it works.
                with_schema = False
                continue
            raise
        if mode == "json_object" and not with_schema:
            caller.capabilities.update(caller.key, json_object_schema=False)
        return response


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False)[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'reply'}: {first['msg']}"
    return " ".join(str(exc).split())[:200]
