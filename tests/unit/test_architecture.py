"""The core never imports Textual: the engine runs headless, in scripts and in batch jobs."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import interviewer


def test_core_modules_do_not_import_textual():
    core = [
        m.name
        for m in pkgutil.walk_packages(interviewer.__path__, "interviewer.")
        if not m.name.startswith("interviewer.tui") and m.name != "interviewer.__main__"
    ]
    code = "import sys\n" + "".join(f"import {name}\n" for name in core) + "print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False", core
