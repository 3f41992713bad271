"""Words reduced to a common stem, so "deduplicating", "deduplication" and "dedupe" match one idea.

A small suffix stripper, applied in the same way to rubric phrases and to answers: it does not need to
produce real words, only the same stem for the inflected and derived forms people actually write.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

# Words (letters, digits, underscores, an inner apostrophe) and numbers (1,000 or 0.975 stay whole).
# Other symbols that change meaning, such as the brackets of O(n) or the > of "i > farthest", are
# tokens of their own; spaces, hyphens, slashes, dots, quotes and Markdown marks only separate.
# A prefix that is not a word of its own is one word with what follows, hyphen or not: "pre-trained" is
# "pretrained", "multi-task" is "multitask", "de-duplication" is "deduplication".
_BOUND_PREFIX = r"(?<![A-Za-z0-9_-])(?i:pre|re|multi|sub|non|co|de|semi)-[A-Za-z]+"
_TOKEN = re.compile(_BOUND_PREFIX + r"|\d+(?:[.,]\d+)*|[A-Za-z0-9_]+(?:['’][A-Za-z]+)?|[()\[\]{}<>=+^%$#@!?,;:&|~]")
_BRITISH = re.compile(r"is(e|es|ed|ing|ation|ations)$")
_NO_PLURAL_S = ("ss", "us", "is")
# Words whose derived-looking ending is not a derivation of a shorter rubric word (probability is not a probe).
_KEEP_WHOLE = frozenset({"business", "priority", "authority", "probability"})
_VOWEL_SION = re.compile(r"[aeiou]sion$")
_NOT_PLURALS = frozenset({"bias", "alias", "atlas", "canvas", "lens", "news", "series", "species", "always"})
# Common shorthand written for the same idea; keyed by stem, so every inflection is covered.
_SHORTHAND = {
    "dedup": "deduplic",
    "dupe": "duplic",
    "dup": "duplic",
    "config": "configur",
    "vs": "versus",
    "val": "valid",
    "eval": "evalu",
    "hyperparam": "hyperparameter",
    "param": "parameter",
    "approx": "approxim",
    "info": "inform",
    "mem": "memory",
    "env": "environ",
    "k8s": "kubernet",
    "repo": "repository",
}


def _strip(word: str, suffix: str, keep: int = 3) -> str | None:
    if word.endswith(suffix) and len(word) - len(suffix) >= keep:
        return word[: -len(suffix)]
    return None


# Bounded: answers are hostile text and can hold any number of distinct words.
@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    if not w.isalpha() or len(w) <= 3:
        return _SHORTHAND.get(w, w)
    w = _BRITISH.sub(lambda m: "iz" + m.group(1), w) if len(w) > 5 else w
    # Plurals and third person.
    if w in _NOT_PLURALS:
        pass
    elif w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(_NO_PLURAL_S):
        w = w[:-1]
    # Tense and gerund; a doubled final consonant left behind is undone (logging -> log).
    for suffix in ("ing", "ied", "ed"):
        base = _strip(w, suffix)
        if base is not None and any(v in base for v in "aeiouy"):
            w = base + "y" if suffix == "ied" else base
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            elif w.endswith("at") and len(w) >= 5:
                w = w[:-2]  # deduplicated -> deduplic, like deduplicate
            break
    # Derivations that name the same idea: deduplication, deduplicate; deployment, deploy; a moderator
    # does moderation; freshness is fresh, scalability scalable, toxicity toxic, an optimizer optimizes.
    for suffix in ("ations", "ation", "ator", "ates", "ate", "ment", "ness", "ability", "able", "ity", "izer", "ly"):
        base = _strip(w, suffix)
        if base is not None and w not in _KEEP_WHOLE:
            w = base + ("iz" if suffix == "izer" else "")
            break
    # A decision is what was decided, a collision what collides: a vowel before -sion marks a verb in -de.
    if _VOWEL_SION.search(w) and len(w) >= 7:
        w = w[:-4] + "d"
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return _SHORTHAND.get(w, w)


# (stem, start, end): plain tuples, because a long answer has hundreds of thousands of tokens.
Token = tuple[str, int, int]


_NORMAL: dict[str, str] = {}


def _normal(raw: str) -> str:
    value = raw.replace(",", "") if raw[0].isdigit() else stem(raw.replace("-", ""))
    if len(_NORMAL) < 100_000:  # bounded: hostile text can hold any number of distinct words
        _NORMAL[raw] = value
    return value


def tokens(text: str) -> list[Token]:
    """The stemmed tokens of `text` with their offsets; linear in the length of the text."""
    known = _NORMAL
    return [(known.get(w) or _normal(w), m.start(), m.end()) for m in _TOKEN.finditer(text) for w in (m.group(0),)]


@cache
def phrase_stems(phrase: str) -> tuple[str, ...]:
    return tuple(t[0] for t in tokens(phrase))
