"""Write expectations from the replay into a scenario file, in place, keeping its comments, key
order and layout (ruamel.yaml's round trip), written atomically.

- `create` fills only what is missing: every event gets an `expect:` entry for each destination it
  lacks (the verdict, and the files a batch destination wrote at that step).
- `fix` rewrites what fails: a verdict, a file list, a message count or list, a payload value, a
  waiting list.

Neither deletes an expectation. Neither writes a `rule:`, so neither rewrites one: a failing
`rule:` was written by a person, and is reported for a person to change, as are `has:` and
`lacks:` paths that fail (rewriting them would delete them). Every change is returned as a line
to print; the caller reminds to review the diff.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

from ..io.loader import ScenarioError
from .results import ExpectationResult, check_replay, decision_of, file_expectation, step_files, verdict_word
from .source import ScenarioFile

UpdateMode = Literal["create", "fix"]
UPDATE_MODES: tuple[UpdateMode, ...] = ("create", "fix")
REVIEW = (
    "Review the diff (git diff) before you commit: these values come from the replay, not from the "
    "documentation."
)


def _yaml(text: str) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long flow line the file wrote on one line
    dash = re.search(r"^[A-Za-z_]+:[ \t]*\n( *)- ", text, re.M)
    offset = len(dash.group(1)) if dash else 2
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


def _flow(value: Any) -> Any:
    """`value` as ruamel nodes written in flow style (`{segment: a, rows: 1}`)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = _flow(v)
        node.fa.set_flow_style()
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_flow(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    return value


def update_file(path: str | Path, mode: UpdateMode) -> list[str]:
    """Update the expectations of the YAML scenario at `path`; the changes, one line each."""
    if mode not in UPDATE_MODES:
        raise ValueError(f"unknown update mode {mode!r}; choose create or fix")
    source = ScenarioFile.read(path)
    if source.is_json:
        raise ScenarioError(
            str(path), "", "--update writes YAML scenario files only; write a JSON file's by hand"
        )
    yaml = _yaml(source.text)
    doc = yaml.load(source.text)
    changes = _create(source, doc) if mode == "create" else _fix(source, doc)
    if changes:
        out = io.StringIO()
        yaml.dump(doc, out)
        _write_atomically(source.path, out.getvalue())
    return changes


def _create(source: ScenarioFile, doc: Any) -> list[str]:
    from ruamel.yaml.comments import CommentedMap

    changes = []
    steps = source.replay.steps
    for i, step in enumerate(steps):
        event = doc["events"][i]
        expect = event.get("expect")
        added = []
        for d in source.scenario.destinations:
            if expect is not None and d.id in expect:
                continue
            decision = decision_of(step, d.id)
            if decision is None:
                continue
            entry: Any = verdict_word(decision)
            files = step_files(source.replay, step, d.id)
            if files:
                entry = _flow({"verdict": entry, "files": [file_expectation(f) for f in files]})
            if expect is None:
                expect = CommentedMap()
                if event.fa.flow_style():
                    expect.fa.set_flow_style()
                event["expect"] = expect
            expect[d.id] = entry
            added.append(d.id)
        if added:
            line = source.line(("events", i))
            changes.append(f"{source.path}:{line}: step {i + 1}: added expect: for {', '.join(added)}")
    return changes


def _fix(source: ScenarioFile, doc: Any) -> list[str]:
    changes = []
    for o in check_replay(source.replay):
        if o.passed:
            continue
        line = source.result_line(o)
        where = f"{source.path}:{line}: {'the end' if o.step == 0 else f'step {o.step}'}, {o.destination}"
        holder = doc["expect_end"] if o.step == 0 else doc["events"][o.step - 1]["expect"]
        for what, text in _fix_one(holder, o):
            changes.append(f"{where}: {what}: {text}")
    return changes


def _fix_one(holder: Any, o: ExpectationResult) -> list[tuple[str, str]]:
    """Rewrite the failing parts of `o`'s entry in `holder`; what was done (or left), by part."""
    done = []
    node = holder[o.destination]
    for m in o.mismatches:
        if m.what == "verdict":
            if isinstance(node, str):
                holder[o.destination] = o.actual["verdict"]
            else:
                node["verdict"] = o.actual["verdict"]
            done.append(("verdict", f"{m.expected} -> {o.actual['verdict']}"))
        elif m.what == "rule":
            done.append(
                ("rule", f"left as written ({m.expected}); the replay says {m.actual}: change it by hand")
            )
        elif m.what in ("files", "messages"):
            node[m.what] = _flow(o.actual[m.what])
            done.append((m.what, f"{m.expected} -> {m.actual}"))
        elif m.what.startswith("waiting for "):
            segment = m.what.removeprefix("waiting for ")
            for w in node["waiting"]:
                if w["segment"] == segment:
                    actual = next(x for x in o.actual["waiting"] if x["segment"] == segment)
                    w["profiles"] = _flow(actual["profiles"])
            done.append((m.what, f"{m.expected} -> {m.actual}"))
        elif m.what.startswith("payload ") and m.expected not in ("present", "absent"):
            path = m.what.removeprefix("payload ")
            equals = node["payload"]["equals"]
            if m.actual.startswith("absent"):
                done.append((m.what, f"left as written: the payload has no {path}; change it by hand"))
            else:
                import json

                equals[path] = json.loads(m.actual)
                done.append((m.what, f"{m.expected} -> {m.actual}"))
        else:
            done.append(
                (m.what, f"left as written ({m.expected}); the replay says {m.actual}: change it by hand")
            )
    return done


def _write_atomically(path: Path, text: str) -> None:
    """Replace `path` whole or not at all: a temporary file beside it, then a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["REVIEW", "UPDATE_MODES", "UpdateMode", "update_file"]
