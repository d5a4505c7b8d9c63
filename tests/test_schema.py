"""The JSON Schema of scenario files: generated from the models, committed for editors, and
accepting every bundled dataset and the README's example (while refusing what the loader refuses)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from exportkit.core.schema import scenario_schema, schema_text
from exportkit.io.loader import build_scenario

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / "scenario.schema.json"
DATASETS = sorted((ROOT / "datasets").glob("*.yaml"))
REFERENCE = "# yaml-language-server: $schema=../docs/scenario.schema.json"
VALIDATOR = jsonschema.Draft202012Validator(scenario_schema())


def as_json(data: Any) -> Any:
    """YAML as an editor's language server reads it: times are strings."""
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def problems(data: Any) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(as_json(data))]


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(scenario_schema())


def test_the_committed_schema_is_the_generated_one():
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "run: exportkit schema --out docs/scenario.schema.json"
    )


def test_exportkit_schema_prints_it():
    done = subprocess.run(
        [sys.executable, "-m", "exportkit", "schema"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert json.loads(done.stdout) == scenario_schema()


@pytest.mark.parametrize("path", DATASETS, ids=[p.stem for p in DATASETS])
def test_every_dataset_points_at_the_schema_and_is_valid(path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == REFERENCE
    assert problems(yaml.safe_load(text)) == []


def test_the_readme_example_is_valid():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Scenario files", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    assert problems(yaml.safe_load(example)) == []


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda d: d["events"].append({"profile": "marty", "qualify": "a", "exit": "b"}), "two actions"),
        (lambda d: d["events"].append({"run": "s3", "profile": "marty"}), "a run takes no profile"),
        (lambda d: d["events"].append({"profile": "marty", "consent": "maybe"}), "consent is in or out"),
        (lambda d: d["destinations"].append({"id": "x", "type": "fax", "segments": ["a"]}), "unknown type"),
        (lambda d: d["profiles"][0].update(segments={"a": "gone"}), "unknown status"),
        (lambda d: d.pop("events"), "events are required"),
        (lambda d: d["events"].append({"profile": "marty", "set": {}}), "set needs a value"),
        (lambda d: d["events"].append({"profile": "marty", "unset": []}), "unset needs a path"),
        (lambda d: d["events"].append({"profile": "marty", "add_identity": {}}), "an identity needed"),
        (lambda d: d["events"].append({"evaluate": {"deep": True}}), "evaluate takes no settings"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_schema_refuses_what_the_loader_refuses(change, why):
    data = yaml.safe_load((ROOT / "datasets" / "delorean.yaml").read_text(encoding="utf-8"))
    change(data)
    assert problems(data), why


@pytest.mark.parametrize(
    "event",
    [
        {"evaluate": None},
        {"profile": "marty", "add_identity": {"phone": 5550100}},
        {"profile": "marty", "remove_identity": {"ecid": [11111, "22222"]}},
    ],
    ids=["evaluate-empty", "id-as-a-number", "ids-as-numbers-and-text"],
)
def test_the_schema_accepts_what_the_loader_accepts(event):
    data = yaml.safe_load((ROOT / "datasets" / "delorean.yaml").read_text(encoding="utf-8"))
    data["events"].append(event)
    assert problems(data) == []
    build_scenario(data)  # the loader reads it too
