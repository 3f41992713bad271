"""Remembers which structured-output mode each server and model accepted, across runs."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from interviewer import paths
from interviewer.llm.config import StructuredMode
from interviewer.store import write_atomically

FILE_NAME = "server_capabilities.json"
LADDER: tuple[StructuredMode, ...] = ("json_schema", "json_object", "plain")


class Capabilities:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.data_dir() / FILE_NAME
        self._modes: dict[str, StructuredMode] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._modes = {k: v for k, v in data.items() if v in LADDER}
        except (OSError, ValueError, AttributeError):
            self._modes = {}

    @staticmethod
    def key(base_url: str | None, model: str) -> str:
        return f"{base_url or 'default'}|{model}"

    def ladder(self, key: str) -> tuple[StructuredMode, ...]:
        """The modes to try, starting from the one this server last accepted."""
        known = self._modes.get(key)
        return LADDER[LADDER.index(known) :] if known else LADDER

    def remember(self, key: str, mode: StructuredMode) -> None:
        if self._modes.get(key) == mode:
            return
        self._modes[key] = mode
        # Remembering is an optimisation; failing to write it changes nothing else.
        with contextlib.suppress(OSError):
            write_atomically(self.path, json.dumps(self._modes, indent=2).encode())
