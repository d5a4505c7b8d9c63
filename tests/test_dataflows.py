"""The 2026 dataflow events: Activate now (S-T7, A18) and disabled dataflows (L1, A20).

The worked cases of export-rules-2026.md that concern them (43, 44, 50) as tables of verdicts and
rule ids, then each misuse of the events: one located line, exit 2."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from exportkit import ScenarioError, parse_scenario, replay
from exportkit.app.cli import main
from exportkit.io.loader import build_scenario

START = datetime(2025, 3, 1, 0, 0, tzinfo=UTC)


def at(hours: float) -> str:
    return (START + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


def scenario(events: list[dict[str, Any]], rules: str = "latest", **members: str) -> dict[str, Any]:
    """Three destinations of S1 (an HTTP API, an advertising network, an S3 bucket with 3-hourly
    incremental files) and profiles given as id=status in S1 ("" for none)."""
    return {
        "name": "dataflows",
        "rules": rules,
        "start": at(0),
        "segments": [{"id": "S1", "name": "One"}, {"id": "S2", "name": "Two"}],
        "profiles": [
            {
                "id": pid,
                "identities": {"email": [f"{pid}@example.com"]},
                "segments": {"S1": status} if status else {},
            }
            for pid, status in members.items()
        ],
        "destinations": [
            {"id": "ent", "type": "streaming-profile", "segments": ["S1"]},
            {"id": "adnet", "type": "streaming-segment", "segments": ["S1"], "identities": ["email"]},
            {
                "id": "s3",
                "type": "batch",
                "segments": [{"id": "S1", "mode": "incremental", "schedule": {"every": "3h"}}],
                "identity": "email",
            },
        ],
        "events": events,
    }


def verdicts(decisions, destination: str) -> list[tuple[str, bool, str]]:
    return [(d.profile, d.exported, d.rule) for d in decisions if d.destination == destination]


# --- S-T7, A18: Activate now ------------------------------------------------------------------

CASE_43 = dict(p1="realized", p2="existing", p3="realized", p4="exited", p5="")


@pytest.mark.parametrize(
    ("case", "hours", "expected"),
    [
        pytest.param(
            "43",
            [48],
            [[("", False, "S-T7"), ("p1", True, "S-T7"), ("p2", True, "S-T7"), ("p3", True, "S-T7")]],
            id="43-three-current-members-sent-no-exit",
        ),
        pytest.param(
            "44",
            [48, 60],
            [
                [("", False, "S-T7"), ("p1", True, "S-T7"), ("p2", True, "S-T7"), ("p3", True, "S-T7")],
                [("", False, "S-T7")],
            ],
            id="44-twice-within-24h-second-refused",
        ),
        pytest.param(
            "S-T7",
            [48, 72],
            [[("", False, "S-T7"), *[(p, True, "S-T7") for p in ("p1", "p2", "p3")]]] * 2,
            id="again-24h-later-runs",
        ),
        pytest.param("S-T7", [23], [[("", False, "S-T7")]], id="less-than-24h-after-mapping-refused"),
    ],
)
def test_activate_now_worked_cases(case, hours, expected):
    s = build_scenario(scenario([{"at": at(h), "activate_now": "adnet"} for h in hours], **CASE_43))
    steps = replay(s).steps
    assert [verdicts(step.decisions, "adnet") for step in steps] == expected


def test_43_each_profile_is_sent_with_its_current_status_and_the_exited_one_is_counted():
    s = build_scenario(scenario([{"at": at(48), "activate_now": "adnet"}], **CASE_43))
    r = replay(s)
    step = r.steps[0]
    head, *sent = [d for d in step.decisions if d.destination == "adnet"]
    assert head.verdict == "resent 3 profiles"
    assert "1 exited profile not sent (A18)" in head.reasons[0].text
    for d in sent:  # A18: the current status; under latest (A7) a continuing member stays realized
        assert d.payload["segmentMembership"]["ups"]["S1"]["status"] == "realized"
        assert [r.rule for r in d.reasons] == ["S-T7", "A18"]
    # They wait in the buffer like any export (M1): left there at the end, they leave then.
    assert sorted(p for m in r.end.messages for p in m.profiles) == ["p1", "p2", "p3"]


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (
            [10],
            "it was mapped at 2025-03-01T00:00:00Z, less than 24 hours ago; "
            "it may run from 2025-03-02T00:00:00Z",
        ),
        (
            [48, 60],
            "it last ran at 2025-03-03T00:00:00Z, less than 24 hours ago (one run per audience in any "
            "24 hours); it may run from 2025-03-04T00:00:00Z",
        ),
    ],
    ids=["mapping", "rolling-window"],
)
def test_a_refusal_says_when_activate_now_may_run(hours, text):
    s = build_scenario(scenario([{"at": at(h), "activate_now": "adnet"} for h in hours], **CASE_43))
    last = replay(s).steps[-1]
    head = next(d for d in last.decisions if d.destination == "adnet")
    assert head.verdict == "refused" and head.rule == "S-T7"
    assert text in head.reasons[0].text


def test_activate_now_on_chosen_segments_resends_those_only():
    data = scenario([{"at": at(48), "activate_now": "adnet", "segments": ["S1"]}], p1="realized")
    s = build_scenario(data)
    assert s.events[0].options == {"segments": ("S1",)}
    assert s.events[0].as_dict()["segments"] == ["S1"]
    assert verdicts(replay(s).steps[0].decisions, "adnet") == [("", False, "S-T7"), ("p1", True, "S-T7")]


def test_activate_now_replayed_under_an_older_rule_set_does_nothing():
    s = build_scenario(scenario([{"at": at(48), "activate_now": "adnet"}], p1="realized"))
    step = replay(s, rules="current").steps[0]
    assert verdicts(step.decisions, "adnet") == [("", False, "S-T7")]
    assert "comes from the 2026 documentation (S-T7)" in step.decisions[1].reasons[0].text


# --- L1, A20: disabled dataflows --------------------------------------------------------------

PAUSE = [
    *[{"at": at(10), "disable": d} for d in ("ent", "adnet", "s3")],
    {"at": at(11), "profile": "p", "qualify": "S1"},
    *[{"at": at(12), "enable": d} for d in ("ent", "adnet", "s3")],
    {"at": at(15.5), "profile": "q", "qualify": "S2"},
]


def _pause_replay():
    return replay(build_scenario(scenario(PAUSE, p="", q="")))


@pytest.mark.parametrize(
    ("destination", "expected"),
    [
        ("ent", [("p", False, "L1")]),
        ("adnet", [("p", False, "L1")]),
        ("s3", [("p", False, "B-T6")]),  # noted for the next file (A20)
    ],
)
def test_50_nothing_is_exported_at_11(destination, expected):
    qualify = _pause_replay().steps[3]
    assert verdicts(qualify.decisions, destination) == expected


def test_50_a_streaming_destination_does_not_catch_up_when_enabled():
    r = _pause_replay()
    assert not [d for step in r.steps[4:7] for d in step.decisions if d.exported]
    assert not [m for step in r.steps for m in step.messages]  # nothing at 11:00, 12:00 or after


def test_50_the_batch_run_at_12_is_skipped_and_the_next_file_holds_p():
    r = _pause_replay()
    skipped = [d for step in r.steps for d in step.decisions if d.verdict == "skipped"]
    assert [(d.destination, d.rule) for d in skipped] == [("s3", "L1")]
    assert "was disabled at 2025-03-01T10:00:00Z" in skipped[0].reasons[0].text
    files = r.files()  # scheduled files are entries of their own, between the events
    assert [f.at.hour for f in files] == [3, 6, 9, 15]  # 12:00 skipped
    assert [row["email"] for row in files[-1].rows] == ["p@example.com"]


def test_disable_and_enable_say_what_they_do():
    r = _pause_replay()
    disable, enable = r.steps[0].decisions[0], r.steps[4].decisions[0]
    assert (disable.destination, disable.verdict, disable.rule) == ("ent", "disabled", "L1")
    assert (enable.destination, enable.verdict, enable.rule) == ("ent", "enabled", "L1")
    assert "(A20)" in disable.reasons[0].text and "(A20)" in enable.reasons[0].text


# --- misuse: one located line, exit 2 ----------------------------------------------------------

MISUSE = [
    pytest.param(
        [{"activate_now": "s3"}],
        "latest",
        "events[0].activate_now: 's3' is a batch destination; Activate now resends audiences to streaming "
        "segment destinations: for a file now, use export_now (B-T5)",
        id="activate_now-on-batch",
    ),
    pytest.param(
        [{"activate_now": "ent"}],
        "latest",
        "events[0].activate_now: 'ent' is a streaming-profile destination; Activate now resends audiences "
        "to streaming segment destinations only (S-T7)",
        id="activate_now-on-streaming-profile",
    ),
    pytest.param(
        [{"activate_now": "adnet"}],
        "current",
        "events[0].activate_now: activate_now comes from the 2026 documentation (S-T7); the current rules "
        "do not have it: write rules: latest",
        id="activate_now-under-current",
    ),
    pytest.param(
        [{"activate_now": "adnet"}],
        "seed",
        "events[0].activate_now: activate_now comes from the 2026 documentation (S-T7)",
        id="activate_now-under-seed",
    ),
    pytest.param(
        [{"activate_now": "adnet", "segments": ["S2"]}],
        "latest",
        "events[0].segments[0]: segment 'S2' is not mapped to 'adnet'",
        id="activate_now-unmapped-segment",
    ),
    pytest.param(
        [{"activate_now": "adnet", "segments": ["S9"]}],
        "latest",
        "events[0].segments[0]: unknown segment 'S9'",
        id="activate_now-unknown-segment",
    ),
    pytest.param(
        [{"activate_now": "adnet", "profile": "p"}],
        "latest",
        "events[0].profile: an activate_now event does not take a profile",
        id="activate_now-with-a-profile",
    ),
    pytest.param(
        [{"profile": "p", "qualify": "S1", "segments": ["S1"]}],
        "latest",
        "events[0].segments: a qualify event does not take segments",
        id="segments-on-another-event",
    ),
    pytest.param(
        [{"disable": "adnet"}],
        "seed",
        "events[0].disable: disable comes from the 2026 documentation (L1); the seed rules do not have it: "
        "write rules: latest",
        id="disable-under-seed",
    ),
    pytest.param(
        [{"disable": "adnet"}, {"disable": "adnet"}],
        "latest",
        "events[1].disable: 'adnet' is disabled already (events[0]); enable it first",
        id="disable-twice",
    ),
    pytest.param(
        [{"enable": "s3"}],
        "latest",
        "events[0].enable: 's3' is not disabled; there is nothing to enable",
        id="enable-without-disable",
    ),
    pytest.param(
        [{"disable": "nowhere"}],
        "latest",
        "events[0].disable: unknown destination 'nowhere'",
        id="disable-unknown-destination",
    ),
]


@pytest.mark.parametrize(("events", "rules", "message"), MISUSE)
def test_each_misuse_is_one_located_line(events, rules, message):
    with pytest.raises(ScenarioError) as caught:
        build_or_parse(scenario(events, rules, p="realized"))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def build_or_parse(data: dict[str, Any]):
    import json

    return parse_scenario(json.dumps(data), json_text=True)


def test_a_misuse_exits_2_with_its_line(tmp_path, capsys):
    import yaml

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario([{"activate_now": "s3"}], p="realized"), sort_keys=False))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"exportkit: {path}:") and "events[0].activate_now: 's3' is a batch" in err
    assert err.count("\n") == 1


# --- the explorer and the comparison change destinations: the events still replay ---------------


def test_activate_now_on_a_destination_remapped_to_another_type_is_refused():
    from exportkit import remap

    s = build_scenario(scenario([{"at": at(48), "activate_now": "adnet"}], p1="realized"))
    step = replay(remap(s, "adnet", "streaming-profile", ["S1"], [])).steps[0]
    head = next(d for d in step.decisions if d.destination == "adnet")
    assert (head.verdict, head.rule) == ("refused", "S-T7")
    assert "adnet is a streaming-profile destination" in head.reasons[0].text


def test_every_type_leaves_out_the_dataflow_events_of_the_destinations_it_replaces():
    from exportkit import every_type

    events = [*PAUSE[:3], {"at": at(48), "activate_now": "adnet"}]
    s = build_scenario(scenario(events, p1="realized"))
    derived = every_type(s)
    assert [e.kind for e in derived.events] == []
    assert replay(derived).steps == []
