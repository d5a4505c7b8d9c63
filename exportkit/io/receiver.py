"""A small real HTTP receiver that records every request, and can be told to fail (M7).

`exportkit receive --port N --out FILE` runs one until interrupted; tests and notebooks use
`Receiver` as a context manager on a free loopback port:

    with Receiver(out=path, fail_first=2, fail_mode="status") as receiver:
        deliver(messages, receiver.url, ...)
        receiver.requests  # what arrived, in order, and what each was answered

The log file is appended to (a restart keeps the earlier recording); memory keeps counts and the
latest `KEEP` requests only. Each request becomes one JSON line: call number, time, method, path,
headers, body (parsed as JSON when it is JSON) and the answer. The first `fail_first` calls fail
in one of three ways: `status` answers 500, `delay` answers only after `delay` seconds (longer
than the client's timeout), `drop` closes the connection without an answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

from ..core.words import count

FailMode = Literal["status", "delay", "drop"]
FAIL_MODES: tuple[FailMode, ...] = ("status", "delay", "drop")
HOST = "127.0.0.1"
KEEP = 1000
"""Requests kept in memory (the latest); the log file records every one, so memory stays bounded."""


class _Server(ThreadingHTTPServer):
    # A real listen backlog: with the default 5, a burst of 50 clients saw resets.
    request_queue_size = 128
    # Stop without waiting for a half-open client (Ctrl-C ends at once); a request still being
    # answered writes its log line under the receiver's lock, and not after the log is closed.
    daemon_threads = True
    block_on_close = False

    receiver: Receiver

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout) or a dropped call is part of the exercise, not an error.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 10  # a client that opens a connection and goes quiet frees its thread

    def do_POST(self) -> None:
        self.server.receiver._handle(self)

    do_PUT = do_POST
    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the receiver's own log says what matters


class Receiver:
    """A real HTTP server on 127.0.0.1, recording requests to memory and a JSON-lines file."""

    def __init__(
        self,
        out: str | Path | None = None,
        *,
        port: int = 0,
        fail_first: int = 0,
        fail_mode: FailMode = "status",
        delay: float = 2.5,
        log: Callable[[str], None] | None = None,
        keep: int = KEEP,
    ):
        if fail_mode not in FAIL_MODES:
            raise ValueError(f"fail_mode must be one of {', '.join(FAIL_MODES)}, not {fail_mode!r}")
        if fail_first < 0:
            raise ValueError("fail_first cannot be negative")
        self.out = Path(out) if out is not None else None
        self.fail_first, self.fail_mode, self.delay = fail_first, fail_mode, delay
        self.log = log
        self._lock = threading.Lock()
        self._calls = 0
        self._requests: deque[dict[str, Any]] = deque(maxlen=keep)
        self._file: Any = None
        self._thread: threading.Thread | None = None
        self._server = _Server((HOST, port), _Handler)
        self._server.receiver = self

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The most recent requests (at most `keep`), in call order; the log file has them all."""
        with self._lock:
            return list(self._requests)

    @property
    def calls(self) -> int:
        """How many calls arrived."""
        with self._lock:
            return self._calls

    def open(self) -> Receiver:
        """Open the log for appending: a restart adds to an earlier recording, never truncates it."""
        if self.out is not None:
            self._file = self.out.open("a", encoding="utf-8")
        return self

    def start(self) -> Receiver:
        """Serve in a background thread (for tests and notebooks)."""
        self.open()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (for the command line)."""
        self.open()
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        """Stop serving, wait for requests in progress, close the socket and the log."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, request: _Handler) -> None:
        received = datetime.now(UTC)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        record = {
            "call": 0,
            "time": received.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": request.command,
            "path": request.path,
            "headers": dict(request.headers.items()),
            "body": _parse(raw),
            "answer": {},
        }
        # Numbered and recorded before it is answered, so the file is in call order.
        call, mode = self._record(record)
        answer = record["answer"]
        if mode == "drop":
            request.close_connection = True
            return
        if mode == "delay":
            time.sleep(self.delay)
        self._answer(
            request,
            answer["status"],
            {"received": call} if answer["status"] == 200 else {"error": f"failing call {call} on purpose"},
        )

    def _answer(self, request: _Handler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
            request.wfile.flush()
        except OSError:  # the client gave up waiting
            request.close_connection = True

    def _record(self, record: dict[str, Any]) -> tuple[int, FailMode | None]:
        """Number the call, choose its answer, and write it down."""
        with self._lock:
            self._calls += 1
            call = record["call"] = self._calls
            mode = self.fail_mode if call <= self.fail_first else None
            record["answer"] = {
                "status": {"status": 500},
                "drop": {"dropped": True},
                "delay": {"status": 200, "delayed_seconds": self.delay},
            }.get(mode or "", {"status": 200})
            self._requests.append(record)
            if self._file is not None:
                self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
                self._file.flush()
        if self.log is not None:
            self.log(describe_request(record))
        return call, mode


def describe_request(record: dict[str, Any]) -> str:
    """One line for a recorded request, as `exportkit receive` prints it."""
    body = record["body"]
    size = count(len(body), "profile") if isinstance(body, list) else "a body"
    message = record["headers"].get("X-Exportkit-Message", "")
    answer = record["answer"]
    if answer.get("dropped"):
        said = "drops the connection without an answer"
    elif "delayed_seconds" in answer:
        said = f"answers {answer['status']} only after {answer['delayed_seconds']} s"
    else:
        said = f"answers {answer['status']}"
    return f"call {record['call']}: {record['method']} {record['path']} {message} {size}: {said}"


def _parse(raw: bytes) -> Any:
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def read_requests(path: str | Path) -> list[dict[str, Any]]:
    """The requests a receiver recorded in a JSON-lines file."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


__all__ = ["FAIL_MODES", "Receiver", "describe_request", "read_requests"]
