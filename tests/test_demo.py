"""`exportkit demo`: the Voila command line and the CLI's checks (the server itself is exercised by
tests/test_browser.py)."""

from __future__ import annotations

import socket
import sys

import pytest

from exportkit.app.cli import main
from exportkit.app.demo import NOTEBOOK, address, free_port, voila_command


def test_voila_runs_the_demo_notebook_in_this_environment_on_loopback_only():
    cmd = voila_command(8866)
    assert cmd[:3] == [sys.executable, "-m", "voila"]
    assert cmd[3] == str(NOTEBOOK) and NOTEBOOK.is_file()
    for flag in (
        "--no-browser",
        "--port=8866",
        "--Voila.ip=127.0.0.1",
        "--strip_sources=True",
        "--Voila.port_retries=0",
    ):
        assert flag in cmd


@pytest.mark.parametrize(
    ("scenario", "step", "expected"),
    [
        pytest.param("delorean", None, "http://127.0.0.1:8866/", id="default"),
        pytest.param("backfill", None, "http://127.0.0.1:8866/?scenario=backfill", id="scenario"),
        pytest.param("backfill", 3, "http://127.0.0.1:8866/?scenario=backfill&step=3", id="step"),
    ],
)
def test_address(scenario, step, expected):
    assert address(8866, scenario, step) == expected


def test_free_port_is_free():
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", port))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["demo", "--scenario", "nope"],
            "exportkit: unknown scenario 'nope'; choose one of ",
            id="unknown-scenario",
        ),
        pytest.param(
            ["demo", "--port", "70000"], "exportkit: --port 70000 is not a port number", id="bad-port"
        ),
    ],
)
def test_demo_refuses_bad_options(argv, message, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith(message)
