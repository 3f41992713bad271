"""Calls to a server, shaped the way that server accepts them; usage priced; errors as one safe line.

Servers disagree on the request: reasoning models refuse `max_tokens` and any non-default
`temperature`, some hosts refuse `stream_options`. Such a refusal is a 400 or 422 that names the
parameter, so the request is reshaped once, sent again, and the shape is remembered for the
server and model. A refused request costs no tokens, so it is never counted as spent.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncGenerator, Callable
from typing import Any

import openai
from openai import AsyncOpenAI, AsyncStream
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from interviewer.llm.capabilities import Capabilities, ServerTraits, key_for
from interviewer.llm.chunks import ReportedUsage, StreamChunk
from interviewer.llm.config import NO_KEY, ModelTarget
from interviewer.models import TokenUsage
from interviewer.tokens import count_messages, count_tokens

MASK = "***"
REASONING_BUDGET_FACTOR = 4  # a reasoning model spends most of its completion budget thinking
REASONING_MIN_TOKENS = 1024
ADAPTABLE = ("max_tokens", "temperature", "stream_options")
_NAMED = re.compile(r"\b(" + "|".join(ADAPTABLE) + r")\b")


def make_client(target: ModelTarget) -> AsyncOpenAI:
    return AsyncOpenAI(
        api_key=target.api_key.get_secret_value(),
        base_url=target.base_url,
        timeout=target.profile.timeout_seconds,
        max_retries=target.profile.max_retries,
    )


def _secret(target: ModelTarget | None) -> str:
    secret = target.api_key.get_secret_value() if target is not None else ""
    return secret if len(secret) >= 6 and secret != NO_KEY else ""


def redact(text: str, target: ModelTarget | None) -> str:
    secret = _secret(target)
    return text.replace(secret, MASK) if secret else text


class Redactor:
    """Hides the API key in streamed text, even when a server's echo of it arrives split across chunks."""

    def __init__(self, target: ModelTarget | None) -> None:
        self.secret = _secret(target)
        self._held = ""

    def feed(self, piece: str) -> str:
        """The part of the text so far that is safe to show; a tail that may begin the key is held back."""
        if not self.secret:
            return piece
        text = (self._held + piece).replace(self.secret, MASK)
        hold = 0
        for size in range(min(len(self.secret) - 1, len(text)), 0, -1):
            if self.secret.startswith(text[-size:]):
                hold = size
                break
        self._held = text[len(text) - hold :]
        return text[: len(text) - hold]

    def flush(self) -> str:
        held, self._held = self._held, ""
        return held


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
    return " ".join(redact(text, target).split())[:300]  # masked before it is cut, so no part of a key is left


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
    return exc.message


def refusal_text(exc: openai.APIStatusError) -> str:
    """Everything a refusal says, for finding the parameter it names."""
    body = json.dumps(exc.body) if exc.body is not None else ""
    return f"{exc.message} {body}"


def usage_of_call(
    target: ModelTarget,
    reported: CompletionUsage | ReportedUsage | None,
    messages: list[dict[str, str]],
    reply: str,
) -> TokenUsage:
    """One call's usage, priced: the server's counts, or an estimate marked approximate when it sent none."""
    if reported is not None and reported.prompt_tokens is not None and reported.completion_tokens is not None:
        prompt, completion, approximate = reported.prompt_tokens, reported.completion_tokens, False
    else:
        prompt = count_messages(messages, target.model).tokens
        completion = count_tokens(reply, target.model).tokens
        approximate = True
    price = target.price
    cost = (prompt * price.prompt_per_million + completion * price.completion_per_million) / 1_000_000 if price else 0.0
    return TokenUsage(
        calls=1,
        prompt_tokens=prompt,
        completion_tokens=completion,
        approximate=approximate,
        estimated_cost_usd=cost,
    )


def _timed_out() -> openai.APITimeoutError:
    # The deadline spans the client's retries, so no single HTTP request stands behind this error.
    return openai.APITimeoutError(request=None)  # type: ignore[arg-type]


class ModelCaller:
    """Sends chat requests for one target in the shape its server accepts, learning that shape from refusals."""

    def __init__(self, client: AsyncOpenAI, target: ModelTarget, capabilities: Capabilities) -> None:
        self.client = client
        self.target = target
        self.capabilities = capabilities
        self.key = key_for(target)

    @property
    def traits(self) -> ServerTraits:
        traits = self.capabilities.traits(self.key)
        if self.target.profile.reasoning:
            traits = traits.model_copy(update={"token_field": "max_completion_tokens", "temperature": False})
        return traits

    def shape(
        self, messages: list[dict[str, str]], *, temperature: float, max_tokens: int, stream: bool, **extra: Any
    ) -> dict[str, Any]:
        """The request as this server wants it."""
        traits = self.traits
        params: dict[str, Any] = {"model": self.target.model, "messages": messages, **extra}
        if traits.reasoning:
            params["max_completion_tokens"] = max(max_tokens * REASONING_BUDGET_FACTOR, REASONING_MIN_TOKENS)
        else:
            params["max_tokens"] = max_tokens
        if traits.temperature:
            params["temperature"] = temperature
        if stream:
            params["stream"] = True
            if traits.stream_usage:
                params["stream_options"] = {"include_usage": True}
        return params

    def _adapt(self, exc: openai.APIStatusError, sent: dict[str, Any]) -> bool:
        """Reshape after a refusal that names a parameter we can do without; whether anything changed."""
        if exc.status_code not in (400, 422):
            return False
        named = set(_NAMED.findall(refusal_text(exc)))
        changes: dict[str, object] = {}
        if "max_tokens" in named and "max_tokens" in sent:
            changes["token_field"] = "max_completion_tokens"
        if "temperature" in named and "temperature" in sent:
            changes["temperature"] = False
        if "stream_options" in named and "stream_options" in sent:
            changes["stream_usage"] = False
        if changes:
            self.capabilities.update(self.key, **changes)
        return bool(changes)

    async def _create(self, build: Callable[[], dict[str, Any]]) -> Any:
        """Send, reshaping after each refusal that names a parameter; the whole call is bounded by one timeout."""
        for _ in range(len(ADAPTABLE) + 1):
            params = build()
            try:
                # The client's own retries happen inside this bound, so a hanging server costs one timeout.
                async with asyncio.timeout(self.target.profile.timeout_seconds):
                    if params.get("stream"):
                        # Chunks arrive as plain JSON and are checked by StreamChunk: the SDK's typed chunk
                        # objects cost more per token than the rest of the app's path put together.
                        return await self.client.post(
                            "/chat/completions",
                            body=params,
                            cast_to=object,
                            stream=True,
                            stream_cls=AsyncStream[object],
                        )
                    return await self.client.chat.completions.create(**params)
            except TimeoutError:
                raise _timed_out() from None
            except openai.APIStatusError as exc:
                if not self._adapt(exc, params):
                    raise
        raise AssertionError("unreachable: each adaptation removes a parameter")  # pragma: no cover

    async def complete(
        self, messages: list[dict[str, str]], *, temperature: float, max_tokens: int, **extra: Any
    ) -> ChatCompletion:
        response: ChatCompletion = await self._create(
            lambda: self.shape(messages, temperature=temperature, max_tokens=max_tokens, stream=False, **extra)
        )
        return response

    async def stream(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float,
        max_tokens: int,
        on_usage: Callable[[ReportedUsage], None],
    ) -> AsyncGenerator[str]:
        """Yield content deltas. Closing or cancelling the iteration closes the stream."""
        stream: AsyncStream[object] = await self._create(
            lambda: self.shape(messages, temperature=temperature, max_tokens=max_tokens, stream=True)
        )
        async with stream:  # the stream reports broken connections, stalls and error events as openai errors
            async for data in stream:
                try:
                    chunk = StreamChunk.model_validate(data)
                except ValidationError as exc:
                    raise openai.APIError(
                        f"the server sent a chunk that is not a chat completion chunk ({_first_problem(exc)})",
                        request=stream.response.request,
                        body=None,
                    ) from None
                if chunk.usage is not None and chunk.usage.complete:
                    on_usage(chunk.usage)
                if text := chunk.text():
                    yield text


def _first_problem(exc: ValidationError) -> str:
    """Where a chunk broke the shape, without echoing the server's text back."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "chunk"
    return f"{where}: {error['msg']}"
