"""The OpenAI client for a target, streaming with usage, and errors as one safe line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import openai
from openai import AsyncOpenAI

from interviewer.llm.config import ModelTarget


@dataclass
class CallUsage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reported: bool = False  # False when the server sent no usage and counts were estimated

    def add(self, other: CallUsage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.reported = self.reported or other.reported


def make_client(target: ModelTarget) -> AsyncOpenAI:
    return AsyncOpenAI(
        api_key=target.api_key.get_secret_value(),
        base_url=target.base_url,
        timeout=target.profile.timeout_seconds,
        max_retries=target.profile.max_retries,
    )


def redact(text: str, target: ModelTarget | None) -> str:
    secret = target.api_key.get_secret_value() if target is not None else ""
    if secret and len(secret) >= 6:
        text = text.replace(secret, "***")
    return text


def describe_error(exc: BaseException, target: ModelTarget | None = None) -> str:
    """One line a person can act on; never contains the API key."""
    where = (target.base_url if target and target.base_url else "the server") if target else "the server"
    if isinstance(exc, openai.APITimeoutError):
        seconds = target.profile.timeout_seconds if target else None
        text = f"timed out talking to {where}" + (f" after {seconds:g}s" if seconds else "")
    elif isinstance(exc, openai.APIConnectionError):
        text = f"cannot reach {where} (connection failed or dropped)"
    elif isinstance(exc, openai.RateLimitError):
        text = "rate limited by the server (HTTP 429) after retries"
    elif isinstance(exc, openai.AuthenticationError):
        text = "the server rejected the API key (HTTP 401)"
    elif isinstance(exc, openai.APIStatusError):
        text = f"HTTP {exc.status_code} from the server: {_message(exc)}"
    elif isinstance(exc, openai.APIError):
        text = f"API error: {exc.message}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return redact(" ".join(text.split())[:300], target)


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
    return exc.message


async def stream_text(
    client: AsyncOpenAI,
    target: ModelTarget,
    messages: list[dict[str, str]],
    temperature: float,
    usage: CallUsage,
) -> AsyncIterator[str]:
    """Yield content deltas; usage is filled in when the server reports it."""
    stream = await client.chat.completions.create(
        model=target.model,
        messages=messages,  # type: ignore[arg-type]
        temperature=temperature,
        max_tokens=target.profile.reply_max_tokens,
        stream=True,
        stream_options={"include_usage": True},
    )
    async for chunk in stream:
        if chunk.usage is not None:
            usage.prompt_tokens += chunk.usage.prompt_tokens
            usage.completion_tokens += chunk.usage.completion_tokens
            usage.reported = True
        for choice in chunk.choices:
            if choice.delta and choice.delta.content:
                yield choice.delta.content
