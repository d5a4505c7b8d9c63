"""Delivery against a fault-injecting HTTP server: redirects, a trickle, a reset, silence; and
signals mid-delivery. Nothing is lost (delivered + dead-lettered = sent), nothing hangs past the
deadline (issue 11)."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from exportkit import load_scenario, replay
from exportkit.io.delivery import DeliveryInterrupted, deliver, read_dead_letters
from exportkit.io.library import dataset_path

ROOT = Path(__file__).resolve().parent.parent


class FaultServer:
    """A loopback HTTP server that misbehaves in one chosen way; `/ok` always answers 200."""

    def __init__(self, mode: str):
        self.mode = mode
        self.bodies: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/in"
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:  # the client cut the call at its deadline
            conn.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, body = data.split(b"\r\n\r\n", 1)
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                ),
                0,
            )
            while len(body) < length:
                body += conn.recv(65536)
            path = head.split(b" ")[1]
            if path == b"/ok":
                self.bodies.append(body)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            elif self.mode.startswith("redirect"):
                code = self.mode.removeprefix("redirect")
                conn.sendall(f"HTTP/1.1 {code} Moved\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n".encode())
            elif self.mode == "trickle":
                for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                    if self.stopping.wait(0.2):
                        return
                    conn.sendall(bytes([byte]))
            elif self.mode == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            elif self.mode == "silent":
                self.stopping.wait(30)

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.listener.close()


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[FaultServer]:
    s = FaultServer(request.param)
    yield s
    s.close()


def _messages():
    result = replay(load_scenario(dataset_path("microbatching")))
    return [m for m in result.messages() if m.destination == "http-api"]


@pytest.mark.parametrize(
    ("server", "delivered", "words"),
    [
        pytest.param("redirect307", True, None, id="307-same-POST"),
        pytest.param("redirect308", True, None, id="308-same-POST"),
        pytest.param("redirect301", False, "redirected (301)", id="301-is-a-failure"),
        pytest.param("redirect302", False, "redirected (302)", id="302-is-a-failure"),
        pytest.param("redirect303", False, "redirected (303)", id="303-is-a-failure"),
        pytest.param("trickle", False, "timed out", id="trickle"),
        pytest.param("reset", False, "closed", id="reset"),
        pytest.param("silent", False, "timed out", id="never-answers"),
    ],
    indirect=["server"],
)
def test_each_fault_is_retried_and_dead_lettered_within_the_deadline(tmp_path, server, delivered, words):
    message = _messages()[0]
    dead = tmp_path / "dead.jsonl"
    start = time.monotonic()
    (d,) = deliver([message], server.url, timeout=0.6, attempts=2, backoff=0, dead_letter=dead)
    took = time.monotonic() - start
    assert d.delivered is delivered, [a.error for a in d.attempts]
    assert took < 2 * 0.6 + 1.0  # two attempts, each cut at its deadline (generous for a busy machine)
    if delivered:
        assert len(server.bodies) == 1 and json.loads(server.bodies[0]) == list(message.body)
        assert not dead.exists()
    else:
        assert len(d.attempts) == 2 and all(words in (a.error or "") for a in d.attempts)
        (record,) = read_dead_letters(dead)
        assert record["run_id"] and record["cause"] == "failed every attempt" and len(record["attempts"]) == 2
        assert server.bodies == []  # a 301/302/303 is never followed as a GET


@pytest.mark.parametrize(
    ("sig", "status"),
    [pytest.param(signal.SIGINT, 130, id="SIGINT"), pytest.param(signal.SIGTERM, 143, id="SIGTERM")],
)
def test_a_signal_mid_delivery_dead_letters_every_unacknowledged_message(tmp_path, sig, status):
    sent = len(_messages())
    server = FaultServer("silent")
    dead = tmp_path / "dead.jsonl"
    try:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "exportkit", "run", "microbatching", "--no-payload",
                "--deliver", f"http-api={server.url}", "--dead-letter", str(dead), "--timeout", "30",
            ],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        )  # fmt: skip
        time.sleep(4)  # loaded, replayed, and waiting on the first call
        process.send_signal(sig)
        _, err = process.communicate(timeout=20)
    finally:
        server.close()
    assert process.returncode == status, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    records = read_dead_letters(dead)
    said = f"interrupted: 0 messages acknowledged, {len(records)} written to the dead-letter file {dead}"
    assert err == f"exportkit: {said}\n"
    assert len(records) == sent  # delivered (0) + dead-lettered = sent
    assert {r["cause"] for r in records} == {"interrupted"} and len({r["run_id"] for r in records}) == 1


def test_an_interrupted_message_keeps_its_earlier_attempts_in_the_dead_letter_file(tmp_path):
    """Ctrl-C while a failed message waits to be retried: its dead-letter line says what was
    tried before (M7), and the messages after it were never tried."""
    messages = _messages()[:3]
    server = FaultServer("reset")
    dead = tmp_path / "dead.jsonl"

    def interrupted(seconds: float) -> None:  # the wait before the retry: Ctrl-C lands here
        raise KeyboardInterrupt

    try:
        with pytest.raises(DeliveryInterrupted):
            deliver(
                messages, server.url, timeout=1, attempts=3, backoff=0.01, sleep=interrupted, dead_letter=dead
            )
    finally:
        server.close()
    records = read_dead_letters(dead)
    assert [r["cause"] for r in records] == ["interrupted"] * len(messages)
    assert [len(r["attempts"]) for r in records] == [1] + [0] * (len(messages) - 1)
    assert "closed" in records[0]["attempts"][0]["error"]


def test_an_unusable_dead_letter_path_is_refused_before_anything_is_sent(tmp_path, capsys):
    from exportkit.app.cli import main

    server = FaultServer("redirect307")
    try:
        code = main(
            ["run", "microbatching", "--deliver", f"http-api={server.url}", "--dead-letter", str(tmp_path)]
        )
    finally:
        server.close()
    _, err = capsys.readouterr()
    assert code == 2 and err == f"exportkit: {tmp_path}: is a folder; --dead-letter takes a file\n"
    assert server.bodies == []


def test_the_receiver_takes_a_burst_and_keeps_memory_bounded(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from exportkit.io.receiver import Receiver, read_requests

    out = tmp_path / "r.jsonl"
    message = _messages()[0]
    with Receiver(out, keep=10) as receiver, ThreadPoolExecutor(50) as pool:
        results = list(
            pool.map(
                lambda i: deliver([message], receiver.url, attempts=1, dead_letter=tmp_path / "d"), range(50)
            )
        )
    assert all(d.delivered for (d,) in results)  # no resets under 50 parallel clients
    assert receiver.calls == 50 and len(receiver.requests) == 10
    assert len(read_requests(out)) == 50


def test_receive_stops_at_once_with_a_half_open_client_and_appends_on_restart(tmp_path):
    out = tmp_path / "r.jsonl"
    out.write_text('{"call": 1, "earlier": true}\n')
    process = subprocess.Popen(
        [sys.executable, "-m", "exportkit", "receive", "--port", "0", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    port = int(line.split("127.0.0.1:")[1].split("/")[0])
    half_open = socket.create_connection(("127.0.0.1", port))
    half_open.sendall(b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")  # and then nothing
    time.sleep(0.5)
    start = time.monotonic()
    process.send_signal(signal.SIGINT)
    rest, err = process.communicate(timeout=10)
    half_open.close()
    assert time.monotonic() - start < 1.5  # within a second, with slack for a busy machine
    assert process.returncode == 0, err
    assert "stopped after" in rest and "Traceback" not in err
    assert out.read_text().startswith('{"call": 1, "earlier": true}\n')


def test_a_dead_letter_file_that_cannot_grow_stops_the_run_in_one_line(tmp_path):
    """A file-size limit (or a full disk) reached on the dead-letter file: one line that says which
    messages are neither acknowledged nor recorded, exit 2, and no torn line in the file."""
    import resource

    dead = tmp_path / "dead.jsonl"
    dead.write_text('{"earlier": true}\n')

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))

    process = subprocess.run(
        [
            sys.executable, "-m", "exportkit", "run", "microbatching", "--no-payload", "--no-progress",
            "--deliver", "http-api=http://127.0.0.1:9/", "--dead-letter", str(dead),
            "--retry-wait", "0", "--timeout", "0.5",
        ],
        capture_output=True, text=True, cwd=tmp_path, timeout=60, preexec_fn=limit,
    )  # fmt: skip
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stderr and process.stderr.count("\n") == 1, process.stderr
    assert "the dead-letter file cannot be written (File too large): message http-api-1" in process.stderr
    assert dead.read_text() == '{"earlier": true}\n'
