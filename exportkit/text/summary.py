"""Counts instead of a timeline: what `exportkit run --summary` prints for large scenarios.

A `Summary` takes timeline entries one at a time (`add`), so a replay of millions of events is
summarised while it streams, keeping nothing of the timeline but the counts. The activation
backfill is counted apart from the events: it is not an event of the scenario.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from ..core.decision import Decision
from ..core.engine import Entry, Opening, Step
from ..core.model import Scenario
from ..core.rules import RULES

Verdicts = Counter[tuple[str, bool, str]]  # (destination, exported, deciding rule) -> decisions


_VERDICT = attrgetter("destination", "exported", "rule")


def _count(verdicts: Verdicts, decisions: list[Decision]) -> None:
    verdicts.update(map(_VERDICT, decisions))


@dataclass
class Summary:
    events: int = 0
    activation: Verdicts = field(default_factory=Counter)
    verdicts: Verdicts = field(default_factory=Counter)  # on events only
    files: Counter[str] = field(default_factory=Counter)
    file_rows: Counter[str] = field(default_factory=Counter)
    messages: Counter[str] = field(default_factory=Counter)
    message_profiles: Counter[str] = field(default_factory=Counter)
    kinds: dict[str, str] = field(default_factory=dict)  # destination -> type, in scenario order

    @classmethod
    def of(cls, scenario: Scenario) -> Summary:
        return cls(kinds={d.id: d.type for d in scenario.destinations})

    def add(self, entry: Entry) -> None:
        """Count one timeline entry: its decisions, files and messages."""
        if isinstance(entry, Step):
            self.events += 1
            _count(self.verdicts, entry.decisions)
        elif isinstance(entry, Opening):
            _count(self.activation, entry.decisions)
        self.add_files(entry.files)
        self.add_messages(entry.messages)

    def add_files(self, files: list[Any]) -> None:
        for f in files:
            self.files[f.destination] += 1
            self.file_rows[f.destination] += len(f.rows)

    def add_messages(self, messages: list[Any]) -> None:
        for m in messages:
            self.messages[m.destination] += 1
            self.message_profiles[m.destination] += len(m.profiles)

    def _destinations(self) -> list[str]:
        seen = {d for d, _, _ in self.verdicts} | {d for d, _, _ in self.activation}
        seen |= set(self.files) | set(self.messages)
        return [d for d in self.kinds if d in seen] + sorted(seen - set(self.kinds))

    def as_dict(self) -> dict[str, Any]:
        """Counts per destination: activation apart, rules by count (most first), files only for
        batch destinations and messages only for streaming ones."""
        out: dict[str, Any] = {"events": self.events, "destinations": {}}
        for dest in self._destinations():
            kind = self.kinds.get(dest, "")
            entry: dict[str, Any] = {"type": kind} if kind else {}
            if kind != "batch":
                entry["activation"] = _verdict_counts(self.activation, dest)
            entry.update(_verdict_counts(self.verdicts, dest))
            if kind == "batch" or self.files[dest]:
                entry["files"] = self.files[dest]
                entry["file_rows"] = self.file_rows[dest]
            if kind != "batch":
                entry["messages"] = self.messages[dest]
                entry["message_profiles"] = self.message_profiles[dest]
            entry["rules"] = _rules(self.verdicts, dest)
            out["destinations"][dest] = entry
        return out

    def tables(
        self, statements: dict[str, str] | None = None
    ) -> list[tuple[str, list[str], list[list[str]], set[int]]]:
        """The summary as tables (title, columns, rows, right-aligned columns), for rich or plain."""
        statements = statements or RULES
        doc = self.as_dict()["destinations"]
        streaming = [d for d, c in doc.items() if c.get("type") != "batch"]
        batch = [d for d, c in doc.items() if c.get("type") == "batch"]
        tables = []
        if streaming:
            rows = []
            for d in streaming:
                c = doc[d]
                rows.append(
                    [
                        d,
                        f"{c['activation']['exported']:,}",
                        f"{c['exported']:,}",
                        f"{c['not_exported']:,}",
                        f"{c['messages']:,}",
                        f"{c['message_profiles']:,}",
                    ]
                )
            columns = ["streaming", "backfill", "exported", "not exported", "messages", "exports in them"]
            tables.append(("Streaming destinations", columns, rows, {1, 2, 3, 4, 5}))
        if batch:
            rows = []
            for d in batch:
                c = doc[d]
                decided = c["exported"] + c["not_exported"]
                rows.append([d, f"{c['files']:,}", f"{c['file_rows']:,}", f"{decided:,}"])
            tables.append(("Batch destinations", ["batch", "files", "rows", "events noted"], rows, {1, 2, 3}))
        rows = []
        for d, c in doc.items():
            for rule, n in c["rules"].items():
                rows.append([d, rule, f"{n:,}", statements.get(rule, "")])
        tables.append(
            (
                "Deciding rules on events, most used first",
                ["destination", "rule", "decisions", "what it says"],
                rows,
                {2},
            )
        )
        return tables

    def heading(self) -> str:
        activation = sum(self.activation.values())
        return f"{self.events:,} events; the activation backfill decided {activation:,} more, counted apart"


def _verdict_counts(verdicts: Verdicts, dest: str) -> dict[str, int]:
    exported = sum(n for (d, e, _), n in verdicts.items() if d == dest and e)
    total = sum(n for (d, _, _), n in verdicts.items() if d == dest)
    return {"exported": exported, "not_exported": total - exported}


def _rules(verdicts: Verdicts, dest: str) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for (d, _, rule), n in verdicts.items():
        if d == dest:
            counts[rule] += n
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


__all__ = ["Summary"]
