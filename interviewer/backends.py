"""Choose the brain for a command: offline unless a model is configured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from interviewer.brain import Brain
from interviewer.offline.brain import OfflineBrain

if TYPE_CHECKING:
    from interviewer.llm.config import ModelTarget


@dataclass
class BrainChoice:
    brain: Brain
    target: ModelTarget | None


@dataclass(frozen=True)
class BrainOptions:
    """The model flags of a command. All unset means the configured default profile, or offline."""

    profile: str | None = None
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)  # never echoed
    offline: bool = False


@contextmanager
def open_brain(options: BrainOptions | None = None) -> Iterator[BrainChoice]:
    """Yield the brain to use; a bundled local server, when asked for, lives for the block."""
    options = options or BrainOptions()
    if options.offline:  # the model configuration and its models are not even loaded
        yield BrainChoice(OfflineBrain(), None)
        return
    from interviewer.llm.config import resolve_backend

    target = resolve_backend(
        profile_name=options.profile,
        model=options.model,
        base_url=options.base_url,
        api_key=options.api_key,
        offline=options.offline,
    )
    if target is None:
        yield BrainChoice(OfflineBrain(), None)
        return
    from interviewer.llm.brain import LLMBrain  # imported only when a model is used

    if target.profile.local:
        from interviewer.llm.local_server import running_local_server

        with running_local_server(target) as served:
            yield BrainChoice(LLMBrain(served), served)
        return
    yield BrainChoice(LLMBrain(target), target)
