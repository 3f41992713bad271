"""Plain-text and Markdown views of a transcript: scores, evidence and what was missed."""

from __future__ import annotations

from interviewer.models import AnswerScore, Question, Transcript

LEVEL_BAR = {1: "#....", 2: "##...", 3: "###..", 4: "####.", 5: "#####"}


def _score_lines(score: AnswerScore, question: Question | None) -> list[str]:
    lines = [f"**Score: {score.overall:.2f} / 5** ({score.source})"]
    if score.fallback_reason:
        lines.append(f"_Scored offline because: {score.fallback_reason}_")
    if score.flags:
        lines.append(f"_Flags: {', '.join(score.flags)}_")
    if score.run is not None:
        lines.append(f"- ran the answer: **{score.run.status}**, {score.run.summary}")
    descriptions = {c.id: c for c in question.criteria} if question else {}
    for criterion in score.criteria:
        rubric = descriptions.get(criterion.criterion_id)
        title = rubric.description if rubric else criterion.criterion_id
        lines.append(
            f"- `{LEVEL_BAR[criterion.level]}` **{criterion.criterion_id}** level {criterion.level}/5 "
            f"(weight {criterion.weight:g}): {title}"
        )
        lines.append(f"  - {criterion.rationale}")
        for quote in criterion.evidence:
            lines.append(f'  - evidence: "{quote}"')
        if rubric and criterion.level < 4 and rubric.levels.get(5):
            lines.append(f"  - missed: a top answer {rubric.levels[5][0].lower()}{rubric.levels[5][1:]}")
    return lines


def transcript_markdown(transcript: Transcript, questions: dict[str, Question] | None = None) -> str:
    questions = questions or {}
    out = [
        f"# Interview {transcript.id}",
        "",
        f"- Round: {transcript.round_id}",
        f"- Personas: {', '.join(transcript.personas_used()) or transcript.persona}",
        f"- Status: {transcript.status}",
        f"- Started: {transcript.started_at:%Y-%m-%d %H:%M} UTC",
        f"- Backend: {transcript.backend.name}"
        + (f" ({transcript.backend.model})" if transcript.backend.model else ""),
    ]
    if transcript.report is not None:
        report = transcript.report
        out.append(f"- Overall: {report.overall:.2f} / 5 ({report.answered} answered, {report.skipped} skipped)")
        if report.practise_next:
            out.append(f"- Practise next: {', '.join(report.practise_next)}")
    current: str | None = None
    for turn in transcript.turns:
        if turn.question_id and turn.question_id != current and turn.kind == "question":
            current = turn.question_id
            question = questions.get(current)
            out += ["", f"## {current}" + (f": {question.topic}" if question else "")]
        if turn.role == "system":
            out += ["", f"_{turn.text}_"]
            continue
        speaker = "Interviewer" if turn.role == "interviewer" else "Candidate"
        label = f"{speaker} ({turn.persona}, {turn.kind.replace('_', ' ')})" if turn.role == "interviewer" else speaker
        out += ["", f"**{label}:**", "", turn.text]
        if turn.score is not None:
            out += ["", *_score_lines(turn.score, questions.get(turn.score.question_id))]
    for qid in transcript.question_ids:
        question = questions.get(qid)
        if question and any(t.question_id == qid and t.kind == "answer" for t in transcript.turns):
            out += ["", f"### Reference answer for {qid}", "", question.reference_answer]
    return "\n".join(out) + "\n"
