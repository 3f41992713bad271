"""The end-of-interview report: scores, evidence highlighted in the answer, what was missed."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from interviewer.models import AnswerScore, Question
from interviewer.render import level_bar
from interviewer.report import errors_to_name, missed
from interviewer.session import SessionStatus
from interviewer.tui.context import TuiContext
from interviewer.tui.safe_text import literal, neutralise

EVIDENCE_STYLE = "bold black on yellow"


def highlight(answer: str, quotes: list[str]) -> Text:
    """The answer as literal text with each evidence quote highlighted where it occurs."""
    text = literal(answer)
    plain = text.plain
    for quote in quotes:
        safe = neutralise(quote)
        start = plain.find(safe)
        while start >= 0:
            text.stylize(EVIDENCE_STYLE, start, start + len(safe))
            start = plain.find(safe, start + len(safe))
    return text


def run_lines(score: AnswerScore) -> list[Text]:
    """Each version of the code in the thread with what running it did; the last one decided the score."""
    lines: list[Text] = []
    for version in score.versions or ([score.run] if score.run else []):
        line = Text("  Ran ", style="bold")
        line.append(f"reply {version.reply + 1}" if version.reply is not None else "the answer", style="bold")
        line.append(f": {version.status}, ")
        line.append_text(literal(version.summary))
        if version.code:
            line.append("\n")
            line.append_text(literal(version.code, style="dim"))
        lines.append(line)
    return lines


def report_renderables(status: SessionStatus, questions: dict[str, Question]) -> list[Text]:
    report = status.report
    blocks: list[Text] = []
    if report is None:
        blocks.append(Text("This interview has no report yet.", style="italic"))
        return blocks
    head = Text()
    head.append(f"Overall {report.overall:.2f} / 5", style="bold")
    head.append(f"   {report.completion}\n")
    if report.practise_next:
        head.append("Practise next: ", style="bold")
        head.append(", ".join(report.practise_next))
    blocks.append(head)
    for result in report.results:
        question = questions.get(result.question_id)
        title = Text(f"\n{question.topic if question else result.question_id}", style="bold underline")
        if result.skipped or result.score is None:
            title.append("  skipped" if result.skipped else "  not answered", style="dim")
            blocks.append(title)
            continue
        score = result.score
        title.append(f"  {score.overall:.2f} / 5", style="bold")
        title.append(f"  ({score.source}, {result.follow_ups} follow-ups, {result.hints} hints)", style="dim")
        blocks.append(title)
        if score.fallback_reason:
            blocks.append(literal(f"Scored offline because: {score.fallback_reason}", style="italic"))
        blocks.extend(run_lines(score))
        rubric = {c.id: c for c in question.criteria} if question else {}
        quotes: list[str] = []
        for criterion in score.criteria:
            line = Text()
            line.append(f"  {level_bar(criterion.level)} ", style="green")
            line.append(f"{criterion.criterion_id} ", style="bold")
            described = rubric.get(criterion.criterion_id)
            if described:
                line.append_text(literal(described.description))
            line.append("\n    ")
            line.append_text(literal(criterion.rationale, style="dim"))
            for claim in errors_to_name(criterion):
                line.append("\n    Known error stated: ", style="bold yellow")
                line.append_text(literal(claim))
            top = missed(described, criterion.level) if described else None
            if top:
                line.append("\n    Missed: ", style="bold red")
                line.append_text(literal(top))
            blocks.append(line)
            quotes.extend(criterion.evidence)
        blocks.append(Text("  Your answer (evidence highlighted):", style="bold"))
        blocks.append(highlight(status.answers.get(result.question_id, ""), quotes))
        if question:
            blocks.append(Text("  Reference answer:", style="bold"))
            blocks.append(literal(question.reference_answer, style="italic"))
    return blocks


class ReportScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "home", "Home", id="report.home"),
        Binding("r", "review", "Review", id="report.review"),
    ]

    def __init__(self, status: SessionStatus, ctx: TuiContext) -> None:
        super().__init__()
        self.status = status
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="report"):
            yield Static(Group(*report_renderables(self.status, self.ctx.library.questions)), id="report-body")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Interview report"
        self.sub_title = self.status.transcript_id

    def action_home(self) -> None:
        self.app.go_home()  # type: ignore[attr-defined]

    def action_review(self) -> None:
        from interviewer.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.ctx))
