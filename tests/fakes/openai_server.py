"""A scriptable OpenAI-compatible HTTP server on loopback: real HTTP, real SSE, real faults.

Tests enqueue what the next requests should get (replies, streams, errors, hangs, dropped
connections) and read back the requests the server received.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass
class Reply:
    """A chat completion; streamed as SSE chunks if the request asked for a stream."""

    content: str
    prompt_tokens: int = 11
    completion_tokens: int = 7
    chunk_size: int = 4  # characters per streamed chunk
    finish_reason: str = "stop"  # "length" when the reply hit the token cap


@dataclass
class Stream:
    """Explicit streamed pieces; `drop_after` closes the connection after that many chunks."""

    chunks: list[str]
    drop_after: int | None = None
    delay: float = 0.0


@dataclass
class RawChunks:
    """SSE data payloads sent exactly as given, then `[DONE]`: for servers whose chunks bend the format."""

    payloads: list[dict[str, Any] | str]


@dataclass
class Status:
    code: int
    body: dict[str, Any] = field(default_factory=lambda: {"error": {"message": "error", "type": "server_error"}})
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Hang:
    seconds: float


@dataclass
class Drop:
    """Close the connection without any response."""


Item = Reply | Stream | RawChunks | Status | Hang | Drop
Handler = Callable[[dict[str, Any]], Item]


@dataclass(frozen=True)
class ServerProfile:
    """How a real server family differs from a plain OpenAI-compatible one, as far as the app can tell."""

    name: str = "plain"
    reasoning: bool = False  # OpenAI o-series / gpt-5: refuses max_tokens and any non-default temperature
    refuse_json_object: bool = False  # LM Studio: response_format must be json_schema or text
    refuse_schema_key: bool = False  # OpenAI: json_object takes no `schema` key
    json_schema: Literal["ok", "refuse", "ignore"] = "ok"  # llama.cpp: one build refuses it, one ignores it
    stream_usage: bool = True  # False: no usage chunk even when asked for one
    refuse_stream_options: bool = False  # some hosts: 422 naming stream_options
    echo_authorization: bool = False  # a debugging proxy that repeats the Authorization header in replies


PROFILES = {
    profile.name: profile
    for profile in (
        ServerProfile(),
        ServerProfile("openai-reasoning", reasoning=True, refuse_schema_key=True),
        ServerProfile("lm-studio", refuse_json_object=True, stream_usage=False),
        ServerProfile("ollama"),
        ServerProfile("vllm"),
        ServerProfile("llama.cpp", json_schema="refuse"),
        ServerProfile("llama.cpp-ignores-schema", json_schema="ignore"),
        ServerProfile("no-stream-options", refuse_stream_options=True),
        ServerProfile("echoes-authorization", echo_authorization=True),
    )
}


def _refusal(message: str, param: str | None = None) -> Status:
    error: dict[str, Any] = {"message": message, "type": "invalid_request_error"}
    if param is not None:
        error.update(param=param, code="unsupported_parameter")
    return Status(400, body={"error": error})


def profile_refusal(profile: ServerProfile, request: dict[str, Any]) -> Status | None:
    """The error a server of this profile gives the request, or None when it accepts it."""
    response_format = request.get("response_format") or {}
    kind = response_format.get("type")
    if profile.reasoning and "max_tokens" in request:
        return _refusal(
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' "
            "instead.",
            "max_tokens",
        )
    if profile.reasoning and request.get("temperature", 1) != 1:
        return _refusal(
            f"Unsupported value: 'temperature' does not support {request['temperature']} with this model. Only "
            "the default (1) value is supported.",
            "temperature",
        )
    if profile.refuse_stream_options and "stream_options" in request:
        detail = [
            {"type": "extra_forbidden", "loc": ["body", "stream_options"], "msg": "Extra inputs are not permitted"}
        ]
        return Status(422, body={"detail": detail})
    if profile.refuse_json_object and kind == "json_object":
        return Status(400, body={"error": "'response_format.type' must be 'json_schema' or 'text'"})
    if profile.refuse_schema_key and kind == "json_object" and "schema" in response_format:
        return _refusal("Unrecognized request argument supplied: response_format.schema")
    if profile.json_schema == "refuse" and kind == "json_schema":
        body = {"error": {"code": 500, "message": "Invalid response_format: json_schema is not supported"}}
        return Status(500, body=body)
    return None


def profile_reply(profile: ServerProfile, request: dict[str, Any], item: Item) -> Item:
    """What a server of this profile makes of the scripted reply."""
    if not isinstance(item, Reply):
        return item
    kind = (request.get("response_format") or {}).get("type")
    if profile.json_schema == "ignore" and kind == "json_schema":
        return Reply('{"score": 4, "feedback": "Solid answer."}')
    if profile.echo_authorization:
        echo = f"[{request['_authorization']}]"
        try:
            data = json.loads(item.content)
        except ValueError:
            return Reply(f"{item.content} {echo}", item.prompt_tokens, item.completion_tokens)
        for judged in (data.get("criteria") or {}).values():
            judged["rationale"] = f"{judged['rationale']} {echo}"
        return Reply(json.dumps(data), item.prompt_tokens, item.completion_tokens)
    return item


REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class FakeOpenAIServer:
    def __init__(
        self, models: tuple[str, ...] = ("fake-model",), latency: float = 0.0, profile: ServerProfile | None = None
    ) -> None:
        self.models = models
        self.latency = latency
        self.profile = profile or ServerProfile()
        self.queue: deque[Item] = deque()
        self.handler: Handler | None = None
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    # --- lifecycle -----------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeOpenAIServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(port), self._loop)
        future.result(timeout=10)
        return self

    async def _start(self, port: int) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def enqueue(self, *items: Item) -> None:
        with self._lock:
            self.queue.extend(items)

    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r.get("_path", "").endswith("/chat/completions")]

    # --- HTTP ----------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    return
                method, path, _ = request_line.decode().split(" ", 2)
                headers: dict[str, str] = {}
                while True:
                    line = (await reader.readline()).decode()
                    if line in ("\r\n", "\n", ""):
                        break
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                keep_open = await self._route(method, path, headers, body, writer)
                if not keep_open:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return
        finally:
            writer.close()

    async def _route(self, method: str, path: str, headers: dict[str, str], body: bytes, writer) -> bool:
        if method == "GET" and path.endswith("/models"):
            data = {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "test"} for m in self.models]}
            await self._json(writer, 200, data)
            return True
        if not path.endswith("/chat/completions"):
            await self._json(writer, 404, {"error": {"message": "not found"}})
            return True
        request = json.loads(body or b"{}")
        request["_path"] = path
        request["_authorization"] = headers.get("authorization", "")
        self.requests.append(request)
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            refusal = profile_refusal(self.profile, request)
            item = refusal if refusal is not None else profile_reply(self.profile, request, self._next(request))
            return await self._respond(item, request, writer)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _next(self, request: dict[str, Any]) -> Item:
        with self._lock:
            if self.queue:
                return self.queue.popleft()
        if self.handler is not None:
            return self.handler(request)
        return Reply("Fine. Next question?")

    async def _respond(self, item: Item, request: dict[str, Any], writer) -> bool:
        if isinstance(item, Status):
            await self._json(writer, item.code, item.body, item.headers)
            return True
        if isinstance(item, Hang):
            await asyncio.sleep(item.seconds)
            return False
        if isinstance(item, Drop):
            return False
        if isinstance(item, RawChunks):
            return await self._raw_stream(writer, item)
        if isinstance(item, Reply):
            if request.get("stream"):
                pieces = [item.content[i : i + item.chunk_size] for i in range(0, len(item.content), item.chunk_size)]
                return await self._stream(
                    writer, request, Stream(pieces), usage=(item.prompt_tokens, item.completion_tokens)
                )
            await self._json(writer, 200, self._completion(request, item))
            return True
        return await self._stream(writer, request, item, usage=(11, len(item.chunks)))

    def _completion(self, request: dict[str, Any], item: Reply) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "fake-model"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": item.content},
                    "finish_reason": item.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": item.prompt_tokens,
                "completion_tokens": item.completion_tokens,
                "total_tokens": item.prompt_tokens + item.completion_tokens,
            },
        }

    async def _stream(self, writer, request: dict[str, Any], stream: Stream, usage: tuple[int, int]) -> bool:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )

        def event(payload: dict[str, Any] | str) -> None:
            text = payload if isinstance(payload, str) else json.dumps(payload)
            data = f"data: {text}\n\n".encode()
            writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

        base = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": request.get("model", "fake-model"),
        }
        event({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})
        for i, piece in enumerate(stream.chunks):
            if stream.drop_after is not None and i >= stream.drop_after:
                await writer.drain()
                writer.transport.abort()
                return False
            event({**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
            await writer.drain()
            if stream.delay:
                await asyncio.sleep(stream.delay)
        event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if (request.get("stream_options") or {}).get("include_usage") and self.profile.stream_usage:
            event(
                {
                    **base,
                    "choices": [],
                    "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
                }
            )
        event("[DONE]")
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    async def _raw_stream(self, writer, item: RawChunks) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        for payload in [*item.payloads, "[DONE]"]:
            text = payload if isinstance(payload, str) else json.dumps(payload)
            data = f"data: {text}\n\n".encode()
            writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    async def _json(self, writer, code: int, data: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        body = json.dumps(data).encode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        writer.write(
            f"HTTP/1.1 {code} {REASONS.get(code, 'Status')}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n".encode()
            + body
        )
        await writer.drain()


if __name__ == "__main__":
    # Stands in for a model server process in tests: `python -m tests.fakes.openai_server PORT`.
    import sys

    FakeOpenAIServer().start(int(sys.argv[1]))
    threading.Event().wait()
