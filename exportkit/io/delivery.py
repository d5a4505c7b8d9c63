"""Real delivery (M7): POST each message to an HTTP endpoint, retry, and keep what still fails.

An edge around the core: it reads the wall clock and the network. Each message is one call whose
JSON body is the message's list of payloads; headers name the message. A call that fails (an
answer other than 2xx, a dropped connection, no answer within `timeout`) is retried, up to
`attempts` in all (M7: 2 s, retried twice). A message that fails every attempt is appended whole
to the dead-letter JSON-lines file. Nothing is lost: each message is acknowledged or dead-lettered.
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import json
import os
import socket
import ssl
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..core.aggregation import Message
from ..core.model import iso
from ..core.rules import Reason, cited, reason
from ..core.words import count
from .deadline import Cutoff
from .retries import RetryPolicy, m7_policy, retry_policy

TIMEOUT = 2.0  # M7: the endpoint must answer within 2 s
ATTEMPTS = 3  # M7: a failed request is retried twice
BACKOFF = 0.5  # seconds before the first retry, doubled before each next one (not documented)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One call: its number, the HTTP status if any, what went wrong if anything, how long."""

    number: int
    status: int | None
    error: str | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "attempt": self.number,
            "status": self.status,
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }

    def render(self, durations: bool = True) -> str:
        said = f"HTTP {self.status}" if self.status is not None else "no answer"
        outcome = "acknowledged" if self.ok else f"failed, {self.error}"
        took = f" ({self.seconds:.3f} s elapsed)" if durations else ""
        return f"attempt {self.number}: {said}{took}: {outcome}"


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one message: its attempts, and whether it ended acknowledged or in the
    dead-letter file."""

    message_id: str
    message: Message
    url: str
    attempts: tuple[Attempt, ...]
    dead_letter: str | None
    reasons: tuple[Reason, ...]

    @property
    def delivered(self) -> bool:
        return bool(self.attempts) and self.attempts[-1].ok

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": self.message_id,
            "destination": self.message.destination,
            "url": self.url,
            "profiles": len(self.message.profiles),
            "delivered": self.delivered,
            "attempts": [a.as_dict() for a in self.attempts],
            "dead_letter": self.dead_letter,
            "reasons": [r.as_dict() for r in self.reasons],
        }

    def render(self, durations: bool = True) -> list[str]:
        m = self.message
        lines = [
            f"  message {self.message_id}: {count(len(m.profiles), 'profile')}, sent at "
            f"{iso(m.sent_at)} on the scenario clock, trigger {m.trigger}"
        ]
        lines += [f"    {a.render(durations)}" for a in self.attempts]
        lines += [f"    {cited(r)}" for r in self.reasons]
        return lines


def message_ids(messages: Iterable[Message]) -> list[str]:
    """`<destination>-<n>`: the n-th message of that destination, from 1."""
    seen: dict[str, int] = {}
    out = []
    for m in messages:
        seen[m.destination] = seen.get(m.destination, 0) + 1
        out.append(f"{m.destination}-{seen[m.destination]}")
    return out


MAX_REDIRECTS = 3
SCHEMES = ("http", "https")


def post(
    url: str,
    message_id: str,
    message: Message,
    number: int,
    timeout: float = TIMEOUT,
    clock: Callable[[], float] = time.monotonic,
    run_id: str = "",
    tls: ssl.SSLContext | None = None,
) -> Attempt:
    """One call to `url`, judged by M7: acknowledged only with a 2xx answer within `timeout`.

    `timeout` bounds the whole call (connect, headers and body, redirects included), not each
    socket read: a server that trickles one byte a second is cut off at the deadline. A 307 or
    308 redirect is followed with the same POST (at most `MAX_REDIRECTS`); a 301, 302 or 303 is a
    failure, retried and dead-lettered like any other: HTTP clients turn those into a GET without
    the body, which would be counted as delivered while the body never arrived; a redirect from
    https:// to http:// is not followed either (the body would leave unencrypted). An `https://`
    endpoint's certificate is checked with `tls` (default: `tls_context()`, the system's store)."""
    data = json.dumps(list(message.body), ensure_ascii=False, allow_nan=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "exportkit",
        "X-Exportkit-Message": message_id,
        "X-Exportkit-Destination": message.destination,
        "X-Exportkit-Sent-At": iso(message.sent_at),
        "X-Exportkit-Trigger": message.trigger,
        "X-Exportkit-Attempt": str(number),
        "X-Exportkit-Run": run_id,
    }
    start = clock()
    deadline = start + timeout
    status: int | None = None
    error: str | None = None
    target = url
    try:
        for _ in range(MAX_REDIRECTS + 1):
            status, location = _call(target, data, headers, deadline, clock, tls)
            if status in (307, 308) and location:
                previous, target = target, urllib.parse.urljoin(target, location)
                if previous.startswith("https:") and not target.startswith("https:"):
                    error = f"the endpoint redirected ({status}) from https to {target!r}; not followed"
                    break
                continue
            break
        if error is not None:
            pass
        elif status is not None and status in (301, 302, 303):
            error = (
                f"the endpoint redirected ({status}); a POST is not re-sent as a GET, so it counts as failed"
            )
        elif status is not None and status in (307, 308):
            error = f"more than {MAX_REDIRECTS} redirects"
        elif status is not None and not 200 <= status < 300:
            error = f"the endpoint answered {status}"
    except _Deadline:
        error = f"no complete answer within {timeout:g} s (timed out)"
    except (OSError, http.client.HTTPException, ValueError) as err:
        error = _network_error(err, timeout)
    seconds = clock() - start
    if error is None and seconds > timeout:
        error = f"answered after {seconds:.1f} s, later than the {timeout:g} s limit"
    return Attempt(number, status, error, seconds)


class _Deadline(Exception):
    pass


def tls_context(ca_bundle: str | Path | None = None) -> ssl.SSLContext:
    """How an `https://` endpoint's certificate is checked: against the system's store, or only
    against the certificates of `ca_bundle` (a PEM file). Verification is always on, host name
    included; there is no option to turn it off. A bundle that cannot be used is a `ValueError`
    whose text says why."""
    try:
        return ssl.create_default_context(cafile=None if ca_bundle is None else str(ca_bundle))
    except (OSError, ValueError) as err:  # ssl.SSLError is an OSError
        why = getattr(err, "strerror", None) or getattr(err, "reason", None) or err
        raise ValueError(f"{ca_bundle}: not a usable certificate bundle ({why})") from None


def _call(
    url: str,
    data: bytes,
    headers: dict[str, str],
    deadline: float,
    clock: Callable[[], float],
    tls: ssl.SSLContext | None = None,
) -> tuple[int, str | None]:
    """POST `data` and read the whole answer before `deadline`; the status and any Location.

    One mechanism bounds the call whatever the server does (`Cutoff`): the socket is made here
    and watched before anything is sent, so the deadline ends a trickled TLS handshake or header,
    an upload the server stopped reading, and a chunked, sized or close-delimited body that never
    ends, even after `http.client` hands the socket to the response (`Connection: close`)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(f"{url!r} is not an http:// or https:// URL")
    remaining = deadline - clock()
    if remaining <= 0:
        raise _Deadline
    https = parts.scheme == "https"
    host, port = parts.hostname, parts.port or (443 if https else 80)
    conn = http.client.HTTPConnection(host, port, timeout=remaining)
    with Cutoff(remaining) as cutoff:
        try:
            sock: socket.socket = socket.create_connection((host, port), timeout=remaining)
            cutoff.watch(sock)
            if https:
                sock = (tls or tls_context()).wrap_socket(sock, server_hostname=host)
            conn.sock = sock  # made and watched here: http.client uses it as it is
            path = parts.path or "/"
            conn.request(
                "POST", path + (f"?{parts.query}" if parts.query else ""), body=data, headers=headers
            )
            response = conn.getresponse()
            response.read()
            if cutoff.expired:  # a close-delimited body cut short reads as complete
                raise _Deadline
            return response.status, response.getheader("Location")
        except (OSError, http.client.HTTPException):
            if cutoff.expired or clock() >= deadline:
                raise _Deadline from None
            raise
        finally:
            conn.close()


def _network_error(err: object, timeout: float) -> str:
    if isinstance(err, ssl.SSLCertVerificationError):
        return f"the endpoint's certificate was not accepted ({err.verify_message or err.reason})"
    if isinstance(err, ssl.SSLError):
        return f"the TLS handshake failed ({err.reason or err})"
    if isinstance(err, TimeoutError):
        return f"no answer within {timeout:g} s (timed out)"
    if isinstance(err, http.client.RemoteDisconnected | ConnectionResetError):
        return "the connection was closed without an answer"
    if isinstance(err, ConnectionRefusedError):
        return "the connection was refused (is the receiver running?)"
    return f"the call failed ({err})"


class DeliveryInterrupted(Exception):
    """SIGINT or SIGTERM during delivery: every message not acknowledged is in the dead-letter
    file (`deliveries` says which); `signal_number` is the signal that stopped it."""

    def __init__(self, deliveries: list[Delivery], signal_number: int):
        super().__init__(f"interrupted by signal {signal_number}")
        self.deliveries, self.signal_number = deliveries, signal_number


class Terminated(KeyboardInterrupt):
    """Raised by the CLI's SIGTERM handler, so a termination is handled like Ctrl-C."""


def dead_letter_problem(path: str | Path) -> str | None:
    """Why messages could not be appended to `path`, checked before anything is sent."""
    path = Path(path)
    if path.is_dir():
        return f"{path}: is a folder; --dead-letter takes a file"
    existed = path.exists()
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as err:
        return f"{path}: cannot be written ({err.strerror or err})"
    if not existed:
        path.unlink()  # leave nothing behind when nothing fails
    return None


def deliver(
    messages: Iterable[Message],
    url: str,
    *,
    timeout: float = TIMEOUT,
    attempts: int = ATTEMPTS,
    dead_letter: str | Path = "dead-letter.jsonl",
    backoff: float = BACKOFF,
    sleep: Callable[[float], None] = time.sleep,
    ids: list[str] | None = None,
    run_id: str | None = None,
    ca_bundle: str | Path | None = None,
    policy: RetryPolicy | None = None,
) -> list[Delivery]:
    """POST every message to `url` in order, with its retries; dead-letter what fails.

    `policy` says which failures are retried and after how long (`retry_policy`: M9 under the
    2026 pages); without one, M7: every failure, `attempts` calls, `backoff` doubled between them.
    An `https://` endpoint's certificate is verified against the system's store, or against
    `ca_bundle` only when it is given (`tls_context`).

    On Ctrl-C (or the CLI's SIGTERM), the message in flight and every later one go to the
    dead-letter file, marked interrupted, and `DeliveryInterrupted` says what became of each:
    nothing is lost, and a message that may have arrived is marked so a replay can tell."""
    messages = list(messages)
    ids = ids or message_ids(messages)
    run = run_id or uuid.uuid4().hex
    tls = tls_context(ca_bundle) if url.startswith("https:") and messages else None
    policy = policy or m7_policy(backoff=backoff, attempts=attempts)
    if attempts == 0:  # nothing is tried: a run interrupted earlier dead-letters these whole
        return [_interrupted(i, m, url, (), dead_letter, run) for i, m in zip(ids, messages, strict=True)]
    out: list[Delivery] = []
    for k, (message_id, message) in enumerate(zip(ids, messages, strict=True)):
        tried: list[Attempt] = []  # the message in flight's attempts so far, kept if interrupted
        call = _Call(url, message_id, message, timeout, run, tls)
        try:
            out.append(_deliver_one(call, policy, dead_letter, sleep, tried))
        except KeyboardInterrupt as stop:
            import signal

            number = signal.SIGTERM if isinstance(stop, Terminated) else signal.SIGINT
            for j, (late_id, late) in enumerate(zip(ids[k:], messages[k:], strict=True)):
                history = tuple(tried) if j == 0 else ()
                out.append(_interrupted(late_id, late, url, history, dead_letter, run))
            raise DeliveryInterrupted(out, int(number)) from None
    return out


@dataclass(frozen=True, slots=True)
class _Call:
    url: str
    message_id: str
    message: Message
    timeout: float
    run_id: str
    tls: ssl.SSLContext | None


def _deliver_one(
    call: _Call,
    policy: RetryPolicy,
    dead_letter: str | Path,
    sleep: Callable[[float], None],
    tried: list[Attempt],
) -> Delivery:
    """One message, with its policy's retries; each attempt is appended to `tried` as it ends."""
    reasons: list[Reason] = []
    for number in range(1, policy.attempts + 1):
        if number > 1:
            wait = policy.waits[number - 2]
            if policy.platform_waits is not None:
                reasons.append(_platform_retry(call.message, policy, number))
            if wait > 0:
                sleep(wait)
        attempt = post(
            call.url, call.message_id, call.message, number, call.timeout, run_id=call.run_id, tls=call.tls
        )
        tried.append(attempt)
        if attempt.ok or not policy.retries(attempt.status):
            break
    return _outcome(call, tuple(tried), policy, dead_letter, reasons)


def _platform_retry(message: Message, policy: RetryPolicy, number: int) -> Reason:
    """A19: when the platform would make retry `number - 1`, on the scenario clock."""
    assert policy.platform_waits is not None
    documented = policy.platform_waits[number - 2]
    at = message.sent_at + timedelta(seconds=sum(policy.platform_waits[: number - 1]))
    since = "the failed call" if number == 2 else "the first retry"
    if documented >= 600:
        said = f"about {documented / 60:g} minutes later"
    else:
        said = f"{documented:g} s after {since}"
    return reason(
        "A19",
        "{} retries {}: the platform would call again at {} on the scenario clock; this run waited {} s",
        policy.name,
        said,
        at,
        f"{policy.waits[number - 2]:g}",
    )


def _outcome(
    call: _Call,
    tried: tuple[Attempt, ...],
    policy: RetryPolicy,
    dead_letter: str | Path,
    reasons: list[Reason],
) -> Delivery:
    last, attempts = tried[-1], policy.attempts
    if last.ok:
        retried = (
            f" after {count(len(tried) - 1, 'failed attempt')}, retried as {policy.rule} says"
            if len(tried) > 1
            else ""
        )
        why = reason(policy.rule, "acknowledged on attempt {} of {}{}", len(tried), attempts, retried)
        return Delivery(call.message_id, call.message, call.url, tried, None, (*reasons, why))
    path = Path(dead_letter)
    if not policy.retries(last.status):
        cause = f"not retried ({policy.rule})"
        why = reason(
            policy.rule,
            "the endpoint answered {}, which {} does not retry (it retries {}{}): the whole message "
            "is written at once to the dead-letter file {}",
            last.status,
            policy.name,
            policy.retried_text(),
            ", and not 500 itself: A19" if policy.retried_above == 500 else "",
            str(path),
        )
    else:
        cause = "failed every attempt"
        dropped = " (the platform drops the activation then)" if policy.rule == "M9" else ""
        why = reason(
            policy.rule,
            "failed all {} attempts (the first and {} retries){}: the whole message is written to "
            "the dead-letter file {}",
            attempts,
            attempts - 1,
            dropped,
            str(path),
        )
    _append(call.message_id, call.message, call.url, tried, path, call.run_id, cause)
    return Delivery(call.message_id, call.message, call.url, tried, str(path), (*reasons, why))


def _interrupted(
    message_id: str,
    message: Message,
    url: str,
    tried: tuple[Attempt, ...],
    dead_letter: str | Path,
    run_id: str,
) -> Delivery:
    path = Path(dead_letter)
    _append(message_id, message, url, tried, path, run_id, "interrupted")
    text = (
        "delivery was interrupted before this message was acknowledged: the whole message is "
        "written to the dead-letter file {} (it may have arrived: run {} says which call)"
    )
    return Delivery(message_id, message, url, tried, str(path), (reason("M7", text, str(path), run_id),))


def _append(
    message_id: str,
    message: Message,
    url: str,
    tried: tuple[Attempt, ...],
    path: Path,
    run_id: str,
    cause: str,
) -> None:
    """Append the whole message to the dead-letter file, with the run, the last answer's status
    and the attempt history."""
    record = {
        "run_id": run_id,
        "message_id": message_id,
        "url": url,
        "cause": cause,
        "status": tried[-1].status if tried else None,
        "attempts": [a.as_dict() for a in tried],
        "message": message.as_dict(),
    }
    line = (json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as err:
        raise DeadLetterError(path, message_id, err) from None
    try:
        size = os.fstat(fd).st_size
        written = os.write(fd, line)  # one call: the line is whole, or taken back below
        if written < len(line):  # a full disk or a file-size limit part-way
            raise OSError(errno.EFBIG, os.strerror(errno.EFBIG))
    except OSError as err:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)  # no torn line: the file is as it was
        raise DeadLetterError(path, message_id, err) from None
    finally:
        os.close(fd)


class DeadLetterError(Exception):
    """The dead-letter file could not take a message: the run stops, and says which message and
    every later one is neither acknowledged nor recorded."""

    def __init__(self, path: Path, message_id: str, err: OSError):
        super().__init__(
            f"{path}: the dead-letter file cannot be written ({err.strerror or err}): message "
            f"{message_id} and every later one are neither acknowledged nor recorded"
        )


def render_deliveries(deliveries: list[Delivery], durations: bool = True) -> list[str]:
    """The delivery report: each message's attempts, then what is in the dead-letter file."""
    lines: list[str] = []
    for url in dict.fromkeys(d.url for d in deliveries):
        mine = [d for d in deliveries if d.url == url]
        names = ", ".join(dict.fromkeys(d.message.destination for d in mine))
        lines.append(f"Delivery of {names} to {url}")
        for d in mine:
            lines += d.render(durations)
    delivered = sum(d.delivered for d in deliveries)
    dead = [d for d in deliveries if not d.delivered]
    lines.append(f"{delivered} of {count(len(deliveries), 'message')} acknowledged")
    for path in dict.fromkeys(d.dead_letter for d in dead):
        kept = sum(d.dead_letter == path for d in dead)
        lines.append(f"{count(kept, 'message')} written to the dead-letter file {path}")
    return lines


def read_dead_letters(path: str | Path) -> list[dict[str, Any]]:
    """The messages a dead-letter file holds, one JSON record per line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


__all__ = [
    "ATTEMPTS",
    "TIMEOUT",
    "Attempt",
    "DeadLetterError",
    "Delivery",
    "DeliveryInterrupted",
    "Terminated",
    "dead_letter_problem",
    "deliver",
    "message_ids",
    "post",
    "read_dead_letters",
    "render_deliveries",
    "retry_policy",
    "tls_context",
]
