"""Deterministic text analysis shared by the engine and the offline scorer."""
