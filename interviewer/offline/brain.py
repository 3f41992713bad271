"""The offline brain: rubric scoring by rules and phrasing from persona lines. No network."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from interviewer.brain import PhraseContext, PhraseReset
from interviewer.models import AnswerScore, Backend, CriterionScore, Persona, Question, TokenUsage
from interviewer.offline.phrasing import render
from interviewer.offline.scorer import score_answer
from interviewer.plans import Plan
from interviewer.threads import AnswerThread, Exchange

# Words of its own a reply needs, beyond the follow-up's, before it can count as saying something new.
MIN_NEW_WORDS = 5
VOID_REPLY_FLAGS = {"no_answer", "grader_instruction"}  # a reply flagged so lifts nothing
_WORD = re.compile(r"[a-z0-9']+")


class OfflineBrain:
    def __init__(self) -> None:
        self.backend = Backend(name="offline")

    async def score(self, question: Question, thread: AnswerThread) -> AnswerScore:
        return score_thread(question, thread)

    async def phrase(
        self, plan: Plan, persona: Persona, seed: int, context: PhraseContext
    ) -> AsyncIterator[str | PhraseReset]:
        yield render(plan, persona, seed)

    def take_usage(self) -> TokenUsage:
        return TokenUsage()


def score_thread(question: Question, thread: AnswerThread) -> AnswerScore:
    """Score every reply together, then let each reply to a probe lift the criterion that probe aimed at."""
    score = score_answer(question, thread.text())
    criteria = list(score.criteria)
    for exchange in thread.exchanges:
        if exchange.probed_criterion is None or not exchange.reply.strip():
            continue
        for index, current in enumerate(criteria):
            if current.criterion_id != exchange.probed_criterion:
                continue
            lifted = _in_light_of_probe(question, exchange, current.criterion_id)
            if lifted is not None and lifted.level > current.level:
                criteria[index] = _keeping_errors(lifted, current)
    return score.model_copy(update={"criteria": criteria})


def _keeping_errors(lifted: CriterionScore, earlier: CriterionScore) -> CriterionScore:
    """A lifted criterion still says which wrong claims the thread made before the reply put them right."""
    if not earlier.errors:
        return lifted
    said = "; ".join(earlier.errors)
    return lifted.model_copy(
        update={"errors": earlier.errors, "rationale": f"{lifted.rationale} Stated earlier in the thread: {said}."}
    )


def _joined(prompt: str, reply: str) -> str:
    # The follow-up and the reply's first sentence read as one sentence, so "Why DAU? Because..." is a reason
    # about DAU; the prompt's own words are never the evidence (see below).
    return prompt.strip().rstrip("?.!").rstrip() + ": " + reply.strip()


def _in_light_of_probe(question: Question, exchange: Exchange, criterion_id: str) -> CriterionScore | None:
    """The probed criterion scored from the reply read together with the follow-up it answers.

    The follow-up alone is the baseline: a reply earns a lift only for what it adds. A non-answer, or a
    reply that mostly repeats the follow-up's words ("yes", "DAU rather than WAU"), adds nothing.
    """
    if not _adds_words(exchange) or VOID_REPLY_FLAGS & set(score_answer(question, exchange.reply).flags):
        return None
    prompt = _joined(exchange.prompt, "")
    prompt_only = _criterion(score_answer(question, prompt, claims_from=len(prompt)), criterion_id)
    in_context = _criterion(
        score_answer(question, _joined(exchange.prompt, exchange.reply), claims_from=len(prompt)), criterion_id
    )
    if prompt_only is None or in_context is None or in_context.level <= prompt_only.level:
        return None
    evidence = [quote for quote in (_reply_part(q, exchange) for q in in_context.evidence) if quote]
    if not evidence:
        return None
    rationale = f'Raised by the reply to the follow-up "{exchange.prompt.strip()}". {in_context.rationale}'
    return in_context.model_copy(update={"rationale": rationale, "evidence": evidence})


def _adds_words(exchange: Exchange) -> bool:
    asked = set(_WORD.findall(exchange.prompt.lower()))
    return sum(1 for word in _WORD.findall(exchange.reply.lower()) if word not in asked) >= MIN_NEW_WORDS


def _reply_part(quote: str, exchange: Exchange) -> str | None:
    """The candidate's own words in a quote: the follow-up's words are cut off, and a quote must be verbatim.

    A follow-up of several sentences joins the reply in its last one, so the quote is placed in the joined
    text and whatever lies before the reply is cut, not just a whole-prompt prefix.
    """
    prefix = _joined(exchange.prompt, "")
    at = (prefix + exchange.reply.strip()).find(quote)
    if at < 0:
        return quote if quote in exchange.reply else None
    text = quote[max(0, len(prefix) - at) :].strip()
    return text if text and text in exchange.reply else None


def _criterion(score: AnswerScore, criterion_id: str) -> CriterionScore | None:
    return next((c for c in score.criteria if c.criterion_id == criterion_id), None)
