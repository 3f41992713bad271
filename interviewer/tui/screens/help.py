"""Keys and commands at a glance."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# Keys

| key | where | what |
| --- | --- | --- |
| Ctrl+S | interview | submit the answer |
| F2 | interview | ask for a hint |
| F3 | interview | skip the question |
| F4 | interview | repeat the question |
| F5 | interview | switch persona (also in the command palette, Ctrl+P) |
| F8 | interview | run the SQL or Python in the box against test data (nothing is submitted) |
| F10 | interview | end the interview and see the report |
| Ctrl+N / Ctrl+R | home | start / review |
| Enter, Space, c, g, / | review | open, mark, compare two, progress chart, filter |
| Ctrl+T | anywhere | light or dark theme |
| F1 | anywhere | this help |
| Esc | anywhere | back |
| Ctrl+Q | anywhere | quit (everything submitted is saved; the draft too) |

Typing `/hint`, `/skip`, `/repeat`, `/end` or `/persona NAME` in the answer box works too.
The strict interviewer cuts in when the question's time runs out or a draft runs far past its length.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        yield VerticalScroll(Markdown(HELP), id="help")
