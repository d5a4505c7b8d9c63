"""Expectations in scenario files (`expect:` on events, `expect_end:`): every form they take is
read, every bad one is refused with one located line, and the JSON Schema knows them."""

from __future__ import annotations

import json
import textwrap

import jsonschema
import pytest
import yaml

from exportkit.core.expectation import Expectation, FileExpectation, MessageExpectation, PayloadExpectation
from exportkit.core.schema import scenario_schema
from exportkit.io.loader import ScenarioError, parse_scenario

from .factories import OWNERS_HEAD

HEAD = (
    OWNERS_HEAD
    + """\
  - profile: marty
    qualify: owners
    expect:
"""
)  # events of its own under `events:`
LINE = HEAD.count("\n") + 1  # the line of the first entry under expect:


def scenario_with(entries: str, tail: str = ""):
    return parse_scenario(HEAD + textwrap.indent(entries, "      ") + "\n" + tail, "s.yaml")


# (id, the entries under expect:, what is read for the first destination)
FORMS = [
    ("a verdict alone", "http-api: exported", Expectation(verdict="exported")),
    ("not exported", "adnet: not exported", Expectation(verdict="not exported")),
    ("noted, on a batch destination", "s3: noted", Expectation(verdict="noted")),
    ("refused", "adnet: refused", Expectation(verdict="refused")),
    (
        "verdict and rule",
        "adnet: {verdict: exported, rule: S-T1}",
        Expectation(verdict="exported", rule="S-T1"),
    ),
    (
        "payload has, lacks, equals",
        "adnet:\n  payload:\n    has: [segmentMembership.ups.owners, identityMap.email]\n"
        "    lacks: person.name.lastName\n    equals: {segmentMembership.ups.owners.status: realized}",
        Expectation(
            payload=PayloadExpectation(
                has=("segmentMembership.ups.owners", "identityMap.email"),
                lacks=("person.name.lastName",),
                equals={"segmentMembership.ups.owners.status": "realized"},
            )
        ),
    ),
    (
        "files",
        "s3: {files: [{segment: owners, mode: incremental, profiles: [marty], rows: 1}]}",
        Expectation(
            files=(FileExpectation(segment="owners", mode="incremental", profiles=("marty",), rows=1),)
        ),
    ),
    ("no files", "s3: {files: []}", Expectation(files=())),
    ("a count of messages", "http-api: {messages: 2}", Expectation(messages=2)),
    (
        "messages with their profiles",
        "http-api: {messages: [{profiles: [marty]}]}",
        Expectation(messages=(MessageExpectation(profiles=("marty",)),)),
    ),
]


@pytest.mark.parametrize(("entries", "expected"), [f[1:] for f in FORMS], ids=[f[0] for f in FORMS])
def test_each_form_is_read(entries, expected):
    event = scenario_with(entries).events[0]
    assert event.expect is not None
    assert next(iter(event.expect.values())) == expected


def test_an_event_without_expect_has_none_and_replays_as_before():
    s = parse_scenario(HEAD.replace("    expect:\n", ""), "s.yaml")
    assert s.events[0].expect is None
    assert "expect" not in s.events[0].as_dict()


def test_expect_end_is_read():
    s = scenario_with(
        "http-api: exported",
        "expect_end:\n  adnet: {messages: 0}\n  s3: {waiting: [{segment: owners, profiles: [marty]}]}\n",
    )
    assert s.expect_end is not None
    assert s.expect_end["adnet"].messages == 0
    assert s.expect_end["s3"].waiting[0].profiles == ("marty",)  # type: ignore[index]


# (id, the entries under expect:, the place, the problem); every one is on the line of its entry
BAD = [
    ("unknown destination", "httpapi: exported", "events[0].expect.httpapi",
     "unknown destination 'httpapi'; the scenario has adnet, http-api, s3"),
    ("unknown verdict", "adnet: exportd", "events[0].expect.adnet.verdict",
     "unknown verdict 'exportd'; choose exported, not exported, noted or refused"),
    ("a verdict of the wrong kind", "adnet: true", "events[0].expect.adnet",
     "must be a verdict (exported, not exported, noted or refused) or a mapping of verdict, rule, "
     "payload, files and messages"),
    ("unknown rule id", "adnet: {rule: S-T9}", "events[0].expect.adnet.rule",
     "unknown rule id 'S-T9'; `exportkit rules` lists them"),
    ("unknown key", "adnet: {verdikt: exported}", "events[0].expect.adnet.verdikt", "unknown key"),
    ("expects nothing", "adnet: {}", "events[0].expect.adnet",
     "expects nothing: give a verdict, rule, payload, files or messages"),
    ("not a mapping", "[adnet]", "events[0].expect",
     "must be a mapping of destination id to what it is expected to do"),
    ("payload paths not a list", "adnet: {payload: {has: 3}}", "events[0].expect.adnet.payload.has",
     "must be a list, such as [a, b], not a number"),
    ("a bad payload path", "adnet: {payload: {lacks: ['a..b']}}", "events[0].expect.adnet.payload.lacks[0]",
     "'a..b' is not a payload path such as segmentMembership.ups.delorean-owners.status"),
    ("exported on a batch destination", "s3: exported", "events[0].expect.s3.verdict",
     "a batch destination does not export at a profile event: it notes the profile for its next "
     "incremental file (noted) or not (not exported); expect its files with files:"),
    ("noted on a streaming destination", "adnet: noted", "events[0].expect.adnet.verdict",
     "noted is a batch destination's verdict; adnet is streaming-segment"),
    ("a payload on a batch destination", "s3: {payload: {has: [a]}}", "events[0].expect.s3.payload",
     "a batch destination has no payload; expect its files with files:"),
    ("files on a streaming destination", "http-api: {files: []}", "events[0].expect.http-api.files",
     "http-api is streaming-profile: it sends messages, not files"),
    ("messages on a batch destination", "s3: {messages: 1}", "events[0].expect.s3.messages",
     "s3 is a batch destination: it writes files, not messages"),
    ("a negative count of messages", "adnet: {messages: -1}", "events[0].expect.adnet.messages",
     "-1 is not a number of messages: give 0 or more"),
    ("messages of the wrong kind", "adnet: {messages: many}", "events[0].expect.adnet.messages",
     "must be a number of messages, or a list such as [{profiles: [marty]}]"),
    ("a file of an unmapped segment", "s3: {files: [{segment: fans}]}",
     "events[0].expect.s3.files[0].segment",
     "'fans' is not a segment of s3; it has owners"),
    ("a file of an unknown profile", "s3: {files: [{profiles: [doc]}]}",
     "events[0].expect.s3.files[0].profiles[0]", "unknown profile 'doc'"),
    ("an unknown file mode", "s3: {files: [{mode: daily}]}", "events[0].expect.s3.files[0].mode",
     "input should be 'full' or 'incremental' (got 'daily')"),
    ("a message of an unknown profile", "adnet: {messages: [{profiles: [doc]}]}",
     "events[0].expect.adnet.messages[0].profiles[0]", "unknown profile 'doc'"),
]  # fmt: skip


@pytest.mark.parametrize(("entries", "place", "problem"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_each_bad_expectation_is_one_located_line(entries, place, problem):
    with pytest.raises(ScenarioError) as err:
        scenario_with(entries)
    assert str(err.value) == f"s.yaml:{LINE}: {place}: {problem}"


BAD_END = [
    ("unknown destination", "adnt: {messages: 0}", "expect_end.adnt",
     "unknown destination 'adnt'; the scenario has adnet, http-api, s3"),
    ("waiting on a streaming destination", "adnet: {waiting: []}", "expect_end.adnet.waiting",
     "adnet is streaming-segment: what waits in its buffers leaves at the end (messages:)"),
    ("messages on a batch destination", "s3: {messages: 0}", "expect_end.s3.messages",
     "s3 is a batch destination: expect its next files with waiting:"),
    ("a segment it does not have", "s3: {waiting: [{segment: fans}]}", "expect_end.s3.waiting[0].segment",
     "'fans' is not a segment of s3"),
    ("an unknown profile", "s3: {waiting: [{segment: owners, profiles: [doc]}]}",
     "expect_end.s3.waiting[0].profiles[0]", "unknown profile 'doc'"),
    ("an unknown key", "s3: {left: 1}", "expect_end.s3.left", "unknown key"),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "place", "problem"), [b[1:] for b in BAD_END], ids=[b[0] for b in BAD_END])
def test_each_bad_end_expectation_is_one_located_line(entry, place, problem):
    tail = f"expect_end:\n  {entry}\n"
    with pytest.raises(ScenarioError) as err:
        scenario_with("http-api: exported", tail)
    line = (HEAD + "      http-api: exported\n").count("\n") + 2
    assert str(err.value) == f"s.yaml:{line}: {place}: {problem}"


def test_the_schema_accepts_expectations_and_refuses_a_wrong_verdict():
    validator = jsonschema.Draft202012Validator(scenario_schema())
    good = HEAD + "      http-api: exported\n      adnet: {verdict: exported, rule: S-T1}\n"
    good += "expect_end: {adnet: {messages: 1}, s3: {waiting: [{segment: owners}]}}\n"
    data = json.loads(json.dumps(yaml.safe_load(good), default=str))
    assert list(validator.iter_errors(data)) == []
    data["events"][0]["expect"]["adnet"]["verdict"] = "exportd"
    assert list(validator.iter_errors(data)) != []
    data["events"][0]["expect"]["adnet"] = {"verdict": "exported", "rule": "S-T9"}
    assert list(validator.iter_errors(data)) != []  # editors complete rule ids from the catalogue
