"""Rendering is part of the core: the JSON document and the text timeline of a replay.

The CLI, the widgets and the notebooks all show what these functions return, so what people read
is what the tests check.
"""

from __future__ import annotations

import json
from typing import Any

from .decision import Decision
from .engine import Replay, Step
from .model import iso


def replay_document(result: Replay) -> dict[str, Any]:
    """The JSON document of `exportkit run --json` (the output contract)."""
    return {
        "scenario": result.scenario.name,
        "rules": result.rules,
        "activation": {
            "at": iso(result.scenario.start),
            "exports": [d.as_dict() for d in result.activation if d.exported],
            "skipped": [d.as_dict() for d in result.activation if not d.exported],
            "messages": [m.as_dict() for m in result.activation_messages],
        },
        "steps": [step_document(s) for s in result.steps],
        "end": end_document(result),
    }


def end_document(result: Replay) -> dict[str, Any]:
    """M1: the end of the scenario, where what is left in the streaming buffers leaves."""
    end = result.end
    at = end.at if end else result.scenario.start
    return {"at": iso(at), "messages": [m.as_dict() for m in end.messages] if end else []}


def step_document(step: Step) -> dict[str, Any]:
    return {
        "step": step.index + 1,
        "at": iso(step.event.at),
        "event": step.event.as_dict(),
        "changes": step.changes,
        "exports": [d.as_dict() for d in step.exports],
        "skipped": [d.as_dict() for d in step.skipped],
        "files": [f.as_dict() for f in step.files],
        "messages": [m.as_dict() for m in step.messages],
        "buffers": [b.as_dict() for b in step.buffers],
    }


def to_json(result: Replay) -> str:
    return json.dumps(replay_document(result), indent=2, ensure_ascii=False) + "\n"


def describe_event(step: Step) -> str:
    ev = step.event.as_dict()
    ev.pop("at")
    who = ev.pop("profile", None)
    ((kind, value),) = ev.items()
    if isinstance(value, dict):
        value = ", ".join(f"{k}={_short(v)}" for k, v in value.items()) or ""
    elif isinstance(value, list):
        value = ", ".join(map(str, value))
    return f"{who + ' ' if who else ''}{kind} {value}".rstrip()


def _short(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    return repr(value) if not isinstance(value, str) else value


def render_decision(d: Decision, payload: bool = True, indent: str = "  ") -> list[str]:
    """A decision as text: verdict, reasons, then the payload and each field's reason."""
    who = f" {d.profile}" if d.profile else ""
    lines = [f"{indent}{d.destination}{who}: {d.verdict}"]
    lines += [f"{indent}  [{r.rule}] {r.text}" for r in d.reasons]
    if d.exported and payload:
        lines.append(f"{indent}  payload: {json.dumps(d.payload, ensure_ascii=False)}")
        for note in d.fields:
            mark = "+" if note.included else "-"
            lines.append(f"{indent}    {mark} {note.field} [{note.reason.rule}] {note.reason.text}")
    return lines


def render_step(step: Step, payload: bool = True) -> list[str]:
    lines = [f"Step {step.index + 1} at {iso(step.event.at)}: {describe_event(step)}"]
    for f in step.files:
        lines += f.render()
    lines += [f"  changed: {c}" for c in step.changes] or ["  changed: nothing"]
    for d in step.decisions:
        lines += render_decision(d, payload)
    for m in step.messages:
        lines += m.render()
    lines += [f"  {b.render()}" for b in step.buffers]
    return lines


def render_activation(result: Replay, payload: bool = True) -> list[str]:
    lines = [f"Activation at {iso(result.scenario.start)}: streaming destinations backfill"]
    exported = [d for d in result.activation if d.exported]
    for d in exported:
        lines += render_decision(d, payload)
    if not exported:
        lines.append("  nothing to backfill")
    groups: dict[tuple[str, str, str], list[str]] = {}
    for d in result.activation:
        if not d.exported:
            groups.setdefault((d.destination, d.reasons[0].rule, d.reasons[0].text), []).append(d.profile)
    for (dest, rule, text), profiles in groups.items():
        lines.append(f"  {dest}: not backfilled: {', '.join(profiles)} [{rule}] {text}")
    for m in result.activation_messages:
        lines += m.render()
    return lines


def render_end(result: Replay) -> list[str]:
    """M1: the end of the scenario: every streaming buffer is emptied."""
    end = result.end
    if end is None:
        return []
    lines = [f"End of scenario at {iso(end.at)}: what is left in the streaming buffers leaves"]
    for m in end.messages:
        lines += m.render()
    return lines + ([] if end.messages else ["  nothing left in the buffers"])


def render_timeline(result: Replay, payload: bool = True) -> str:
    """The readable timeline of `exportkit run`."""
    s = result.scenario
    lines = [f"Scenario {s.name} (rules: {result.rules})"]
    if s.description:
        lines.append(s.description.strip())
    lines.append("")
    lines += render_activation(result, payload)
    for step in result.steps:
        lines.append("")
        lines += render_step(step, payload)
    lines += ["", *render_end(result)]
    return "\n".join(lines) + "\n"


__all__ = [
    "describe_event",
    "end_document",
    "render_activation",
    "render_decision",
    "render_end",
    "render_step",
    "render_timeline",
    "replay_document",
    "step_document",
    "to_json",
]
