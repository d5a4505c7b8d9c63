"""Options that cannot be used are refused before anything is read, sent or written: exit 2, one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportkit.app.cli import main

ROOT = Path(__file__).resolve().parent.parent
DELOREAN = str(ROOT / "datasets" / "delorean.yaml")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(
            ["--timeout", "nan"], "--timeout takes seconds above 0 and at most 60, not nan", id="timeout-nan"
        ),
        pytest.param(["--timeout", "inf"], "--timeout takes seconds above 0", id="timeout-inf"),
        pytest.param(["--timeout", "0"], "--timeout takes seconds above 0", id="timeout-zero"),
        pytest.param(
            ["--retry-wait", "inf"], "--retry-wait takes seconds from 0 to 60, not inf", id="wait-inf"
        ),
        pytest.param(["--retry-wait", "-1"], "--retry-wait takes seconds from 0 to 60", id="wait-negative"),
        pytest.param(["--out", ""], "--out takes a folder name; an empty name", id="out-empty"),
        pytest.param(
            ["--summary", "--deliver", "http-api=http://127.0.0.1:9/"],
            "--summary counts messages without keeping them, so it cannot --deliver them",
            id="summary-deliver",
        ),
    ],
)
def test_run_options_are_checked_first(capsys, args, words):
    assert main(["run", DELOREAN, *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("exportkit: ") and words in err and err.count("\n") == 1, err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(["--out", "."], "--out '.': give a file to record to, not a folder", id="out-folder"),
        pytest.param(["--delay", "inf"], "--delay takes seconds from 0 to 60, not inf", id="delay-inf"),
    ],
)
def test_receive_options_are_checked_first(capsys, args, words):
    assert main(["receive", "--port", "0", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and words in err and err.count("\n") == 1, err
