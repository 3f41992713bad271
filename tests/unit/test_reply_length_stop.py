"""A streamed reply is dropped as soon as it is too long, not once all of it has arrived."""

from __future__ import annotations

import random

from interviewer.brain import PhraseReset
from interviewer.llm.brain import LLMBrain
from interviewer.llm.guardrails import MAX_LEAD_IN_WORDS, WordCounter
from interviewer.session import InterviewSession, Token
from tests.fakes.openai_server import Stream
from tests.llm_helpers import capabilities, target_for


def test_the_streaming_count_matches_split_however_the_text_is_cut() -> None:
    chooser = random.Random(14)
    text = "Why  DAU\nrather than\tWAU?  We picked it because users return daily.\n\n Next: retention "
    for _ in range(300):
        cuts = sorted(chooser.sample(range(1, len(text)), chooser.randint(0, 20)))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        counter = WordCounter()
        for piece in pieces:
            counter.feed(piece)
        assert counter.words == len(text.split()), pieces


async def test_a_reply_past_the_limit_stops_being_read(small_library, store, fake_server, tmp_path) -> None:
    fake_server.enqueue(Stream([" word"] * 20_000))
    brain = LLMBrain(target_for(fake_server), capabilities=capabilities(tmp_path))
    session = InterviewSession.create(small_library, "test-round", None, brain, store)
    events = [e async for e in session.open()]
    shown = [e for e in events if isinstance(e, Token)]
    resets = [e for e in events if isinstance(e, PhraseReset)]
    # Only the words up to the limit reach the screen; the rest of the 20,000 is never read.
    assert len(shown) <= MAX_LEAD_IN_WORDS
    assert resets and "too long" in resets[-1].reason
    turn = [t for t in session.transcript.turns if t.role == "interviewer"][-1]
    assert turn.phrasing == "fallback"
    assert "Prompt for q1?" in turn.text
