"""Snapshots of the main screens at 80x24 and 120x40. Update with: pytest --snapshot-update"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from interviewer.session import InterviewSession
from interviewer.tui.app import make_app
from tests.factories import STRONG
from tests.tui_helpers import make_context, settle

SIZES = [(80, 24), (120, 40)]
# Each snapshot boots the app and renders a whole screen: about a second each on a busy machine.
pytestmark = pytest.mark.slow


async def _played(ctx, library, transcript_id: str, answers: list[str], started: datetime) -> InterviewSession:
    session = ctx.interviews.start("test-round", transcript_id=transcript_id)
    session.transcript.started_at = started
    async for _ in session.open():
        pass
    for answer in answers:
        async for _ in session.submit(answer):
            pass
    return session


def _session(ctx, library, transcript_id, answers, started=datetime(2026, 1, 5, 9, 30, tzinfo=UTC)):
    return asyncio.run(_played(ctx, library, transcript_id, answers, started))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_screen(snap_compare, small_library, tmp_path, size):
    async def run_before(pilot):
        await settle(pilot.app, pilot)  # the list of unfinished interviews fills in after the first frame

    assert snap_compare(make_app(make_context(small_library, tmp_path)), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_interview_screen(snap_compare, small_library, tmp_path, size):
    ctx = make_context(small_library, tmp_path)
    session = _session(ctx, small_library, "snapshot-interview", ["We tracked DAU and retention."])

    async def run_before(pilot):
        await settle(pilot.app, pilot)

    assert snap_compare(make_app(ctx, session), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_report_screen(snap_compare, small_library, tmp_path, size):
    ctx = make_context(small_library, tmp_path)
    session = _session(ctx, small_library, "snapshot-report", [STRONG])

    async def run_before(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("f10", "y")
        await settle(pilot.app, pilot)

    assert snap_compare(make_app(ctx, session), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_screen(snap_compare, small_library, tmp_path, size):
    ctx = make_context(small_library, tmp_path)
    _session(ctx, small_library, "snapshot-a", ["It had charts.", "/end"], datetime(2026, 1, 5, 9, 30, tzinfo=UTC))
    _session(ctx, small_library, "snapshot-b", [STRONG, "/end"], datetime(2026, 2, 7, 18, 0, tzinfo=UTC))

    async def run_before(pilot):
        await pilot.press("ctrl+r")
        await settle(pilot.app, pilot)

    assert snap_compare(make_app(ctx), terminal_size=size, run_before=run_before)
