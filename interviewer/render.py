"""Markdown views of a transcript for `show` and `export`: scores, evidence and what was missed.

Everything a candidate, a model or a transcript file supplied is fenced or escaped (see `inert`), so
an answer cannot add HTML, a link or a heading such as a forged overall score.
"""

from __future__ import annotations

from interviewer.inert import markdown_block, markdown_inline
from interviewer.models import AnswerScore, Question, Transcript
from interviewer.models.fallbacks import summarise_fallbacks
from interviewer.report import errors_to_name, missed


def level_bar(level: int) -> str:
    """A 1-5 level as filled and empty dots, read the same in a terminal, a Markdown view or an export."""
    return "●" * level + "○" * (5 - level)


def _score_lines(score: AnswerScore, question: Question | None) -> list[str]:
    lines = [f"**Score: {score.overall:.2f} / 5** ({markdown_inline(score.source)})"]
    if score.fallback_reason:
        lines.append(f"_Scored offline because: {markdown_inline(score.fallback_reason)}_")
    if score.flags:
        lines.append(f"_Flags: {markdown_inline(', '.join(score.flags))}_")
    if score.run is not None:
        lines.append(f"- ran the answer: **{markdown_inline(score.run.status)}**, {markdown_inline(score.run.summary)}")
    if len(score.versions) > 1:
        # Each version of the code in the thread with its run; the last one decided the score.
        for number, version in enumerate(score.versions, start=1):
            where = f"reply {version.reply + 1}" if version.reply is not None else "the answer"
            lines.append(
                f"- version {number} ({where}): **{markdown_inline(version.status)}**, "
                f"{markdown_inline(version.summary)}"
            )
    descriptions = {c.id: c for c in question.criteria} if question else {}
    for criterion in score.criteria:
        rubric = descriptions.get(criterion.criterion_id)
        title = rubric.description if rubric else criterion.criterion_id
        lines.append(
            f"- {level_bar(criterion.level)} **{markdown_inline(criterion.criterion_id)}** "
            f"level {criterion.level}/5 (weight {criterion.weight:g}): {markdown_inline(title)}"
        )
        lines.append(f"  - {markdown_inline(criterion.rationale)}")
        for claim in errors_to_name(criterion):
            lines.append(f"  - known error stated: {markdown_inline(claim)}")
        for quote in criterion.evidence:
            lines.append(f'  - evidence: "{markdown_inline(quote)}"')
        top = missed(rubric, criterion.level) if rubric else None
        if top:
            lines.append(f"  - missed: a top answer {markdown_inline(top[0].lower() + top[1:])}")
    return lines


def transcript_markdown(transcript: Transcript, questions: dict[str, Question] | None = None) -> str:
    questions = questions or {}
    backend = transcript.backend
    out = [
        f"# Interview {markdown_inline(transcript.id)}",
        "",
        f"- Round: {markdown_inline(transcript.round_id)}",
        f"- Personas: {markdown_inline(', '.join(transcript.personas_used()) or transcript.persona)}",
        f"- Status: {transcript.status}",
        f"- Started: {transcript.started_at:%Y-%m-%d %H:%M} UTC",
        f"- Backend: {markdown_inline(backend.name)}"
        + (f" ({markdown_inline(backend.model)})" if backend.model else ""),
    ]
    fallbacks = summarise_fallbacks(transcript)
    if fallbacks is not None:
        out.append(f"- {markdown_inline(fallbacks.line())}")
    if transcript.report is not None:
        report = transcript.report
        out.append(f"- Overall: {report.overall:.2f} / 5 ({report.completion})")
        if report.practise_next:
            out.append(f"- Practise next: {markdown_inline(', '.join(report.practise_next))}")
    current: str | None = None
    for turn in transcript.turns:
        if turn.question_id and turn.question_id != current and turn.kind == "question":
            current = turn.question_id
            question = questions.get(current)
            out += ["", f"## {markdown_inline(current)}" + (f": {markdown_inline(question.topic)}" if question else "")]
        if turn.role == "system":
            out += ["", f"_{markdown_inline(turn.text)}_"]
            continue
        speaker = "Interviewer" if turn.role == "interviewer" else "Candidate"
        label = (
            f"{speaker} ({markdown_inline(turn.persona)}, {turn.kind.replace('_', ' ')})"
            if turn.role == "interviewer"
            else speaker
        )
        out += ["", f"**{label}:**", "", *markdown_block(turn.text)]
        if turn.phrasing == "fallback" and turn.note:
            out += ["", f"_Offline words stand in for the model's: {markdown_inline(turn.note)}_"]
        if turn.score is not None:
            out += ["", *_score_lines(turn.score, questions.get(turn.score.question_id))]
    for qid in transcript.question_ids:
        question = questions.get(qid)
        if question and any(t.question_id == qid and t.kind == "answer" for t in transcript.turns):
            out += [
                "",
                f"### Reference answer for {markdown_inline(qid)}",
                "",
                *markdown_block(question.reference_answer),
            ]
    return "\n".join(out) + "\n"
