"""Shared test settings: a headless matplotlib backend and a bounded hypothesis profile."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "book",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("book")


def pytest_terminal_summary(terminalreporter):
    """Per chapter: what a reader sees of the code (tests/test_visible_code.py)."""
    from test_visible_code import report

    terminalreporter.section("visible code per notebook (checks folded, CHAPTERS.md)")
    for row in report():
        terminalreporter.write_line(row)
