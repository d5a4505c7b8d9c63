"""The progress bar: a line per tenth in logs, nothing for small runs."""

import io

from exportkit.app.progress import MIN_ITEMS, Progress


def test_a_line_per_tenth_when_not_a_terminal():
    out = io.StringIO()
    with Progress(MIN_ITEMS, out) as p:
        for _ in range(MIN_ITEMS):
            p.advance()
    lines = out.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[-1].startswith("[" + "#" * 30 + "] 100% ")


def test_small_runs_and_disabled_bars_print_nothing():
    for total, enabled in ((MIN_ITEMS - 1, True), (MIN_ITEMS, False)):
        out = io.StringIO()
        with Progress(total, out, enabled=enabled) as p:
            for _ in range(total):
                p.advance()
        assert out.getvalue() == ""
