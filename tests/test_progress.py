"""Progress on stderr: a line per tenth in logs, rich's bar on a terminal, nothing for small runs."""

import io

from exportkit.app.progress import MIN_BYTES, MIN_ITEMS, Progress, loading


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_line_per_tenth_when_not_a_terminal():
    out = io.StringIO()
    with Progress(MIN_ITEMS, out) as p:
        for _ in range(MIN_ITEMS):
            p.advance()
    lines = out.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[-1].startswith("[" + "#" * 30 + "] 100% 20,000/20,000 events")


def test_small_runs_and_disabled_bars_print_nothing():
    for total, enabled in ((MIN_ITEMS - 1, True), (MIN_ITEMS, False)):
        out = io.StringIO()
        with Progress(total, out, enabled=enabled) as p:
            for _ in range(total):
                p.advance()
        assert out.getvalue() == ""


def test_on_a_terminal_the_bar_is_richs_and_ends_complete():
    out = Terminal()
    with Progress(MIN_ITEMS, out) as p:
        for _ in range(MIN_ITEMS):
            p.advance()
        assert p._bar is not None and p._bar.tasks[0].completed == MIN_ITEMS
    assert p._bar.finished


def test_loading_a_large_file_says_so_in_a_log_and_nothing_for_a_small_one(tmp_path):
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_text("{}")
    large.write_bytes(b" " * MIN_BYTES)
    out = io.StringIO()
    with loading(small, out):
        pass
    assert out.getvalue() == ""
    with loading(large, out):
        pass
    first, second = out.getvalue().splitlines()
    assert first == "exportkit: loading large.json (5.0 MB)"
    assert second.startswith("exportkit: loaded in ")
