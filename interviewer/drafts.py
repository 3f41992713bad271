"""The answer being typed, autosaved so an error, a crash or a closed terminal never loses it."""

from __future__ import annotations

import contextlib
from pathlib import Path

from interviewer import paths
from interviewer.store import write_atomically


class DraftStore:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or paths.data_dir() / "drafts"

    def _path(self, transcript_id: str) -> Path:
        return self.root / f"{transcript_id}.txt"

    def save(self, transcript_id: str, text: str) -> None:
        if text.strip():
            write_atomically(self._path(transcript_id), text.encode("utf-8"))
        else:
            self.clear(transcript_id)

    def load(self, transcript_id: str) -> str:
        try:
            return self._path(transcript_id).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""

    def clear(self, transcript_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(transcript_id).unlink()
