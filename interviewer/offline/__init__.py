"""The offline interviewer: deterministic scoring and phrasing with no model and no network."""
