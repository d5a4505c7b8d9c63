"""Counts instead of a timeline: what `exportkit run --summary` prints for large scenarios.

A `Summary` takes steps one at a time, so a replay of millions of events can be summarised while it
streams, keeping nothing of the timeline but the counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .aggregation import Message
from .decision import Decision
from .exportfile import ExportFile


@dataclass
class Summary:
    events: int = 0
    # (destination, exported, deciding rule) -> decisions: one count per decision, the rest derived
    verdicts: dict[tuple[str, bool, str], int] = field(default_factory=dict)
    files: Counter[str] = field(default_factory=Counter)
    file_rows: Counter[str] = field(default_factory=Counter)
    messages: Counter[str] = field(default_factory=Counter)
    message_profiles: Counter[str] = field(default_factory=Counter)

    def add_decisions(self, decisions: list[Decision]) -> None:
        verdicts = self.verdicts
        for d in decisions:
            key = (d.destination, d.exported, d.rule)
            verdicts[key] = verdicts.get(key, 0) + 1

    def add_step(self, step: Any) -> None:
        self.events += 1
        self.add_decisions(step.decisions)
        if step.files:
            self.add_files(step.files)
        if step.messages:
            self.add_messages(step.messages)

    @property
    def exported(self) -> Counter[str]:
        return self._count(True)

    @property
    def not_exported(self) -> Counter[str]:
        return self._count(False)

    @property
    def rules(self) -> Counter[tuple[str, str]]:
        out: Counter[tuple[str, str]] = Counter()
        for (dest, _, rule), n in self.verdicts.items():
            out[(dest, rule)] += n
        return out

    def _count(self, exported: bool) -> Counter[str]:
        out: Counter[str] = Counter()
        for (dest, verdict, _), n in self.verdicts.items():
            if verdict is exported:
                out[dest] += n
        return out

    def add_files(self, files: list[ExportFile]) -> None:
        for f in files:
            self.files[f.destination] += 1
            self.file_rows[f.destination] += len(f.rows)

    def add_messages(self, messages: list[Message]) -> None:
        for m in messages:
            self.messages[m.destination] += 1
            self.message_profiles[m.destination] += len(m.profiles)

    def as_dict(self) -> dict[str, Any]:
        exported, not_exported, rules = self.exported, self.not_exported, self.rules
        destinations = sorted({d for d, _, _ in self.verdicts} | set(self.files) | set(self.messages))
        return {
            "events": self.events,
            "destinations": {
                d: {
                    "exported": exported[d],
                    "not_exported": not_exported[d],
                    "files": self.files[d],
                    "file_rows": self.file_rows[d],
                    "messages": self.messages[d],
                    "message_profiles": self.message_profiles[d],
                    "rules": {rule: n for (dest, rule), n in sorted(rules.items()) if dest == d},
                }
                for d in destinations
            },
        }

    def render(self) -> str:
        doc = self.as_dict()
        lines = [f"{doc['events']} events"]
        for dest, c in doc["destinations"].items():
            if c["files"] or not (c["exported"] or c["messages"]):
                # a batch destination: profile events are noted, files are what it exports
                lines.append(
                    f"{dest}: {c['files']} files ({c['file_rows']} rows); "
                    f"{c['exported'] + c['not_exported']} decisions on events"
                )
            else:
                lines.append(
                    f"{dest}: {c['exported']} exported, {c['not_exported']} not "
                    f"exported; {c['messages']} messages ({c['message_profiles']} "
                    "profiles)"
                )
            lines.append("  rules: " + ", ".join(f"{r} {n}" for r, n in c["rules"].items()))
        return "\n".join(lines) + "\n"


__all__ = ["Summary"]
