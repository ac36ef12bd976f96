"""Importers: bring incident history from other status pages into `content/`."""
