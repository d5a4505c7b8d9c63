"""The deadline bounds the whole call whatever the answer's framing (issue 25): a server on
loopback that trickles or stalls in each way a response can be framed, or stops reading what it
is sent. Each server gives up by itself after a few seconds, so a regression fails, never hangs."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from exportkit import load_scenario, replay
from exportkit.io.delivery import deliver, read_dead_letters
from exportkit.io.library import dataset_path

GIVE_UP = 6.0  # seconds after which a fault server stops by itself (the test then fails on time)
DEADLINE = 0.5
STEP = 0.1  # seconds between two trickled bytes: each read is well within the socket's timeout


def _trickle(conn: socket.socket, head: bytes, body: Callable[[int], bytes], stop: threading.Event) -> None:
    conn.sendall(head)
    for n in range(int(GIVE_UP / STEP)):
        if stop.wait(STEP):
            return
        conn.sendall(body(n))


OK = b"HTTP/1.1 200 OK\r\n"
ANSWERS: dict[str, Callable[[socket.socket, threading.Event], None]] = {
    # headers, then a chunked body one byte-chunk at a time, the connection closing after it
    "chunked-close": lambda c, s: _trickle(
        c, OK + b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n", lambda n: b"1\r\nx\r\n", s
    ),
    "chunked-keep-alive": lambda c, s: _trickle(
        c, OK + b"Transfer-Encoding: chunked\r\n\r\n", lambda n: b"1\r\nx\r\n", s
    ),
    # a Content-Length body, one byte at a time
    "content-length-close": lambda c, s: _trickle(
        c, OK + b"Content-Length: 100000\r\nConnection: close\r\n\r\n", lambda n: b"x", s
    ),
    # no length: the body ends when the connection closes, which it never does
    "close-delimited": lambda c, s: _trickle(c, OK + b"Connection: close\r\n\r\n", lambda n: b"x", s),
    # a body announced, partly sent, then silence
    "body-never-ends": lambda c, s: _trickle(
        c, OK + b"Content-Length: 100\r\nConnection: close\r\n\r\n[{", lambda n: b"", s
    ),
    # the status line and headers one byte at a time, answering Connection: close
    "headers-trickle": lambda c, s: _trickle(
        c, b"", lambda n: (OK + b"Connection: close\r\nX-Pad: " + b"x" * 1000)[n : n + 1], s
    ),
}


class FramingServer:
    """Reads the request head (and the body, unless told to stop reading), then answers as told."""

    def __init__(self, answer: str, read_body: bool = True):
        self.answer, self.read_body = ANSWERS.get(answer), read_body
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/in"
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._serve, daemon=True)]
        self.threads[0].start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _handle(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:  # the client cut the call at its deadline
            conn.settimeout(GIVE_UP)
            if not self.read_body:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                self.stop.wait(GIVE_UP)  # reads nothing: the client's send blocks
                return
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, body = data.split(b"\r\n\r\n", 1)
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(body) < length:
                body += conn.recv(65536)
            assert self.answer is not None
            self.answer(conn, self.stop)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=GIVE_UP)
        self.listener.close()


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[FramingServer]:
    s = FramingServer(request.param)
    yield s
    s.close()


def _messages():
    result = replay(load_scenario(dataset_path("microbatching")))
    return [m for m in result.messages() if m.destination == "http-api"]


@pytest.mark.parametrize("server", list(ANSWERS), indirect=True)
def test_the_deadline_holds_for_every_framing_of_the_answer(tmp_path, server):
    dead = tmp_path / "dead.jsonl"
    start = time.monotonic()
    (d,) = deliver([_messages()[0]], server.url, timeout=DEADLINE, attempts=2, backoff=0, dead_letter=dead)
    took = time.monotonic() - start
    assert took < 2 * DEADLINE + 1.0, took  # two attempts, each cut at its deadline (slack for load)
    assert not d.delivered
    assert all("timed out" in (a.error or "") for a in d.attempts), [a.error for a in d.attempts]
    (record,) = read_dead_letters(dead)
    assert record["cause"] == "failed every attempt" and len(record["attempts"]) == 2


def test_the_deadline_holds_while_sending_to_a_server_that_stops_reading(tmp_path):
    message = _messages()[0]
    big = message._replace(entries=message.entries * 40_000)  # tens of megabytes: more than buffers hold
    server = FramingServer("none", read_body=False)
    dead = tmp_path / "dead.jsonl"
    try:
        start = time.monotonic()
        (d,) = deliver([big], server.url, timeout=DEADLINE, attempts=1, backoff=0, dead_letter=dead)
        took = time.monotonic() - start
    finally:
        server.close()
    assert took < DEADLINE + 2.0, took  # the JSON of the body is made before the clock starts, too
    assert not d.delivered and "timed out" in (d.attempts[0].error or ""), d.attempts[0].error
    assert len(read_dead_letters(dead)) == 1


@pytest.mark.parametrize("answer", ["chunked-close", "headers-trickle"])
def test_a_run_against_a_trickling_server_ends_within_attempts_times_the_deadline(tmp_path, answer):
    """The whole command: every message tried 3 times (M7), each cut at --timeout; the waits
    between tries are --retry-wait, doubled. Then each message is in the dead-letter file."""
    sent = len(_messages())
    server = FramingServer(answer)
    dead = tmp_path / "dead.jsonl"
    timeout, wait = 0.3, 0.05
    try:
        start = time.monotonic()
        process = subprocess.run(
            [
                sys.executable, "-m", "exportkit", "run", "microbatching", "--no-payload", "--no-progress",
                "--deliver", f"http-api={server.url}", "--dead-letter", str(dead),
                "--timeout", str(timeout), "--retry-wait", str(wait),
            ],
            capture_output=True, text=True, cwd=tmp_path, timeout=60,
        )  # fmt: skip
        took = time.monotonic() - start
    finally:
        server.close()
    bound = sent * (3 * timeout + wait + 2 * wait)
    assert took < bound + 4.0, (took, bound)  # plus loading and replaying the scenario
    assert process.returncode == 1 and "Traceback" not in process.stderr, process.stderr
    assert len(read_dead_letters(dead)) == sent
