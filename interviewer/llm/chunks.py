"""One streamed chat chunk, as far as the app reads it, validated at the boundary.

The SDK builds a typed object tree for every chunk of a stream, which costs more than everything else
the app does per token (about 70 microseconds a chunk against 15 for this model), and it checks nothing:
a server's odd chunk passes through as whatever it was. These models read only the fields the app uses
and check their types, so an odd chunk is a one-line error instead of a crash further on.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ReportedUsage(BaseModel):
    """Token counts a server reports for a call; a count it leaves out stays None, never a made-up 0."""

    model_config = ConfigDict(extra="ignore")
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @property
    def complete(self) -> bool:
        return self.prompt_tokens is not None and self.completion_tokens is not None


class ChunkDelta(BaseModel):
    model_config = ConfigDict(extra="ignore")  # reasoning servers add their thinking here; it is not shown
    content: str | None = None


class ChunkChoice(BaseModel):
    model_config = ConfigDict(extra="ignore")
    delta: ChunkDelta | None = None


class StreamChunk(BaseModel):
    model_config = ConfigDict(extra="ignore")
    choices: list[ChunkChoice] | None = None
    usage: ReportedUsage | None = None

    def text(self) -> str:
        """The content this chunk adds, from every choice that carries some."""
        if not self.choices:
            return ""
        return "".join(c.delta.content for c in self.choices if c.delta is not None and c.delta.content)
