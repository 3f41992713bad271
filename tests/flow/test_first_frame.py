"""The home screen draws before the content, the session and the model choice are loaded; they load in a thread
and fill the screen in, and content that does not load still ends the command with one line and exit code 2."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import re
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import Select

from interviewer import paths
from interviewer.content import ContentError, load_library
from interviewer.offline.brain import OfflineBrain
from interviewer.session import Interviews
from interviewer.store import TranscriptStore
from interviewer.tui.app import make_app
from interviewer.tui.context import TuiContext
from interviewer.tui.screens.home import HomeScreen
from interviewer.tui.screens.interview import InterviewScreen
from tests.tui_helpers import FakeClock, make_context, plain, settle

SIZE = (100, 30)
ROOT = Path(__file__).resolve().parents[2]
# Each test boots the app (one in a fresh interpreter, one as a whole command in a terminal): over a second each.
pytestmark = pytest.mark.slow

# Run in a fresh interpreter: what the first frame has loaded when the loader is called, after that frame.
FIRST_FRAME = """
import asyncio, json, sys, threading
from pathlib import Path
from interviewer.tui.app import make_app
from interviewer.tui.context import TuiContext

HEAVY = ("yaml", "pydantic", "interviewer.models", "interviewer.content", "interviewer.session", "openai",
         "textual.widgets._markdown", "textual.widgets._text_area")
seen = {}

def load():
    seen["loaded before"] = sorted(name for name in HEAVY if name in sys.modules)
    seen["off the event loop"] = threading.current_thread() is not threading.main_thread()
    seen["placeholder shown"] = len(app.screen.query("#home-loading")) == 1
    from interviewer.content import load_library
    from interviewer.offline.brain import OfflineBrain
    from interviewer.session import Interviews
    from interviewer.store import TranscriptStore
    return Interviews(load_library(), TranscriptStore(Path(sys.argv[1])), OfflineBrain())

async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await asyncio.wait_for(app.workers.wait_for_complete(), 60)
        await pilot.pause()
        seen["rounds"] = len(app.screen.query_one("#round")._options)

app = make_app(TuiContext(loader=load, cursor_blink=False))
asyncio.run(main())
print(json.dumps(seen))
"""


def test_the_first_frame_loads_no_content_models_or_session_and_the_rounds_fill_in_after(tmp_path, isolated_home):
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(tmp_path / "transcripts")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["loaded before"] == []
    assert seen["off the event loop"] and seen["placeholder shown"]
    assert seen["rounds"] == len(load_library().rounds)


async def test_start_waits_for_the_rounds_then_opens_the_interview(small_library, tmp_path):
    ready = make_context(small_library, tmp_path)
    gate = threading.Event()

    def load():
        gate.wait(60)
        return ready.interviews

    app = make_app(TuiContext(loader=load, drafts=ready.drafts, clock=FakeClock(), cursor_blink=False))
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            assert "Loading rounds" in plain(app.screen.query_one("#home-loading"))
            assert not app.screen.query("#round")
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            assert any("Still loading" in str(n.message) for n in app._notifications)
            gate.set()
            await settle(app, pilot)
            assert not app.screen.query("#home-loading")
            assert app.screen.query_one("#round", Select).has_focus
            await pilot.click("#start")
            await settle(app, pilot)
            assert isinstance(app.screen, InterviewScreen)
    finally:
        gate.set()


def _broken_content(tmp_path: Path) -> Path:
    text = (paths.builtin_content_dir() / "personas" / "strict.yaml").read_text()
    assert "follow_up_budget: 3" in text
    target = tmp_path / "content" / "personas" / "strict.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(text.replace("follow_up_budget: 3", "follow_up_budget: lots"))
    return tmp_path / "content"


async def test_content_that_does_not_load_ends_the_app_and_is_kept_for_the_command_line(tmp_path):
    content = _broken_content(tmp_path)

    def load() -> Interviews:
        return Interviews(load_library(extra=[content]), TranscriptStore(tmp_path / "transcripts"), OfflineBrain())

    app = make_app(TuiContext(loader=load))
    await asyncio.wait_for(app.run_async(headless=True, size=SIZE), 60)
    assert isinstance(app.start_up_error, ContentError)
    assert "strict.yaml:" in str(app.start_up_error.problems[0])


def test_the_command_with_broken_content_leaves_the_terminal_and_says_one_line_with_exit_2(tmp_path, isolated_home):
    """In a terminal, as a user runs it: the screen is restored, then the one line naming file:line and field."""
    content = _broken_content(tmp_path)
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "interviewer", "--offline", "--content", str(content)]
    command += ["--transcripts", str(tmp_path / "transcripts")]
    proc = subprocess.Popen(command, cwd=ROOT, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    shown = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if select.select([leader], [], [], 0.1)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the command has exited and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
    os.close(leader)
    assert proc.wait(timeout=10) == 2
    after_the_app = shown.rsplit(b"\x1b[?1049l", 1)[-1].decode()  # what follows leaving the app's screen
    text = re.sub(r"\x1b\[[?<>=0-9;]*[A-Za-z]", "", after_the_app)  # the modes the app switches back off
    lines = [line for line in text.replace("\r", "").split("\n") if line.strip()]
    assert len(lines) == 1, after_the_app
    assert "strict.yaml:5" in lines[0] and "follow_up_budget" in lines[0]
    assert "Traceback" not in shown.decode(errors="replace")
