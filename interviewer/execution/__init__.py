"""Run SQL and Python answers against fixtures in a separate, limited process."""
