"""Responder tooling: write incident and maintenance YAML with correct times, keep the author's
formatting (round-trip YAML), validate before writing, and scaffold post-incident reviews."""
