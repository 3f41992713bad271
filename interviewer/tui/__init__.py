"""The terminal UI. It renders and forwards intent; the engine and session decide everything."""
