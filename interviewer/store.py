"""Transcripts on disk: one JSON file per interview, replaced atomically after every turn."""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import os
import re
import secrets
import sys
import tempfile
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from interviewer.inert import one_line

# pydantic and the models are imported where a file is parsed or written: a listing served from the
# index needs neither, and importing them is a fifth of `interviewer list` at 50,000 transcripts.
# pydantic's ValidationError is a ValueError, so `except ValueError` catches it without the import.
if TYPE_CHECKING:
    from interviewer.models import Transcript, TranscriptSummary
    from interviewer.models.transcript import Status

SUFFIX = ".json"


INDEX_NAME = ".index.json"
INDEX_VERSION = 2
STATUSES = ("in_progress", "completed")

# One compact row per transcript file, so a warm listing of 50,000 files is one json.loads and no
# model validation: [file name, size, mtime_ns, id, round_id, persona, status, started_at, updated_at,
# overall]. The times are UTC ISO strings with microseconds, so sorting the strings sorts the times.
IndexRow = list[Any]


def _load_index(path: Path) -> dict[str, IndexRow]:
    """Rows by file name. A missing, stale-format or damaged index is simply rebuilt; a bad row is reparsed."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION or not isinstance(data.get("rows"), list):
        return {}
    return {row[0]: row for row in data["rows"] if isinstance(row, list) and len(row) == 10 and isinstance(row[0], str)}


def _utc_iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds")


def _row(name: str, size: int, mtime_ns: int, summary: TranscriptSummary) -> IndexRow:
    return [
        name,
        size,
        mtime_ns,
        summary.id,
        summary.round_id,
        summary.persona,
        summary.status,
        _utc_iso(summary.started_at),
        _utc_iso(summary.updated_at),
        summary.overall,
    ]


class ListedTranscript(NamedTuple):
    """What a listing shows of one transcript. A plain record: building 50,000 models would take longer
    than reading the whole index. The fields are those of TranscriptSummary, checked when read."""

    id: str
    round_id: str
    persona: str
    status: Status
    started_at: datetime
    updated_at: datetime
    overall: float | None


def _summary(row: IndexRow) -> ListedTranscript:
    """Builds a listed transcript from a row without validating a model; the row is still checked, field by field."""
    _, _, _, tid, round_id, persona, status, started, updated, overall = row
    if not (isinstance(tid, str) and isinstance(round_id, str) and isinstance(persona, str) and status in STATUSES):
        raise ValueError("malformed index row")
    if overall is not None and (isinstance(overall, bool) or not isinstance(overall, int | float)):
        raise ValueError("malformed index row")
    return ListedTranscript(
        tid, round_id, persona, status, datetime.fromisoformat(started), datetime.fromisoformat(updated), overall
    )


@contextlib.contextmanager
def _collections_paused() -> Iterator[None]:
    """Tens of thousands of small objects would trigger repeated full collections that find nothing to free."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class TranscriptError(Exception):
    """A transcript that cannot be found or read; the message is one line for the user."""


class TranscriptBusyError(TranscriptError):
    """Another process (or window) is already writing this interview."""


class StaleTranscriptError(TranscriptError):
    """The copy in memory is older than the file on disk; writing it would lose the newer turns."""


class TranscriptWriteError(TranscriptError):
    """The file system refused a write; the file on disk still holds the last saved turn."""

    def __init__(self, path: Path, exc: OSError) -> None:
        self.path = path
        self.reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
        where = f" ({exc.filename})" if exc.filename and Path(exc.filename) != path else ""
        hint = "; choose another folder with --transcripts DIR" if exc.errno in _NOT_WRITABLE else ""
        super().__init__(f"cannot save {path}: {self.reason}{where}{hint}")


_OS_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
}
_NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)

# The ids this program writes (`new_transcript_id`): a time stamp, the round id and a random suffix.
# A file's id becomes a file name when it is saved, so anything else, such as `../x` or `/tmp/x`, is refused.
TRANSCRIPT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,127}")
LOCK_SUFFIX = ".lock"
# An atomic write holds its temp file for milliseconds; one this old was left by a killed process.
ABANDONED_TEMP_SECONDS = 600


if sys.platform == "win32":

    def _lock_without_waiting(fd: int) -> None:
        """Windows has no flock: the check for a stale copy before each save still guards the file."""

else:
    import fcntl

    def _lock_without_waiting(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def is_transcript_id(value: str) -> bool:
    return TRANSCRIPT_ID.fullmatch(value) is not None


@dataclass(frozen=True)
class _Version:
    """What a transcript file looked like when this store last read or wrote it."""

    updated_at: datetime
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Listing:
    summaries: list[ListedTranscript]
    problems: list[str]


def new_transcript_id(round_id: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{round_id}-{secrets.token_hex(2)}"


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync it, rename over the target, fsync the folder.

    A reader (or a crash) sees either the old file or the new one, never half of one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class TranscriptStore:
    """One folder of transcripts.

    Writing an interview takes an exclusive lock on a file beside it (`.ID.lock`), held until
    `release`, so two processes never both write one interview. Each save also checks that the file
    on disk is still the version this store last read or wrote, so a stale copy never replaces it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._locks: dict[str, int] = {}
        self._versions: dict[str, _Version] = {}
        # A store dropped without `close` still lets go of its locks.
        weakref.finalize(self, _close_locks, self._locks)

    def path_for(self, transcript_id: str) -> Path:
        if not is_transcript_id(transcript_id):
            raise TranscriptError(f"{one_line(transcript_id)!r} is not a transcript id")
        return self.root / f"{transcript_id}{SUFFIX}"

    def claim(self, transcript: Transcript) -> None:
        """Become the one writer of this interview, or refuse with one line. Calling it again is harmless."""
        path = self.path_for(transcript.id)
        if transcript.id not in self._locks:
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.root / f".{transcript.id}{LOCK_SUFFIX}", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise TranscriptWriteError(path, exc) from None
            try:
                _lock_without_waiting(fd)
            except BlockingIOError:
                os.close(fd)
                raise TranscriptBusyError(
                    f"interview {transcript.id} is open in another window or process; "
                    "only one can write it at a time, so this one stops here"
                ) from None
            except OSError:
                pass  # a file system without locks (some network mounts): the stale-copy check still guards
            self._locks[transcript.id] = fd
            self._remove_temp_files(transcript.id)
            try:
                self._refuse_stale(transcript.id, path)
            except TranscriptError:
                self.release(transcript.id)  # a refused writer leaves the interview free for others
                raise
        else:
            self._refuse_stale(transcript.id, path)

    def release(self, transcript_id: str) -> None:
        fd = self._locks.pop(transcript_id, None)
        if fd is not None:
            os.close(fd)  # closing the descriptor drops the lock

    def close(self) -> None:
        _close_locks(self._locks)

    def save(self, transcript: Transcript) -> Path:
        path = self.path_for(transcript.id)
        from interviewer.models.transcript import utc_now

        self.claim(transcript)
        transcript.updated_at = utc_now()
        try:
            write_atomically(path, transcript.model_dump_json(indent=2).encode("utf-8"))
        except OSError as exc:
            raise TranscriptWriteError(path, exc) from exc
        self._remember(transcript, path)
        return path

    def _remember(self, transcript: Transcript, path: Path) -> None:
        with contextlib.suppress(OSError):
            stat = path.stat()
            self._versions[transcript.id] = _Version(transcript.updated_at, stat.st_size, stat.st_mtime_ns)

    def _refuse_stale(self, transcript_id: str, path: Path) -> None:
        try:
            stat = path.stat()
        except FileNotFoundError:
            return  # a new interview, or a file removed since: writing it loses nothing
        except OSError as exc:
            raise TranscriptWriteError(path, exc) from None
        known = self._versions.get(transcript_id)
        if known is not None and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            return
        if known is None:
            raise StaleTranscriptError(f"{path} already exists and was not read first; not overwriting it")
        from interviewer.models import TranscriptSummary

        try:
            on_disk = TranscriptSummary.from_json(path.read_bytes()).updated_at
        except (OSError, ValueError):
            on_disk = None
        if on_disk != known.updated_at:
            raise StaleTranscriptError(
                f"{path} changed on disk since this copy was read, so it is not overwritten; "
                f"resume it again to continue from the newer version"
            )

    def _remove_temp_files(self, transcript_id: str) -> None:
        """Temp files killed writers left behind: this interview's, which only the lock holder writes, and
        any other that is too old to belong to a write still under way."""
        abandoned_before = time.time() - ABANDONED_TEMP_SECONDS
        for stray in self.root.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                if stray.name.startswith(f".{transcript_id}{SUFFIX}.") or stray.stat().st_mtime < abandoned_before:
                    stray.unlink()

    def file_names(self) -> list[str]:
        """Transcript file names in name order; strings, because sorting 50,000 Paths is slow."""
        names = [entry.name for entry in self._entries()]
        names.sort()
        return names

    def _entries(self) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(self.root) as entries:
                return [e for e in entries if e.name.endswith(SUFFIX) and not e.name.startswith(".")]
        except (FileNotFoundError, NotADirectoryError):
            return []

    def files(self) -> list[Path]:
        return [self.root / name for name in self.file_names()]

    def resolve(self, wanted: str) -> Path:
        """A path, an exact id, or a unique id prefix."""
        as_path = Path(wanted)
        if as_path.suffix == SUFFIX and as_path.is_file():
            return as_path
        if is_transcript_id(wanted) and self.path_for(wanted).is_file():
            return self.path_for(wanted)
        matches = [p for p in self.files() if p.stem.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise TranscriptError(f"no transcript '{wanted}' in {self.root}")
        raise TranscriptError(f"'{wanted}' matches {len(matches)} transcripts; give more of the id")

    def load(self, wanted: str) -> Transcript:
        path = self.resolve(wanted)
        transcript = load_transcript(path)
        if path.resolve() == self.path_for(transcript.id).resolve():
            self._remember(transcript, path)
        return transcript

    def list(self) -> Listing:
        """Summaries of every readable transcript, newest first; unreadable ones become problems.

        Summaries are cached in an index keyed by file name, size and modification time, so only
        files written since the last listing are parsed again.
        """
        index_path = self.root / INDEX_NAME
        index = _load_index(index_path)
        listed: list[tuple[str, ListedTranscript, IndexRow]] = []
        problems: list[str] = []
        reparsed = False
        with _collections_paused():
            entries = self._entries()
            entries.sort(key=lambda entry: entry.name)
            for entry in entries:
                name = entry.name
                try:
                    stat = entry.stat()
                    row = index.get(name, [])
                    summary: ListedTranscript | None = None
                    if row and row[1] == stat.st_size and row[2] == stat.st_mtime_ns:
                        with contextlib.suppress(TypeError, ValueError):  # a damaged row: read the file again
                            summary = _summary(row)
                    if summary is None:
                        from interviewer.models import TranscriptSummary

                        with open(entry.path, "rb") as handle:
                            parsed = TranscriptSummary.from_json(handle.read())
                        row = _row(name, stat.st_size, stat.st_mtime_ns, parsed)
                        summary = _summary(row)
                        reparsed = True
                except (OSError, ValueError) as exc:
                    problems.append(f"{entry.path}: skipped, not a readable transcript ({_first_line(exc)})")
                    continue
                listed.append((row[7], summary, row))
            listed.sort(key=lambda item: item[0], reverse=True)
            summaries = [summary for _, summary, _ in listed]
        # Without a reparse every listed row came from the index, so equal counts mean an identical index.
        if reparsed or len(listed) != len(index):
            rows = [row for _, _, row in listed]
            data = json.dumps({"version": INDEX_VERSION, "rows": rows}, separators=(",", ":")).encode()
            with contextlib.suppress(OSError):  # a read-only folder still lists, just without the cache
                write_atomically(index_path, data)
        return Listing(summaries, problems)

    def latest_unfinished(self) -> Transcript | None:
        for summary in self.list().summaries:
            if summary.status == "in_progress":
                return self.load(summary.id)
        return None


def _close_locks(locks: dict[str, int]) -> None:
    while locks:
        _, fd = locks.popitem()
        os.close(fd)


def _first_line(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        return f"{exc.error_count()} error(s), first at {loc or 'top level'}: {first['msg']}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def load_transcript(path: Path) -> Transcript:
    from pydantic import ValidationError

    from interviewer.models import Transcript
    from interviewer.models.transcript import SCHEMA_VERSION

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        transcript = Transcript.model_validate_json(data)
    except ValidationError as exc:
        raise TranscriptError(f"{path}: not a readable transcript ({_first_line(exc)})") from exc
    if not is_transcript_id(transcript.id):
        raise TranscriptError(f"{path}: {one_line(transcript.id)!r} is not a valid transcript id")
    if transcript.schema_version > SCHEMA_VERSION:
        raise TranscriptError(
            f"{path}: written by a newer version (schema {transcript.schema_version}); please upgrade"
        )
    return transcript
