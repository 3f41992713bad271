"""Score many answers concurrently with a bounded number of requests in flight.

Each input line gets one output line, in input order; a bad line or a failed score is
reported on its own line and never stops the batch.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from pydantic import BaseModel, ValidationError

from interviewer.brain import Brain
from interviewer.content import Library, UnknownIdError
from interviewer.inert import json_inert
from interviewer.models import AnswerScore
from interviewer.scoring import score_with_run
from interviewer.threads import AnswerThread


class BatchItem(BaseModel):
    id: str | None = None
    question: str
    answer: str


class BatchResult(BaseModel):
    line: int
    id: str | None = None
    question: str | None = None
    ok: bool
    score: AnswerScore | None = None
    error: str | None = None


class BatchSummary(BaseModel):
    total: int
    scored: int
    failed: int
    fallback: int


def parse_line(number: int, raw: str) -> BatchItem | BatchResult:
    try:
        return BatchItem.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "line"
        return BatchResult(line=number, ok=False, error=f"{where}: {first['msg']}")


async def score_batch(
    lines: list[str],
    library: Library,
    brain: Brain,
    concurrency: int,
    out: TextIO,
    progress: TextIO | None = sys.stderr,
) -> BatchSummary:
    semaphore = asyncio.Semaphore(concurrency)
    numbered = [(n, raw) for n, raw in enumerate(lines, start=1) if raw.strip()]
    done: dict[int, BatchResult] = {}
    order = [n for n, _ in numbered]
    cursor = 0

    def flush() -> None:
        nonlocal cursor
        while cursor < len(order) and order[cursor] in done:
            out.write(json_inert(done[order[cursor]].model_dump_json()) + "\n")  # evidence quotes answers
            cursor += 1
        out.flush()

    async def one(number: int, raw: str) -> None:
        parsed = parse_line(number, raw)
        if isinstance(parsed, BatchResult):
            result = parsed
        else:
            try:
                question = library.question(parsed.question)
                async with semaphore:
                    thread = AnswerThread.single(question.prompt, parsed.answer)
                    score = await score_with_run(brain, question, thread)
                result = BatchResult(line=number, id=parsed.id, question=parsed.question, ok=True, score=score)
            except UnknownIdError as exc:
                result = BatchResult(line=number, id=parsed.id, question=parsed.question, ok=False, error=str(exc))
            except Exception as exc:  # one bad answer must not abort the batch
                message = f"{type(exc).__name__}: {exc}"
                result = BatchResult(line=number, id=parsed.id, question=parsed.question, ok=False, error=message)
        done[number] = result
        flush()
        if progress is not None:
            progress.write(f"\rscored {len(done)}/{len(numbered)}")
            progress.flush()

    await asyncio.gather(*(one(n, raw) for n, raw in numbered))
    if progress is not None:
        progress.write("\n")
    results = list(done.values())
    return BatchSummary(
        total=len(results),
        scored=sum(r.ok for r in results),
        failed=sum(not r.ok for r in results),
        fallback=sum(1 for r in results if r.score is not None and r.score.source == "fallback"),
    )
