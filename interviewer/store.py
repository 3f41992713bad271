"""Transcripts on disk: one JSON file per interview, replaced atomically after every turn."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from interviewer.models import Transcript, TranscriptSummary
from interviewer.models.transcript import SCHEMA_VERSION, utc_now

SUFFIX = ".json"


INDEX_NAME = ".index.json"


class IndexEntry(BaseModel):
    size: int
    mtime_ns: int
    summary: TranscriptSummary


class TranscriptIndex(BaseModel):
    version: int = 1
    entries: dict[str, IndexEntry] = Field(default_factory=dict)


def _load_index(path: Path) -> TranscriptIndex:
    """A missing, stale-format or damaged index is simply rebuilt."""
    try:
        return TranscriptIndex.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return TranscriptIndex()


class TranscriptError(Exception):
    """A transcript that cannot be found or read; the message is one line for the user."""


@dataclass(frozen=True)
class Listing:
    summaries: list[TranscriptSummary]
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
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, transcript_id: str) -> Path:
        return self.root / f"{transcript_id}{SUFFIX}"

    def save(self, transcript: Transcript) -> Path:
        transcript.updated_at = utc_now()
        path = self.path_for(transcript.id)
        write_atomically(path, transcript.model_dump_json(indent=2).encode("utf-8"))
        return path

    def files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob(f"*{SUFFIX}") if not p.name.startswith("."))

    def resolve(self, wanted: str) -> Path:
        """A path, an exact id, or a unique id prefix."""
        as_path = Path(wanted)
        if as_path.suffix == SUFFIX and as_path.is_file():
            return as_path
        exact = self.path_for(wanted)
        if exact.is_file():
            return exact
        matches = [p for p in self.files() if p.stem.startswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise TranscriptError(f"no transcript '{wanted}' in {self.root}")
        raise TranscriptError(f"'{wanted}' matches {len(matches)} transcripts; give more of the id")

    def load(self, wanted: str) -> Transcript:
        return load_transcript(self.resolve(wanted))

    def list(self) -> Listing:
        """Summaries of every readable transcript, newest first; unreadable ones become problems.

        Summaries are cached in an index keyed by file name, size and modification time, so only
        files written since the last listing are parsed again.
        """
        index = _load_index(self.root / INDEX_NAME)
        fresh: dict[str, IndexEntry] = {}
        summaries: list[TranscriptSummary] = []
        problems: list[str] = []
        for path in self.files():
            try:
                stat = path.stat()
                cached = index.entries.get(path.name)
                if cached is not None and (cached.size, cached.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                    summary = cached.summary
                else:
                    summary = TranscriptSummary.from_json(path.read_bytes())
                fresh[path.name] = IndexEntry(size=stat.st_size, mtime_ns=stat.st_mtime_ns, summary=summary)
                summaries.append(summary)
            except (OSError, ValidationError, ValueError) as exc:
                problems.append(f"{path}: skipped, not a readable transcript ({_first_line(exc)})")
        if fresh != index.entries:
            with contextlib.suppress(OSError):  # a read-only folder still lists, just without the cache
                write_atomically(self.root / INDEX_NAME, TranscriptIndex(entries=fresh).model_dump_json().encode())
        summaries.sort(key=lambda s: s.started_at, reverse=True)
        return Listing(summaries, problems)

    def latest_unfinished(self) -> Transcript | None:
        for summary in self.list().summaries:
            if summary.status == "in_progress":
                return self.load(summary.id)
        return None


def _first_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        return f"{exc.error_count()} error(s), first at {loc or 'top level'}: {first['msg']}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def load_transcript(path: Path) -> Transcript:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        transcript = Transcript.model_validate_json(data)
    except ValidationError as exc:
        raise TranscriptError(f"{path}: not a readable transcript ({_first_line(exc)})") from exc
    if transcript.schema_version > SCHEMA_VERSION:
        raise TranscriptError(
            f"{path}: written by a newer version (schema {transcript.schema_version}); please upgrade"
        )
    return transcript
