"""Remembers what each server and model accepts, across runs: the request shape it wants and its judge mode.

Everything here is learned from the server's own refusals (a 400 or 422 that names the parameter),
never from a reply's content, so one bad reply can never downgrade a server for good.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from interviewer import paths
from interviewer.llm.config import ModelTarget, StructuredMode
from interviewer.store import write_atomically

FILE_NAME = "server_capabilities.json"
LADDER: tuple[StructuredMode, ...] = ("json_schema", "json_object", "plain")
TokenField = Literal["max_tokens", "max_completion_tokens"]


class ServerTraits(BaseModel):
    """How requests to one server and model must be shaped."""

    structured: StructuredMode | None = None  # the highest judge mode the server has not refused
    token_field: TokenField = "max_tokens"  # reasoning models take max_completion_tokens
    temperature: bool = True  # False: only the default temperature is accepted, so none is sent
    stream_usage: bool = True  # False: the server refuses stream_options
    json_object_schema: bool = True  # False: json_object must be sent without the `schema` key

    @property
    def reasoning(self) -> bool:
        return self.token_field == "max_completion_tokens"

    def adapted(self) -> list[str]:
        """What differs from a plain OpenAI-compatible request, in words, for doctor and the README."""
        notes = []
        if self.reasoning:
            notes.append("max_completion_tokens instead of max_tokens")
        if not self.temperature:
            notes.append("no temperature")
        if not self.stream_usage:
            notes.append("no stream_options")
        if not self.json_object_schema:
            notes.append("json_object without schema")
        return notes


def key_for(target: ModelTarget) -> str:
    """The bundled model's server moves to a new port each run; its traits belong to the model, not the port."""
    if target.profile.local:
        return f"local|{target.model}"
    return f"{target.base_url or 'default'}|{target.model}"


class Capabilities:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.data_dir() / FILE_NAME
        self._traits: dict[str, ServerTraits] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            if isinstance(value, str):  # the older file held only the judge mode
                value = {"structured": value}
            # A damaged entry is forgotten, not fatal: it is learned again.
            with contextlib.suppress(ValidationError):
                self._traits[key] = ServerTraits.model_validate(value)

    def traits(self, key: str) -> ServerTraits:
        return self._traits.get(key, ServerTraits()).model_copy()

    def ladder(self, key: str) -> tuple[StructuredMode, ...]:
        """The modes to try, starting from the highest one this server has not refused."""
        known = self.traits(key).structured
        return LADDER[LADDER.index(known) :] if known else LADDER

    def update(self, key: str, **changes: object) -> None:
        current = self.traits(key)
        updated = current.model_copy(update=changes)
        if updated == current and key in self._traits:
            return
        self._traits[key] = updated
        data = {k: v.model_dump(exclude_defaults=True) for k, v in self._traits.items()}
        # Remembering is an optimisation; failing to write it changes nothing else.
        with contextlib.suppress(OSError):
            write_atomically(self.path, json.dumps(data, indent=2).encode())

    def remember(self, key: str, mode: StructuredMode) -> None:
        self.update(key, structured=mode)
