"""`exportkit import`: a dataflow (and its profiles) become a scenario that loads and replays."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from exportkit.app.cli import main
from exportkit.core.engine import replay
from exportkit.io.dataflow import CONNECTION_SPECS, import_dataflow
from exportkit.io.loader import load_scenario, parse_scenario

FIXTURES = Path(__file__).parent / "fixtures" / "platform"
S3 = FIXTURES / "dataflow_s3.json"
KINESIS = FIXTURES / "dataflow_kinesis.json"
ENTITIES = FIXTURES / "entities.json"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name)
def test_each_fixture_cites_the_documentation_page_it_follows(fixture):
    source = json.loads(fixture.read_text(encoding="utf-8"))["_source"]
    assert "https://experienceleague.adobe.com/en/docs/experience-platform/" in source
    assert "invented" in source  # the values are ours; only the structure is the documentation's


@pytest.mark.parametrize(
    ("dataflow", "dtype", "destination"),
    [(S3, "batch", "amazon-s3"), (KINESIS, "streaming-profile", "amazon-kinesis")],
    ids=["s3", "kinesis"],
)
def test_a_dataflow_becomes_a_scenario_that_loads_and_replays(tmp_path, capsys, dataflow, dtype, destination):
    out = tmp_path / "scenario.yaml"
    assert main(["import", str(dataflow), "--profiles", str(ENTITIES), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    flow = json.loads(dataflow.read_text(encoding="utf-8"))["items"][0]
    assert flow["id"] in text and flow["etag"] in text  # recorded, in a comment and the description
    scenario = load_scenario(out)
    assert scenario.events == ()  # the reader adds them
    (dest,) = scenario.destinations
    assert (dest.type, dest.id) == (dtype, destination)
    assert [s.id for s in scenario.segments][:2] == [
        s["value"]["id"] for s in flow["transformations"][0]["params"]["segmentSelectors"]["selectors"]
    ][:2]
    assert [p.id for p in scenario.profiles] == ["A1b2C3d4E5f6G7h8I9j0K1l2", "M3n4O5p6Q7r8S9t0U1v2W3x4"]
    replay(scenario)
    assert main(["run", str(out)]) == 0
    assert "Step" not in capsys.readouterr().out  # nothing to replay until events are added


def test_the_batch_mapping_is_read_field_by_field():
    scenario = parse_scenario(import_dataflow(S3))
    (dest,) = scenario.destinations
    assert dest.type == "batch"
    assert dest.name == "Amazon S3"
    assert dest.attributes == ("person.name.firstName", "loyalty.tier")
    assert dest.identity == "Email" and dest.include_status
    assert dest.mandatory == ("person.name.firstName",)
    assert dest.file_name == "%DESTINATION%_%SEGMENT_ID%_%DATETIME%"
    modes = [(s.mode, s.schedule.describe() if s.schedule else None) for s in dest.segments]
    assert modes == [
        ("incremental", "daily at 17:00 UTC"),
        ("full", "once at 2025-03-06T09:00:00+00:00"),
        ("incremental", "every 6 hours from 06:00 UTC"),
    ]
    assert scenario.profiles == ()


def test_profiles_read_identities_by_namespace_attributes_as_paths_and_memberships():
    scenario = parse_scenario(import_dataflow(KINESIS, profiles=ENTITIES))
    marty, doc = scenario.profiles
    assert marty.identities == {
        "ECID": ("11111111111111111111111111111111111111",),
        "Email": ("marty@example.com",),
    }
    assert marty.attributes["person.name.lastName"] == "McFly"
    assert marty.attributes["loyalty.points"] == 120
    assert marty.segments == {"6e2a9c14-5b3d-4f7a-8c1e-9d0b2f4a6c81": "existing"}
    assert doc.identities["Email"] == ("doc@example.com", "emmett.brown@example.com")
    assert doc.segments == {"0b7d3f52-1c4a-4e8b-9d6f-2a5c7e9b1d30": "realized"}


def test_an_unknown_connection_spec_asks_for_type_and_type_answers_it(tmp_path, capsys):
    data = json.loads(KINESIS.read_text(encoding="utf-8"))
    target = data["items"][0]["inheritedAttributes"]["targetConnections"][0]
    target["connectionSpec"]["id"] = "00000000-0000-4000-8000-000000000000"
    assert target["connectionSpec"]["id"] not in CONNECTION_SPECS
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--type" in err and f"{path}:" in err
    assert main(["import", str(path), "--type", "streaming-segment", "-o", str(tmp_path / "s.yaml")]) == 0
    assert load_scenario(tmp_path / "s.yaml").destinations[0].type == "streaming-segment"


def _selector(data, i=0):
    return data["items"][0]["transformations"][0]["params"]["segmentSelectors"]["selectors"][i]["value"]


def _bad(change):
    data = json.loads(S3.read_text(encoding="utf-8"))
    change(data)
    return data


BAD = [
    ("not-json", "{ items: ", "is not valid JSON"),
    ("two-flows", _bad(lambda d: d["items"].append(d["items"][0])), "holds 2 dataflows"),
    ("export-mode", _bad(lambda d: _selector(d).update(exportMode="WEEKLY_DIFF")), "exportMode"),
    ("weekly", _bad(lambda d: _selector(d)["schedule"].update(frequency="WEEKLY")), "B-T3"),
    (
        "full-hourly",
        _bad(lambda d: _selector(d, 1)["schedule"].update(frequency="EVERY_3_HOURS")),
        "full files",
    ),
    ("start-time", _bad(lambda d: _selector(d)["schedule"].update(startTime="25:00")), "17:00"),
    ("macro", _bad(lambda d: _selector(d).update(filenameTemplate="%ORGANIZATION_NAME%_x")), "B-F4"),
    (
        "no-audience",
        _bad(
            lambda d: d["items"][0]["transformations"][0]["params"]["segmentSelectors"].update(selectors=[])
        ),
        "no audience",
    ),
    (
        "path",
        _bad(
            lambda d: d["items"][0]["transformations"][0]["params"]["profileSelectors"]["selectors"][1][
                "value"
            ].update(path="person..name")
        ),
        "dotted XDM path",
    ),
    ("no-transformations", _bad(lambda d: d["items"][0].pop("transformations")), "transformations"),
]


@pytest.mark.parametrize(("name", "data", "says"), BAD, ids=[b[0] for b in BAD])
def test_each_bad_dataflow_is_one_located_line_and_exit_2(tmp_path, capsys, name, data, says):
    path = tmp_path / "flow.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2), encoding="utf-8")
    assert main(["import", str(path), "-o", str(tmp_path / "out.yaml")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"exportkit: {path}:") and says in err
    line = int(err.split(":")[2])
    assert line >= 1
    assert not (tmp_path / "out.yaml").exists()


def test_a_bad_entities_file_is_located_in_that_file(tmp_path, capsys):
    data = json.loads(ENTITIES.read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["M3n4O5p6Q7r8S9t0U1v2W3x4"]["entity"]["segmentMembership"]["ups"][
        "0b7d3f52-1c4a-4e8b-9d6f-2a5c7e9b1d30"
    ]["status"] = "maybe"
    path = tmp_path / "entities.json"
    path.write_text(json.dumps(broken, indent=2), encoding="utf-8")
    assert main(["import", str(S3), "--profiles", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"exportkit: {path}:") and "unknown status 'maybe'" in err
    assert len(err.strip().splitlines()) == 1
