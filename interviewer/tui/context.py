"""What every screen needs, built once by the command line or by a test."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

# The content library, the session and the store bring pydantic, yaml and the models: the first frame waits for
# none of them. Only the loader imports them, in a thread once the home screen is drawn.
if TYPE_CHECKING:
    from interviewer.content import Library
    from interviewer.drafts import DraftStore
    from interviewer.session import Interviews
    from interviewer.store import TranscriptStore


class TuiContext:
    """The interviews come ready made (tests) or as a loader the home screen runs after its first frame."""

    def __init__(
        self,
        interviews: Interviews | None = None,
        *,
        loader: Callable[[], Interviews] | None = None,
        drafts: DraftStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        cursor_blink: bool = True,  # tests and snapshots turn it off so frames are stable
    ) -> None:
        if (interviews is None) == (loader is None):
            raise ValueError("give either the interviews or a loader for them")
        self._interviews = interviews
        self._loader = loader
        self._drafts = drafts
        self.clock = clock
        self.cursor_blink = cursor_blink

    @property
    def loaded(self) -> bool:
        return self._interviews is not None

    def load(self) -> Interviews:
        """Run the loader once: slow (imports, content files, the model choice), so call it off the event loop."""
        if self._interviews is None:
            assert self._loader is not None
            self._interviews = self._loader()
        return self._interviews

    @property
    def interviews(self) -> Interviews:
        if self._interviews is None:
            raise RuntimeError("the interviews are used before they are loaded")
        return self._interviews

    @property
    def drafts(self) -> DraftStore:
        if self._drafts is None:
            from interviewer.drafts import DraftStore

            self._drafts = DraftStore()
        return self._drafts

    @property
    def library(self) -> Library:
        return self.interviews.library

    @property
    def store(self) -> TranscriptStore:
        return self.interviews.store

    @property
    def backend_label(self) -> str:
        return self.interviews.brain.backend.label
