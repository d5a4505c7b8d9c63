"""One file per merge policy (B-T2b, A27): which files a run makes, what each holds, how they are
named, and each misuse refused in one located line under the rule sets that lack it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from exportkit import replay
from exportkit.app.cli import main
from exportkit.core.filenames import base_name, template_problem
from exportkit.core.model import Segment
from exportkit.io.loader import ScenarioError, build_scenario, parse_scenario
from exportkit.text.lines import file_text

from .factories import T0, at, make_batch, make_batch_profile, make_destination

SEGMENTS = [
    {"id": "s1", "name": "Gold", "merge_policy": "mp-time"},
    {"id": "s2", "name": "Silver", "merge_policy": "mp-time"},
    {"id": "s3", "name": "Edge", "merge_policy": "mp-edge"},
]
DAILY = {"every": "day", "at": "17:00"}


def scenario(
    events: list[dict[str, Any]] | None = None, rules: str = "latest", **batch: Any
) -> dict[str, Any]:
    """p1 holds s1, p2 holds s1 and s2, p3 holds s3; one batch destination of the three segments,
    full daily files at 17:00, one file per merge policy unless `batch` says otherwise."""
    options = {
        "segments": [{"id": s, "mode": "full", "schedule": DAILY} for s in ("s1", "s2", "s3")],
        "files_per": "merge_policy",
        "dedup_key": "email",
        "identity": "email",
    } | batch
    return {
        "name": "merge policies",
        "rules": rules,
        "start": T0,
        "segments": SEGMENTS,
        "merge_policies": {"mp-time": "Default Time-based"},
        "profiles": [
            make_batch_profile("p1", segments={"s1": "realized"}),
            make_batch_profile("p2", segments={"s1": "realized", "s2": "realized"}),
            make_batch_profile("p3", segments={"s3": "realized"}),
        ],
        "destinations": [make_batch(**options)],
        "events": events if events is not None else [{"at": at(9), "profile": "p1", "exit": "s1"}],
    }


def parse(data: dict[str, Any]):
    """The scenario as the loader reads a file of it (its problems become `ScenarioError`)."""
    return parse_scenario(json.dumps(data, default=str), json_text=True)


def files(data: dict[str, Any]) -> list[tuple[str, str | None, list[str]]]:
    """Each file the replay makes: its segments, its merge policy and its rows' profiles."""
    return [(f.segment, f.merge_policy, list(f.profiles)) for f in replay(build_scenario(data)).files()]


# (id, batch options, events, files: (segments, merge policy, profiles))
WHAT_FILES_HOLD = [
    (
        "per-policy-full",
        {},
        None,
        [("s1, s2", "mp-time", ["p1", "p2"]), ("s3", "mp-edge", ["p3"])],
    ),
    (
        "per-policy-no-key-a-row-per-segment",
        {"identity": None, "dedup_key": None},
        None,
        [("s1, s2", "mp-time", ["p1", "p2", "p2"]), ("s3", "mp-edge", ["p3"])],
    ),
    (
        "per-segment-default",
        {"files_per": None},
        None,
        [("s1", None, ["p1", "p2"]), ("s2", None, ["p2"]), ("s3", None, ["p3"])],
    ),
    (
        "per-segment-written",
        {"files_per": "segment"},
        None,
        [("s1", None, ["p1", "p2"]), ("s2", None, ["p2"]), ("s3", None, ["p3"])],
    ),
    (
        "per-policy-incremental-first-then-changes",
        {"segments": [{"id": s, "mode": "incremental", "schedule": DAILY} for s in ("s1", "s2", "s3")]},
        [
            {"at": at(1), "profile": "p3", "qualify": "s2"},
            {"at": at(30), "profile": "p1", "qualify": "s2"},
            {"at": at(34), "evaluate": {}},
        ],
        [
            ("s1, s2", "mp-time", ["p1", "p2", "p3"]),
            ("s3", "mp-edge", ["p3"]),
            ("s1, s2", "mp-time", ["p1"]),
            ("s3", "mp-edge", []),
        ],
    ),
    (
        "per-policy-export-now",
        {},
        [{"at": at(2), "export_now": "s3"}],
        [("s1, s2", "mp-time", ["p1", "p2"]), ("s3", "mp-edge", ["p3"])],
    ),
]


@pytest.mark.parametrize(
    ("options", "events", "expected"),
    [row[1:] for row in WHAT_FILES_HOLD],
    ids=[row[0] for row in WHAT_FILES_HOLD],
)
def test_which_files_a_run_makes_and_what_each_holds(options, events, expected):
    data = scenario(events, **options)
    batch = data["destinations"][0]
    for key in [k for k, v in batch.items() if v is None]:
        del batch[key]
    assert files(data) == expected


def test_a_file_per_merge_policy_says_why_and_keeps_each_rows_reason():
    (grouped, _) = replay(build_scenario(scenario())).files()
    cited = [r.rule for r in grouped.reasons]
    assert "B-T2b" in cited and cited.count("B-T3") == 1  # the shared schedule said once
    assert "merge policy mp-time holds s1, s2" in str(grouped.reasons[-1])
    assert [(n.profile, n.reason.rule, n.reason.values[0]) for n in grouped.why] == [
        ("p1", "B-I1", "s1"),
        ("p2", "B-I1", "s1"),
    ]
    assert grouped.as_dict()["merge_policy"] == "mp-time"
    assert "(full, scheduled, merge policy mp-time: s1, s2, 2 rows" in file_text(grouped)[0].plain


# (id, events before the 17:00 file, profile left out, deciding rule, words of its reason)
DEDUPLICATION = [
    (
        "same-profile-keeps-its-first-segment",
        [],
        "p2",
        "A27",
        "its row for s2 is left out: the file already holds its row for s1",
    ),
    (
        "another-profile-qualified-later-in-another-segment",
        [
            {"at": at(2), "profile": "p1", "add_identity": {"email": "p2@example.com"}},
            {"at": at(3), "profile": "p2", "exit": "s1"},
            {"at": at(4), "profile": "p1", "qualify": "s2"},
        ],
        "p2",
        "B-I7b",
        "lost the deduplication on email=p2@example.com to p1, whose reference timestamp is later",
    ),
]


@pytest.mark.parametrize(
    ("events", "profile", "rule", "words"), [d[1:] for d in DEDUPLICATION], ids=[d[0] for d in DEDUPLICATION]
)
def test_deduplication_holds_over_the_whole_file(events, profile, rule, words):
    """B-I7 holds for a file, so in a file per merge policy over every segment's rows (A27)."""
    (grouped, _) = replay(build_scenario(scenario([*events, {"at": at(9), "evaluate": {}}]))).files()
    (note,) = [n for n in grouped.left_out if n.profile == profile and n.reason.rule != "B-I2"]
    assert (note.reason.rule, words in note.reason.text) == (rule, True)


# (id, file_name template, files_per merge policy?, expected base name)
NAMES = [
    ("default-per-segment", None, False, "Amazon_S3_segments1_20250303170000"),
    ("default-per-policy", None, True, "Amazon_S3_mergePolicymp-time_20250303170000"),
    (
        "policy-macros",
        "%DESTINATION%_%MERGE_POLICY_ID%_%MERGE_POLICY_NAME%_%DATETIME%",
        True,
        "Amazon_S3_mp-time_Default_Time-based_20250303_170000",
    ),
    (
        "policy-macros-per-segment",
        "%DESTINATION%_%SEGMENT_ID%_%MERGE_POLICY_NAME%",
        False,
        "Amazon_S3_s1_Default_Time-based",
    ),
]


@pytest.mark.parametrize(
    ("template", "per_policy", "expected"), [n[1:] for n in NAMES], ids=[n[0] for n in NAMES]
)
def test_file_names_of_merge_policy_files(template, per_policy, expected):
    dest = make_destination(file_name=template, files_per="merge_policy" if per_policy else None)
    segment = Segment(id="s1", name="Gold", merge_policy="mp-time")
    run = T0.replace(hour=17)
    assert base_name(dest, segment, run, "Default Time-based") == expected


def test_the_name_of_a_merge_policy_without_one_is_its_id():
    dest = make_destination(
        file_name="%DESTINATION%_%MERGE_POLICY_ID%_%MERGE_POLICY_NAME%", files_per="merge_policy"
    )
    assert base_name(dest, Segment(id="s1", name="Gold", merge_policy="mp"), T0) == "Amazon_S3_mp_mp"


def test_the_replay_names_files_after_the_scenarios_merge_policy_names():
    data = scenario(file_name="%DESTINATION%_%MERGE_POLICY_ID%_%MERGE_POLICY_NAME%_%DATETIME%")
    names = [f.name for f in replay(build_scenario(data)).files()]
    assert names == [
        "Amazon_S3_mp-time_Default_Time-based_20250303_170000.csv",
        "Amazon_S3_mp-edge_mp-edge_20250303_170000.csv",
    ]


# (id, template, per merge policy, problem)
TEMPLATE_PROBLEMS = [
    (
        "per-policy-needs-policy-id",
        "%DESTINATION%_%DATETIME%",
        True,
        "must contain %MERGE_POLICY_ID%; it is always present and cannot be removed (B-T2b, A27)",
    ),
    (
        "per-policy-no-segment-macro",
        "%DESTINATION%_%MERGE_POLICY_ID%_%SEGMENT_NAME%",
        True,
        "cannot contain %SEGMENT_NAME%: with files_per: merge_policy a file holds every segment",
    ),
    ("per-policy-valid", "%DESTINATION%_%MERGE_POLICY_ID%", True, None),
    (
        "per-segment-still-needs-segment-id",
        "%DESTINATION%_%MERGE_POLICY_ID%",
        False,
        "must contain %SEGMENT_ID%",
    ),
    ("per-segment-may-name-its-policy", "%DESTINATION%_%SEGMENT_ID%_%MERGE_POLICY_NAME%", False, None),
]


@pytest.mark.parametrize(
    ("template", "per_policy", "problem"),
    [t[1:] for t in TEMPLATE_PROBLEMS],
    ids=[t[0] for t in TEMPLATE_PROBLEMS],
)
def test_template_problems_of_merge_policy_files(template, per_policy, problem):
    found = template_problem(template, per_policy)
    assert found == problem if problem is None else problem in (found or "")


# (id, rules, batch options, located message)
MISUSE = [
    (
        "files_per-under-seed",
        "seed",
        {},
        "destinations[0].files_per: the files_per option comes from the 2026 documentation (B-T2b), "
        "which the older documentation does not have; write rules: latest to use it",
    ),
    (
        "files_per-under-current",
        "current",
        {"files_per": "segment"},
        "destinations[0].files_per: the files_per option comes from the 2026 documentation (B-T2b), "
        "which the V5 documentation does not have; write rules: latest to use it",
    ),
    (
        "macro-under-seed",
        "seed",
        {"files_per": None, "file_name": "%DESTINATION%_%SEGMENT_ID%_%MERGE_POLICY_ID%"},
        "destinations[0].file_name: the %MERGE_POLICY_ID% macro comes from the 2026 documentation (B-T2b)",
    ),
    (
        "schedules-differ",
        "latest",
        {"segments": [{"id": "s1", "mode": "full", "schedule": DAILY}, {"id": "s2", "mode": "full"}]},
        "destinations[0].segments[1].schedule: s2 shares merge policy 'mp-time' with s1, so with "
        "files_per: merge_policy one file holds both; give it s1's schedule (B-T2b, A27)",
    ),
    (
        "modes-differ",
        "latest",
        {"segments": [{"id": "s1", "mode": "full"}, {"id": "s2", "mode": "incremental"}]},
        "destinations[0].segments[1].mode: s2 shares merge policy 'mp-time' with s1",
    ),
    ("unknown-value", "latest", {"files_per": "audience"}, "destinations[0].files_per: input should be"),
]


@pytest.mark.parametrize(("rules", "options", "message"), [m[1:] for m in MISUSE], ids=[m[0] for m in MISUSE])
def test_each_misuse_is_one_located_line(rules, options, message):
    data = scenario(rules=rules, **options)
    if options.get("files_per", "") is None:
        del data["destinations"][0]["files_per"]
    with pytest.raises(ScenarioError) as caught:
        parse(data)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_merge_policy_name_for_no_segment_is_refused():
    data = scenario() | {"merge_policies": {"mp-typo": "Typo"}}
    with pytest.raises(ScenarioError) as caught:
        parse(data)
    assert "merge_policies.mp-typo: no segment has the merge policy 'mp-typo'" in str(caught.value)


def test_a_misuse_exits_2_with_its_line(tmp_path, capsys):
    import yaml

    path = tmp_path / "s.yaml"
    data = scenario(rules="seed")
    data["start"] = data["start"].isoformat()
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"exportkit: {path}:") and "files_per: the files_per option" in err
    assert err.count("\n") == 1


# --- a file per merge policy read per segment: by `expect` and by the audit --------------------


def scenario_file(tmp_path, events: list[dict[str, Any]] | None = None, **batch: Any):
    """`scenario` with p4 in s2 alone, so the merge policy mp-time's file holds rows of both its
    segments (s1: p1, p2; s2: p4), written as a file."""
    import yaml

    data = scenario(events, **batch)
    data["start"] = data["start"].isoformat()
    data["profiles"].append(make_batch_profile("p4", segments={"s2": "realized"}))
    data["destinations"] = [{k: v for k, v in d.items() if v is not None} for d in data["destinations"]]
    path = tmp_path / "mp.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


# (id, batch options, the files expected on the clock at 17:00, whether they hold)
PER_SEGMENT_EXPECT = [
    (
        "each-segment-its-rows",
        {},
        [{"segment": "s1", "profiles": ["p1", "p2"], "rows": 2}, {"segment": "s2", "profiles": ["p4"]},
         {"segment": "s3", "profiles": ["p3"], "rows": 1}],
        True,
    ),
    (
        "a-segment-counts-its-own-rows-only",
        {},
        [{"segment": "s1", "rows": 3}, {"segment": "s2"}, {"segment": "s3"}],
        False,
    ),
    (
        "every-segment-of-the-file-is-expected",
        {},
        [{"segment": "s1"}, {"segment": "s3"}],
        False,
    ),
    (
        "no-key-a-row-in-each-segment",
        {"identity": None, "dedup_key": None},
        [{"segment": "s1", "profiles": ["p1", "p2"]}, {"segment": "s2", "profiles": ["p2", "p4"], "rows": 2},
         {"segment": "s3"}],
        True,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("options", "expected", "holds"),
    [c[1:] for c in PER_SEGMENT_EXPECT],
    ids=[c[0] for c in PER_SEGMENT_EXPECT],
)
def test_expect_reads_a_merge_policy_file_per_segment(tmp_path, options, expected, holds):
    from exportkit.check import FileCheck, ScenarioFile

    later = [
        {
            "at": at(10),
            "profile": "p1",
            "set": {"loyalty.tier": "gold"},
            "expect": {"s3": {"files": expected}},
        }
    ]
    result = FileCheck.of(ScenarioFile.read(scenario_file(tmp_path, [*EVENTS_BEFORE, *later], **options)))
    assert [(o.name, o.passed) for o in result.results] == [("step-2::s3", holds)]


EVENTS_BEFORE = [{"at": at(1), "profile": "p3", "set": {"loyalty.tier": "gold"}}]


def _drop_p4(lines: list[str]) -> list[str]:
    return [x for x in lines if not x.startswith("p4@")]


def _alter_p4(lines: list[str]) -> list[str]:
    return [x.replace(",P4,", ",Biff,") for x in lines]


def _inject(lines: list[str]) -> list[str]:
    return [*lines, "p9@example.com,P9,p9@example.com,gold,realized,2025-03-03T09:00:00Z"]


# (id, what is done to the mp-time file's lines, the findings: (outcome, profile, audience))
AUDITED_PER_SEGMENT = [
    ("as-written", None, []),
    ("s2-row-dropped", _drop_p4, [("MISSING", "p4", "s2")]),
    ("s2-row-altered", _alter_p4, [("DIFFERENT", "p4", "s2")]),
    ("row-injected-after-s2", _inject, [("UNEXPECTED", None, "s2")]),
]


@pytest.mark.parametrize(
    ("change", "findings"), [c[1:] for c in AUDITED_PER_SEGMENT], ids=[c[0] for c in AUDITED_PER_SEGMENT]
)
def test_the_audit_reads_a_merge_policy_file_per_segment(tmp_path, capsys, change, findings):
    """Its name says the merge policy, its rows come segment by segment (A27): each captured row
    is matched as a record of its own segment, never of "s1, s2"."""
    path, out = scenario_file(tmp_path), tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--no-progress", "--summary"]) == 0
    (mixed,) = out.glob("*mergePolicymp-time_*.csv")
    if change is not None:
        mixed.write_text("\n".join(change(mixed.read_text().splitlines())) + "\n")
    capsys.readouterr()
    code = main(["audit", str(path), "--capture", str(out), "--until", at(24), "--json"])  # all due
    doc = json.loads(capsys.readouterr().out)
    audiences = {a["id"] for f in doc["findings"] for a in f["audiences"]}
    assert audiences == {"s1", "s2", "s3"}
    needing = [
        (f["outcome"], f["profile"], f["audiences"][0]["id"])
        for f in doc["findings"]
        if f["outcome"] != "MATCHED"
    ]
    assert needing == findings
    assert code == (0 if not findings else 1)
    matched = doc["totals"]["MATCHED"]
    assert matched == 4 - sum(outcome in ("MISSING", "DIFFERENT") for outcome, _, _ in findings)
