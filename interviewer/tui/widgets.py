"""Chat log messages and the side panel."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Markdown, Static

from interviewer.models import Transcript
from interviewer.tui.safe_text import literal, markdown_source


class InterviewerMessage(Vertical):
    """An interviewer turn; its Markdown body is filled by a stream while the model speaks."""

    def __init__(self, persona: str, text: str = "") -> None:
        super().__init__(classes="message interviewer")
        self.persona = persona
        self.initial = text

    def compose(self) -> ComposeResult:
        yield Label(literal(f"Interviewer · {self.persona}"), classes="speaker")
        yield Markdown(markdown_source(self.initial), classes="body")

    @property
    def body(self) -> Markdown:
        return self.query_one(Markdown)

    async def set_text(self, text: str) -> None:
        await self.body.update(markdown_source(text))

    async def mark(self, note: str) -> None:
        await self.mount(Label(literal(note), classes="phrasing"))


class CandidateMessage(Static):
    def __init__(self, text: str) -> None:
        label = Text()
        label.append("You\n", style="bold")
        label.append_text(literal(text))
        super().__init__(label, classes="message candidate")


class NoteMessage(Static):
    def __init__(self, text: str) -> None:
        super().__init__(literal(text, style="italic"), classes="message note")


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class SidePanel(Static):
    """Where the interview stands: question, follow-ups, clock, persona, tokens and cost."""

    def show(
        self,
        transcript: Transcript,
        *,
        round_title: str,
        question_number: int | None,
        topic: str | None,
        follow_ups: int,
        follow_up_budget: int,
        elapsed: float,
        limit_minutes: float | None,
        persona_name: str,
        backend: str,
        draft_tokens: int,
    ) -> None:
        table = Table.grid(padding=(0, 1))
        table.add_column(style="dim")
        table.add_column()
        total = len(transcript.question_ids)
        table.add_row("Round", literal(round_title))
        table.add_row("Question", f"{question_number or '-'} of {total}")
        if topic:
            table.add_row("Topic", literal(topic))
        table.add_row("Follow-ups", f"{follow_ups} / {follow_up_budget}")
        over = limit_minutes is not None and elapsed > limit_minutes * 60
        limit = f" / {_clock(limit_minutes * 60)}" if limit_minutes else ""
        table.add_row("Time", Text(f"{_clock(elapsed)}{limit}", style="bold red" if over else ""))
        table.add_row("Persona", literal(persona_name))
        table.add_row("Backend", literal(backend))
        usage = transcript.usage
        approx = "~" if usage.approximate else ""
        table.add_row("Tokens", f"{approx}{usage.prompt_tokens + usage.completion_tokens:,}")
        table.add_row("Cost", f"${usage.estimated_cost_usd:.4f}")
        table.add_row("Draft", f"{draft_tokens} tokens")
        table.add_row("Status", transcript.status.replace("_", " "))
        self.update(table)
