"""Model-backed interviewing and judging over any OpenAI-compatible server."""
