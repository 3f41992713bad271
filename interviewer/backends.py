"""Choose the brain for a command: offline unless a model is configured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from interviewer.brain import Brain
from interviewer.llm.config import ModelTarget, Price, resolve_backend
from interviewer.offline.brain import OfflineBrain


@dataclass
class BrainChoice:
    brain: Brain
    target: ModelTarget | None
    price: Price | None


@contextmanager
def open_brain(
    *,
    profile: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    offline: bool = False,
) -> Iterator[BrainChoice]:
    """Yield the brain to use; a bundled local server, when asked for, lives for the block."""
    target = resolve_backend(profile_name=profile, model=model, base_url=base_url, api_key=api_key, offline=offline)
    if target is None:
        yield BrainChoice(OfflineBrain(), None, None)
        return
    from interviewer.llm.brain import LLMBrain  # imported only when a model is used

    if target.profile.local:
        from interviewer.llm.local_server import running_local_server

        with running_local_server(target) as served:
            yield BrainChoice(LLMBrain(served), served, served.price)
        return
    yield BrainChoice(LLMBrain(target), target, target.price)
