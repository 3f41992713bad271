"""The model-backed brain: the engine decides, the model phrases and judges, code checks both.

Every failure degrades to the offline brain for that one turn or score, and says so: a
replaced turn is marked 'fallback' with the reason, a fallback score carries its reason.
After repeated server failures the rest of the interview goes offline at once (a circuit
breaker), and the server is tried again after a pause.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from functools import cache

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion

from interviewer import tokens
from interviewer.brain import PhraseContext, PhraseReset
from interviewer.llm.capabilities import Capabilities
from interviewer.llm.chunks import ReportedUsage
from interviewer.llm.client import ModelCaller, Redactor, describe_error, make_client, redact, usage_of_call
from interviewer.llm.config import ModelTarget
from interviewer.llm.guardrails import WordCounter, check_reply, word_limit
from interviewer.llm.judge import Judge, JudgeFailed
from interviewer.llm.prompts import focus_for, interviewer_messages, may_praise
from interviewer.llm.validity import ValidityGate
from interviewer.models import AnswerScore, Backend, Persona, Question, TokenUsage
from interviewer.offline.brain import OfflineBrain
from interviewer.offline.phrasing import render
from interviewer.offline.scorer import score_answer
from interviewer.plans import Plan
from interviewer.threads import AnswerThread

STREAM_ATTEMPTS = 2  # the client retries failed requests; only a stream that breaks midway is retried here
BREAKER_FAILURES = 2  # failed calls in a row that send the rest of the interview offline
BREAKER_PAUSE_TIMEOUTS = 5  # how long it stays offline before trying the server again, in timeouts
BREAKER_MIN_PAUSE_SECONDS = 30.0


class CircuitBreaker:
    """Stops calling a server that keeps failing, so a dead server costs a few timeouts, not one per turn."""

    def __init__(self, pause_seconds: float) -> None:
        self.pause_seconds = pause_seconds
        self.failures = 0
        self.opened_at: float | None = None
        self.last_error = ""

    def allow(self) -> bool:
        """Closed, or open long enough that one call may test the server again."""
        return self.opened_at is None or time.monotonic() - self.opened_at >= self.pause_seconds

    def succeeded(self) -> None:
        self.failures = 0
        self.opened_at = None

    def failed(self, reason: str) -> None:
        self.failures += 1
        self.last_error = reason
        if self.failures >= BREAKER_FAILURES:
            self.opened_at = time.monotonic()

    @property
    def reason(self) -> str:
        return (
            f"the model server failed {self.failures} times in a row ({self.last_error}); continuing offline, "
            f"trying the server again after {self.pause_seconds:g}s"
        )


def _with_known_errors(judged: AnswerScore, question: Question, by_rule: Callable[[], AnswerScore]) -> AnswerScore:
    """The judge's levels, with the known errors the thread states found as the offline scorer finds them.

    A stated error is a fact about the words, not a judgement, so it is the same whoever grades: the report
    names it and the interviewer challenges it. The level stays the judge's, who was told the known errors.
    """
    if not any(c.misconceptions for c in question.criteria):
        return judged
    found = {c.criterion_id: c.errors for c in by_rule().criteria if c.errors}
    if not found:
        return judged
    criteria = [c.model_copy(update={"errors": found.get(c.criterion_id, [])}) for c in judged.criteria]
    flags = judged.flags if "misconception" in judged.flags else [*judged.flags, "misconception"]
    return judged.model_copy(update={"criteria": criteria, "flags": flags})


class LLMBrain:
    def __init__(
        self, target: ModelTarget, client: AsyncOpenAI | None = None, capabilities: Capabilities | None = None
    ) -> None:
        self.target = target
        self.caller = ModelCaller(client or make_client(target), target, capabilities or Capabilities())
        self.judge = Judge(self.caller)
        self.backend = Backend(name=target.name, model=target.model, base_url=target.base_url)
        pause = max(BREAKER_MIN_PAUSE_SECONDS, BREAKER_PAUSE_TIMEOUTS * target.profile.timeout_seconds)
        self.breaker = CircuitBreaker(pause)
        self.gate = ValidityGate()
        self._offline = OfflineBrain()
        self._usage = TokenUsage()
        self._scores: dict[str, AnswerScore] = {}  # the latest score per question, for what a follow-up probes

    def take_usage(self) -> TokenUsage:
        usage, self._usage = self._usage, TokenUsage()
        return usage

    def _spend(self, messages: list[dict[str, str]], response: ChatCompletion) -> None:
        """A call the server answered; a refused one costs nothing and is not counted."""
        reply = response.choices[0].message.content or "" if response.choices else ""
        self._usage += usage_of_call(self.target, response.usage, messages, reply)

    async def score(self, question: Question, thread: AnswerThread) -> AnswerScore:
        if not self.breaker.allow():
            return self._remember(question, await self._fallback(question, thread, self.breaker.reason))
        await tokens.warm()
        try:
            judged = await self.judge.judge(question, thread, self._spend)
        except JudgeFailed as exc:
            self.breaker.succeeded()  # the server answered; the replies were the problem
            return self._remember(question, await self._fallback(question, thread, redact(str(exc), self.target)))
        except openai.APIError as exc:
            reason = describe_error(exc, self.target)
            self.breaker.failed(reason)
            return self._remember(question, await self._fallback(question, thread, reason))
        self.breaker.succeeded()
        # The rule-based score is needed when this judgement must be compared with an earlier one, and for the
        # known errors the thread states; it is computed once, and only if asked for.
        by_rule = cache(lambda: score_answer(question, thread.text()))
        problem = self.gate.check(judged, lambda: by_rule().overall)
        if problem is not None:
            flagged = await self._fallback(question, thread, f"judge reply rejected: {problem}")
            return self._remember(question, flagged.model_copy(update={"flags": [*flagged.flags, "judge_invalid"]}))
        return self._remember(question, self._redacted(_with_known_errors(judged, question, by_rule)))

    async def _fallback(self, question: Question, thread: AnswerThread, reason: str) -> AnswerScore:
        score = await self._offline.score(question, thread)
        criteria = [c.model_copy(update={"source": "fallback"}) for c in score.criteria]
        return score.model_copy(update={"criteria": criteria, "source": "fallback", "fallback_reason": reason})

    def _remember(self, question: Question, score: AnswerScore) -> AnswerScore:
        self._scores[question.id] = score
        return score

    def _redacted(self, score: AnswerScore) -> AnswerScore:
        """A server that echoes the key into a rationale must not get it saved or shown."""
        criteria = [c.model_copy(update={"rationale": redact(c.rationale, self.target)}) for c in score.criteria]
        return score.model_copy(update={"criteria": criteria})

    async def phrase(
        self, plan: Plan, persona: Persona, seed: int, context: PhraseContext
    ) -> AsyncIterator[str | PhraseReset]:
        offline = render(plan, persona, seed)
        if plan.kind == "repeat":  # word for word by definition; no model needed
            yield offline
            return
        if not self.breaker.allow():
            yield PhraseReset(offline, self.breaker.reason)
            return
        await tokens.warm()
        question = context.question
        score = self._scores.get(question.id) if question is not None else None
        messages = interviewer_messages(
            plan,
            persona,
            context,
            self.target.profile.prompt_budget_tokens,
            self.target.model,
            focus_for(plan, question, score),
        )
        # A scripted question stays word for word: the model writes only the lead-in to it.
        verbatim = plan.prompt if plan.kind == "question" else None
        reason = ""
        for attempt in range(STREAM_ATTEMPTS):
            pieces: list[str] = []
            reported: list[ReportedUsage] = []
            redactor = Redactor(self.target)
            # A reply past the length limit will be replaced whatever follows, so reading stops there.
            counter, limit, too_long = WordCounter(), word_limit(lead_in=verbatim is not None), False
            try:
                stream = self.caller.stream(
                    messages,
                    temperature=persona.llm.temperature,
                    max_tokens=self.target.profile.reply_max_tokens,
                    on_usage=reported.append,
                )
                async with aclosing(stream):
                    async for piece in stream:
                        pieces.append(piece)
                        if counter.feed(piece) > limit:
                            too_long = True
                            break
                        shown = redactor.feed(piece)
                        if shown:
                            yield shown
                if not too_long and (tail := redactor.flush()):
                    yield tail
            except (asyncio.CancelledError, GeneratorExit):
                if pieces:  # cancelled mid-reply (F10, Ctrl-C): the tokens were spent all the same
                    self._usage += usage_of_call(self.target, None, messages, "".join(pieces))
                raise
            except openai.APIError as exc:
                reason = describe_error(exc, self.target)
                if pieces:  # the server took the request and spent tokens on it
                    self._usage += usage_of_call(self.target, None, messages, "".join(pieces))
                    if attempt + 1 < STREAM_ATTEMPTS:
                        yield PhraseReset("", f"stream broke: {reason}")
                        continue
                self.breaker.failed(reason)
                break
            text = redact("".join(pieces), self.target)
            self._usage += usage_of_call(self.target, reported[-1] if reported else None, messages, text)
            self.breaker.succeeded()
            problem = check_reply(text, plan, lead_in=verbatim is not None, praise=may_praise(plan, persona))
            if too_long and problem is None:  # redaction can shorten a reply; it was still cut off
                problem = f"too long (over {limit} words)"
            if problem is not None:
                yield PhraseReset(offline, f"model reply replaced: {problem}")
            elif verbatim is not None:
                yield f"\n\n{verbatim}"
            return
        yield PhraseReset(offline, f"model unavailable: {reason}")
