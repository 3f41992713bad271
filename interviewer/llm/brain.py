"""The model-backed brain: the engine decides, the model phrases and judges, code checks both.

Every failure degrades to the offline brain for that one turn or score, and says so: a
replaced turn is marked 'fallback' with the reason, a fallback score carries its reason.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import openai
from openai import AsyncOpenAI

from interviewer.brain import PhraseContext, PhraseReset, UsageDelta
from interviewer.llm.capabilities import Capabilities
from interviewer.llm.client import CallUsage, describe_error, make_client, stream_text
from interviewer.llm.config import ModelTarget
from interviewer.llm.guardrails import check_reply
from interviewer.llm.judge import Judge, JudgeFailed
from interviewer.llm.prompts import interviewer_messages
from interviewer.models import AnswerScore, Backend, Persona, Question
from interviewer.offline.phrasing import render
from interviewer.offline.scorer import score_answer
from interviewer.plans import Plan
from interviewer.threads import AnswerThread
from interviewer.tokens import count_messages, count_tokens

STREAM_ATTEMPTS = 2  # the client retries failed requests; a stream that breaks midway is retried here


class LLMBrain:
    def __init__(
        self, target: ModelTarget, client: AsyncOpenAI | None = None, capabilities: Capabilities | None = None
    ) -> None:
        self.target = target
        self.client = client or make_client(target)
        self.judge = Judge(self.client, target, capabilities or Capabilities())
        self.backend = Backend(name=target.name, model=target.model, base_url=target.base_url)
        self._usage = UsageDelta()

    def take_usage(self) -> UsageDelta:
        usage, self._usage = self._usage, UsageDelta()
        return usage

    def _add_usage(self, call: CallUsage, messages: list[dict[str, str]], reply: str) -> None:
        """Use the server's counts; estimate with the tokenizer when it reports none."""
        self._usage.calls += 1
        if call.reported:
            self._usage.prompt_tokens += call.prompt_tokens
            self._usage.completion_tokens += call.completion_tokens
            return
        prompt = count_messages(messages, self.target.model)
        completion = count_tokens(reply, self.target.model)
        self._usage.prompt_tokens += prompt.tokens
        self._usage.completion_tokens += completion.tokens
        self._usage.approximate = True

    async def score(self, question: Question, thread: AnswerThread) -> AnswerScore:
        answer = thread.text()
        call = CallUsage()
        try:
            judgement = await self.judge.judge(question, answer, call)
        except (JudgeFailed, openai.APIError) as exc:
            reason = str(exc) if isinstance(exc, JudgeFailed) else describe_error(exc, self.target)
            self._count_judge_call(call)
            return _fallback_score(question, answer, reason)
        self._count_judge_call(call)
        return judgement.score

    def _count_judge_call(self, call: CallUsage) -> None:
        self._usage.calls += 1
        self._usage.prompt_tokens += call.prompt_tokens
        self._usage.completion_tokens += call.completion_tokens
        self._usage.approximate = self._usage.approximate or not call.reported

    async def phrase(
        self, plan: Plan, persona: Persona, seed: int, context: PhraseContext
    ) -> AsyncIterator[str | PhraseReset]:
        offline = render(plan, persona, seed)
        if plan.kind == "repeat":  # word for word by definition; no model needed
            yield offline
            return
        messages = interviewer_messages(
            plan, persona, context, self.target.profile.prompt_budget_tokens, self.target.model
        )
        reason = ""
        for attempt in range(STREAM_ATTEMPTS):
            pieces: list[str] = []
            call = CallUsage()
            try:
                async for piece in stream_text(self.client, self.target, messages, persona.llm.temperature, call):
                    pieces.append(piece)
                    yield piece
            except openai.APIError as exc:
                self._add_usage(call, messages, "".join(pieces))
                reason = describe_error(exc, self.target)
                if pieces:
                    yield PhraseReset("", f"stream broke: {reason}")
                retryable = isinstance(exc, openai.APIConnectionError) or getattr(exc, "status_code", 0) >= 500
                if retryable and attempt + 1 < STREAM_ATTEMPTS:
                    continue
                break
            text = "".join(pieces)
            self._add_usage(call, messages, text)
            problem = check_reply(text, plan)
            if problem is None:
                return
            yield PhraseReset(offline, f"model reply replaced: {problem}")
            return
        yield PhraseReset(offline, f"model unavailable: {reason}")


def _fallback_score(question: Question, answer: str, reason: str) -> AnswerScore:
    score = score_answer(question, answer)
    for criterion in score.criteria:
        criterion.source = "fallback"
    return score.model_copy(update={"source": "fallback", "fallback_reason": reason})
