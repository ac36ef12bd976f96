"""Helpers of the public HTML pages: labels and formats (`labels`), and view data derived from the
public projection only (`views`): uptime bars with their text, monthly uptime, history pages."""
