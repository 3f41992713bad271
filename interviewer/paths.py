"""Where things live on disk: built-in content, user content, transcripts."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "interviewer"
HOME_ENV = "INTERVIEWER_HOME"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _home_override() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """User content (personas/, rubrics/) and config; INTERVIEWER_HOME relocates it."""
    return _home_override() or Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """User data such as transcripts; INTERVIEWER_HOME relocates it."""
    return _home_override() or Path(platformdirs.user_data_dir(APP_NAME))


def transcripts_dir(override: Path | None = None) -> Path:
    return override if override is not None else data_dir() / "transcripts"


def builtin_content_dir() -> Path:
    """Built-in personas and rubrics.

    A wheel carries them inside the package (`interviewer/_content`); a source checkout
    or editable install reads them from the repository root, where users edit them.
    """
    packaged = _PACKAGE_DIR / "_content"
    if (packaged / "personas").is_dir():
        return packaged
    return _PACKAGE_DIR.parent


def example_transcripts_dir() -> Path:
    packaged = _PACKAGE_DIR / "_content" / "transcripts"
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / "transcripts"
