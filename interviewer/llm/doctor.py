"""`interviewer doctor`: what a configured server can do, checked step by step."""

from __future__ import annotations

import json
from typing import Literal

import openai
from openai import AsyncOpenAI
from pydantic import BaseModel

from interviewer.llm.capabilities import LADDER, Capabilities
from interviewer.llm.client import CallUsage, describe_error, stream_text
from interviewer.llm.config import ModelTarget
from interviewer.llm.judge import extract_json

Outcome = Literal["ok", "warn", "fail", "skip"]
PROBE_SCHEMA = {
    "type": "object",
    "properties": {"ready": {"type": "boolean"}},
    "required": ["ready"],
    "additionalProperties": False,
}


class Check(BaseModel):
    name: str
    outcome: Outcome
    detail: str


class DoctorReport(BaseModel):
    profile: str
    model: str
    base_url: str | None
    checks: list[Check]
    structured_output: str | None

    @property
    def healthy(self) -> bool:
        return all(c.outcome != "fail" for c in self.checks)


async def run_doctor(target: ModelTarget, client: AsyncOpenAI, capabilities: Capabilities) -> DoctorReport:
    checks: list[Check] = []
    try:
        models = [m.id async for m in client.models.list()]
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
        return _report(target, checks, None)

    messages = [{"role": "user", "content": "Reply with the single word: ready"}]
    try:
        reply = await client.chat.completions.create(model=target.model, messages=messages, max_tokens=8)  # type: ignore[arg-type]
        text = (reply.choices[0].message.content or "").strip() if reply.choices else ""
        checks.append(Check(name="chat", outcome="ok", detail=f"replied {text[:40]!r}"))
    except openai.APIError as exc:
        checks.append(Check(name="chat", outcome="fail", detail=describe_error(exc, target)))

    try:
        pieces = [p async for p in stream_text(client, target, messages, 0.0, CallUsage())]
        outcome: Outcome = "ok" if len(pieces) >= 1 else "warn"
        checks.append(Check(name="streaming", outcome=outcome, detail=f"{len(pieces)} chunk(s)"))
    except openai.APIError as exc:
        checks.append(Check(name="streaming", outcome="fail", detail=describe_error(exc, target)))

    working: str | None = None
    for mode in LADDER:
        detail = await _try_structured(client, target, mode)
        if detail is None:
            checks.append(Check(name=f"structured: {mode}", outcome="ok", detail="valid JSON that fits the schema"))
            if working is None:
                working = mode
                capabilities.remember(Capabilities.key(target.base_url, target.model), mode)
        else:
            checks.append(Check(name=f"structured: {mode}", outcome="warn", detail=detail))
    if working is None:
        checks.append(Check(name="judge", outcome="fail", detail="no structured-output mode works; scores fall back"))
    return _report(target, checks, working)


async def _try_structured(client: AsyncOpenAI, target: ModelTarget, mode: str) -> str | None:
    """None if the mode produced schema-valid JSON, else why not."""
    prompt = "Is the service ready? Answer with a JSON object."
    extra: dict = {}
    if mode == "json_schema":
        extra["response_format"] = {"type": "json_schema", "json_schema": {"name": "probe", "schema": PROBE_SCHEMA}}
    else:
        prompt += f" It must match this JSON Schema: {json.dumps(PROBE_SCHEMA)}"
        if mode == "json_object":
            extra["response_format"] = {"type": "json_object", "schema": PROBE_SCHEMA}
    try:
        reply = await client.chat.completions.create(
            model=target.model,
            messages=[{"role": "user", "content": prompt}],
            temperature=0,
            max_tokens=40,
            **extra,
        )
    except openai.APIError as exc:
        return describe_error(exc, target)
    text = reply.choices[0].message.content or "" if reply.choices else ""
    try:
        data = json.loads(extract_json(text))
    except ValueError:
        return f"not JSON: {text[:60]!r}"
    if not isinstance(data, dict) or not isinstance(data.get("ready"), bool):
        return f"JSON ignores the schema: {json.dumps(data)[:60]}"
    return None


def _report(target: ModelTarget, checks: list[Check], working: str | None) -> DoctorReport:
    return DoctorReport(
        profile=target.name, model=target.model, base_url=target.base_url, checks=checks, structured_output=working
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
    lines.append(f"judge will use: {report.structured_output or 'offline fallback'}")
    return "\n".join(lines)
