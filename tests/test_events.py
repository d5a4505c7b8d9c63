"""Event kinds as one table (exportkit.core.events): each entry reads its value, fills its
sentence, has its schema and writes its value back; a loaded event written back loads the same."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import get_args

import pytest
import yaml

from exportkit import ScenarioError, parse_scenario
from exportkit.core.events import ACTIONS, EventKind
from exportkit.core.values import iso
from exportkit.io.loader import build_scenario
from exportkit.text.sentences import _FILLS

from .package_code import places

ROOT = Path(__file__).resolve().parent.parent
DATASETS = sorted((ROOT / "datasets").glob("*.yaml"))


@pytest.mark.parametrize("kind", sorted(ACTIONS))
def test_every_placeholder_of_a_sentence_is_filled(kind):
    assert set(re.findall(r"\{(\w+)\}", ACTIONS[kind].sentence)) <= set(_FILLS)


@pytest.mark.parametrize("kind", sorted(ACTIONS))
def test_every_kind_has_its_model_in_the_files_form(kind):
    action = ACTIONS[kind]
    fields = set(action.model.model_fields)
    profile = ["profile"] if action.takes_profile else []
    assert fields == {"at", kind, *action.options, "expect", *profile}


@pytest.mark.parametrize("path", DATASETS, ids=[p.stem for p in DATASETS])
def test_an_event_written_back_loads_as_the_same_event(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenario = build_scenario(data)
    again = build_scenario(data | {"events": [e.as_dict() for e in scenario.events]})
    # expectations are not the event: the JSON document and its golden files do not show them
    assert again.events == tuple(e._replace(expect=None) for e in scenario.events)


def test_the_readmes_scenario_reference_shows_every_event_kind():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Scenario files", 1)[1].split("\n## ", 1)[0]
    missing = [kind for kind in ACTIONS if f"{{{kind}:" not in section and f", {kind}:" not in section]
    assert missing == []


def test_a_new_kind_is_one_entry_for_the_loader_the_schema_the_sentences_and_as_dict(monkeypatch):
    """A throwaway kind, added as one entry: read, described by the schema, said in words and
    written back (what it does would be its case in the engine)."""
    from exportkit.core import events
    from exportkit.core.schema import scenario_schema
    from exportkit.text.sentences import Names, event_text

    entry = events.Action(
        "rename",  # a kind EventKind does not list yet
        "streaming",
        events.read(events._destination(events.STREAMING_TYPES, "{id} is a batch destination"), str, "an id"),
        "{destination} is renamed",
    )
    monkeypatch.setitem(events.ACTIONS, "rename", entry)
    monkeypatch.setattr(events, "_MODELS", {})
    data = yaml.safe_load((ROOT / "datasets" / "delorean.yaml").read_text(encoding="utf-8"))
    scenario = build_scenario(data | {"events": [{"rename": "adnet"}]})
    event = scenario.events[0]
    assert event_text(event, Names.of(scenario)) == "Advertising network (adnet) is renamed"
    assert event.as_dict() == {"at": iso(event.at), "rename": "adnet"}
    assert "RenameEvent" in scenario_schema()["$defs"]
    text = json.dumps(data | {"events": [{"rename": "s3"}]}, default=str)
    with pytest.raises(ScenarioError, match=r"events\[0\]\.rename: 's3' is a batch destination"):
        parse_scenario(text, json_text=True)


def _compared_kinds(tree: ast.AST) -> list[int]:
    """Lines that compare a `kind` with an event-kind string (`event.kind == "flush"`,
    `kind in ("run", "export_now")`, `case "qualify"` under `match kind`)."""
    kinds = set(get_args(EventKind))

    def is_kind(node: ast.AST) -> bool:
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
        return name == "kind"

    def holds_kind(node: ast.AST) -> bool:
        items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
        return any(isinstance(x, ast.Constant) and x.value in kinds for x in items)

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(map(is_kind, sides)) and any(map(holds_kind, sides)):
                lines.append(node.lineno)
        elif isinstance(node, ast.Match) and is_kind(node.subject):
            lines += [
                c.pattern.lineno
                for c in node.cases
                if isinstance(c.pattern, ast.MatchValue) and holds_kind(c.pattern.value)
            ]
    return lines


def test_event_kinds_are_compared_through_the_table():
    """Outside core/events.py a kind is compared with its name (`event.kind == FLUSH`), never with
    a string a typo would make silently false."""
    assert places(_compared_kinds, outside="core/events.py") == []
    assert _compared_kinds(ast.parse('if step.event.kind in ("run", "export_now"): pass')) == [1]
    assert _compared_kinds(ast.parse('match kind:\n    case "flush": pass')) == [2]
    assert _compared_kinds(ast.parse('if self.kind == "exported": pass')) == []  # a quiz's kind
