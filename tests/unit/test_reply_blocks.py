"""Where a streamed reply may be split into Markdown blocks: blank lines outside code fences."""

from __future__ import annotations

from interviewer.tui.widgets import BLOCK_CHARS, FORCED_CUT_CHARS, _settle_point, split_blocks

PARAGRAPH = "We picked DAU because the product is used daily and retention follows. " * 6 + "\n\n"


def test_blocks_join_back_to_the_text_and_stay_near_the_block_size() -> None:
    text = PARAGRAPH * 60
    blocks = split_blocks(text)
    assert "".join(blocks) == text
    assert len(blocks) > 5
    assert all(len(b) < BLOCK_CHARS + len(PARAGRAPH) for b in blocks)


def test_a_code_fence_with_blank_lines_is_never_split() -> None:
    fence = "```python\n" + "x = 1\n\n" * 400 + "```\n\n"
    text = PARAGRAPH * 3 + fence + PARAGRAPH * 3
    blocks = split_blocks(text)
    assert "".join(blocks) == text
    assert all(b.count("```") % 2 == 0 for b in blocks)
    assert any(fence in b for b in blocks)


def test_a_short_live_tail_is_not_settled() -> None:
    assert _settle_point(PARAGRAPH * 2) == 0


def test_a_long_live_tail_settles_at_its_last_blank_line() -> None:
    text = PARAGRAPH * 12 + "still being written"
    assert _settle_point(text) == len(PARAGRAPH * 12)


def test_a_reply_without_blank_lines_is_cut_at_a_line_end_once_very_long() -> None:
    lines = "a line of text without a paragraph break\n" * (FORCED_CUT_CHARS // 30)
    text = lines + "partial"
    assert _settle_point(text) == len(lines)
    assert _settle_point(lines[: BLOCK_CHARS * 2] + "partial") == 0
