"""What every screen needs, built once by the command line or by a test."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from interviewer.backends import BrainChoice
from interviewer.content import Library
from interviewer.drafts import DraftStore
from interviewer.store import TranscriptStore


@dataclass
class TuiContext:
    library: Library
    store: TranscriptStore
    choice: BrainChoice
    drafts: DraftStore = field(default_factory=DraftStore)
    clock: Callable[[], float] = time.monotonic
    cursor_blink: bool = True  # tests and snapshots turn it off so frames are stable

    @property
    def backend_label(self) -> str:
        if self.choice.target is None:
            return "Offline interviewer (no model configured)"
        target = self.choice.target
        return f"Model {target.model} via {target.name}"
