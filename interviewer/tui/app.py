"""The Textual application: screens, global keys, themes and command-palette commands."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from interviewer.tui.context import TuiContext
from interviewer.tui.screens.home import HomeScreen

# Screens not yet shown are imported when first opened: the interview screen brings the code runner
# and the token counter, which the first frame does not need.
if TYPE_CHECKING:
    from interviewer.session import InterviewSession

DARK, LIGHT = "textual-dark", "textual-light"


class InterviewerApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "interviewer"
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.theme"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, ctx: TuiContext, session: InterviewSession | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.initial_session = session
        self.start_up_error: Exception | None = None

    def on_mount(self) -> None:
        self.theme = DARK
        self.push_screen(HomeScreen(self.ctx))
        if self.initial_session is not None:
            self.open_interview(self.initial_session)
        self.call_after_refresh(self._freeze_start_up_objects)

    def _freeze_start_up_objects(self) -> None:
        """Everything built at start-up lives as long as the app: keep it out of every later collection,
        so a full collection while a reply streams walks only what was made since."""
        gc.freeze()

    def start_up_failed(self, error: Exception) -> None:
        """Content or model settings that do not load end the app: the command line then reports the error
        on the restored terminal, as it would have before the first frame."""
        self.start_up_error = error
        self.exit()

    def open_interview(self, session: InterviewSession) -> None:
        from interviewer.tui.screens.interview import InterviewScreen

        self.push_screen(InterviewScreen(session, self.ctx))

    def action_go_home(self) -> None:
        self.go_home()

    def go_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.switch_screen(HomeScreen(self.ctx))

    def action_help(self) -> None:
        from interviewer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        from interviewer.tui.screens.interview import InterviewScreen

        if isinstance(screen, InterviewScreen):
            for persona in self.ctx.library.personas.values():
                yield SystemCommand(
                    f"Switch persona: {persona.name}",
                    persona.description,
                    lambda pid=persona.id: screen.switch_persona(pid),
                )


def make_app(ctx: TuiContext, session: InterviewSession | None = None) -> InterviewerApp:
    """The one way to build the app, used by the command line and by the tests."""
    return InterviewerApp(ctx, session)
