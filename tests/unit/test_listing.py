"""The transcript listing: a compact index, string-sorted names, and no model validation when warm."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from interviewer.models import Transcript, TranscriptSummary
from interviewer.store import INDEX_NAME, TranscriptStore


def saved(store: TranscriptStore, tid: str, started_at: datetime, status: str = "in_progress") -> Transcript:
    transcript = Transcript(id=tid, round_id="ds-round-1", question_ids=["q"], persona="strict", started_at=started_at)
    transcript.status = status  # type: ignore[assignment]
    store.save(transcript)
    return transcript


@pytest.fixture
def store(tmp_path: Path) -> TranscriptStore:
    return TranscriptStore(tmp_path / "transcripts")


def test_newest_first_even_when_files_carry_other_offsets(store: TranscriptStore) -> None:
    base = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    saved(store, "a-utc-noon", base)
    # 13:30 at +02:00 is 11:30 UTC: older than noon UTC although its text sorts later.
    saved(store, "b-plus-two", base.replace(hour=13, minute=30, tzinfo=timezone(timedelta(hours=2))))
    saved(store, "c-whole-second", base + timedelta(seconds=1))
    saved(store, "d-half-second", base + timedelta(microseconds=500_000))
    for _ in range(2):  # cold (builds the index), then warm (reads it)
        assert [s.id for s in store.list().summaries] == ["c-whole-second", "d-half-second", "a-utc-noon", "b-plus-two"]


def test_a_warm_listing_parses_no_transcript(store: TranscriptStore, monkeypatch: pytest.MonkeyPatch) -> None:
    saved(store, "one", datetime(2026, 1, 1, tzinfo=UTC), status="completed")
    cold = store.list().summaries

    def no_parsing(data: bytes) -> TranscriptSummary:
        raise AssertionError("a warm listing parsed a transcript")

    monkeypatch.setattr(TranscriptSummary, "from_json", staticmethod(no_parsing))
    warm = store.list().summaries
    assert warm == cold
    assert warm[0].status == "completed"


def test_a_damaged_index_row_is_read_again_from_its_file(store: TranscriptStore) -> None:
    saved(store, "one", datetime(2026, 1, 1, tzinfo=UTC))
    saved(store, "two", datetime(2026, 1, 2, tzinfo=UTC))
    store.list()
    index_path = store.root / INDEX_NAME
    index = json.loads(index_path.read_text())
    for row in index["rows"]:
        if row[3] == "one":
            row[6] = "[bold]forged[/bold]"  # not a status
        else:
            row[7] = 12  # not a time
    index_path.write_text(json.dumps(index))
    listing = store.list()
    assert [(s.id, s.status) for s in listing.summaries] == [("two", "in_progress"), ("one", "in_progress")]
    assert listing.problems == []
    assert "forged" not in index_path.read_text()


def test_deleted_and_changed_files_leave_the_index(store: TranscriptStore) -> None:
    saved(store, "gone", datetime(2026, 1, 1, tzinfo=UTC))
    kept = saved(store, "kept", datetime(2026, 1, 2, tzinfo=UTC))
    store.list()
    store.path_for("gone").unlink()
    kept.status = "completed"
    store.save(kept)
    assert [(s.id, s.status) for s in store.list().summaries] == [("kept", "completed")]
    rows = json.loads((store.root / INDEX_NAME).read_text())["rows"]
    assert [row[3] for row in rows] == ["kept"]


def test_file_names_are_sorted_strings_without_hidden_files(store: TranscriptStore) -> None:
    saved(store, "b", datetime(2026, 1, 1, tzinfo=UTC))
    saved(store, "a", datetime(2026, 1, 1, tzinfo=UTC))
    store.list()  # writes the hidden index
    (store.root / "notes.txt").write_text("not a transcript")
    assert store.file_names() == ["a.json", "b.json"]


def test_a_missing_folder_lists_nothing(tmp_path: Path) -> None:
    listing = TranscriptStore(tmp_path / "nowhere").list()
    assert listing.summaries == []
    assert listing.problems == []
