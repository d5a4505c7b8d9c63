"""The receiver under hostile clients (issue 25): limits on the request line, the headers and the
body (400, 413, 431), a deadline per connection, a bounded number of connections, other clients
served meanwhile, and a log of whole JSON lines even when the receiver is killed. Raw sockets on
loopback; every client has a timeout, so a regression fails instead of hanging."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from exportkit.io.receiver import BODY_LIMIT, CONNECTIONS, HEADER_LIMIT, LINE_LIMIT, Receiver, read_requests


def exchange(port: int, data: bytes, timeout: float = 3.0) -> bytes:
    """Send `data` as it is and read the answer until the receiver closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def healthy(url: str) -> int:
    request = urllib.request.Request(url, data=b"[]", method="POST")
    with urllib.request.urlopen(request, timeout=3) as response:
        return response.status


POST = b"POST /in HTTP/1.1\r\nHost: x\r\n"
HOSTILE = [
    ("request-line-too-long", b"POST /" + b"a" * (LINE_LIMIT + 10) + b" HTTP/1.1\r\n\r\n", 400),
    ("not-http", b"HELLO THERE\r\n\r\n", 400),
    ("binary", bytes(range(256)) + b"\r\n\r\n", 400),
    ("too-many-headers", POST + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n", 431),
    ("headers-too-large", POST + b"X-Big: " + b"a" * (HEADER_LIMIT + 10) + b"\r\n\r\n", 431),
    ("body-too-large", POST + b"Content-Length: %d\r\n\r\n" % (BODY_LIMIT + 1), 413),
    ("length-not-a-number", POST + b"Content-Length: lots\r\n\r\n", 400),
    ("negative-length", POST + b"Content-Length: -1\r\n\r\n", 400),
    ("chunked", POST + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 411),
    ("body-shorter-than-said", POST + b"Content-Length: 10\r\n\r\n[]", 400),
]


@pytest.mark.parametrize(("data", "status"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_a_hostile_request_is_refused_logged_and_the_next_client_served(tmp_path, data, status):
    out = tmp_path / "r.jsonl"
    with Receiver(out, deadline=2) as receiver:
        if data.endswith(b"\r\n\r\n[]"):  # the rest of the body never comes: the client ends its side
            with socket.create_connection(("127.0.0.1", receiver.port), timeout=3) as s:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
                answer = s.recv(65536)
        else:
            answer = exchange(receiver.port, data)
        assert status_of(answer) == status, answer[:200]
        assert healthy(receiver.url) == 200
    first, second = read_requests(out)
    assert first["answer"]["status"] == status and first["answer"]["refused"]
    assert second["answer"] == {"status": 200}


def test_a_client_that_trickles_is_cut_at_the_deadline_while_others_are_served(tmp_path):
    out = tmp_path / "r.jsonl"
    with Receiver(out, deadline=1) as receiver:
        slow = socket.create_connection(("127.0.0.1", receiver.port), timeout=5)
        start = time.monotonic()
        closed_after = None
        try:
            for byte in POST + b"Content-Length: 2\r\n\r\n[]":
                slow.sendall(bytes([byte]))
                assert healthy(receiver.url) == 200  # served meanwhile
                time.sleep(0.2)
        except OSError:  # the receiver closed the connection
            closed_after = time.monotonic() - start
        finally:
            slow.close()
    assert closed_after is not None and closed_after < 3.0, closed_after
    records = read_requests(out)
    assert any(r["answer"].get("closed") == "no whole request within 1 s" for r in records), records


def test_connections_past_the_limit_are_answered_503_at_once(tmp_path):
    with Receiver(tmp_path / "r.jsonl", deadline=1.5) as receiver:
        idle = [socket.create_connection(("127.0.0.1", receiver.port), timeout=5) for _ in range(CONNECTIONS)]
        try:
            time.sleep(0.3)  # each is being served (waiting for its request)
            start = time.monotonic()
            answer = exchange(receiver.port, POST + b"Content-Length: 2\r\n\r\n[]")
            assert status_of(answer) == 503 and time.monotonic() - start < 1.0
            time.sleep(1.7)  # the idle ones are cut at the deadline, freeing their places
            assert healthy(receiver.url) == 200
        finally:
            for s in idle:
                s.close()


def _receive(out, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "exportkit", "receive", "--port", "0", "--out", str(out), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    banner = process.stdout.readline()
    return process, banner.split("listening on ")[1].split(",")[0]


def test_the_log_holds_whole_lines_when_the_receiver_is_killed_and_a_torn_line_is_ended(tmp_path):
    out = tmp_path / "r.jsonl"
    out.write_text('{"call": 1, "torn')  # a line an earlier crash left unfinished
    process, url = _receive(out)
    try:
        for _ in range(5):
            assert healthy(url) == 200
        process.kill()  # no clean-up at all
        process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    lines = out.read_text().splitlines()
    assert lines[0] == '{"call": 1, "torn'
    assert [json.loads(line)["call"] for line in lines[1:]] == [1, 2, 3, 4, 5]


def test_receive_stops_cleanly_on_sigterm(tmp_path):
    process, url = _receive(tmp_path / "r.jsonl")
    try:
        assert healthy(url) == 200
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "Traceback" not in stderr, stderr
    assert "stopped after 1 request" in stdout


def test_memory_keeps_the_latest_bodies_within_a_byte_budget_while_the_log_has_every_one(tmp_path):
    out = tmp_path / "r.jsonl"
    body = b"[" + b'"x",' * 200 + b'"x"]'  # about 800 bytes
    with Receiver(out, keep_bytes=2000) as receiver:
        for _ in range(5):
            request = urllib.request.Request(receiver.url, data=body, method="POST")
            with urllib.request.urlopen(request, timeout=3) as response:
                assert response.status == 200
    assert [r["call"] for r in receiver.requests] == [4, 5]  # 2 x 800 bytes fit in 2000
    assert len(read_requests(out)) == 5 and receiver.calls == 5
