"""A streamed reply shows a bounded plain tail and renders Markdown once per block."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from rich.markdown import Markdown as RichMarkdown
from textual.app import App, ComposeResult
from textual.widgets import TextArea

from interviewer.brain import PhraseContext, PhraseReset
from interviewer.models import Persona
from interviewer.offline.brain import OfflineBrain
from interviewer.plans import Plan
from interviewer.tui.app import make_app
from interviewer.tui.safe_text import markdown_source
from interviewer.tui.screens.interview import FLUSH_SECONDS
from interviewer.tui.widgets import FORCED_CUT_CHARS, InterviewerMessage
from tests.factories import make_library
from tests.tui_helpers import SETTLE_TIMEOUT, make_context, plain, settle

WORDS = ("metric", "retention", "because", "users", "daily", "**impact**", "the", "and", "so", "we")


def reply(tokens: int) -> list[str]:
    return [f" {WORDS[i % len(WORDS)]}" + ("\n\n" if i % 120 == 119 else "") for i in range(tokens)]


class OneMessage(App[None]):
    def compose(self) -> ComposeResult:
        yield InterviewerMessage("strict")


async def test_a_long_stream_settles_into_blocks_and_keeps_a_bounded_tail() -> None:
    app = OneMessage()
    async with app.run_test(size=(100, 30)) as pilot:
        message = app.query_one(InterviewerMessage)
        stream = message.stream()
        pieces = reply(3000)
        for start in range(0, len(pieces), 50):
            await stream.write("".join(pieces[start : start + 50]))
            assert len(stream._live) < FORCED_CUT_CHARS
        await stream.stop()
        await pilot.pause()
        text = "".join(pieces)
        assert message.body.source == markdown_source(text)
        blocks = message.body.blocks
        assert len(blocks) > 3
        assert len(message.body.query(".block")) == len(blocks)
        assert all(len(b) < FORCED_CUT_CHARS for b in blocks)


async def test_the_final_text_is_not_rendered_again_when_it_is_what_was_streamed() -> None:
    app = OneMessage()
    async with app.run_test(size=(100, 30)) as pilot:
        message = app.query_one(InterviewerMessage)
        text = "".join(reply(600))
        await message.stream().write(text)
        await message.stream().stop()
        before = list(message.body.query(".block"))
        await message.set_text(text.strip())
        await pilot.pause()
        assert list(message.body.query(".block")) == before


async def test_a_settled_block_is_laid_out_once_and_again_only_for_a_new_width(monkeypatch) -> None:
    renders: list[int] = []
    original = RichMarkdown.__rich_console__

    def counted(self, console, options):
        renders.append(options.max_width)
        return original(self, console, options)

    monkeypatch.setattr(RichMarkdown, "__rich_console__", counted)
    app = OneMessage()
    async with app.run_test(size=(100, 30)) as pilot:
        message = app.query_one(InterviewerMessage)
        text = "".join(reply(1500))
        await message.stream().write(text)
        await message.stream().stop()
        await pilot.pause()
        # Measured and drawn from one layout each: a Static would lay out Rich's Markdown twice per block.
        assert len(renders) == len(message.body.blocks) > 1
        renders.clear()
        app.screen.refresh(layout=True)
        await pilot.pause()
        assert renders == []
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        assert renders and set(renders) == {message.body.content_region.width}
        assert message.body.query(".block").first().size.width == message.body.content_region.width
        assert message.body.source == markdown_source(text)


async def test_a_replaced_reply_is_rendered_afresh() -> None:
    app = OneMessage()
    async with app.run_test(size=(100, 30)) as pilot:
        message = app.query_one(InterviewerMessage)
        await message.stream().write("".join(reply(600)))
        await message.set_text("Why DAU rather than WAU?")
        await pilot.pause()
        assert message.body.source == "Why DAU rather than WAU?"
        assert message.body.blocks == ["Why DAU rather than WAU?"]
        assert "Why DAU rather than WAU?" in plain(message.body.query_one(".block"))


async def test_the_live_tail_shows_markup_and_escapes_literally() -> None:
    app = OneMessage()
    async with app.run_test(size=(100, 30)) as pilot:
        message = app.query_one(InterviewerMessage)
        await message.stream().write("[bold red]not styled[/] \x1b[31m <b>tag</b>")
        await pilot.pause()
        shown = plain(message.body.query_one(".live"))
        assert "[bold red]not styled[/]" in shown
        assert "\\x1b[31m" in shown
        assert "\x1b" not in shown
        assert "<b>tag</b>" in shown


async def test_links_and_html_in_a_reply_stay_text() -> None:
    app = OneMessage()
    async with app.run_test(size=(100, 30)) as pilot:
        message = app.query_one(InterviewerMessage)
        await message.set_text("See [the docs](https://example.com/x) and <b>this</b>.")
        await pilot.pause()
        shown = plain(message.body.query_one(".block"))
        assert "the docs" in shown and "https://example.com/x" in shown
        assert "<b>this</b>" in shown


class PausingBrain(OfflineBrain):
    """Once armed, streams two words and then stops until let go, like a server pausing mid-reply."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = False
        self.paused = asyncio.Event()
        self.go_on = asyncio.Event()

    async def phrase(
        self, plan: Plan, persona: Persona, seed: int, context: PhraseContext
    ) -> AsyncIterator[str | PhraseReset]:
        if not self.armed:
            async for piece in super().phrase(plan, persona, seed, context):
                yield piece
            return
        yield "Why"
        yield " DAU"
        self.paused.set()
        await self.go_on.wait()
        yield " rather than WAU?"


@pytest.mark.slow
async def test_tokens_held_for_a_batch_are_shown_when_the_server_pauses(tmp_path: Path) -> None:
    brain = PausingBrain()
    ctx = make_context(make_library(1), tmp_path, brain=brain)
    app = make_app(ctx, ctx.interviews.start("test-round"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        brain.armed = True
        app.screen.query_one(
            "#answer", TextArea
        ).text = "I would track DAU because the product is used daily, with retention as a guardrail."
        app.screen.action_submit()
        await asyncio.wait_for(brain.paused.wait(), SETTLE_TIMEOUT)
        await pilot.pause(FLUSH_SECONDS * 3)  # no token follows, yet both words are on screen by now
        message = app.screen.query(InterviewerMessage).last()
        assert message.body.source == "Why DAU"
        assert "Why DAU" in plain(message.body.query_one(".live"))
        brain.go_on.set()
        await settle(app, pilot)
        assert message.body.source == "Why DAU rather than WAU?"
        assert message.body.blocks == ["Why DAU rather than WAU?"]
