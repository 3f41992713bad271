"""Nothing is lost: every turn is on disk before anything else happens, and resume continues."""

from __future__ import annotations

import json
import os

import pytest

from interviewer.models import Transcript
from interviewer.offline.brain import OfflineBrain
from interviewer.session import InterviewSession
from interviewer.store import TranscriptStore, write_atomically


class ExplodingBrain(OfflineBrain):
    """Scores fail, as a broken backend would."""

    async def score(self, question, thread):
        raise RuntimeError("backend down")


class SnoopingBrain(OfflineBrain):
    """Records what was on disk at the moment the brain was asked to score."""

    def __init__(self, store: TranscriptStore) -> None:
        super().__init__()
        self.store = store
        self.seen_on_disk: list[str] = []

    async def score(self, question, thread):
        files = list(self.store.root.glob("*.json"))
        saved = Transcript.model_validate_json(files[0].read_bytes())
        self.seen_on_disk.append(saved.turns[-1].text)
        return await super().score(question, thread)


async def open_session(library, brain, store) -> InterviewSession:
    session = InterviewSession.create(library, "test-round", None, brain, store)
    async for _ in session.open():
        pass
    return session


async def test_answer_is_on_disk_before_it_is_scored(small_library, store):
    brain = SnoopingBrain(store)
    session = await open_session(small_library, brain, store)
    async for _ in session.submit("My answer about DAU."):
        pass
    assert brain.seen_on_disk == ["My answer about DAU."]


async def test_a_failing_backend_loses_no_answer(small_library, store):
    session = await open_session(small_library, ExplodingBrain(), store)
    with pytest.raises(RuntimeError):
        async for _ in session.submit("An answer worth keeping."):
            pass
    saved = store.load(session.transcript.id)
    assert saved.turns[-1].text == "An answer worth keeping."
    assert saved.turns[-1].score is None


async def test_resume_scores_and_answers_a_saved_but_unanswered_turn(small_library, store):
    session = await open_session(small_library, ExplodingBrain(), store)
    with pytest.raises(RuntimeError):
        async for _ in session.submit("It had charts."):
            pass
    resumed = InterviewSession(store.load(session.transcript.id), small_library, OfflineBrain(), store)
    assert resumed.state.awaiting == "response"
    async for _ in resumed.open():
        pass
    saved = store.load(session.transcript.id)
    assert saved.turns[-2].score is not None
    assert saved.turns[-1].role == "interviewer" and saved.turns[-1].kind == "follow_up"


async def test_resume_continues_where_the_interview_stopped(small_library, store, brain):
    session = await open_session(small_library, brain, store)
    async for _ in session.submit("/skip"):
        pass
    resumed = InterviewSession(store.load(session.transcript.id), small_library, brain, store)
    assert resumed.state.awaiting == "answer"
    assert resumed.state.current_question.question_id == "q2"
    events = [e async for e in resumed.open()]
    assert events == []  # nothing pending: the question stands
    async for _ in resumed.submit("/skip"):
        pass
    assert resumed.transcript.turns[-1].question_id == "q3"


async def test_resume_replies_to_a_command_whose_reply_was_lost(small_library, store, brain):
    session = await open_session(small_library, brain, store)
    transcript = session.transcript
    # Simulate a crash right after the command was saved.
    transcript.turns.append(
        transcript.turns[0].model_copy(update={"index": 1, "role": "candidate", "kind": "command", "text": "/skip"})
    )
    store.save(transcript)
    resumed = InterviewSession(store.load(transcript.id), small_library, brain, store)
    async for _ in resumed.open():
        pass
    assert resumed.transcript.turns[-1].question_id == "q2"


def test_atomic_write_leaves_no_temp_files_and_replaces_content(tmp_path):
    target = tmp_path / "t.json"
    write_atomically(target, b'{"a": 1}')
    write_atomically(target, b'{"a": 2}')
    assert json.loads(target.read_text()) == {"a": 2}
    assert os.listdir(tmp_path) == ["t.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "t.json"
    write_atomically(target, b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["t.json"]


async def test_corrupted_transcripts_are_reported_and_skipped(small_library, store, brain):
    session = await open_session(small_library, brain, store)
    (store.root / "broken.json").write_text("{not json")
    (store.root / "wrong-shape.json").write_text('{"id": 3}')
    listing = store.list()
    assert [s.id for s in listing.summaries] == [session.transcript.id]
    assert len(listing.problems) == 2
    assert all("skipped" in p for p in listing.problems)


async def test_transcript_records_persona_backend_and_token_usage(small_library, store, brain):
    session = await open_session(small_library, brain, store)
    async for _ in session.submit("We tracked DAU because the product is used daily."):
        pass
    saved = store.load(session.transcript.id)
    assert saved.schema_version == 1
    assert saved.backend.name == "offline"
    assert saved.usage.candidate_tokens > 0
    answer = next(t for t in saved.turns if t.kind == "answer")
    assert answer.tokens and answer.persona == "strict"


async def test_listing_index_notices_a_transcript_that_changed(small_library, store, brain):
    session = await open_session(small_library, brain, store)
    assert store.list().summaries[0].status == "in_progress"
    async for _ in session.submit("/end"):
        pass
    [summary] = store.list().summaries
    assert summary.status == "completed"
    assert summary.overall == session.transcript.report.overall


async def test_a_damaged_listing_index_is_rebuilt(small_library, store, brain):
    session = await open_session(small_library, brain, store)
    store.list()
    (store.root / ".index.json").write_text("garbage")
    listing = store.list()
    assert [s.id for s in listing.summaries] == [session.transcript.id]
    assert listing.problems == []
