"""Loading, validating and linting user-editable content."""

from interviewer.content.loader import Library, UnknownIdError, load_layer, load_library, merge
from interviewer.content.problems import ContentError, Problem

__all__ = ["ContentError", "Library", "Problem", "UnknownIdError", "load_layer", "load_library", "merge"]
