"""The JSON document is a contract (docs/json-output.md): its keys, its time order, and the same
text whether it is written as the replay goes or made whole."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from exportkit import load_scenario, replay, to_json
from exportkit.core.engine import Step, timeline
from exportkit.core.selection import Selection
from exportkit.text.render import JsonWriter, replay_document

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "json-output.md").read_text()
DATASETS = sorted((ROOT / "datasets").glob("*.yaml"))
SELECTIONS = [
    Selection(),
    Selection(profile="marty"),
    Selection(destination="s3", first=3, last=8),
    Selection(first=0, last=0),
]


def streamed(scenario, selection: Selection) -> str:
    out = io.StringIO()
    writer = JsonWriter(out, scenario, scenario.rules, selection)
    for entry in timeline(scenario):
        writer.write(entry)
    writer.finish()
    return out.getvalue()


@pytest.mark.parametrize("path", DATASETS, ids=[p.stem for p in DATASETS])
@pytest.mark.parametrize("selection", SELECTIONS, ids=["all", "profile", "destination-steps", "activation"])
def test_streamed_document_is_the_whole_document(path, selection):
    scenario = load_scenario(path)
    assert streamed(scenario, selection) == to_json(replay(scenario), selection)


def _documented(name: str) -> list[str]:
    """The keys the document lists for `name`, in order: `- **name**: `{"a", "b"}`...`."""
    part = DOC.split(f"- **{name}**: `{{", 1)[1].split("}`", 1)[0]
    return re.findall(r'"(\w+)"', part)


def test_the_documented_keys_are_the_keys():
    doc = replay_document(replay(load_scenario(ROOT / "datasets" / "delorean.yaml")))
    steps = [s for s in doc["steps"] if "event" in s]
    clock = [s for s in doc["steps"] if "event" not in s]
    assert steps and all(list(s) == _documented("step") for s in steps)
    assert clock and all(list(c) == _documented("clock") for c in clock)
    files = [f for s in doc["steps"] for f in s["files"]]
    assert files and all(list(f) == _documented("file") for f in files)
    messages = [m for c in clock for m in c["messages"]]
    assert messages and all(list(m) == _documented("message") for m in messages)
    nxt = doc["end"]["next_files"]
    assert nxt and all(list(n) == _documented("next file") for n in nxt)
    exports = [d for s in steps for d in s["exports"]]
    assert all(list(d) == ["destination", "profile", "payload", "reasons", "fields"] for d in exports)
    for key in doc:
        assert f'"{key}"' in DOC


def test_every_entry_is_in_time_order():
    for path in DATASETS:
        doc = replay_document(replay(load_scenario(path)))
        times = [doc["activation"]["at"]]
        for s in doc["steps"]:
            times.append(s["at"])
            times += [m["sent_at"] for m in s["messages"]]
            assert all(m["sent_at"] == s["at"] for m in s["messages"]), path.stem  # at its own time
        times.append(doc["end"]["at"])
        assert times == sorted(times), path.stem


def test_the_document_is_valid_json_with_non_ascii_names(tmp_path):
    scenario = load_scenario(ROOT / "datasets" / "delorean.yaml")
    text = streamed(scenario, Selection())
    assert json.loads(text)["scenario"] == "delorean"


def _full_file_scenario(profiles: int):
    """Every profile in one segment, one full file made by a `run` event, and one streaming
    destination whose activation backfills every profile."""
    from exportkit.io.loader import build_scenario

    return build_scenario(
        {
            "name": "full-file",
            "start": "2025-03-03T09:00:00Z",
            "segments": [{"id": "all", "name": "Everyone"}],
            "profiles": [
                {
                    "id": f"p{i:05d}",
                    "identities": {"email": [f"p{i}@example.com"]},
                    "attributes": {"loyalty.tier": ("gold", "silver")[i % 2]},
                    "segments": {"all": "existing"},
                }
                for i in range(profiles)
            ],
            "destinations": [
                {
                    "id": "s3",
                    "name": "Amazon S3",
                    "type": "batch",
                    "segments": [{"id": "all", "mode": "full"}],
                    "attributes": ["loyalty.tier"],
                },
            ],
            "events": [{"run": "s3"}],
        }
    )


def test_each_step_is_written_before_the_next_is_made():
    """Streaming, not memory: each step's text reaches the stream as soon as the step is made,
    a 3,000-row file with it, and the whole text is still exactly `to_json`'s."""
    scenario = _full_file_scenario(3_000)
    out = io.StringIO()
    writer = JsonWriter(out, scenario, scenario.rules)
    for entry in timeline(scenario):
        writer.write(entry)
        if isinstance(entry, Step):
            assert f'"step": {entry.index + 1},' in out.getvalue()
            assert '"p02999"' in out.getvalue()
    writer.finish()
    text = out.getvalue()
    assert text == to_json(replay(scenario))
    assert len(json.loads(text)["steps"][0]["files"][0]["rows"]) == 3_000
