"""Read what a platform sent (a capture) as records for the audit: the edge of `core.audit`.

A capture is one of:

- the receiver's log (`exportkit receive --out`): one JSON line per request, with its headers
  and its body;
- a JSON file of request bodies: a list (or `{"requests": [...]}`) whose items are each one
  request's body: a profile object or a list of them (the documented HTTP API payload); JSON
  lines of bodies are read too;
- the Destination SDK testing API's output: `results[].httpCalls[].request.body` (a JSON text);
- a folder of batch files (or one file): CSV, JSON lines or parquet, gzip-compressed or not,
  split into parts, their names parsed per B-F3 (default) or the destination's template (B-F4)
  to know the destination, the audience and the time.

A message seen twice with the same message id (a retry, M7) counts once: the id is exportkit's
`X-Exportkit-Message` header (with its run, `X-Exportkit-Run`) or the testing API's `traceId`.
Every problem is one `CaptureError` naming the file and the line: `capture.jsonl:812: ...`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.audit import (
    Audit,
    Record,
    Tolerances,
    audit_records,
    owners_of,
    payload_record,
    prediction,
    row_record,
)
from ..core.engine import timeline
from ..core.filenames import TOKEN, destination_name, extension, safe
from ..core.model import BatchDestination, Scenario
from ..core.rulesets import RuleSet
from .files import read_back
from .scenario_text import TextProblem, decode, json_line, read_bytes

FILE_SUFFIXES = (".csv", ".json", ".parquet", ".csv.gz", ".json.gz")


class CaptureError(Exception):
    """A capture that cannot be read: the file, the line when there is one, and why."""

    def __init__(self, source: str, problem: str, line: int | None = None):
        self.source, self.problem, self.line = source, problem, line
        super().__init__(f"{source}:{line}: {problem}" if line else f"{source}: {problem}")


@dataclass(slots=True)
class Capture:
    """The records of a capture, what kind it was, and its latest time (None: no times)."""

    kind: str
    records: list[Record]
    latest: datetime | None
    messages: int  # requests or files read (each retry once)
    retries: int  # requests left out as repeats of a message id already read


def read_capture(path: str | Path, scenario: Scenario, *, destination: str | None = None) -> Capture:
    """Read the capture at `path` for `scenario`; `destination` names the streaming destination
    of requests that do not say theirs (a capture from a real endpoint)."""
    path = Path(path)
    if destination is not None and destination not in {d.id for d in scenario.destinations}:
        raise CaptureError(
            "--destination",
            f"{destination!r} is not a destination of {scenario.name}: "
            f"{', '.join(d.id for d in scenario.destinations)}",
        )
    if path.is_dir():
        return _read_files(
            sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")), scenario
        )
    if path.name.endswith(FILE_SUFFIXES[:3] + FILE_SUFFIXES[3:]) and not path.name.endswith(".json"):
        return _read_files([path], scenario)
    try:
        text = decode(read_bytes(path))
    except TextProblem as err:
        raise CaptureError(str(path), err.problem, err.line) from None
    streams = _Streams(scenario, destination, str(path))
    stripped = text.lstrip()
    if not stripped:
        raise CaptureError(str(path), "is empty: nothing was captured")
    whole = _whole_json(text) if not path.name.endswith(".jsonl") else None
    if whole is None:
        return _read_lines(text, streams)
    data = whole
    if isinstance(data, dict) and "results" in data:
        return _read_testing_api(data, text, streams)
    if isinstance(data, dict) and ("body" in data or "headers" in data):
        return _read_lines(text, streams)  # a receiver log of one request
    if isinstance(data, dict) and isinstance(data.get("requests"), list):
        return _read_bodies(data["requests"], text, ("requests",), streams)
    if isinstance(data, list):
        return _read_bodies(data, text, (), streams)
    if isinstance(data, dict) and _is_payload(data):
        return _read_bodies([data], text, None, streams)
    raise CaptureError(
        str(path),
        "is JSON, but not a capture exportkit reads: a receiver log, a list of request bodies, "
        "or the testing API's output (results[].httpCalls[])",
        1,
    )


def _whole_json(text: str) -> Any:
    """The document if the whole text is one JSON value, else None (JSON lines, or broken)."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def _is_payload(value: Any) -> bool:
    return isinstance(value, dict) and ("identityMap" in value or "segmentMembership" in value)


class _Streams:
    """Streaming records as they are read: destination, retries, latest time."""

    def __init__(self, scenario: Scenario, destination: str | None, source: str):
        self.scenario, self.source = scenario, source
        self.name = Path(source).name  # where a record was read: this name and its line
        self.ids = {d.id for d in scenario.destinations}
        streaming = [d.id for d in scenario.destinations if not isinstance(d, BatchDestination)]
        self.default = destination or (streaming[0] if len(streaming) == 1 else None)
        self.streaming = streaming
        self.seen: set[tuple[str, str]] = set()
        self.records: list[Record] = []
        self.messages = self.retries = 0
        self.latest: datetime | None = None

    def destination_of(self, said: str | None, line: int | None) -> str:
        if said is not None and said in self.ids:
            return said
        if self.default is None:
            raise CaptureError(
                self.source,
                "the request does not say its destination and the scenario has "
                f"{len(self.streaming)} streaming destinations ({', '.join(self.streaming) or 'none'}); "
                "name it with --destination",
                line,
            )
        return self.default

    def add(
        self,
        body: Any,
        line: int | None,
        *,
        destination: str | None = None,
        message: tuple[str, str] | None = None,
        at: datetime | None = None,
    ) -> None:
        if message is not None and message[1]:
            if message in self.seen:
                self.retries += 1
                return
            self.seen.add(message)
        payloads = body if isinstance(body, list) else [body]
        dest = self.destination_of(destination, line)
        where = f"{self.name}:{line}" if line else self.name
        for i, payload in enumerate(payloads):
            if not isinstance(payload, dict):
                raise CaptureError(
                    self.source,
                    f"profile {i + 1} of the request is {type(payload).__name__}, not a profile object",
                    line,
                )
            self.records.append(payload_record(dest, payload, at=at, where=where))
        self.messages += 1
        if at is not None and (self.latest is None or at > self.latest):
            self.latest = at

    def capture(self, kind: str) -> Capture:
        return Capture(kind, self.records, self.latest, self.messages, self.retries)


def _headers(headers: Any) -> dict[str, str]:
    """A request's headers by their lower-cased names (HTTP's names ignore case; of two names
    that differ only in case, the first), read once for the four a record needs."""
    out: dict[str, str] = {}
    if isinstance(headers, dict):
        for k, v in headers.items():
            out.setdefault(str(k).lower(), str(v))
    return out


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _read_lines(text: str, streams: _Streams) -> Capture:
    """The receiver's log, or JSON lines of bodies: one JSON value per line."""
    kind = "request bodies (JSON lines)"
    # A line ends at "\n" only: str.splitlines also breaks at U+2028, U+0085 and other characters
    # a JSON string may hold raw (the receiver writes its log with ensure_ascii=False).
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as err:
            raise CaptureError(
                streams.source, f"not a JSON line ({err.args[0].split(':')[0]})", number
            ) from None
        if isinstance(record, dict) and "body" in record:
            kind = "receiver log"
            body = record["body"]
            if body is None:
                continue  # a request the receiver refused (too large, malformed): no body was taken
            if isinstance(body, str):
                if not body.strip():
                    continue  # a request without a body (a GET): nothing was exported
                raise CaptureError(
                    streams.source, "the request's body is not JSON: not an export payload", number
                )
            headers = _headers(record.get("headers"))
            message = (headers.get("x-exportkit-run") or "", headers.get("x-exportkit-message") or "")
            at = _moment(headers.get("x-exportkit-sent-at")) or _moment(record.get("time"))
            streams.add(
                body, number, destination=headers.get("x-exportkit-destination"), message=message, at=at
            )
        elif isinstance(record, list) or _is_payload(record):
            streams.add(record, number)
        else:
            raise CaptureError(
                streams.source,
                "neither a receiver log record (with a body) nor a request body "
                "(a profile or a list of them)",
                number,
            )
    return streams.capture(kind)


def _read_bodies(bodies: list[Any], text: str, at: tuple[Any, ...] | None, streams: _Streams) -> Capture:
    """A JSON list of request bodies, each a profile object or a list of them."""
    for i, body in enumerate(bodies):
        line = json_line(text, (*at, i)) if at is not None else 1
        if not (isinstance(body, list) or isinstance(body, dict)):
            raise CaptureError(streams.source, f"request {i + 1} is {type(body).__name__}, not a body", line)
        streams.add(body, line)
    return streams.capture("request bodies")


def _read_testing_api(data: dict[str, Any], text: str, streams: _Streams) -> Capture:
    """The destination testing API's output: each results[].httpCalls[].request.body."""
    results = data["results"]
    if not isinstance(results, list):
        raise CaptureError(streams.source, "results must be a list", json_line(text, ("results",)))
    for i, result in enumerate(results):
        calls = result.get("httpCalls") if isinstance(result, dict) else None
        if not isinstance(calls, list):
            raise CaptureError(
                streams.source, f"results[{i}] has no httpCalls list", json_line(text, ("results", i))
            )
        for j, call in enumerate(calls):
            loc = ("results", i, "httpCalls", j, "request", "body")
            line = json_line(text, loc)
            request = call.get("request") if isinstance(call, dict) else None
            body = request.get("body") if isinstance(request, dict) else None
            if isinstance(body, str):
                try:
                    body = json.loads(body)
                except ValueError:
                    raise CaptureError(
                        streams.source,
                        f"results[{i}].httpCalls[{j}].request.body is not JSON: exportkit audits the "
                        "profiles as exported (a raw template), not a partner's own format",
                        line,
                    ) from None
            if not (isinstance(body, list) or _is_payload(body)):
                raise CaptureError(
                    streams.source,
                    f"results[{i}].httpCalls[{j}].request.body is not a profile or a list of profiles",
                    line,
                )
            trace = str(call.get("traceId") or "")
            streams.add(body, line, message=("", trace))
    return streams.capture("testing API output")


# --- batch files --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileName:
    """What a batch file's name says: its destination, audience and time (None: a static name).

    A file per merge policy (B-T2b) names its merge policy: `segment` then lists the segments of
    that policy the destination maps ("s1, s2"), whose rows it holds in turn (A27)."""

    destination: BatchDestination
    segment: str
    at: datetime | None
    merge_policy: str | None = None


def _alternatives(values: list[str]) -> str:
    """A regular expression of `values` made safe for a file name (A9), the longest first."""
    return "|".join(re.escape(safe(v)) for v in sorted(values, key=lambda v: -len(v)))


def _policies(dest: BatchDestination, scenario: Scenario) -> dict[str, list[str]]:
    """The segments `dest` maps, by merge policy, in mapping order (B-T2b)."""
    held: dict[str, list[str]] = {}
    for s in dest.segment_ids:
        held.setdefault(scenario.segment(s).merge_policy, []).append(s)
    return held


def name_pattern(dest: BatchDestination, scenario: Scenario) -> re.Pattern[str]:
    """B-F3/B-F4: the file names `dest` writes, as a pattern with the audience (or the merge
    policy, B-T2b) and the time."""
    segments = [scenario.segment(s) for s in dest.segment_ids]
    ids = _alternatives([s.id for s in segments])
    names = _alternatives([s.name for s in segments])
    policies = list(_policies(dest, scenario))
    policy_ids = _alternatives(policies)
    policy_names = _alternatives([scenario.merge_policies.get(p, p) for p in policies])
    stamp = "_(?P<compact>\\d{14})"
    if dest.file_name is None and dest.per_merge_policy:
        body = f"{re.escape(safe(destination_name(dest)))}_mergePolicy(?P<mp>{policy_ids}){stamp}"
    elif dest.file_name is None:
        body = f"{re.escape(safe(destination_name(dest)))}_segment(?P<seg>{ids}){stamp}"
    else:
        used: set[str] = set()
        groups = {
            "%DESTINATION%": re.escape(safe(destination_name(dest))),
            "%SEGMENT_ID%": f"(?P<seg>{ids})",
            "%SEGMENT_NAME%": f"(?P<segname>{names})",
            "%DESTINATION_INSTANCE_ID%": re.escape(safe(dest.id)),
            "%DESTINATION_INSTANCE_NAME%": re.escape(safe(destination_name(dest))),
            "%DATETIME%": "(?P<dt>\\d{8}_\\d{6})",
            "%TIMESTAMP%": "(?P<ts>\\d{10})",
            "%MERGE_POLICY_ID%": f"(?P<mp>{policy_ids})",
            "%MERGE_POLICY_NAME%": f"(?P<mpname>{policy_names})",
        }
        parts: list[str] = []
        pos = 0
        for m in TOKEN.finditer(dest.file_name):
            parts.append(re.escape(dest.file_name[pos : m.start()]))
            group = groups[m.group(0)]
            name = re.match(r"\(\?P<(\w+)>", group)
            if name and name.group(1) in used:
                group = f"(?P={name.group(1)})"
            elif name:
                used.add(name.group(1))
            parts.append(group)
            pos = m.end()
        parts.append(re.escape(dest.file_name[pos:]))
        body = "".join(parts)
    return re.compile(f"{body}(?:-\\d+)?(?:_\\d+)?{re.escape(extension(dest))}")


def parse_name(name: str, scenario: Scenario) -> FileName | None:
    """The destination, audience (or merge policy) and time a file name says, or None if no batch
    destination of the scenario writes such a name."""
    for dest in scenario.destinations:
        if not isinstance(dest, BatchDestination):
            continue
        m = name_pattern(dest, scenario).fullmatch(name)
        if m is None:
            continue
        found = m.groupdict()
        policy = None
        if dest.per_merge_policy:
            policies = _policies(dest, scenario)
            by_name = {safe(scenario.merge_policies.get(p, p)): p for p in policies}
            policy = {safe(p): p for p in policies}.get(found.get("mp") or "") or by_name.get(
                found.get("mpname") or ""
            )
            segment = None if policy is None else ", ".join(policies[policy])
        else:
            by_id = {safe(s): s for s in dest.segment_ids}
            by_name = {safe(scenario.segment(s).name): s for s in dest.segment_ids}
            segment = by_id.get(found.get("seg") or "") or by_name.get(found.get("segname") or "")
        if segment is None:
            continue
        at = None
        if found.get("compact"):
            at = datetime.strptime(found["compact"], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        elif found.get("dt"):
            at = datetime.strptime(found["dt"], "%Y%m%d_%H%M%S").replace(tzinfo=UTC)
        elif found.get("ts"):
            at = datetime.fromtimestamp(int(found["ts"]), UTC)
        return FileName(dest, segment, at, policy)
    return None


def _read_files(paths: list[Path], scenario: Scenario) -> Capture:
    records: list[Record] = []
    latest: datetime | None = None
    files = 0
    for path in paths:
        if not path.name.endswith(FILE_SUFFIXES):
            raise CaptureError(str(path), "is not a .csv, .json or .parquet file (optionally .gz)")
        parsed = parse_name(path.name, scenario)
        if parsed is None:
            batch = [d.id for d in scenario.destinations if isinstance(d, BatchDestination)]
            raise CaptureError(
                str(path),
                "is not a file name of the scenario's batch destinations "
                f"({', '.join(batch) or 'none'}; names per B-F3 or the file_name template, B-F4)",
            )
        try:
            frame = read_back(path)
        except Exception as err:  # pandas and pyarrow word their own errors
            raise CaptureError(str(path), f"cannot be read as {parsed.destination.format}: {err}") from None
        first = 2 if ".csv" in path.name else 1  # a CSV's first row is its header
        rows: list[dict[str, Any]] = frame.to_dict(orient="records")  # type: ignore[assignment]
        for i, row in enumerate(rows):
            records.append(
                row_record(
                    parsed.destination, parsed.segment, row, at=parsed.at, where=f"{path.name}:{i + first}"
                )
            )
        files += 1
        if parsed.at is not None and (latest is None or parsed.at > latest):
            latest = parsed.at
    return Capture("batch files", records, latest, files, 0)


def per_segment(captured: list[Record], predicted: list[Record]) -> list[Record]:
    """Each row of a file per merge policy (B-T2b) as a record of its own segment.

    Its name says the merge policy, not the segment, and its columns say neither: the file holds
    each segment's rows in turn (A27). A row takes the segment the rules predict for that row of
    that file (by file name and identity, in file order); a row they do not predict takes the
    segment of the row before it (the file's layout), else the policy's first."""
    held = {r.memberships[0][0] for r in captured if r.memberships and ", " in r.memberships[0][0]}
    if not held:
        return captured
    expected: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for e in predicted:
        if e.memberships:
            expected.setdefault((e.where, e.identities), []).append(e.memberships[0][0])
    out: list[Record] = []
    previous: dict[str, str] = {}  # by file: the segment of its last row
    for r in captured:
        if not r.memberships or r.memberships[0][0] not in held:
            out.append(r)
            continue
        shared, status = r.memberships[0]
        file = r.where.rsplit(":", 1)[0]
        segments = shared.split(", ")
        predicted_for_row = [x for x in expected.get((file, r.identities), []) if x in segments]
        if predicted_for_row:
            segment = predicted_for_row[0]
            expected[(file, r.identities)].remove(segment)
        else:
            segment = previous.get(file, segments[0])
        previous[file] = segment
        out.append(
            Record(r.destination, r.identities, ((segment, status),), r.fields, at=r.at, where=r.where)
        )
    return out


def audit_capture(
    scenario: Scenario,
    capture: str | Path,
    *,
    destination: str | None = None,
    until: datetime | None = None,
    tolerances: Tolerances | None = None,
    rules: RuleSet | None = None,
) -> Audit:
    """Audit the capture at `capture` against what the rules predict for `scenario` (what
    `exportkit audit` does): the destinations of the capture's kind, or `destination` alone;
    `until` is the capture's end (default: its latest time). Raises `CaptureError`."""
    read = read_capture(capture, scenario, destination=destination)
    files = read.kind == "batch files"
    audited = [
        d.id
        for d in scenario.destinations
        if isinstance(d, BatchDestination) == files and destination in (None, d.id)
    ]
    # The rules decide for each destination alone: the replay predicts only those audited, up to
    # the whole scenario's end (a replay of a bucket's files makes no message, and a replay of
    # messages no daily file). It is a stream: each entry is read for its records and let go.
    shown = scenario.only(audited)
    entries = timeline(shown, rules, record_states=False, record_buffers=False, end=scenario.end)
    steps = [i for i, event in enumerate(scenario.events) if event.concerns(audited)]
    expected = prediction(entries, shown, steps=steps)
    outcome = audit_records(
        shown,
        expected.records,
        per_segment([r for r in read.records if r.destination in audited], expected.records),
        until=until or read.latest,
        tolerances=tolerances or Tolerances(),
        refusals=expected.refusals,
        owners=owners_of(scenario),
    )
    outcome.source, outcome.kind = str(capture), read.kind
    outcome.messages, outcome.retries = read.messages, read.retries
    return outcome


__all__ = [
    "FILE_SUFFIXES",
    "Capture",
    "CaptureError",
    "FileName",
    "audit_capture",
    "name_pattern",
    "parse_name",
    "per_segment",
    "read_capture",
]
