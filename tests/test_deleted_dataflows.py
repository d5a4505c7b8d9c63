"""A deleted dataflow (L2, A29): its event, what happens after, each decision saying why, and each
misuse refused in one located line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from exportkit import replay
from exportkit.io.loader import ScenarioError, build_scenario, parse_scenario

from .test_dataflows import at, scenario

DELETED_AT = 2  # hours after the start


def replayed(events: list[dict[str, Any]], rules: str = "latest", **members: str):
    return replay(build_scenario(scenario(events, rules, **members)))


def decision(step, destination: str):
    (d,) = [d for d in step.decisions if d.destination == destination]
    return d


# (id, deleted destination, then: a later profile event, destination asked, exported?, rule)
AFTER = [
    ("ent-qualify", "ent", {"profile": "p", "qualify": "S1"}, "ent", False, "L2"),
    ("adnet-qualify", "adnet", {"profile": "p", "qualify": "S1"}, "adnet", False, "L2"),
    ("s3-qualify-not-noted", "s3", {"profile": "p", "qualify": "S1"}, "s3", False, "L2"),
    ("others-go-on", "adnet", {"profile": "p", "qualify": "S1"}, "ent", True, "E-T1"),
    ("ent-attribute", "ent", {"profile": "p", "set": {"a.b": 1}}, "ent", False, "L2"),
]


@pytest.mark.parametrize(
    ("deleted", "event", "destination", "exported", "rule"),
    [a[1:] for a in AFTER],
    ids=[a[0] for a in AFTER],
)
def test_after_the_deletion_each_decision_says_why(deleted, event, destination, exported, rule):
    result = replayed([{"at": at(DELETED_AT), "delete": deleted}, {"at": at(3), **event}], p="")
    d = decision(result.steps[1], destination)
    assert (d.exported, d.rule) == (exported, rule)
    if rule == "L2":
        assert f"was deleted at {at(DELETED_AT)}" in d.reasons[0].text


# (id, destination, rules cited by its deletion decision)
DELETION = [
    ("enterprise", "ent", ["L2"]),
    ("streaming-segment-partner", "adnet", ["L2", "S-S3"]),
    ("batch", "s3", ["L2"]),
]


@pytest.mark.parametrize(("destination", "rules"), [d[1:] for d in DELETION], ids=[d[0] for d in DELETION])
def test_the_deletion_says_what_it_unmaps(destination, rules):
    (step,) = replayed([{"at": at(DELETED_AT), "delete": destination}], p="realized").steps
    d = decision(step, destination)
    assert (d.verdict, [r.rule for r in d.reasons]) == ("deleted", rules)
    assert "S1 unmapped" in d.reasons[0].text
    others = [x for x in step.decisions if x.destination != destination]
    assert others and all(not x.exported and "concerns" in x.reasons[0].text for x in others)


def test_a_deleted_batch_destination_makes_no_file_again():
    """s3 writes 3-hourly incremental files: the first at 03:00, none after the deletion at 04:00,
    and p's qualification at 05:00 is never written."""
    events = [
        {"at": at(4), "delete": "s3"},
        {"at": at(5), "profile": "p", "qualify": "S1"},
        {"at": at(10), "evaluate": {}},
    ]
    result = replayed(events, p="")
    assert [(f.destination, f.at.hour) for f in result.files()] == [("s3", 3)]
    evaluate = decision(result.steps[2], "s3")
    assert evaluate.rule == "L2" and "makes no file again" in evaluate.reasons[0].text
    (waiting,) = result.end.next_files
    assert (waiting.reason.rule, waiting.due) == ("L2", None)


def test_what_already_waits_in_a_buffer_still_leaves():
    """A29 (as A24 for a pause): p's export at 01:00 waits in adnet's buffer (configurable, 30 min
    under the seed's default) and leaves although the dataflow is deleted at 01:10."""
    events = [{"at": at(1), "profile": "p", "qualify": "S1"}, {"at": at(1 + 1 / 6), "delete": "adnet"}]
    result = replayed(events, p="")
    sent = [m for m in result.messages() if m.destination == "adnet"]
    assert [m.profiles for m in sent] == [("p",)]


def test_an_older_rule_set_replaying_a_deletion_does_nothing_and_says_so():
    events = [{"at": at(DELETED_AT), "delete": "ent"}, {"at": at(3), "profile": "p", "qualify": "S1"}]
    data = scenario(events, p="")
    result = replay(build_scenario(data), rules="current")
    first, second = result.steps
    assert (decision(first, "ent").verdict, decision(first, "ent").rule) == ("not run", "L2")
    assert decision(second, "ent").exported


# (id, events, rules, located message)
MISUSE = [
    (
        "delete-under-seed",
        [{"delete": "ent"}],
        "seed",
        "events[0].delete: delete comes from the 2026 documentation (L2); the seed rules do not have it",
    ),
    (
        "an-event-after-the-deletion",
        [{"delete": "s3"}, {"run": "s3"}],
        "latest",
        "events[1].run: 's3' was deleted (events[0]); a deleted dataflow takes no further event (L2, A29)",
    ),
    (
        "deleted-twice",
        [{"delete": "adnet"}, {"delete": "adnet"}],
        "latest",
        "events[1].delete: 'adnet' was deleted (events[0])",
    ),
    (
        "enabled-after-deletion",
        [{"disable": "ent"}, {"delete": "ent"}, {"enable": "ent"}],
        "latest",
        "events[2].enable: 'ent' was deleted (events[1])",
    ),
    (
        "unknown-destination",
        [{"delete": "nowhere"}],
        "latest",
        "events[0].delete: unknown destination 'nowhere'",
    ),
    (
        "with-a-profile",
        [{"delete": "ent", "profile": "p"}],
        "latest",
        "events[0].profile: a delete event does not take a profile",
    ),
]


@pytest.mark.parametrize(("events", "rules", "message"), [m[1:] for m in MISUSE], ids=[m[0] for m in MISUSE])
def test_each_misuse_is_one_located_line(events, rules, message):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(json.dumps(scenario(events, rules, p="realized")), json_text=True)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
