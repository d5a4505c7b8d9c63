"""Build your own: loading an uploaded file (pure) and the loader widget, driven from code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml as _yaml

from exportkit import Scenario
from exportkit.io.library import load_upload
from exportkit.ui import ScenarioLoader

# The number of DeLorean events, so that adding events to the scenario does not break this file.
DELOREAN_EVENTS = len(
    _yaml.safe_load((Path(__file__).resolve().parent.parent / "datasets" / "delorean.yaml").read_text())[
        "events"
    ]
)


DELOREAN = Path(__file__).resolve().parent.parent / "datasets" / "delorean.yaml"
VALID = DELOREAN.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        pytest.param(
            "bad.yaml",
            b"name: x\nsegments: [\n",
            "bad.yaml:3: is not valid YAML: did not find expected node content",
            id="yaml-syntax",
        ),
        pytest.param(
            "bad.json", b'{"name": ', "bad.json:1: is not valid JSON: Expecting value", id="json-syntax"
        ),
        pytest.param(
            "doc.yaml",
            VALID.replace("profile: doc, exit", "profile: emmett, exit"),
            "doc.yaml:93: events[10].profile: unknown profile 'emmett'",
            id="unknown-profile",
        ),
        pytest.param("bin.yaml", b"\xff\xfe", "bin.yaml:1: is UTF-16 text; save it as UTF-8", id="utf-16"),
        pytest.param(
            "bin.yaml",
            b"a: 1\n\x80",
            "bin.yaml:2: is not UTF-8 text (byte 0x80); save it as UTF-8",
            id="not-text",
        ),
        pytest.param(
            "bin.yaml",
            b"\x00\x01",
            "bin.yaml:1: holds a NUL character: a binary file, not a YAML or JSON text",
            id="binary",
        ),
        pytest.param(
            "dup.yaml",
            "name: a\nname: b\n",
            "dup.yaml:2: the key 'name' is given twice in one mapping; keep one",
            id="duplicate-key",
        ),
        pytest.param(
            "empty.yaml",
            "name: e\nsegments: []\nprofiles: []\ndestinations: []\nevents: []\n",
            "empty.yaml: has no destination to explore",
            id="nothing-to-explore",
        ),
    ],
)
def test_a_bad_file_is_one_line(name, content, error):
    assert load_upload(name, content) == error


def test_a_good_file_is_a_scenario():
    scenario = load_upload("mine.yaml", VALID.encode())
    assert isinstance(scenario, Scenario)
    assert scenario.name == "delorean"


def upload(loader: ScenarioLoader, name: str, content: bytes) -> None:
    loader.upload.value = (
        {
            "name": name,
            "type": "application/yaml",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime(2025, 1, 1, tzinfo=UTC),
        },
    )


def test_the_picker_opens_a_dataset():
    loader = ScenarioLoader()
    assert loader.text == ""
    loader.picker.value = "b2b_leads"
    assert loader.text.startswith("Step 0 of 10: activation")
    loader.explorer.next.click()
    assert "Priya gains the identity email priya@newcorp.example\n" in loader.text


def test_an_upload_goes_through_the_same_function():
    loader = ScenarioLoader()
    upload(loader, "broken.yaml", b"name: [x")
    assert loader.explorer is None
    assert loader.text == load_upload("broken.yaml", b"name: [x")
    assert "Cannot use this file." in loader.error_box.value
    upload(loader, "mine.yaml", VALID.encode())
    assert loader.error == "" and loader.error_box.value == ""
    assert loader.text.startswith(f"Step 0 of {DELOREAN_EVENTS}")
