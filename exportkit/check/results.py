"""Hold a replay to the expectations its scenario carries: one `ExpectationResult` per expectation.

Pure: a replay and its scenario in, values out. Each result names the step (or the end), the
destination, what was expected and what happened, field by field, and the actual decision's rule
and reason, so a failure reads like the timeline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..core.aggregation import Message
from ..core.decision import Decision
from ..core.engine import Replay, Step
from ..core.expectation import EndExpectation, Expectation, FileExpectation, PayloadExpectation
from ..core.exportfile import ExportFile
from ..core.rules import Reason
from ..core.words import count
from ..text.sentences import json_text


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One part of an expectation that does not hold: what, expected, actual (in words)."""

    what: str
    expected: str
    actual: str

    def as_dict(self) -> dict[str, str]:
        return {"what": self.what, "expected": self.expected, "actual": self.actual}


@dataclass(frozen=True, slots=True)
class ExpectationResult:
    """One expectation of one destination, at one step (`step` from 1) or at the end (`step` 0)."""

    step: int
    destination: str
    mismatches: tuple[Mismatch, ...]
    reasons: tuple[Reason, ...] = ()  # the actual decision's (or what it did), deciding one first
    actual: dict[str, Any] = field(default_factory=dict)  # what happened, in expect: form

    @property
    def passed(self) -> bool:
        return not self.mismatches

    @property
    def name(self) -> str:
        """`step-3::http-api`, or `end::s3`: the pytest node id's tail."""
        return f"{'end' if self.step == 0 else f'step-{self.step}'}::{self.destination}"


def step_files(replay: Replay, step: Step, destination: str) -> list[ExportFile]:
    """The files `destination` wrote at this step, or on the clock before it (B-T3): an event's
    `expect:` holds what fell due since the previous event (the timeline's entries before the step).
    A file per merge policy (B-T2b) is one file per segment it holds, each with its own rows, so
    `files: [{segment: s1, ...}]` reads it as it reads a segment's own file."""
    before = replay.record(step.index).later_files
    return [
        share for f in [*before, *step.files] if f.destination == destination for share in f.segment_shares()
    ]


def step_messages(replay: Replay, step: Step, destination: str) -> list[Message]:
    """The messages `destination` sent at this step, or on the clock before it (M2, M3)."""
    before = replay.record(step.index).later_messages
    return [m for m in [*before, *step.messages] if m.destination == destination]


def decision_of(step: Step, destination: str) -> Decision | None:
    for d in step.decisions:
        if d.destination == destination:
            return d
    return None


def verdict_word(decision: Decision) -> str:
    """The decision's verdict in the glossary's words: exported, not exported, noted, refused."""
    if decision.exported:
        return "exported"
    word = decision.verdict
    if word in ("noted", "refused"):
        return word
    return "refused" if word.startswith("refused") else "not exported"


def check_replay(replay: Replay) -> list[ExpectationResult]:
    """Every expectation of the replayed scenario, in file order: the steps', then the end's."""
    out: list[ExpectationResult] = []
    for step in replay.steps:
        expect = step.event.expect
        if expect:
            for destination, expectation in expect.items():
                out.append(check_step(replay, step, destination, expectation))
    end = replay.scenario.expect_end
    if end:
        for destination, at_end in end.items():
            out.append(check_end(replay, destination, at_end))
    return out


def check_step(replay: Replay, step: Step, destination: str, e: Expectation) -> ExpectationResult:
    """One destination's expectation at one step."""
    found: list[Mismatch] = []
    decision = decision_of(step, destination)
    reasons = decision.reasons if decision is not None else ()
    actual: dict[str, Any] = {}
    if decision is not None:
        actual["verdict"] = verdict_word(decision)
        actual["rule"] = decision.rule
    if e.verdict is not None and actual.get("verdict") != e.verdict:
        found.append(Mismatch("verdict", e.verdict, actual.get("verdict", "no decision")))
    if e.rule is not None and actual.get("rule") != e.rule:
        found.append(Mismatch("rule", e.rule, actual.get("rule", "no decision")))
    if e.payload is not None:
        payload = decision.payload if decision is not None and decision.exported else None
        found += _payload(e.payload, payload)
    files = step_files(replay, step, destination)
    actual["files"] = [file_expectation(f) for f in files]
    if e.files is not None:
        found += _files(e.files, files)
    messages = step_messages(replay, step, destination)
    actual["messages"] = message_form(messages, e.messages)
    if e.messages is not None:
        found += _messages(e.messages, messages)
    return ExpectationResult(step.index + 1, destination, tuple(found), reasons, actual)


def check_end(replay: Replay, destination: str, e: EndExpectation) -> ExpectationResult:
    """What one destination still holds when the scenario ends."""
    found: list[Mismatch] = []
    end = replay.end
    messages = [m for m in (end.messages if end else []) if m.destination == destination]
    waiting = [w for w in (end.next_files if end else []) if w.destination == destination]
    actual: dict[str, Any] = {
        "messages": message_form(messages, e.messages),
        "waiting": [{"segment": w.segment, "profiles": sorted(w.profiles)} for w in waiting],
    }
    reasons = tuple(r for m in messages for r in m.reasons[:1]) + tuple(w.reason for w in waiting)
    if e.messages is not None:
        found += _messages(e.messages, messages)
    for w in e.waiting or ():
        have = next((x for x in waiting if x.segment == w.segment), None)
        got = sorted(have.profiles) if have else []
        if sorted(w.profiles) != got:
            found.append(Mismatch(f"waiting for {w.segment}", _profiles(w.profiles), _profiles(got)))
    return ExpectationResult(0, destination, tuple(found), reasons, actual)


# --- the parts -----------------------------------------------------------------------------------


_MISSING = object()


def payload_value(payload: Any, path: str) -> Any:
    """The value at a dotted `path` of a payload, or `_MISSING`. A key may itself hold dots (a
    segment id such as `city.dallas`), so the longest key that starts the path is taken."""
    node = payload
    rest = path
    while rest:
        if not isinstance(node, dict):
            return _MISSING
        if rest in node:
            return node[rest]
        keys = [k for k in node if rest.startswith(f"{k}.")]
        if not keys:
            return _MISSING
        key = max(keys, key=len)
        node, rest = node[key], rest[len(key) + 1 :]
    return node


def _payload(e: PayloadExpectation, payload: dict[str, Any] | None) -> list[Mismatch]:
    if payload is None:
        return [Mismatch("payload", "an export with a payload", "no export, so no payload")]
    found = []
    for path in e.has:
        if payload_value(payload, path) is _MISSING:
            found.append(Mismatch(f"payload {path}", "present", f"absent{_near(payload, path)}"))
    for path in e.lacks:
        value = payload_value(payload, path)
        if value is not _MISSING:
            found.append(Mismatch(f"payload {path}", "absent", f"present: {json_text(value)}"))
    for path, want in e.equals.items():
        value = payload_value(payload, path)
        if value is _MISSING:
            found.append(Mismatch(f"payload {path}", json_text(want), f"absent{_near(payload, path)}"))
        elif value != want:
            found.append(Mismatch(f"payload {path}", json_text(want), json_text(value)))
    return found


def _near(payload: dict[str, Any], path: str) -> str:
    """What the deepest part of `path` that exists holds, to show what is there instead."""
    parts = path.split(".")
    for n in range(len(parts) - 1, 0, -1):
        value = payload_value(payload, ".".join(parts[:n]))
        if isinstance(value, dict):
            keys = ", ".join(value) or "nothing"
            return f" ({'.'.join(parts[:n])} holds {keys})"
    return f" (the payload holds {', '.join(payload)})"


def file_expectation(f: ExportFile) -> dict[str, Any]:
    """An actual file (a segment's share of a file per merge policy) in the `files:` form of an
    expectation."""
    return {"segment": f.segment, "mode": f.mode, "profiles": sorted(set(f.profiles)), "rows": len(f.rows)}


def _file_matches(e: FileExpectation, f: ExportFile) -> bool:
    return (
        (e.segment is None or e.segment == f.segment)
        and (e.mode is None or e.mode == f.mode)
        and (e.profiles is None or sorted(set(e.profiles)) == sorted(set(f.profiles)))
        and (e.rows is None or e.rows == len(f.rows))
    )


def _file_text(e: FileExpectation | dict[str, Any]) -> str:
    d = e.model_dump(exclude_none=True) if isinstance(e, FileExpectation) else e
    parts = [d["segment"]] if "segment" in d else []
    parts += [d["mode"]] if "mode" in d else []
    if "profiles" in d:
        parts.append(_profiles(d["profiles"]))
    if "rows" in d:
        parts.append(count(d["rows"], "row"))
    return " ".join(parts) or "any file"


def _files(expected: Iterable[FileExpectation], files: list[ExportFile]) -> list[Mismatch]:
    """Each expected file matches a distinct actual file, and no file is left over (order aside)."""
    left = list(files)
    unmatched = []
    for e in expected:
        hit = next((f for f in left if _file_matches(e, f)), None)
        if hit is None:
            unmatched.append(e)
        else:
            left.remove(hit)
    if not unmatched and not left:
        return []
    want = "; ".join(_file_text(e) for e in expected) or "no file"
    got = "; ".join(_file_text(file_expectation(f)) for f in files) or "no file"
    return [Mismatch("files", want, got)]


def message_form(messages: list[Message], shape: Any) -> Any:
    """Actual messages in the form the expectation uses: a count, or the profiles of each."""
    if isinstance(shape, int) or shape is None:
        return len(messages)
    return [{"profiles": sorted(set(m.profiles))} for m in messages]


def _messages(expected: int | tuple[Any, ...], messages: list[Message]) -> list[Mismatch]:
    if isinstance(expected, int):
        if expected == len(messages):
            return []
        return [Mismatch("messages", str(expected), str(len(messages)) + _carrying(messages))]
    want = Counter(tuple(sorted(set(m.profiles))) for m in expected)
    got = Counter(tuple(sorted(set(m.profiles))) for m in messages)
    if want == got:
        return []
    return [
        Mismatch(
            "messages",
            "; ".join(_profiles(p) for p in sorted(want.elements())) or "no message",
            "; ".join(_profiles(p) for p in sorted(got.elements())) or "no message",
        )
    ]


def _carrying(messages: list[Message]) -> str:
    if not messages:
        return ""
    return " (" + "; ".join(_profiles(sorted(set(m.profiles))) for m in messages) + ")"


def _profiles(profiles: Iterable[str]) -> str:
    return "[" + ", ".join(profiles) + "]"


__all__ = [
    "ExpectationResult",
    "Mismatch",
    "check_end",
    "check_replay",
    "check_step",
    "decision_of",
    "file_expectation",
    "message_form",
    "payload_value",
    "step_files",
    "step_messages",
    "verdict_word",
]
