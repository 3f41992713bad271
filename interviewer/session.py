"""Runs an interview: saves each turn, asks the brain, and applies the engine's decisions.

Every candidate turn is written to disk before it is scored or answered, so a crash or a
failing backend never loses a submitted answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

from interviewer import engine
from interviewer.brain import Brain, HistoryTurn, PhraseContext, PhraseReset, UsageDelta
from interviewer.content import Library, UnknownIdError
from interviewer.llm.config import Price
from interviewer.models import AnswerScore, Probe, Report, Transcript, Turn
from interviewer.models.transcript import Role, TurnKind
from interviewer.offline.phrasing import render_cut_in
from interviewer.plans import Plan
from interviewer.report import build_report
from interviewer.scoring import score_with_run
from interviewer.store import TranscriptStore, new_transcript_id
from interviewer.tokens import count_tokens


@dataclass(frozen=True)
class TurnAdded:
    turn: Turn


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Scored:
    score: AnswerScore


@dataclass(frozen=True)
class Notice:
    text: str


@dataclass(frozen=True)
class Finished:
    report: Report


# A PhraseReset from the brain is passed on as is: streamed words were withdrawn, show its text.
Reset = PhraseReset
Event = TurnAdded | Token | PhraseReset | Scored | Notice | Finished

HISTORY_TURNS = 6
SUMMARY_WORDS = 25


class SessionError(Exception):
    """Something the candidate asked for cannot be done; one line for the user."""


class InterviewSession:
    def __init__(
        self,
        transcript: Transcript,
        library: Library,
        brain: Brain,
        store: TranscriptStore,
        price: Price | None = None,
    ) -> None:
        self.transcript = transcript
        self.price = price
        self.library = library
        self.brain = brain
        self.store = store
        missing = [qid for qid in transcript.question_ids if qid not in library.questions]
        if missing:
            raise SessionError(f"transcript {transcript.id} needs questions that are not loaded: {', '.join(missing)}")
        self.questions = {qid: library.questions[qid] for qid in transcript.question_ids}
        library.persona(transcript.persona)  # fail early on an unknown persona
        store.claim(transcript)  # one writer per interview: a second one is refused here, before any answer

    @classmethod
    def create(
        cls,
        library: Library,
        round_id: str,
        persona_id: str | None,
        brain: Brain,
        store: TranscriptStore,
        price: Price | None = None,
        transcript_id: str | None = None,
    ) -> InterviewSession:
        round_ = library.round(round_id)
        persona = library.persona(persona_id or round_.default_persona)
        transcript = Transcript(
            id=transcript_id or new_transcript_id(round_.id),
            round_id=round_.id,
            question_ids=list(round_.questions),
            persona=persona.id,
            backend=brain.backend,
        )
        session = cls(transcript, library, brain, store, price)
        store.save(transcript)
        return session

    @property
    def state(self) -> engine.InterviewState:
        return engine.derive_state(self.transcript)

    @property
    def finished(self) -> bool:
        return self.transcript.status == "completed"

    def _append(
        self,
        role: Role,
        kind: TurnKind,
        text: str,
        *,
        question_id: str | None = None,
        probe: Probe | None = None,
        tokens: int | None = None,
        phrasing: Literal["offline", "llm", "fallback"] | None = None,
        note: str | None = None,
    ) -> Turn:
        """Add a turn and write the transcript before returning: the turn is safe once this returns."""
        turn = Turn(
            index=len(self.transcript.turns),
            role=role,
            kind=kind,
            text=text,
            persona=self.transcript.persona,
            question_id=question_id,
            probe=probe,
            tokens=tokens,
            phrasing=phrasing,
            note=note,
        )
        self.transcript.turns.append(turn)
        self.store.save(self.transcript)
        return turn

    def _current_question_id(self) -> str | None:
        qs = self.state.current_question
        return qs.question_id if qs else None

    async def open(self) -> AsyncIterator[Event]:
        """Start a new interview, or finish whatever a resumed one left pending."""
        state = self.state
        if self.finished:
            return
        if state.awaiting == "start":
            async for event in self._say(engine.first_question(state, self.questions)):
                yield event
        elif state.awaiting == "response":
            async for event in self._respond():
                yield event

    async def submit(self, text: str) -> AsyncIterator[Event]:
        if self.finished:
            raise SessionError("this interview is finished")
        command = engine.parse_command(text)
        if command is not None and command.name == "persona":
            yield self._switch_persona(command.argument)
            return
        if command is None:
            if not text.strip():
                raise SessionError("the answer is empty; type an answer or /skip")
            count = count_tokens(text)
            usage = self.transcript.usage
            usage.candidate_tokens += count.tokens
            usage.approximate = usage.approximate or count.approximate
            turn = self._append(
                "candidate", "answer", text, question_id=self._current_question_id(), tokens=count.tokens
            )
        else:
            turn = self._append("candidate", "command", f"/{command.name}", question_id=self._current_question_id())
        yield TurnAdded(turn)
        async for event in self._respond():
            yield event

    def cut_in(self, reason: Literal["time", "length"]) -> TurnAdded:
        """The interviewer interrupts the draft; the question stays open for the answer."""
        persona = self.library.persona(self.transcript.persona)
        text = render_cut_in(reason, persona, len(self.transcript.turns))
        return TurnAdded(
            self._append("interviewer", "cut_in", text, question_id=self._current_question_id(), phrasing="offline")
        )

    def _switch_persona(self, persona_id: str) -> Event:
        if not persona_id:
            raise SessionError(f"usage: /persona NAME (one of: {', '.join(sorted(self.library.personas))})")
        try:
            persona = self.library.persona(persona_id)
        except UnknownIdError as exc:
            raise SessionError(str(exc)) from None
        if persona.id == self.transcript.persona:
            return Notice(f"The interviewer is already {persona.name}.")
        self.transcript.persona = persona.id
        turn = self._append(
            "system",
            "persona_switch",
            f"Persona switched to {persona.id} ({persona.name}).",
            question_id=self._current_question_id(),
        )
        return TurnAdded(turn)

    async def _respond(self) -> AsyncIterator[Event]:
        """Reply to the last candidate turn, which is already on disk."""
        last = self.transcript.turns[-1]
        state = self.state
        persona = self.library.persona(self.transcript.persona)
        plan: Plan
        if last.kind == "answer":
            qs = state.current_question
            if qs is None:
                raise SessionError("no question is open")
            question = self.questions[qs.question_id]
            score = await score_with_run(self.brain, question, qs.thread())
            last.score = score
            self._record_usage()
            self.store.save(self.transcript)
            yield Scored(score)
            plan = engine.after_answer(
                self.state,
                self.questions,
                persona,
                score,
                last.text,
                last.tokens or count_tokens(last.text).tokens,
            )
        else:
            command = engine.parse_command(last.text)
            name = command.name if command else ""
            if name == "skip":
                plan = engine.move_on(state, self.questions, acknowledge=False)
            elif name == "hint":
                plan = engine.hint(state, self.questions, persona)
            elif name == "repeat":
                plan = engine.repeat(state, self.questions)
            else:
                plan = Plan(kind="wrap_up")
        async for event in self._say(plan):
            yield event

    def _record_usage(self) -> None:
        delta = self.brain.take_usage()
        if not delta.calls:
            return
        usage = self.transcript.usage
        usage.calls += delta.calls
        usage.prompt_tokens += delta.prompt_tokens
        usage.completion_tokens += delta.completion_tokens
        usage.approximate = usage.approximate or delta.approximate
        usage.estimated_cost_usd = round(usage.estimated_cost_usd + self.cost_of(delta), 6)

    def cost_of(self, delta: UsageDelta) -> float:
        return (
            0.0
            if self.price is None
            else (
                delta.prompt_tokens * self.price.prompt_per_million
                + delta.completion_tokens * self.price.completion_per_million
            )
            / 1_000_000
        )

    def _context(self, plan: Plan) -> PhraseContext:
        question_id = plan.question_id or self._current_question_id()
        spoken = [t for t in self.transcript.turns if t.role != "system"]
        history = [HistoryTurn(t.role, t.text) for t in spoken[-HISTORY_TURNS:]]
        earlier: list[str] = []
        for qs in self.state.questions:
            if qs.asked and qs.question_id != question_id:
                topic = self.questions[qs.question_id].topic
                said = " ".join(" ".join(qs.answers).split()[:SUMMARY_WORDS]) or "(no answer)"
                earlier.append(f"{topic}: {said}")
        return PhraseContext(
            question=self.questions.get(question_id) if question_id else None, history=history, earlier=earlier
        )

    async def _say(self, plan: Plan) -> AsyncIterator[Event]:
        persona = self.library.persona(self.transcript.persona)
        chunks: list[str] = []
        phrasing = "offline" if self.brain.backend.name == "offline" else "llm"
        note: str | None = None
        stream = self.brain.phrase(plan, persona, len(self.transcript.turns), self._context(plan))
        async for chunk in stream:
            if isinstance(chunk, PhraseReset):
                # An empty reset clears a broken stream that is being retried; a full one is final.
                chunks = [chunk.text]
                note = chunk.reason
                if chunk.text:
                    phrasing = "fallback"
                yield chunk
                continue
            chunks.append(chunk)
            yield Token(chunk)
        self._record_usage()
        turn = self._append(
            "interviewer",
            plan.kind,
            "".join(chunks).strip(),
            question_id=plan.question_id or self._current_question_id(),
            probe=plan.probe,
            phrasing=phrasing,
            note=note,
        )
        yield TurnAdded(turn)
        if plan.kind == "wrap_up":
            report = build_report(self.transcript, self.questions)
            self.transcript.report = report
            self.transcript.status = "completed"
            self.store.save(self.transcript)
            yield Finished(report)
