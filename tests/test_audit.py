"""`exportkit audit`: the loop closes on loopback, and each mutation of a capture gives exactly
the findings it should."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

import pytest
import yaml

from exportkit import Receiver
from exportkit.app.cli import main
from exportkit.core.audit import Record, Refusals, Tolerances, audit_records, payload_record
from exportkit.core.rules import reason
from exportkit.core.rulesets import RULE_SETS, settings_of
from exportkit.io.capture import parse_name
from exportkit.io.library import dataset_names, dataset_path
from exportkit.io.loader import load_scenario

from .factories import make_scenario

FIXTURES = Path(__file__).parent / "fixtures" / "platform"


def audit_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["audit", *args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else {}


def loopback(tmp_path: Path, dataset: str) -> tuple[Path, Path]:
    """`run --deliver` every streaming destination into a receiver's log, and `run --out`."""
    scenario = load_scenario(dataset_path(dataset))
    log, files = tmp_path / "capture.jsonl", tmp_path / "files"
    streaming = [d.id for d in scenario.destinations if d.type != "batch"]
    with Receiver(out=log) as receiver:
        deliver = [a for d in streaming for a in ("--deliver", f"{d}={receiver.url}")]
        args = ["run", dataset, "--out", str(files), "--dead-letter", str(tmp_path / "dead.jsonl"), *deliver]
        assert main([*args, "--no-progress"]) == 0
    return log, files


@pytest.mark.parametrize("dataset", dataset_names())
def test_every_bundled_dataset_delivered_and_written_audits_to_only_matched(tmp_path, capsys, dataset):
    log, files = loopback(tmp_path, dataset)
    capsys.readouterr()
    scenario = load_scenario(dataset_path(dataset))
    for capture, kind in ((log, "streaming"), (files, "batch")):
        wanted = [d for d in scenario.destinations if (d.type == "batch") == (kind == "batch")]
        if not wanted:
            continue
        code, doc = audit_json(capsys, dataset, "--capture", str(capture))
        totals = doc["totals"]
        assert code == 0, doc["findings"][:3]
        assert totals["MATCHED"] > 0 and sum(totals.values()) == totals["MATCHED"], (kind, totals)


# --- mutations of a capture ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def delorean_log(tmp_path_factory) -> list[dict]:
    tmp = tmp_path_factory.mktemp("loop")
    log, _ = loopback(tmp, "delorean")
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def write_log(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def first_with(records: list[dict], destination: str, size: int = 1) -> int:
    return next(
        i
        for i, r in enumerate(records)
        if r["headers"]["X-Exportkit-Destination"] == destination and len(r["body"]) >= size
    )


def drop(records):
    i = first_with(records, "http-api")
    records[i]["body"].pop(0)
    return records


def alter(records):
    i = first_with(records, "http-api")
    records[i]["body"][0]["person"]["name"]["firstName"] = "Biff"
    return records


def inject(records):
    stranger = copy.deepcopy(records[first_with(records, "http-api")]["body"][0])
    stranger["identityMap"] = {"ecid": [{"id": "99999"}]}
    records[-1]["body"].append(stranger)
    return records


def duplicate_call(records):
    return [*records, copy.deepcopy(records[3])]  # a retry: the same message id again


def duplicate_record(records):
    twin = copy.deepcopy(records[first_with(records, "http-api")])
    twin["headers"]["X-Exportkit-Message"] = "another-message"
    twin["body"] = twin["body"][:1]  # one record, sent again in a call of its own
    return [*records, twin]


def reorder(records):
    return list(reversed(records))


def split(records):
    i = first_with(records, "http-api", size=2)
    head, tail = copy.deepcopy(records[i]), copy.deepcopy(records[i])
    head["body"], tail["body"] = records[i]["body"][:1], records[i]["body"][1:]
    tail["headers"]["X-Exportkit-Message"] += "-b"
    return [*records[:i], head, tail, *records[i + 1 :]]


MUTATIONS = [
    ("drop", drop, {"MISSING": 1}),
    ("alter", alter, {"DIFFERENT": 1}),
    ("inject", inject, {"UNEXPECTED": 1}),
    ("duplicate-call", duplicate_call, {}),
    ("duplicate-record", duplicate_record, {"UNEXPECTED": 1}),
    ("reorder", reorder, {}),
    ("split", split, {}),
]


@pytest.mark.parametrize(("name", "mutate", "expected"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_mutation_of_a_capture_gives_exactly_its_findings(
    tmp_path, capsys, delorean_log, name, mutate, expected
):
    path = write_log(tmp_path / "capture.jsonl", mutate(copy.deepcopy(delorean_log)))
    code, doc = audit_json(capsys, "delorean", "--capture", str(path))
    found = {k: v for k, v in doc["totals"].items() if v and k != "MATCHED"}
    assert found == expected
    assert code == (1 if expected else 0)
    assert doc["retries"] == (1 if name == "duplicate-call" else 0)


def test_an_altered_field_names_its_path_expected_and_captured(tmp_path, capsys, delorean_log):
    path = write_log(tmp_path / "capture.jsonl", alter(copy.deepcopy(delorean_log)))
    _, doc = audit_json(capsys, "delorean", "--capture", str(path))
    (different,) = [f for f in doc["findings"] if f["outcome"] == "DIFFERENT"]
    (diff,) = different["differences"]
    assert diff["path"] == "person.name.firstName" and diff["actual"] == "Biff"
    assert different["captured_where"].startswith("capture.jsonl:")


def test_a_missing_record_names_the_event_and_the_rule(tmp_path, capsys, delorean_log):
    records = copy.deepcopy(delorean_log)
    i = next(k for k, r in enumerate(records) if r["headers"]["X-Exportkit-Message"] == "http-api-2")
    records[i]["body"].pop(0)
    path = write_log(tmp_path / "capture.jsonl", records)
    _, doc = audit_json(capsys, "delorean", "--capture", str(path))
    (missing,) = [f for f in doc["findings"] if f["outcome"] == "MISSING"]
    assert missing["rule"] == "E-T1" and "step 1" in missing["text"] and missing["profile"] == "marty"


def test_a_dropped_record_near_the_capture_end_is_pending_not_missing(tmp_path, capsys, delorean_log):
    records = copy.deepcopy(delorean_log)
    last = max(records, key=lambda r: r["headers"]["X-Exportkit-Sent-At"])
    sent = last["headers"]["X-Exportkit-Sent-At"]
    last["body"].pop()
    path = write_log(tmp_path / "capture.jsonl", records)
    code, doc = audit_json(capsys, "delorean", "--capture", str(path), "--until", sent)
    assert {k: v for k, v in doc["totals"].items() if v and k != "MATCHED"} == {"PENDING": 1}
    assert code == 0
    code, doc = audit_json(capsys, "delorean", "--capture", str(path), "--until", sent, "--latency", "0")
    assert doc["totals"]["MISSING"] == 1 and code == 1


def test_a_same_value_overwrite_is_expected_twice(tmp_path, capsys, delorean_log):
    """E-S1: step 3 overwrites loyalty.tier with the same value, and the HTTP API re-exports."""
    bodies = [
        p for r in delorean_log if r["headers"]["X-Exportkit-Destination"] == "http-api" for p in r["body"]
    ]
    twice = [p for p in bodies if bodies.count(p) > 1]
    assert twice  # the same record, predicted twice, captured twice: both MATCHED
    records = copy.deepcopy(delorean_log)
    for r in records:
        if r["headers"]["X-Exportkit-Destination"] == "http-api" and twice[0] in r["body"]:
            r["body"].remove(twice[0])
            break
    path = write_log(tmp_path / "capture.jsonl", records)
    _, doc = audit_json(capsys, "delorean", "--capture", str(path))
    assert doc["totals"]["MISSING"] == 1  # the second copy was expected too


def test_a_request_the_receiver_refused_has_no_record(tmp_path, capsys, delorean_log):
    refused = {"call": 99, "time": "2025-03-03T09:00:00Z", "method": "POST", "path": "/", "headers": {}}
    records = [*copy.deepcopy(delorean_log), {**refused, "body": None, "answer": {"status": 413}}]
    path = write_log(tmp_path / "capture.jsonl", records)
    code, doc = audit_json(capsys, "delorean", "--capture", str(path))
    assert code == 0 and doc["totals"]["UNEXPECTED"] == 0


# --- the other capture formats ------------------------------------------------------------------


def bodies_of(records: list[dict], destination: str) -> list[list[dict]]:
    return [r["body"] for r in records if r["headers"]["X-Exportkit-Destination"] == destination]


def test_a_json_file_of_request_bodies(tmp_path, capsys, delorean_log):
    bodies = bodies_of(delorean_log, "http-api")
    bodies[0] = bodies[0] if len(bodies[0]) > 1 else bodies[0][0]  # a profile object alone is a body too
    path = tmp_path / "bodies.json"
    path.write_text(json.dumps({"requests": bodies}, indent=1), encoding="utf-8")
    code, doc = audit_json(capsys, "delorean", "--capture", str(path), "--destination", "http-api")
    assert code == 0 and doc["kind"] == "request bodies"
    assert doc["until"] is None  # no times: nothing can be pending
    assert set(doc["destinations"]) == {"http-api"}


def test_the_testing_api_output_counts_a_trace_id_once(tmp_path, capsys, delorean_log):
    calls = [
        {
            "traceId": f"t{i}",
            "request": {"body": json.dumps(b), "method": "POST"},
            "response": {"code": "200"},
        }
        for i, b in enumerate(bodies_of(delorean_log, "adnet"))
    ]
    output = {"results": [{"aggregationKey": {}, "httpCalls": [*calls, calls[0]]}]}
    path = tmp_path / "testing.json"
    path.write_text(json.dumps(output, indent=1), encoding="utf-8")
    code, doc = audit_json(capsys, "delorean", "--capture", str(path), "--destination", "adnet")
    assert code == 0 and doc["kind"] == "testing API output" and doc["retries"] == 1


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [("http_api_requests.json", "request bodies"), ("testing_api_output.json", "testing API output")],
)
def test_the_documented_fixtures_are_read(tmp_path, capsys, fixture, kind):
    scenario = tmp_path / "kinesis.yaml"
    assert main(["import", str(FIXTURES / "dataflow_kinesis.json"), "-o", str(scenario)]) == 0
    capsys.readouterr()
    code, doc = audit_json(capsys, str(scenario), "--capture", str(FIXTURES / fixture))
    assert doc["kind"] == kind
    assert doc["totals"]["UNEXPECTED"] == 2 and code == 1  # no events yet: nothing is predicted


def batch_scenario(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(dataset_path("delorean").read_text(encoding="utf-8"))
    s3 = next(d for d in data["destinations"] if d["id"] == "s3")
    s3.update(changes)
    path = tmp_path / "batch.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


FORMATS = [
    ("csv", {}),
    ("json-gzip", {"format": "json", "compression": "gzip"}),
    ("parquet", {"format": "parquet"}),
    ("split-parts", {"max_rows": 1, "identity": "email"}),
    ("template", {"file_name": "%DESTINATION%_%SEGMENT_NAME%_%SEGMENT_ID%_%DATETIME%"}),
    (
        "timestamp",
        {"file_name": "%SEGMENT_ID%-%DESTINATION%-%TIMESTAMP%", "format": "csv", "compression": "gzip"},
    ),
]


@pytest.mark.parametrize(("name", "changes"), FORMATS, ids=[f[0] for f in FORMATS])
def test_a_folder_of_batch_files_in_each_format(tmp_path, capsys, name, changes):
    scenario = batch_scenario(tmp_path, **changes)
    files = tmp_path / "files"
    assert main(["run", str(scenario), "--out", str(files), "--no-progress"]) == 0
    capsys.readouterr()
    code, doc = audit_json(capsys, str(scenario), "--capture", str(files))
    assert code == 0 and doc["totals"]["MATCHED"] > 0, doc["findings"][:3]
    victim = sorted(p for p in files.iterdir() if "delorean-owners" in p.name)[1]
    victim.unlink()
    code, doc = audit_json(capsys, str(scenario), "--capture", str(files), "--until", "2025-03-07T00:00:00Z")
    assert code == 1 and doc["totals"]["MISSING"] >= 1
    assert set(doc["totals"]) == {"MATCHED", "MISSING", "UNEXPECTED", "DIFFERENT", "PENDING"}


def test_an_altered_row_without_an_identity_column_is_different(tmp_path, capsys):
    files = tmp_path / "files"
    assert main(["run", "delorean", "--out", str(files), "--no-progress"]) == 0
    capsys.readouterr()
    target = files / "Amazon_S3_segmentdelorean-owners_20250304170000.csv"
    target.write_text(target.read_text(encoding="utf-8").replace("gold", "silver"), encoding="utf-8")
    code, doc = audit_json(capsys, "delorean", "--capture", str(files))
    assert code == 1
    (different,) = [f for f in doc["findings"] if f["outcome"] != "MATCHED"]
    assert different["outcome"] == "DIFFERENT" and different["rule"] == "B-I5"
    assert different["differences"] == [{"path": "loyalty_tier", "expected": "gold", "actual": "silver"}]
    assert different["captured_where"] == f"{target.name}:2"


def test_file_names_are_parsed_per_b_f3():
    scenario = load_scenario(dataset_path("delorean"))
    parsed = parse_name("Amazon_S3_segmentdelorean-owners_20250304170000.csv", scenario)
    assert parsed is not None and parsed.segment == "delorean-owners" and parsed.at.hour == 17
    assert parse_name("Amazon_S3_segmentdelorean-owners_20250304170000-2_3.csv", scenario) is not None
    assert parse_name("Other_segmentdelorean-owners_20250304170000.csv", scenario) is None


# --- bad input ----------------------------------------------------------------------------------


BAD = [
    ("not-json-line", lambda log: log[:2] + ["{ not json"] + log[2:], "capture.jsonl:3: not a JSON line"),
    ("not-a-record", lambda log: log + ['{"hello": 1}'], "capture.jsonl:25: neither a receiver log record"),
    (
        "bad-profile",
        lambda log: log + ['{"body": [1], "headers": {"X-Exportkit-Destination": "http-api"}}'],
        "capture.jsonl:25: profile 1",
    ),
    ("empty", lambda log: [], "is empty"),
]


@pytest.mark.parametrize(("name", "change", "says"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_capture_is_one_located_line_and_exit_2(tmp_path, capsys, delorean_log, name, change, says):
    lines = [json.dumps(r) for r in delorean_log]
    path = tmp_path / "capture.jsonl"
    path.write_text("\n".join(change(lines)), encoding="utf-8")
    assert main(["audit", "delorean", "--capture", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and says in err, err


def test_a_value_holding_a_line_separator_stays_in_its_line(tmp_path, capsys, delorean_log):
    """The receiver writes its log with ensure_ascii=False: U+2028 in a value is written raw."""
    records = copy.deepcopy(delorean_log)
    i = first_with(records, "http-api")
    records[i]["body"][0]["person"]["name"]["firstName"] = "Mar\u2028ty"
    path = tmp_path / "capture.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    code, doc = audit_json(capsys, "delorean", "--capture", str(path))
    assert code == 1 and doc["totals"]["DIFFERENT"] == 1
    (finding,) = [f for f in doc["findings"] if f["outcome"] == "DIFFERENT"]
    assert finding["captured_where"] == f"capture.jsonl:{i + 1}"


def test_a_stray_file_in_a_folder_capture_is_named(tmp_path, capsys):
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    assert main(["audit", "delorean", "--capture", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "notes.csv: is not a file name of the scenario's batch destinations" in err


def test_a_testing_api_body_that_is_not_json_is_located(tmp_path, capsys):
    output = {"results": [{"httpCalls": [{"traceId": "x", "request": {"body": "<xml/>"}}]}]}
    path = tmp_path / "testing.json"
    path.write_text(json.dumps(output, indent=2), encoding="utf-8")
    assert main(["audit", "delorean", "--capture", str(path), "--destination", "adnet"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:" in err and "request.body is not JSON" in err


def test_bad_options_are_refused(capsys):
    for args in (["--latency", "nan"], ["--until", "tomorrow"], ["--destination", "nowhere"]):
        assert main(["audit", "delorean", "--capture", "x.jsonl", *args]) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_the_text_and_html_reports_group_by_outcome(tmp_path, capsys, delorean_log):
    path = write_log(tmp_path / "capture.jsonl", inject(alter(copy.deepcopy(delorean_log))))
    page = tmp_path / "audit.html"
    assert main(["audit", "delorean", "--capture", str(path), "--html", str(page)]) == 1
    out = capsys.readouterr().out
    assert "UNEXPECTED (1): captured, not predicted" in out and "DIFFERENT (1)" in out
    assert "person.name.firstName: expected" in out
    assert "total" in out and "MATCHED (" not in out  # matched records are listed with -v only
    html = page.read_text(encoding="utf-8")
    assert "<b>UNEXPECTED</b> (1)" in html and "person.name.firstName" in html


@pytest.mark.parametrize("rules", list(RULE_SETS))
def test_the_heading_names_the_rule_set_by_its_label_and_the_capture_by_its_file_name(
    tmp_path, capsys, delorean_log, rules
):
    """What a client reads: "V5 documentation (October 2024)", never the id `current`, and the
    capture's file name, never the (temporary) folder it was read from."""
    path = write_log(tmp_path / "capture.jsonl", delorean_log)
    page = tmp_path / "audit.html"
    main(["audit", "delorean", "--capture", str(path), "--rules", rules, "--html", str(page)])
    first = capsys.readouterr().out.splitlines()[0]
    label = settings_of(rules).dated
    assert first.startswith("Audit of capture.jsonl (receiver log: ") and first.endswith(f"under the {label}")
    html = page.read_text(encoding="utf-8")
    assert f"under the {escape(label)}" in html and "<h2>Audit of capture.jsonl</h2>" in html
    for text in (first, html):
        assert str(tmp_path) not in text and f"({rules} rules)" not in text


def test_the_comparison_is_pure_and_order_free():
    scenario = make_scenario()
    payload = {
        "identityMap": {"ecid": [{"id": "e1"}]},
        "segmentMembership": {"ups": {"s1": {"status": "realized"}}},
    }
    one = payload_record("ent", payload)
    other = Record("ent", one.identities, one.memberships, {**one.fields, "x": 1})
    result = audit_records(scenario, [one, one], [one, other], tolerances=Tolerances())
    assert sorted(f.outcome for f in result.findings) == ["DIFFERENT", "MATCHED"]


def test_the_readme_names_every_option_of_import_and_audit_and_no_other():
    import argparse
    import re

    from exportkit.app.cli import _parser

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Auditing a real dataflow", 1)[1].split("\n## ", 1)[0]
    (sub,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    options = {
        o
        for command in ("import", "audit")
        for a in sub.choices[command]._actions
        for o in a.option_strings
        if o.startswith("--") and o != "--help"
    }
    named = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", section))
    assert named == options


def test_the_prediction_holds_the_files_the_clock_makes_between_events():
    """A scheduled file is a timeline entry of its own (B-T3), not part of a step: the prediction
    reads every file of the replay, the 17:00 ones included."""
    from exportkit import load_scenario, replay
    from exportkit.core.audit import predicted

    result = replay(load_scenario(Path(__file__).resolve().parent.parent / "datasets" / "delorean.yaml"))
    records = predicted(result, ["s3"])
    made = {f.name for f in result.files() if f.rows}
    assert {r.where for r in records} == made
    assert any(f.trigger == "scheduled" for f in result.files() if f.name in made)


@pytest.mark.parametrize("dataset", dataset_names())
def test_the_audit_predicts_from_the_audited_destinations_alone_what_the_whole_replay_does(dataset):
    """The audit replays the scenario restricted to the destinations it audits (`Scenario.only`):
    every record and every refusal is the whole replay's, each naming the same event and step."""
    from exportkit import replay
    from exportkit.core.audit import prediction
    from exportkit.core.engine import timeline

    scenario = load_scenario(dataset_path(dataset))
    whole = replay(scenario)
    groups = [[d.id] for d in scenario.destinations] + [
        [d.id for d in scenario.destinations if (d.type == "batch") is batch] for batch in (False, True)
    ]
    for group in (g for g in groups if g):
        expected = prediction(whole.timeline, scenario, group)
        alone = scenario.only(group)
        steps = [i for i, e in enumerate(scenario.events) if e.concerns(group)]
        got = prediction(timeline(alone, end=scenario.end), alone, steps=steps)
        assert got.records == expected.records, group
        assert got.refusals == expected.refusals, group
        assert expected.records or not any(m.destination in group for m in whole.messages()), group


T = [datetime(2025, 3, 3, h, tzinfo=UTC) for h in range(9, 14)]
NOT_MAPPED = reason("A2", "the profile holds none of this destination's mapped segments")
NO_UPDATE = reason("E-T5", "no relevant update ({}): exports are incremental", "consent is already in")


@pytest.mark.parametrize(
    ("at", "said"),
    [
        (None, NOT_MAPPED),  # no time: the last reason given
        (T[0] - timedelta(hours=1), NOT_MAPPED),  # before any: the first one given
        (T[0], NOT_MAPPED),
        (T[1], NO_UPDATE),
        (T[2], NO_UPDATE),  # the same reason again is the one before it
        (T[3], NOT_MAPPED),
        (T[4], NOT_MAPPED),
    ],
    ids=["no-time", "before-any", "at-first", "at-second", "repeated", "at-last", "after-last"],
)
def test_the_refusal_in_force_is_the_last_given_at_or_before_the_record(at, said):
    refusals = Refusals()
    for when, why in zip(T, [NOT_MAPPED, NO_UPDATE, NO_UPDATE, NOT_MAPPED], strict=False):
        refusals.add("http-api", "marty", when, why)
    assert refusals.said("http-api", "marty", at) == said
    assert refusals.said("http-api", "doc", at) is None
    assert refusals.said("adnet", "marty", at) is None
    assert len(refusals.by["http-api", "marty"][1]) == 3  # the repeated reason is held once
