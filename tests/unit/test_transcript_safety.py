"""Transcripts are safe to write: ids stay in the store, one writer per interview, stale copies never win,
and a failed write is one line that says where the answer is."""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

import pytest

from interviewer import store as store_module
from interviewer.cli import main
from interviewer.models import Transcript
from interviewer.store import StaleTranscriptError, TranscriptBusyError, TranscriptError, TranscriptStore

FIRST_ANSWER = "I would read the journal for the failing unit first, because it shows why it exited."
SECOND_ANSWER = "Then I would check the exit code and the last lines of the log before restarting anything."


def _answers(tmp_path: Path, name: str, *answers: str) -> Path:
    path = tmp_path / name
    path.write_text("\n---\n".join(answers) + "\n")
    return path


def _unfinished(tmp_path: Path, capsys, *answers: str) -> tuple[TranscriptStore, Transcript]:
    """An interview saved after `answers`, still in progress."""
    source = _answers(tmp_path, "first.txt", *(answers or (FIRST_ANSWER,)))
    assert main(["run", "--round", "sre", "--answers", str(source), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "in_progress"
    store = TranscriptStore(Path(result["path"]).parent)
    return store, store.load(result["transcript_id"])


def _said(transcript: Transcript) -> list[str]:
    return [t.text for t in transcript.turns if t.role == "candidate"]


@pytest.mark.parametrize("bad_id", ["../../outside/x", "/ABSOLUTE/x", "ok/../../x", ".hidden", ""])
def test_a_transcript_whose_id_is_not_an_id_is_refused_and_nothing_is_written_outside(tmp_path, capsys, bad_id):
    store, transcript = _unfinished(tmp_path, capsys)
    bad_id = bad_id.replace("/ABSOLUTE", str(tmp_path / "absolute"))
    forged = tmp_path / "forged.json"
    forged.write_text(transcript.model_copy(update={"id": bad_id}).model_dump_json())
    before = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}

    code = main(["resume", str(forged), "--answers", str(_answers(tmp_path, "more.txt", SECOND_ANSWER))])

    err = capsys.readouterr().err
    assert code == 2
    assert "is not a valid transcript id" in err and len(err.strip().splitlines()) == 1
    after = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before | {Path("more.txt")}
    with pytest.raises(TranscriptError):
        store.load(str(forged))


def test_an_id_is_checked_before_it_becomes_a_file_name(store):
    with pytest.raises(TranscriptError):
        store.path_for("../escape")
    with pytest.raises(TranscriptError, match="no transcript"):
        store.load("../escape")


def test_a_second_writer_of_one_interview_is_refused_with_one_line(tmp_path, capsys):
    store, transcript = _unfinished(tmp_path, capsys)
    first_writer = TranscriptStore(store.root)
    first_writer.claim(first_writer.load(transcript.id))  # another process holds the interview open

    code = main(["resume", transcript.id, "--answers", str(_answers(tmp_path, "more.txt", SECOND_ANSWER))])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"interviewer: interview {transcript.id} is open in another window or process")
    assert len(err.strip().splitlines()) == 1
    assert _said(store.load(transcript.id)) == [FIRST_ANSWER]
    first_writer.close()
    assert main(["resume", transcript.id, "--answers", str(_answers(tmp_path, "more.txt", SECOND_ANSWER))]) == 0
    assert _said(store.load(transcript.id)) == [FIRST_ANSWER, SECOND_ANSWER]


def test_two_stores_in_one_process_cannot_both_claim(store, small_library, brain):
    from interviewer.session import InterviewSession

    session = InterviewSession.create(small_library, "test-round", None, brain, store)
    other = TranscriptStore(store.root)
    with pytest.raises(TranscriptBusyError):
        InterviewSession(other.load(session.transcript.id), small_library, brain, other)
    store.release(session.transcript.id)
    InterviewSession(other.load(session.transcript.id), small_library, brain, other)


def test_resuming_an_older_copy_by_path_never_overwrites_the_newer_transcript(tmp_path, capsys):
    store, transcript = _unfinished(tmp_path, capsys)
    older = tmp_path / "backup.json"
    older.write_bytes(store.path_for(transcript.id).read_bytes())
    assert main(["resume", transcript.id, "--answers", str(_answers(tmp_path, "more.txt", SECOND_ANSWER))]) == 0
    newer = store.path_for(transcript.id).read_bytes()
    capsys.readouterr()

    code = main(["resume", str(older), "--answers", str(_answers(tmp_path, "other.txt", "A different answer."))])

    assert code == 2
    assert "is a copy of interview" in capsys.readouterr().err
    assert store.path_for(transcript.id).read_bytes() == newer


def test_a_copy_in_its_own_folder_is_resumed_in_place(tmp_path, capsys):
    store, transcript = _unfinished(tmp_path, capsys)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = elsewhere / f"{transcript.id}.json"
    copy.write_bytes(store.path_for(transcript.id).read_bytes())
    original = store.path_for(transcript.id).read_bytes()

    assert main(["resume", str(copy), "--answers", str(_answers(tmp_path, "more.txt", SECOND_ANSWER))]) == 0

    assert _said(TranscriptStore(elsewhere).load(transcript.id)) == [FIRST_ANSWER, SECOND_ANSWER]
    assert store.path_for(transcript.id).read_bytes() == original


def test_a_stale_copy_in_memory_never_replaces_a_newer_file(tmp_path, capsys):
    store, _ = _unfinished(tmp_path, capsys)
    [summary] = store.list().summaries
    stale = TranscriptStore(store.root)
    old = stale.load(summary.id)
    newer = TranscriptStore(store.root)
    fresh = newer.load(summary.id)
    fresh.turns = fresh.turns[:1]
    newer.save(fresh)
    newer.close()
    saved = store.path_for(summary.id).read_bytes()

    with pytest.raises(StaleTranscriptError):
        stale.save(old)
    assert store.path_for(summary.id).read_bytes() == saved


def test_a_new_interview_never_replaces_an_existing_file_with_its_id(store):
    existing = Transcript(id="20260101-000000-sre-abcd", round_id="sre", question_ids=[], persona="casual")
    store.save(existing)
    store.close()
    with pytest.raises(StaleTranscriptError):
        TranscriptStore(store.root).save(existing.model_copy())


def test_stray_temp_files_of_a_killed_writer_are_removed_when_the_interview_is_claimed(tmp_path, capsys):
    store, transcript = _unfinished(tmp_path, capsys)
    stray = store.root / f".{transcript.id}.json.k9x2.tmp"
    stray.write_text('{"half": ')
    other = store.root / ".other-id.json.abcd.tmp"  # another interview's, possibly being written now
    other.write_text("")
    abandoned = store.root / ".index.json.old1.tmp"  # a listing killed an hour ago
    abandoned.write_text("")
    an_hour_ago = time.time() - 3600
    os.utime(abandoned, (an_hour_ago, an_hour_ago))

    writer = TranscriptStore(store.root)
    writer.claim(writer.load(transcript.id))

    assert not stray.exists() and not abandoned.exists()
    assert other.exists()


def _fail_writes(monkeypatch, code: int, after: int = 0) -> None:
    """The file system refuses every transcript write after the first `after` ones."""
    real = store_module.write_atomically
    calls = {"n": 0}

    def write(path: Path, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] > after:
            raise OSError(code, "simulated", str(path))
        real(path, data)

    monkeypatch.setattr(store_module, "write_atomically", write)


def test_a_full_disk_is_one_line_saying_the_answer_is_still_in_the_answers_file(tmp_path, capsys, monkeypatch):
    store, transcript = _unfinished(tmp_path, capsys)
    saved = store.path_for(transcript.id).read_bytes()
    more = _answers(tmp_path, "more.txt", SECOND_ANSWER)
    _fail_writes(monkeypatch, errno.ENOSPC)

    code = main(["resume", transcript.id, "--answers", str(more)])

    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "the disk is full" in err
    assert f"your last answer was not saved (it is still answer 1 of {more})" in err
    assert str(store.path_for(transcript.id)) in err
    assert store.path_for(transcript.id).read_bytes() == saved  # nothing already saved is lost
    assert not list(store.root.glob(".*.tmp"))


def test_a_failure_after_the_answer_was_saved_says_it_is_safe(tmp_path, capsys, monkeypatch):
    store, transcript = _unfinished(tmp_path, capsys)
    _fail_writes(monkeypatch, errno.ENOSPC, after=1)  # the answer is written, its score is not

    code = main(["resume", transcript.id, "--answers", str(_answers(tmp_path, "more.txt", SECOND_ANSWER))])

    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "the last one included, are saved in" in err
    assert _said(store.load(transcript.id)) == [FIRST_ANSWER, SECOND_ANSWER]


def test_permission_denied_is_one_line(tmp_path, capsys, monkeypatch):
    _, transcript = _unfinished(tmp_path, capsys)
    _fail_writes(monkeypatch, errno.EACCES)

    code = main(["resume", transcript.id, "--answers", str(_answers(tmp_path, "more.txt", SECOND_ANSWER))])

    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "permission denied" in err and "--transcripts DIR" in err


def test_a_read_only_home_is_one_line_naming_a_way_out(tmp_path, capsys, monkeypatch):
    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)

    code = main(["run", "--round", "sre", "--answers", str(_answers(tmp_path, "a.txt", FIRST_ANSWER))])

    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "the file system is read-only" in err and "--transcripts DIR" in err


def test_an_export_that_cannot_be_written_is_one_line(tmp_path, capsys):
    _, transcript = _unfinished(tmp_path, capsys)
    target = tmp_path / "missing-folder" / "out.md"
    assert main(["export", transcript.id, "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == f"interviewer: {target}: No such file or directory\n"


def test_a_file_system_without_locks_still_saves(store, monkeypatch):
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(store_module.fcntl, "flock", no_locks)
    transcript = Transcript(id="20260101-000000-sre-beef", round_id="sre", question_ids=[], persona="casual")
    store.save(transcript)
    assert store.load(transcript.id).id == transcript.id


def test_a_full_disk_in_a_typed_interview_says_the_answer_is_on_screen(tmp_path, capsys, monkeypatch):
    import io

    store, transcript = _unfinished(tmp_path, capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{SECOND_ANSWER}\n.\n"))
    _fail_writes(monkeypatch, errno.ENOSPC)

    code = main(["resume", transcript.id])

    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "the disk is full" in err and "it is still on your screen above" in err
    assert _said(store.load(transcript.id)) == [FIRST_ANSWER]
