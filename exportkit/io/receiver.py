"""A small real HTTP receiver that records every request, and can be told to fail (M7).

`exportkit receive --port N --out FILE` runs one until interrupted; tests and notebooks use
`Receiver` as a context manager on a free loopback port:

    with Receiver(out=path, fail_first=2, fail_mode="status") as receiver:
        deliver(messages, receiver.url, ...)
        receiver.requests  # what arrived, in order, and what each was answered

The log file is appended to (a restart keeps the earlier recording); memory keeps counts and the
latest `KEEP` requests only (and `KEEP_BYTES` of their bodies). It holds against hostile
clients: one request per connection, read within limits (`LINE_LIMIT`, `HEADER_LIMIT`,
`BODY_LIMIT`; answered 400, 431 or 413, and logged) and within `DEADLINE` seconds however slowly
it comes (`Cutoff`); at most `CONNECTIONS` at once. Each request becomes one JSON line: call
number, time, method, path, headers, body (parsed as JSON when it is JSON) and the answer. The
first `fail_first` calls fail in one of three ways: `status` answers 500 (or the `status`
given), `delay` answers only after `delay` seconds (longer than the client's timeout), `drop`
closes the connection without an answer.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from socketserver import StreamRequestHandler
from typing import Any, Literal

from ..core.words import count
from .deadline import Cutoff

FailMode = Literal["status", "delay", "drop"]
FAIL_MODES: tuple[FailMode, ...] = ("status", "delay", "drop")
RECEIVER_HOST = "127.0.0.1"
KEEP = 1000
KEEP_BYTES = 64 * 1024 * 1024
"""Body bytes kept in memory at most (the latest requests' bodies), whatever their number."""
"""Requests kept in memory (the latest); the log file records every one, so memory stays bounded."""


LINE_LIMIT = 8192
"""The longest request line taken (bytes); a longer one is answered 400."""
HEADER_LIMIT = 32 * 1024
"""The most header bytes taken, and `HEADER_LINES` lines at most; more is answered 431."""
HEADER_LINES = 100
BODY_LIMIT = 16 * 1024 * 1024
"""The largest body taken (bytes, by its Content-Length); a larger one is answered 413 unread."""
DEADLINE = 10.0
"""Seconds a client has to send one whole request, however slowly it trickles (`Cutoff`)."""
CONNECTIONS = 64
"""Connections served at once; one more is answered 503 at once (threads and memory stay bounded)."""


class _Refused(Exception):
    """A request the receiver will not take: answered `status` with `why`, then closed."""

    def __init__(self, status: int, why: str, method: str | None = None, path: str | None = None):
        super().__init__(why)
        self.status, self.why, self.method, self.path = status, why, method, path


class _Server(ThreadingHTTPServer):
    # A real listen backlog: with the default 5, a burst of 50 clients saw resets.
    request_queue_size = 128
    # Stop without waiting for a half-open client (Ctrl-C ends at once); a request still being
    # answered writes its log line under the receiver's lock, and not after the log is closed.
    daemon_threads = True
    block_on_close = False

    receiver: Receiver

    def __init__(self, address: tuple[str, int], handler: Any):
        super().__init__(address, handler)
        self.slots = threading.BoundedSemaphore(CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):  # full: say so at once instead of queueing
            with contextlib.suppress(OSError):
                request.settimeout(1)
                request.sendall(_answer_bytes(503, {"error": "too many connections at once"}))
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout) or a dropped call is part of the exercise, not an error.
        pass


class _Handler(StreamRequestHandler):
    """One request per connection (each answer says `Connection: close`), read within limits."""

    server: _Server
    timeout = DEADLINE  # each read; the whole request is bounded by the receiver's deadline

    def handle(self) -> None:
        receiver = self.server.receiver
        with Cutoff(receiver.deadline) as cutoff:
            cutoff.watch(self.connection)
            try:
                request = self._read()
            except _Refused as err:
                late = _Refused(408, f"no whole request within {receiver.deadline:g} s")
                receiver._refuse(self, late if cutoff.expired else err, answer=not cutoff.expired)
                return
            except (OSError, ValueError):
                if cutoff.expired:
                    why = f"no whole request within {receiver.deadline:g} s"
                    receiver._refuse(self, _Refused(408, why), answer=False)
                return  # the client went away
        if request is not None:
            receiver._handle(self, *request)

    def _read(self) -> tuple[str, str, dict[str, str], bytes] | None:
        """The method, path, headers and body of one request, or None if the client sent nothing."""
        line = self.rfile.readline(LINE_LIMIT + 1)
        if not line:
            return None
        if len(line) > LINE_LIMIT:
            raise _Refused(400, f"request line longer than {LINE_LIMIT} bytes")
        parts = line.decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[0].isalpha():
            raise _Refused(400, "malformed request line")
        method, path, _ = parts
        raw: list[bytes] = []
        size = 0
        while True:
            header = self.rfile.readline(HEADER_LIMIT + 1)
            if not header:
                raise _Refused(400, "the headers never ended", method, path)
            if header in (b"\r\n", b"\n"):
                break
            size += len(header)
            raw.append(header)
            if size > HEADER_LIMIT or len(raw) > HEADER_LINES:
                why = f"headers over {HEADER_LIMIT // 1024} KiB or {HEADER_LINES} lines"
                raise _Refused(431, why, method, path)
        headers = dict(http.client.parse_headers(io.BytesIO(b"".join(raw) + b"\r\n")).items())
        lowered = {k.lower(): v for k, v in headers.items()}
        if "transfer-encoding" in lowered:
            raise _Refused(411, "a body must come with a Content-Length", method, path)
        length_text = lowered.get("content-length", "0").strip()
        if not length_text.isdigit():
            raise _Refused(400, f"Content-Length {length_text[:40]!r} is not a length", method, path)
        length = int(length_text)
        if length > BODY_LIMIT:
            raise _Refused(413, f"a body of {length} bytes is over {BODY_LIMIT // 2**20} MiB", method, path)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise _Refused(400, f"the body ended after {len(body)} of {length} bytes", method, path)
        return method, path, headers, body

    def send(self, status: int, body: dict[str, Any]) -> bool:
        """Answer and close; False if the client gave up waiting."""
        try:
            self.wfile.write(_answer_bytes(status, body))
            self.wfile.flush()
        except OSError:
            return False
        return True


def _answer_bytes(status: int, body: dict[str, Any]) -> bytes:
    data = json.dumps(body).encode()
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Answer"
    head = (
        f"HTTP/1.1 {status} {phrase}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + data


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
        keep_bytes: int = KEEP_BYTES,
        deadline: float = DEADLINE,
        status: int = 500,
    ):
        if fail_mode not in FAIL_MODES:
            raise ValueError(f"fail_mode must be one of {', '.join(FAIL_MODES)}, not {fail_mode!r}")
        if (problem := status_problem(status)) is not None:
            raise ValueError(problem)
        if fail_first < 0:
            raise ValueError("fail_first cannot be negative")
        self.out = Path(out) if out is not None else None
        self.fail_first, self.fail_mode, self.delay = fail_first, fail_mode, delay
        self.log, self.deadline = log, deadline
        self.fail_status = status
        self._lock = threading.Lock()
        self._calls = 0
        self._failed = 0  # failing answers given so far (refused requests are not among them)
        self._keep, self._keep_bytes = keep, keep_bytes
        self._requests: deque[tuple[dict[str, Any], int]] = deque()  # each with its body's size
        self._kept_bytes = 0
        self._file: int | None = None  # a descriptor opened for appending: one write() per line
        self._thread: threading.Thread | None = None
        self._server = _Server((RECEIVER_HOST, port), _Handler)
        self._server.receiver = self

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{RECEIVER_HOST}:{self.port}/"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The most recent requests (at most `keep`, and `keep_bytes` of bodies), in call order;
        the log file has them all."""
        with self._lock:
            return [record for record, _ in self._requests]

    @property
    def calls(self) -> int:
        """How many calls arrived."""
        with self._lock:
            return self._calls

    def open(self) -> Receiver:
        """Open the log for appending: a restart adds to an earlier recording, never truncates it.

        Each line is written by one `write` call on a descriptor opened with O_APPEND, so the log
        holds whole lines even when the receiver is killed; a line left torn by an earlier crash
        is ended first, so it cannot swallow the next one."""
        if self.out is not None:
            self._file = os.open(self.out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            if not _ends_a_line(self.out):
                _write_all(self._file, b"\n")
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
                os.close(self._file)
                self._file = None

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, request: _Handler, method: str, path: str, headers: dict[str, str], raw: bytes) -> None:
        received = datetime.now(UTC)
        record = {
            "call": 0,
            "time": _time(received),
            "method": method,
            "path": path,
            "headers": headers,
            "body": _parse(raw),
            "answer": {},
        }
        # Numbered and recorded before it is answered, so the file is in call order.
        call, mode = self._record(record, size=len(raw))
        answer = record["answer"]
        if mode == "drop":
            return
        if mode == "delay":
            time.sleep(self.delay)
        request.send(
            answer["status"],
            {"received": call} if answer["status"] == 200 else {"error": f"failing call {call} on purpose"},
        )

    def _refuse(self, request: _Handler, refused: _Refused, answer: bool = True) -> None:
        """A request not taken (too large, malformed, too slow): logged like any, then answered
        with its status (unless the deadline already closed the connection)."""
        record = {
            "call": 0,
            "time": _time(datetime.now(UTC)),
            "method": refused.method,
            "path": refused.path,
            "headers": {},
            "body": None,
            "answer": {"status": refused.status, "refused": refused.why}
            if answer
            else {"closed": refused.why},
        }
        self._record(record, refused=True)
        if answer:
            request.send(refused.status, {"error": refused.why})

    def _keep_record(self, record: dict[str, Any], size: int) -> None:
        """Keep `record` in memory, letting the oldest go past `keep` requests or `keep_bytes`."""
        self._requests.append((record, size))
        self._kept_bytes += size
        while len(self._requests) > self._keep or (
            self._kept_bytes > self._keep_bytes and len(self._requests) > 1
        ):
            self._kept_bytes -= self._requests.popleft()[1]

    def _record(
        self, record: dict[str, Any], refused: bool = False, size: int = 0
    ) -> tuple[int, FailMode | None]:
        """Number the call, choose its answer, and write it down."""
        with self._lock:
            self._calls += 1
            call = record["call"] = self._calls
            mode = None
            if not refused and self._failed < self.fail_first:
                self._failed += 1
                mode = self.fail_mode
            if not refused:
                record["answer"] = {
                    "status": {"status": self.fail_status},
                    "drop": {"dropped": True},
                    "delay": {"status": 200, "delayed_seconds": self.delay},
                }.get(mode or "", {"status": 200})
            self._keep_record(record, size)
            if self._file is not None:
                _write_all(self._file, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        if self.log is not None:
            self.log(describe_request(record))
        return call, mode


def _time(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ends_a_line(path: Path) -> bool:
    """Whether `path` is empty or ends with a newline."""
    with path.open("rb") as f:
        if f.seek(0, os.SEEK_END) == 0:
            return True
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def _write_all(fd: int, data: bytes) -> None:
    """One write() for the whole line (a regular file takes it whole); the rest if it did not."""
    while data:
        data = data[os.write(fd, data) :]


def status_problem(status: int) -> str | None:
    """Why `status` cannot be a failing call's answer (None if it can): any final status,
    200-599 (a 1xx is not an answer: the client waits for the one after it)."""
    if not 200 <= status <= 599:
        return f"--status takes an HTTP status from 200 to 599, not {status}"
    return None


def describe_request(record: dict[str, Any]) -> str:
    """One line for a recorded request, as `exportkit receive` prints it."""
    body = record["body"]
    size = count(len(body), "profile") if isinstance(body, list) else "a body" if body else "no body"
    message = record["headers"].get("X-Exportkit-Message", "")
    answer = record["answer"]
    if "refused" in answer:
        said = f"answers {answer['status']}: {answer['refused']}"
    elif "closed" in answer:
        said = f"closes the connection: {answer['closed']}"
    elif answer.get("dropped"):
        said = "drops the connection without an answer"
    elif "delayed_seconds" in answer:
        said = f"answers {answer['status']} only after {answer['delayed_seconds']} s"
    else:
        said = f"answers {answer['status']}"
    return (
        f"call {record['call']}: {record['method'] or '?'} {record['path'] or '?'} {message} {size}: {said}"
    )


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


__all__ = ["FAIL_MODES", "Receiver", "describe_request", "read_requests", "status_problem"]
