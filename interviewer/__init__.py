"""A terminal mock interviewer."""

__version__ = "0.1.0"
