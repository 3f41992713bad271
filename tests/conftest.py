"""Shared fixtures: user data always goes to a temp dir, never the developer's real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.content import Library, load_library
from interviewer.offline.brain import OfflineBrain
from interviewer.store import TranscriptStore
from tests.factories import make_library


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def builtin_library() -> Library:
    return load_library(include_user=False)


@pytest.fixture
def small_library() -> Library:
    return make_library()


@pytest.fixture
def store(tmp_path: Path) -> TranscriptStore:
    return TranscriptStore(tmp_path / "transcripts")


@pytest.fixture
def brain() -> OfflineBrain:
    return OfflineBrain()


_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection beyond loopback fails the test: nothing here may touch the network."""
    import socket

    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host not in _LOOPBACK:
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def fake_server():
    from tests.fakes.openai_server import FakeOpenAIServer

    server = FakeOpenAIServer().start()
    yield server
    server.stop()


@pytest.fixture
def profiled_server():
    """Start fake servers that behave like a named server (LM Studio, a reasoning model...); all stop after the test."""
    from tests.fakes.openai_server import FakeOpenAIServer, ServerProfile

    started: list[FakeOpenAIServer] = []

    def start(profile: ServerProfile) -> FakeOpenAIServer:
        server = FakeOpenAIServer(profile=profile).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
