"""What every screen needs, built once by the command line or by a test."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from interviewer.content import Library
from interviewer.drafts import DraftStore
from interviewer.session import Interviews
from interviewer.store import TranscriptStore


@dataclass
class TuiContext:
    interviews: Interviews
    drafts: DraftStore = field(default_factory=DraftStore)
    clock: Callable[[], float] = time.monotonic
    cursor_blink: bool = True  # tests and snapshots turn it off so frames are stable

    @property
    def library(self) -> Library:
        return self.interviews.library

    @property
    def store(self) -> TranscriptStore:
        return self.interviews.store

    @property
    def backend_label(self) -> str:
        return self.interviews.brain.backend.label
