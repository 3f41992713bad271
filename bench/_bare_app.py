"""The baseline for bench/tui_startup.py: a Textual app with one Static and nothing else."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Bare Textual app")


if __name__ == "__main__":
    BareApp().run()
