"""Runs an interview: saves each turn, asks the brain, and applies the engine's decisions.

Every candidate turn is written to disk before it is scored or answered, so a crash or a
failing backend never loses a submitted answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal

from interviewer import engine
from interviewer.brain import Brain, HistoryTurn, PhraseContext
from interviewer.brain import PhraseReset as PhraseReset  # an Event the front ends match on
from interviewer.content import Library, UnknownIdError
from interviewer.execution.runner import run_answer
from interviewer.models import AnswerKind, AnswerScore, Probe, Question, Report, TokenUsage, Transcript, Turn
from interviewer.models.scores import RunResult
from interviewer.models.transcript import Phrasing, Role, TurnKind
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
Event = TurnAdded | Token | PhraseReset | Scored | Notice | Finished
CommandName = Literal["hint", "skip", "repeat", "end"]

HISTORY_TURNS = 6
SUMMARY_WORDS = 25


class SessionError(Exception):
    """Something the candidate asked for cannot be done; one line for the user."""


@dataclass(frozen=True)
class SessionStatus:
    """Where the interview stands, as a view shows it: the side panel and the report read only this."""

    transcript_id: str
    round_title: str
    question_number: int | None
    question_count: int
    topic: str | None
    answer_kind: AnswerKind
    can_run: bool  # the open question has an execution fixture, so the draft can be run
    follow_ups: int
    follow_up_budget: int
    elapsed_seconds: float
    time_limit_minutes: float | None
    persona_name: str
    backend: str
    tokens: int
    tokens_approximate: bool
    cost_usd: float
    draft_tokens: int
    finished: bool
    report: Report | None
    answers: dict[str, str]  # question id -> everything the candidate said for it

    @property
    def over_time(self) -> bool:
        return self.time_limit_minutes is not None and self.elapsed_seconds > self.time_limit_minutes * 60


def draft_tokens(draft: str) -> int:
    return count_tokens(draft).tokens if draft.strip() else 0


@dataclass
class Interviews:
    """Starts and resumes sessions over one library, store and brain: the CLI, the TUI and tests build them here."""

    library: Library
    store: TranscriptStore
    brain: Brain

    def start(self, round_id: str, persona_id: str | None = None, transcript_id: str | None = None) -> InterviewSession:
        return InterviewSession.create(
            self.library, round_id, persona_id, self.brain, self.store, transcript_id=transcript_id
        )

    def resume(self, transcript: Transcript | str) -> InterviewSession:
        """A saved interview, by transcript or by id (or unique prefix)."""
        loaded = self.store.load(transcript) if isinstance(transcript, str) else transcript
        return InterviewSession(loaded, self.library, self.brain, self.store)


class InterviewSession:
    def __init__(
        self,
        transcript: Transcript,
        library: Library,
        brain: Brain,
        store: TranscriptStore,
    ) -> None:
        self.transcript = transcript
        self.library = library
        self.brain = brain
        self.store = store
        missing = [qid for qid in transcript.question_ids if qid not in library.questions]
        if missing:
            raise SessionError(f"transcript {transcript.id} needs questions that are not loaded: {', '.join(missing)}")
        self.questions = {qid: library.questions[qid] for qid in transcript.question_ids}
        library.persona(transcript.persona)  # fail early on an unknown persona
        store.claim(transcript)  # one writer per interview: a second one is refused here, before any answer
        self._state: engine.InterviewState | None = None
        # One turn at a time: a turn started while another runs waits for it (or for its cancellation).
        self._turn_lock = asyncio.Lock()
        self._turn_task: asyncio.Task[object] | None = None

    @classmethod
    def create(
        cls,
        library: Library,
        round_id: str,
        persona_id: str | None,
        brain: Brain,
        store: TranscriptStore,
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
        session = cls(transcript, library, brain, store)
        store.save(transcript)
        return session

    @property
    def state(self) -> engine.InterviewState:
        """Derived from the turns once per change, not on every read."""
        if self._state is None:
            self._state = engine.derive_state(self.transcript)
        return self._state

    @property
    def finished(self) -> bool:
        return self.transcript.status == "completed"

    @property
    def turn_running(self) -> bool:
        return self._turn_task is not None and not self._turn_task.done()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        async with self._turn_lock:
            self._turn_task = asyncio.current_task()
            try:
                yield
            finally:
                self._turn_task = None

    def _append(
        self,
        role: Role,
        kind: TurnKind,
        text: str,
        *,
        question_id: str | None = None,
        probe: Probe | None = None,
        tokens: int | None = None,
        phrasing: Phrasing | None = None,
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
        self._state = None
        self.store.save(self.transcript)
        return turn

    def _current_question_id(self) -> str | None:
        qs = self.state.current_question
        return qs.question_id if qs else None

    def _current_question(self) -> Question | None:
        question_id = self._current_question_id()
        return self.questions[question_id] if question_id else None

    # --- the intent API: what a front end may ask of an interview ------------------------------

    async def open(self) -> AsyncGenerator[Event, None]:
        """Start a new interview, or finish whatever a resumed one left pending."""
        async with self._turn():
            state = self.state
            if self.finished:
                return
            if state.awaiting == "start":
                async for event in self._say(engine.first_question(state, self.questions)):
                    yield event
            elif state.awaiting == "response":
                last = self.transcript.turns[-1]
                command = engine.parse_command(last.text) if last.kind == "command" else None
                async for event in self._respond(command.name if command else None):
                    yield event

    async def submit(self, text: str) -> AsyncGenerator[Event, None]:
        """What the candidate typed: an answer, or a `/command` line, which goes where its key would."""
        command = engine.parse_command(text)
        if command is not None and command.name == "persona":
            yield self.switch_persona(command.argument)
            return
        if command is not None:
            async for event in self.command(command.name):  # type: ignore[arg-type]  # parse_command checked it
                yield event
            return
        if not text.strip():
            raise SessionError("the answer is empty; type an answer or /skip")
        async with self._turn():
            self._check_open()
            count = count_tokens(text)
            self.transcript.usage += TokenUsage(candidate_tokens=count.tokens, approximate=count.approximate)
            turn = self._append(
                "candidate", "answer", text, question_id=self._current_question_id(), tokens=count.tokens
            )
            yield TurnAdded(turn)
            async for event in self._respond(None):
                yield event

    async def command(self, name: CommandName) -> AsyncGenerator[Event, None]:
        """Hint, skip, repeat or end: recorded as the candidate's turn, then answered."""
        async with self._turn():
            self._check_open()
            turn = self._append("candidate", "command", f"/{name}", question_id=self._current_question_id())
            yield TurnAdded(turn)
            async for event in self._respond(name):
                yield event

    def cancel(self) -> bool:
        """Stop the turn in flight, closing the brain's stream; what is on disk stays. True if one was running."""
        task = self._turn_task
        if task is None or task.done():
            return False
        task.cancel()
        return True

    def tick(self, elapsed_seconds: float, draft: str) -> TurnAdded | None:
        """Called while the candidate types: the persona may cut in on time or length, once per prompt."""
        question = self._current_question()
        if question is None or self.finished or self.turn_running:
            return None
        persona = self.library.persona(self.transcript.persona)
        prose = engine.prose_tokens(question, draft, draft_tokens(draft))  # a long function is no reason to cut in
        reason = engine.live_cut_in(self.state, persona, elapsed_seconds, question.time_limit_minutes, prose)
        return self.cut_in(reason) if reason is not None else None

    async def run_draft(self, draft: str) -> RunResult:
        """Run the draft against the question's fixture in a contained child process; nothing is saved."""
        question = self._current_question()
        result = await asyncio.to_thread(run_answer, question, draft) if question is not None else None
        if result is None:
            raise SessionError("This question has nothing to run.")
        return result

    def status(self, elapsed_seconds: float = 0.0, draft: str = "") -> SessionStatus:
        transcript = self.transcript
        state = self.state
        qs = state.current_question
        question = self.questions[qs.question_id] if qs else None
        persona = self.library.persona(transcript.persona)
        usage = transcript.usage
        return SessionStatus(
            transcript_id=transcript.id,
            round_title=self.library.round(transcript.round_id).title,
            question_number=state.current + 1 if state.current is not None else None,
            question_count=len(transcript.question_ids),
            topic=question.topic if question else None,
            answer_kind=question.answer_kind if question else "text",
            can_run=question is not None and question.execution is not None,
            follow_ups=qs.follow_ups if qs else 0,
            follow_up_budget=persona.follow_up_budget,
            elapsed_seconds=elapsed_seconds,
            time_limit_minutes=question.time_limit_minutes if question else None,
            persona_name=persona.name,
            backend=self.brain.backend.label,
            tokens=usage.prompt_tokens + usage.completion_tokens,
            tokens_approximate=usage.approximate,
            cost_usd=usage.estimated_cost_usd,
            draft_tokens=draft_tokens(draft),
            finished=self.finished,
            report=transcript.report,
            answers={s.question_id: s.thread().text() for s in state.questions if s.answered},
        )

    def cut_in(self, reason: Literal["time", "length"]) -> TurnAdded:
        """The interviewer interrupts the draft; the question stays open for the answer."""
        persona = self.library.persona(self.transcript.persona)
        text = render_cut_in(reason, persona, len(self.transcript.turns))
        return TurnAdded(
            self._append("interviewer", "cut_in", text, question_id=self._current_question_id(), phrasing="offline")
        )

    def _check_open(self) -> None:
        if self.finished:
            raise SessionError("this interview is finished")

    def switch_persona(self, persona_id: str) -> Event:
        """Recorded at once; the new persona speaks from the interviewer's next turn."""
        self._check_open()
        if self.turn_running:
            raise SessionError("wait for the interviewer to finish, then switch persona")
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

    async def _respond(self, command: str | None) -> AsyncIterator[Event]:
        """Reply to the last candidate turn, which is already on disk: an answer, or the named command."""
        last = self.transcript.turns[-1]
        state = self.state
        persona = self.library.persona(self.transcript.persona)
        plan: Plan
        if last.kind == "answer":
            qs = state.current_question
            if qs is None:
                raise SessionError("no question is open")
            question = self.questions[qs.question_id]
            earlier = (t.score for t in reversed(self.transcript.turns[:-1]) if t.question_id == qs.question_id)
            previous = next((s for s in earlier if s is not None), None)
            score = await score_with_run(self.brain, question, qs.thread(), previous)
            last.score = score
            self._state = None
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
            if command == "skip":
                plan = engine.move_on(state, self.questions, acknowledge=False)
            elif command == "hint":
                plan = engine.hint(state, self.questions, persona)
            elif command == "repeat":
                plan = engine.repeat(state, self.questions)
            else:
                plan = Plan(kind="wrap_up")
        async for event in self._say(plan):
            yield event

    def _record_usage(self) -> None:
        delta = self.brain.take_usage()
        if delta.calls:
            self.transcript.usage = self.transcript.usage + delta

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
        phrasing: Phrasing = "offline" if self.brain.backend.name == "offline" else "llm"
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
