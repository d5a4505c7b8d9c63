"""The recording receiver: what it writes for each request, how it fails on purpose, and
`exportkit receive` stopping cleanly on Ctrl-C. Loopback only."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from exportkit.io.receiver import Receiver, read_requests


def post(url: str, body: bytes, timeout: float = 2.0) -> int:
    request = urllib.request.Request(
        url + "hook?x=1",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Exportkit-Message": "d-1"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as err:
        err.close()
        return err.code


def test_each_request_is_one_json_line_with_headers_body_time_and_answer(tmp_path):
    out = tmp_path / "received.jsonl"
    with Receiver(out) as receiver:
        assert receiver.url.startswith("http://127.0.0.1:")
        assert post(receiver.url, b'[{"a": 1}]') == 200
        assert post(receiver.url, b"not json") == 200
    first, second = read_requests(out)
    assert (first["call"], first["method"], first["path"]) == (1, "POST", "/hook?x=1")
    assert first["headers"]["X-Exportkit-Message"] == "d-1"
    assert first["body"] == [{"a": 1}]
    assert first["answer"] == {"status": 200}
    assert first["time"].endswith("Z") and "T" in first["time"]
    assert second["body"] == "not json"
    assert receiver.requests == [first, second]


FAILURES = [
    # mode, what the client sees on a failing call, what the receiver records as its answer
    ("status", 500, {"status": 500}),
    ("drop", "dropped", {"dropped": True}),
    ("delay", "timeout", {"status": 200, "delayed_seconds": 0.4}),
]


@pytest.mark.parametrize(("mode", "seen", "answer"), FAILURES, ids=[f[0] for f in FAILURES])
def test_the_first_k_calls_fail_by_the_chosen_mode_then_it_answers(tmp_path, mode, seen, answer):
    with Receiver(tmp_path / "r.jsonl", fail_first=1, fail_mode=mode, delay=0.4) as receiver:
        try:
            outcome: object = post(receiver.url, b"[]", timeout=0.15)
        except (http.client.RemoteDisconnected, ConnectionResetError):
            outcome = "dropped"
        except (TimeoutError, urllib.error.URLError):
            outcome = "timeout"
        assert outcome == seen
        assert post(receiver.url, b"[]") == 200
    records = read_requests(tmp_path / "r.jsonl")
    assert [r["answer"] for r in records] == [answer, {"status": 200}]


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="fail_mode"):
        Receiver(fail_mode="explode")  # type: ignore[arg-type]


def test_cli_receive_records_and_stops_cleanly_on_ctrl_c(tmp_path):
    out = tmp_path / "received.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "exportkit", "receive", "--port", "0", "--out", str(out), "--fail-first", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        url = banner.split("listening on ")[1].split(",")[0]
        assert post(url, b'[{"p": 1}]') == 500
        assert post(url, b'[{"p": 2}]') == 200
        assert "call 1: POST /hook?x=1 d-1 1 profile: answers 500" in process.stdout.readline()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "stopped after 2 requests" in stdout
    assert [json.loads(line)["body"] for line in out.read_text().splitlines()] == [[{"p": 1}], [{"p": 2}]]
