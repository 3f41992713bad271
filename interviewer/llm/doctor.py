"""`interviewer doctor`: what a configured server can do, checked with the very requests the app sends.

The chat and streaming checks go through the same request shaping as an interviewer turn (token
field, temperature, stream_options, adapted to the server and remembered), and the structured
checks send the judge's own response_format: strict json_schema, then json_object in the form the
server accepts.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import openai
from pydantic import BaseModel

from interviewer.llm.capabilities import LADDER
from interviewer.llm.client import ModelCaller, describe_error, redact
from interviewer.llm.config import StructuredMode
from interviewer.llm.judge import extract_json, is_mode_refusal, request_structured

Outcome = Literal["ok", "warn", "fail", "skip"]
PROBE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"ready": {"type": "boolean"}},
    "required": ["ready"],
    "additionalProperties": False,
}
INTERVIEWER_TEMPERATURE = 0.7  # what a persona usually sends, so a refusal of it shows up here
PROBE_TOKENS = 40


class Check(BaseModel):
    name: str
    outcome: Outcome
    detail: str


class DoctorReport(BaseModel):
    profile: str
    model: str
    base_url: str | None
    checks: list[Check]
    structured_output: str | None  # the highest mode that gave valid JSON
    adapted: list[str] = []
    judge_starts_at: str | None = None  # the mode the judge tries first: lowered only by a refusal

    @property
    def healthy(self) -> bool:
        return all(c.outcome != "fail" for c in self.checks)


async def run_doctor(caller: ModelCaller) -> DoctorReport:
    target = caller.target
    checks: list[Check] = []
    try:
        models = [m.id async for m in caller.client.models.list()]
        checks.append(Check(name="reachable", outcome="ok", detail=f"{len(models)} model(s) listed"))
        listed = target.model in models
        checks.append(
            Check(
                name="model listed",
                outcome="ok" if listed else "warn",
                detail=target.model if listed else f"{target.model} not in: {', '.join(models[:5]) or 'none'}",
            )
        )
    except openai.APIError as exc:
        checks.append(Check(name="reachable", outcome="fail", detail=describe_error(exc, target)))
        skipped = ["model listed", "chat", "streaming", *(f"structured: {m}" for m in LADDER)]
        checks += [Check(name=n, outcome="skip", detail="server not reachable") for n in skipped]
        return _report(caller, checks, None)

    messages = [{"role": "user", "content": "Reply with the single word: ready"}]
    try:
        reply = await caller.complete(
            messages, temperature=INTERVIEWER_TEMPERATURE, max_tokens=target.profile.reply_max_tokens
        )
        text = (reply.choices[0].message.content or "").strip() if reply.choices else ""
        checks.append(Check(name="chat", outcome="ok", detail=f"replied {redact(text, target)[:80]!r}"))
    except openai.APIError as exc:
        checks.append(Check(name="chat", outcome="fail", detail=describe_error(exc, target)))

    try:
        usage_seen: list[object] = []
        pieces = [
            piece
            async for piece in caller.stream(
                messages,
                temperature=INTERVIEWER_TEMPERATURE,
                max_tokens=target.profile.reply_max_tokens,
                on_usage=usage_seen.append,
            )
        ]
        outcome: Outcome = "ok" if pieces else "warn"
        usage = "usage reported" if usage_seen else "no usage reported (counts are estimated)"
        checks.append(Check(name="streaming", outcome=outcome, detail=f"{len(pieces)} chunk(s), {usage}"))
    except openai.APIError as exc:
        checks.append(Check(name="streaming", outcome="fail", detail=describe_error(exc, target)))

    working: StructuredMode | None = None
    refused_so_far = True  # as for the judge, only refusals of the modes above lower the remembered mode
    for mode in LADDER:
        detail, refused = await _try_structured(caller, mode)
        if detail is None:
            checks.append(Check(name=f"structured: {mode}", outcome="ok", detail="valid JSON that fits the schema"))
            if working is None:
                working = mode
                if refused_so_far:
                    caller.capabilities.remember(caller.key, mode)
        else:
            checks.append(Check(name=f"structured: {mode}", outcome="warn", detail=detail))
            refused_so_far = refused_so_far and refused
    if working is None:
        checks.append(Check(name="judge", outcome="fail", detail="no structured-output mode works; scores fall back"))
    return _report(caller, checks, working)


async def _try_structured(caller: ModelCaller, mode: StructuredMode) -> tuple[str | None, bool]:
    """(None if the mode produced schema-valid JSON, else why not; whether the server refused the mode).

    The request is the judge's own.
    """

    prompt = "Is the service ready? Answer with a JSON object."
    if mode != "json_schema":
        prompt += f" It must match this JSON Schema: {json.dumps(PROBE_SCHEMA)}"
    messages = [{"role": "user", "content": prompt}]
    try:
        reply = await request_structured(caller, mode, messages, PROBE_SCHEMA, PROBE_TOKENS)
    except openai.APIStatusError as exc:
        return describe_error(exc, caller.target), is_mode_refusal(exc)
    except openai.APIError as exc:
        return describe_error(exc, caller.target), False
    text = reply.choices[0].message.content or "" if reply.choices else ""
    try:
        data = json.loads(extract_json(text))
    except ValueError:
        return f"not JSON: {redact(text, caller.target)[:80]!r}", False
    if not isinstance(data, dict) or not isinstance(data.get("ready"), bool):
        return f"JSON ignores the schema: {redact(json.dumps(data), caller.target)[:80]}", False
    return None, False


def _report(caller: ModelCaller, checks: list[Check], working: str | None) -> DoctorReport:
    target = caller.target
    return DoctorReport(
        profile=target.name,
        model=target.model,
        base_url=target.base_url,
        checks=checks,
        structured_output=working,
        adapted=caller.traits.adapted(),
        judge_starts_at=caller.capabilities.ladder(caller.key)[0] if working else None,
    )


def render_table(report: DoctorReport) -> str:
    width = max(len(c.name) for c in report.checks)
    lines = [
        f"profile {report.profile}, model {report.model}, server {report.base_url or 'default'}",
        "",
        f"{'CHECK':<{width}}  RESULT  DETAIL",
    ]
    lines += [f"{c.name:<{width}}  {c.outcome.upper():<6}  {c.detail}" for c in report.checks]
    lines.append("")
    lines.append(f"requests adapted: {', '.join(report.adapted) or 'none (plain OpenAI-compatible requests)'}")
    if report.structured_output and report.judge_starts_at != report.structured_output:
        lines.append(
            f"judge will use: {report.structured_output} (it tries {report.judge_starts_at} first: "
            "the server did not refuse it, it only answered badly)"
        )
    else:
        lines.append(f"judge will use: {report.structured_output or 'offline fallback'}")
    return "\n".join(lines)
