"""The home screen draws first and lists unfinished interviews afterwards, a bounded number of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import Label, ListView

from interviewer.models import Transcript
from interviewer.tui.app import make_app
from interviewer.tui.screens.home import RESUME_SHOWN
from tests.tui_helpers import make_context, plain, settle


@pytest.mark.slow
async def test_the_most_recent_unfinished_interviews_are_listed_and_the_rest_counted(small_library, tmp_path):
    ctx = make_context(small_library, tmp_path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    total = RESUME_SHOWN + 7
    for i in range(total):
        tid = f"20260101-0000{i:02d}-test-round-{i:04x}"
        ctx.store.save(Transcript(id=tid, round_id="test-round", question_ids=["q1"], persona="strict",
                                  started_at=start + timedelta(minutes=i)))  # fmt: skip
    ctx.store.close()
    app = make_app(ctx)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        items = app.screen.query_one("#resume", ListView).children
        assert len(items) == RESUME_SHOWN
        assert items[0].id == f"r-20260101-0000{total - 1:02d}-test-round-{total - 1:04x}"  # newest first
        assert f"({total})" in plain(app.screen.query_one("#resume-count", Label))
