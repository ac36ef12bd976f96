"""Statuspress: an incident status page and post-mortem knowledge base generator."""
