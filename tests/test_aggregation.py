"""Microbatching (M1-M6): which exports leave together, when, and why; one table per rule."""

from __future__ import annotations

import functools
import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportkit import ScenarioError, parse_scenario, render_timeline, replay, replay_document
from exportkit.core.aggregation import Message, Outbox, group_export, policy_for
from exportkit.core.decision import Decision
from exportkit.core.engine import Replay
from exportkit.core.model import Aggregation, StreamingProfileDestination, StreamingSegmentDestination
from exportkit.core.rules import reason
from exportkit.course.workloads import qualification_burst
from exportkit.text.lines import message_text

CONFIGURABLE = {"type": "configurable", "max_batch_age_seconds": 1800, "max_events_in_batch": 10000}


def make_destination(**overrides: Any) -> dict[str, Any]:
    dest = {
        "id": "adnet",
        "type": "streaming-segment",
        "segments": ["s1", "s2", "s3"],
        "identities": ["email", "phone"],
        "attributes": ["loyalty.tier"],
    }
    dest.update(overrides)
    return dest


def make_scenario(
    events: list[dict[str, Any]],
    destinations: list[dict[str, Any]] | None = None,
    profiles: list[dict[str, Any]] | None = None,
    rules: str = "seed",
):
    data = {
        "name": "t",
        "rules": rules,
        "start": "2025-01-01T09:00:00Z",
        "segments": [{"id": s, "name": s.upper()} for s in ("s1", "s2", "s3")],
        "profiles": profiles or [{"id": "p1"}, {"id": "p2"}],
        "destinations": destinations or [make_destination()],
        "events": events,
    }
    return parse_scenario(json.dumps(data), json_text=True)


def all_messages(result: Replay) -> list[Message]:
    return result.messages()


def shape(messages: list[Message]) -> list[tuple[int, str]]:
    return [(len(m.profiles), m.trigger) for m in messages]


def rules_of(message: Message) -> list[str]:
    return [r.rule for r in message.reasons]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# Case 30 (M3/M4), case 31 and 32 (M2): the three policy cases, and their neighbours.
POLICY_CASES = [
    # id, burst arguments, expected (size, trigger) of each message, rule of the trigger reason
    (
        "M3-25-at-once-best-effort-10",
        dict(n=25, spread_seconds=0, quiet_seconds=60, destination="streaming-profile"),
        [(10, "count"), (10, "count"), (5, "best_effort")],
        ["M3", "M3", "M3"],
    ),
    (
        "M3-no-later-event-end-flush",
        dict(n=25, spread_seconds=0, destination="streaming-profile"),
        [(10, "count"), (10, "count"), (5, "end")],
        ["M3", "M3", "M1"],
    ),
    (
        "M4-max-users-1",
        dict(
            n=3,
            spread_seconds=0,
            quiet_seconds=60,
            destination="streaming-profile",
            aggregation={"type": "best_effort", "max_users_per_request": 1},
        ),
        [(1, "count")] * 3,
        ["M3"] * 3,
    ),
    (
        "M2-25000-configurable-10000",
        dict(n=25_000, spread_seconds=600, quiet_seconds=3600, aggregation=CONFIGURABLE),
        [(10000, "count"), (10000, "count"), (5000, "age")],
        ["M2", "M2", "M2"],
    ),
    ("M2-200-then-quiet", dict(n=200, spread_seconds=60, quiet_seconds=3600), [(200, "age")], ["M2"]),
]


@functools.cache
def replayed(case: str) -> Replay:
    """The replay of one row of POLICY_CASES, made once: the 25,000 burst takes seconds."""
    burst = next(c[1] for c in POLICY_CASES if c[0] == case)
    return replay(qualification_burst(**burst), record_states=False)


@pytest.mark.parametrize(
    ("case", "expected", "trigger_rules"),
    [(c[0], *c[2:]) for c in POLICY_CASES],
    ids=[c[0] for c in POLICY_CASES],
)
def test_policy_cases(case, expected, trigger_rules):
    messages = all_messages(replayed(case))
    assert shape(messages) == expected
    assert [rules_of(m)[1] for m in messages] == trigger_rules


def test_m2_partial_batch_leaves_when_the_oldest_export_has_waited_the_window():
    """Case 32: one call of 200 when the window of the first qualifier expires."""
    result = replay(qualification_burst(200, spread_seconds=60, quiet_seconds=3600))
    (message,) = all_messages(result)
    first = result.steps[0].event.at
    assert (message.sent_at - first).total_seconds() == 1800
    # an entry of its own at its time, after the burst's last step and before the quiet event
    (due,) = result.clock[len(result.steps) - 1]
    assert due.messages == [message] and due.at == message.sent_at
    assert message not in result.steps[-1].messages
    assert "waited 1800 s" in message.reasons[1].text


@pytest.mark.parametrize(
    ("rules", "window"), [("seed", 1800), ("current", 300)], ids=["seed-30-min", "current-300-s"]
)
def test_m2_default_window_follows_the_rule_set(rules, window):
    """A14: Facebook's window is 30 min in the older docs, 300 s in the current ones."""
    result = replay(qualification_burst(50, spread_seconds=10, quiet_seconds=7200, rules=rules))
    (message,) = all_messages(result)
    assert message.trigger == "age"
    assert (message.sent_at - result.steps[0].event.at).total_seconds() == window


def test_m2_count_message_leaves_at_the_export_that_fills_it():
    result = replayed("M2-25000-configurable-10000")
    count = [(s.event.at, m) for s in result.steps for m in s.messages if m.trigger == "count"]
    assert len(count) == 2
    for event_at, message in count:
        assert message.sent_at == event_at


def test_m3_activation_backfill_leaves_at_the_start_when_full():
    """Backfilled exports go into the buffer at the start; full messages leave at once."""
    profiles = [{"id": f"p{i:02d}", "segments": {"s1": "existing"}} for i in range(25)]
    dest = make_destination(id="http", type="streaming-profile", identities=None)
    del dest["identities"]
    result = replay(make_scenario([{"at": "2025-01-01T09:05:00Z", "flush": "http"}], [dest], profiles))
    assert shape(result.activation_messages) == [(10, "count"), (10, "count")]
    assert all(m.sent_at == result.scenario.start for m in result.activation_messages)
    (due,) = result.clock[0]  # after the activation, before the flush event: at its own time
    (rest,) = due.messages
    assert (len(rest.profiles), rest.trigger, rest.sent_at) == (5, "best_effort", result.scenario.start)
    assert due.at == result.scenario.start and result.steps[0].messages == []


def test_m2_age_departure_at_the_event_time_leaves_before_the_event_exports():
    events = [
        {"at": "2025-01-01T09:01:00Z", "profile": "p1", "qualify": "s1"},
        {"at": "2025-01-01T09:31:00Z", "profile": "p2", "qualify": "s1"},
    ]
    result = replay(make_scenario(events))
    (due,) = result.clock[1]
    (message,) = due.messages
    assert result.timeline.index(due) < result.timeline.index(result.steps[1])  # before the event
    assert result.steps[1].messages == []
    assert (message.profiles, message.trigger) == (("p1",), "age")
    assert message.sent_at == at("2025-01-01T09:31:00Z")
    assert [m.profiles for m in result.end.messages] == [("p2",)]


# M6 and S-I2: an aggregation key splits exports into groups, each its own call.
KEY_CASES = [
    # id, key, profiles, events, expected groups (one message each, in order); p2 is also
    # backfilled at activation, as an existing member of s1
    (
        "M6-case-37-segment-and-status",
        {"segment_id": True, "segment_status": True},
        [{"id": "p1"}, {"id": "p2", "segments": {"s1": "existing"}}],
        [{"profile": "p1", "qualify": "s1"}, {"profile": "p2", "exit": "s1"}],
        ["segment s1, existing", "segment s1, realized", "segment s1, exited"],
    ),
    (
        "M6-segment-id-only-one-group",
        {"segment_id": True},
        [{"id": "p1"}, {"id": "p2", "segments": {"s1": "existing"}}],
        [{"profile": "p1", "qualify": "s1"}, {"profile": "p2", "exit": "s1"}],
        ["segment s1"],
    ),
    (
        "M6-identity-namespace",
        {"identity": True},
        [
            {"id": "p1", "identities": {"email": "a@x", "phone": "1"}},
            {"id": "p2", "identities": {"email": "b@x"}},
        ],
        [{"profile": "p1", "qualify": "s1"}, {"profile": "p2", "qualify": "s1"}],
        ["namespace email", "namespace phone"],
    ),
    (
        "M6-no-identity-group",
        {"identity": True},
        [{"id": "p1"}, {"id": "p2"}],
        [{"profile": "p1", "qualify": "s1"}],
        ["no identity"],
    ),
]


@pytest.mark.parametrize(
    ("key", "profiles", "events", "groups"), [c[1:] for c in KEY_CASES], ids=[c[0] for c in KEY_CASES]
)
def test_m6_aggregation_key_groups(key, profiles, events, groups):
    dest = make_destination(aggregation={**CONFIGURABLE, "key": key})
    result = replay(make_scenario(events, [dest], profiles))
    messages = all_messages(result)
    assert [m.group for m in messages] == groups
    for m in messages:
        assert "M6" in rules_of(m)


def test_m6_body_is_restricted_to_the_group():
    dest = make_destination(aggregation={**CONFIGURABLE, "key": {"identity": True}})
    profiles = [{"id": "p1", "identities": {"email": "a@x", "phone": "1"}}]
    result = replay(make_scenario([{"profile": "p1", "qualify": "s1"}], [dest], profiles))
    bodies = {m.group: m.body[0]["identityMap"] for m in all_messages(result)}
    assert bodies == {
        "namespace email": {"email": [{"id": "a@x"}]},
        "namespace phone": {"phone": [{"id": "1"}]},
    }


def test_s_i2_one_export_spread_over_several_calls():
    """Case 38: a profile holding two mapped segments, grouped by segment: two calls."""
    dest = {
        "id": "http",
        "type": "streaming-profile",
        "segments": ["s1", "s2"],
        "attributes": ["loyalty.tier"],
        "aggregation": {"type": "best_effort", "key": {"segment_id": True}},
    }
    profiles = [{"id": "p1", "segments": {"s1": "existing", "s2": "existing", "s3": "existing"}}]
    result = replay(make_scenario([{"profile": "p1", "set": {"loyalty.tier": "gold"}}], [dest], profiles))
    messages = result.end.messages  # the backfill's two calls left before step 1
    assert [m.group for d in result.clock[0] for m in d.messages] == ["segment s1", "segment s2"]
    assert result.steps[0].messages == []
    assert [m.group for m in messages] == ["segment s1", "segment s2"]
    assert [list(m.body[0]["segmentMembership"]["ups"]) for m in messages] == [["s1"], ["s2"]]
    for m in messages:
        assert rules_of(m)[-1] == "S-I2"


# M1: a flush event, and the end of the scenario, send what is left.
def test_m1_flush_event_sends_what_is_left_now():
    events = [{"profile": "p1", "qualify": "s1"}, {"profile": "p2", "qualify": "s1"}, {"flush": "adnet"}]
    result = replay(make_scenario(events))
    (message,) = result.steps[2].messages
    assert (message.profiles, message.trigger) == (("p1", "p2"), "flush")
    assert message.sent_at == result.steps[2].event.at
    assert rules_of(message)[1] == "M1" and "flush event" in message.reasons[1].text
    assert result.end.messages == []


def test_m1_the_flush_decision_says_what_leaves_in_agreement():
    events = [{"profile": "p1", "qualify": "s1"}, {"profile": "p2", "qualify": "s1"}, {"flush": "adnet"}]
    (decision,) = [d for d in replay(make_scenario(events)).steps[2].decisions if d.rule == "M1"]
    assert decision.reasons[0].text.startswith("flush: 1 message carrying 2 exports leaves the buffer now")
    assert decision.verdict == "sent 1 message of 2 exports"


def test_m1_flush_of_an_empty_buffer_says_so():
    result = replay(make_scenario([{"flush": "adnet"}]))
    assert result.steps[0].messages == []
    assert "adnet buffer is empty: nothing to send" in result.steps[0].changes


def test_m1_end_of_scenario_sends_everything_left_and_says_so():
    result = replay(make_scenario([{"profile": "p1", "qualify": "s1"}]))
    (message,) = result.end.messages
    assert message.trigger == "end" and "end of scenario" in message.reasons[1].text
    assert result.end.at == result.steps[-1].event.at
    document = replay_document(result)
    assert document["end"]["messages"][0]["profiles"] == ["p1"]
    assert "End of scenario at 2025-01-01T09:01:00Z" in render_timeline(result)


# M2-M5: the policy of each destination type, given or by default, per rule set.
DEFAULT_CASES = [
    ("profile-seed", "streaming-profile", "seed", None, ("best_effort", 10, None, "M3")),
    ("profile-current", "streaming-profile", "current", None, ("best_effort", 10, None, "M3")),
    ("segment-seed", "streaming-segment", "seed", None, ("configurable", 10000, 1800, "M2")),
    ("segment-current", "streaming-segment", "current", None, ("configurable", 10000, 300, "M2")),
    (
        "given-best-effort",
        "streaming-segment",
        "seed",
        {"type": "best_effort"},
        ("best_effort", 10, None, "M4"),
    ),
    (
        "given-configurable",
        "streaming-profile",
        "current",
        {"type": "configurable", "max_batch_age_seconds": 600},
        ("configurable", 10000, 600, "M5"),
    ),
]


@pytest.mark.parametrize(
    ("kind", "rules", "aggregation", "expected"),
    [c[1:] for c in DEFAULT_CASES],
    ids=[c[0] for c in DEFAULT_CASES],
)
def test_policy_for(kind, rules, aggregation, expected):
    model = StreamingProfileDestination if kind == "streaming-profile" else StreamingSegmentDestination
    dest = model(
        id="d", type=kind, segments=("s1",), aggregation=Aggregation(**aggregation) if aggregation else None
    )
    policy = policy_for(dest, rules)
    assert (policy.type, policy.max_count, policy.max_age_seconds, policy.reason.rule) == expected


def test_current_default_window_explains_why_300_is_not_a_configurable_value():
    dest = StreamingSegmentDestination(id="d", type="streaming-segment", segments=("s1",))
    text = policy_for(dest, "current").reason.text
    assert "301" in text and "A14" in text


def test_a_configurable_aggregation_without_an_age_says_its_300_s_is_facebooks_window():
    """The default (300 s) sits below the range a scenario may set (301 s up): the M5 reason says
    which is which, where it used to say "after 300 s" beside a refusal of 300."""

    def dest(**aggregation: Any) -> StreamingSegmentDestination:
        return StreamingSegmentDestination.model_validate(
            {"id": "d", "type": "streaming-segment", "segments": ["s1"], "aggregation": aggregation}
        )

    text = policy_for(dest(type="configurable"), "current").reason.text
    assert "after 300 s" in text and "Facebook's window (A14)" in text and "starts at 301 s" in text
    given = dest(type="configurable", max_batch_age_seconds=301)
    assert "Facebook" not in policy_for(given, "current").reason.text


# M5: out-of-range limits are refused, with the reason, per rule set (case 36).
REFUSALS = [
    ("case-36-200-s-seed", "seed", {"max_batch_age_seconds": 200}, "outside 1800-3600 seconds"),
    ("case-36-200-s-current", "current", {"max_batch_age_seconds": 200}, "outside 301-3600 seconds"),
    ("300-s-current", "current", {"max_batch_age_seconds": 300}, "outside 301-3600 seconds"),
    ("1799-s-seed", "seed", {"max_batch_age_seconds": 1799}, "the range of the seed rules (M5)"),
    ("3601-s-current", "current", {"max_batch_age_seconds": 3601}, "outside 301-3600"),
    ("999-events", "seed", {"max_events_in_batch": 999}, "outside 1000-10000 (M5)"),
    ("10001-events", "current", {"max_events_in_batch": 10001}, "outside 1000-10000 (M5)"),
]


@pytest.mark.parametrize(
    ("rules", "limits", "problem"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS]
)
def test_m5_limits_are_refused_outside_the_range(rules, limits, problem):
    dest = make_destination(aggregation={"type": "configurable", **limits})
    with pytest.raises(ScenarioError) as err:
        make_scenario([], [dest], rules=rules)
    assert problem in str(err.value)
    assert "aggregation" in str(err.value)


@pytest.mark.parametrize(
    ("rules", "age"),
    [("seed", 1800), ("current", 301), ("current", 3600)],
    ids=["seed-1800", "current-301", "current-3600"],
)
def test_m5_limits_inside_the_range_are_accepted(rules, age):
    dest = make_destination(aggregation={"type": "configurable", "max_batch_age_seconds": age})
    assert make_scenario([], [dest], rules=rules).destinations[0].aggregation is not None


# Rendering: the JSON shape of a message, and the buffer in the timeline.
def test_message_as_dict_has_the_documented_keys():
    result = replay(make_scenario([{"profile": "p1", "qualify": "s1"}]))
    (message,) = replay_document(result)["end"]["messages"]
    assert list(message) == ["destination", "sent_at", "profiles", "trigger", "body", "reasons"]
    assert message["body"][0]["segmentMembership"]["ups"]["s1"]["status"] == "realized"


def test_timeline_shows_the_buffer_filling_and_emptying():
    events = [{"profile": "p1", "qualify": "s1"}, {"profile": "p2", "qualify": "s1"}, {"flush": "adnet"}]
    text = render_timeline(replay(make_scenario(events)))
    assert "  adnet buffer: 1/10000, oldest 00:00:00 of 1800 s" in text
    assert "  adnet buffer: 2/10000, oldest 00:01:00 of 1800 s" in text
    assert "  message to adnet at 2025-01-01T09:03:00Z: 2 profiles, left on flush: p1, p2" in text
    assert "    adnet buffer: 0/10000, empty" in text


# Nothing is lost, nothing is sent twice: for any policy and any sequence of exports.
KEYS = st.sampled_from(
    [
        {},
        {"segment_id": True},
        {"segment_id": True, "segment_status": True},
        {"identity": True},
        {"segment_id": True, "identity": True},
    ]
)
POLICIES = st.one_of(
    st.builds(
        lambda n, key: {"type": "best_effort", "max_users_per_request": n, "key": key},
        st.integers(1, 4),
        KEYS,
    ),
    st.builds(
        lambda n, age, key: {
            "type": "configurable",
            "max_events_in_batch": n,
            "max_batch_age_seconds": age,
            "key": key,
        },
        st.integers(1, 4),
        st.integers(1, 120),
        KEYS,
    ),
)
EXPORTS = st.lists(
    st.tuples(
        st.integers(0, 90),  # seconds after the previous event
        st.sets(st.sampled_from(["s1", "s2"]), max_size=2),  # segments in the payload
        st.sets(st.sampled_from(["email", "phone"]), max_size=2),  # namespaces in the payload
        st.booleans(),
    ),  # a flush event follows
    max_size=30,
)


def synthetic_decision(i: int, segments: set[str], namespaces: set[str]) -> Decision:
    payload = {
        "segmentMembership": {"ups": {s: {"status": "realized"} for s in sorted(segments)}},
        "identityMap": {ns: [{"id": f"{ns}-{i}"}] for ns in sorted(namespaces)},
    }
    return Decision("d", f"p{i}", True, (reason("S-T1", "a synthetic export"),), payload)


@settings(max_examples=200, deadline=None)
@given(POLICIES, EXPORTS)
def test_every_export_leaves_exactly_once_in_each_of_its_groups(aggregation, exports):
    dest = StreamingSegmentDestination(
        id="d", type="streaming-segment", segments=("s1", "s2"), aggregation=Aggregation(**aggregation)
    )
    outbox = Outbox([dest], "current")
    policy = outbox.policies["d"]
    now = datetime.fromisoformat("2025-01-01T09:00:00+00:00")
    messages: list[Message] = []
    expected: Counter[tuple[str, str]] = Counter()
    exported_at = {}
    for i, (wait, segments, namespaces, flush) in enumerate(exports):
        now += timedelta(seconds=wait)
        messages += outbox.advance(now)
        decision = synthetic_decision(i, segments, namespaces)
        exported_at[decision.profile] = now
        expected.update(
            (decision.profile, g) for g, _ in group_export(policy.key, dest.segments, decision.payload)
        )
        messages += outbox.add(now, [decision])
        if flush:
            messages += outbox.flush("d", now)
    messages += outbox.close(now)
    sent = Counter((p, m.group) for m in messages for p in m.profiles)
    assert sent == expected
    assert outbox.waiting() == 0
    for m in messages:
        assert 1 <= len(m.profiles) <= policy.max_count
        assert all(m.sent_at >= exported_at[p] for p in m.profiles)
        if policy.max_age_seconds is not None:
            oldest = min(exported_at[p] for p in m.profiles)
            assert m.sent_at <= oldest + timedelta(seconds=policy.max_age_seconds)
    assert [m.sent_at for m in messages] == sorted(m.sent_at for m in messages)


@settings(max_examples=15, deadline=None)
@given(
    st.integers(1, 60),
    st.integers(0, 120),
    st.integers(0, 3),
    st.sampled_from(["streaming-segment", "streaming-profile"]),
)
def test_replayed_messages_carry_every_export_once(n, spread, seed, kind):
    result = replay(
        qualification_burst(
            n, seed=seed, spread_seconds=spread, destination=kind, quiet_seconds=seed * 600 or None
        ),
        record_states=False,
    )
    exports = [d.profile for s in result.steps for d in s.exports]
    sent = [p for m in all_messages(result) for p in m.profiles]
    assert sorted(sent) == sorted(exports)
    assert len(set(sent)) == len(sent)


def test_the_microbatching_dataset_shows_every_trigger():
    from pathlib import Path

    from exportkit import load_scenario

    path = Path(__file__).resolve().parent.parent / "datasets" / "microbatching.yaml"
    result = replay(load_scenario(path))
    summary = [(m.destination, m.group, len(m.profiles), m.trigger) for m in result.messages()]
    assert summary == [
        ("http-api", "", 1, "best_effort"),  # doc's backfill, as soon as the clock moves on
        ("http-api", "", 3, "count"),
        ("http-api", "", 1, "best_effort"),
        ("http-api", "", 1, "best_effort"),
        ("adnet", "segment delorean-owners, existing", 1, "age"),
        ("adnet", "segment delorean-owners, realized", 2, "age"),
        ("adnet", "segment city-dallas, realized", 2, "age"),
        ("http-api", "", 1, "best_effort"),
        ("adnet", "segment delorean-owners, exited", 1, "age"),
        ("adnet", "segment city-dallas, realized", 1, "flush"),
    ]


def test_a_message_says_why_it_left_in_the_policy_s_words_and_lists_each_profile_once():
    """Issue 14: a best-effort message did not leave 'on age', and listed 'marty, marty'."""
    events = [
        {"at": "2025-01-01T09:01:00Z", "profile": "p1", "qualify": "s1"},
        {"at": "2025-01-01T09:01:00Z", "profile": "p1", "qualify": "s2"},
        {"at": "2025-01-01T09:02:00Z", "profile": "p2", "qualify": "s1"},
    ]
    dest = make_destination(id="http", type="streaming-profile", segments=["s1", "s2"], identities=None)
    del dest["identities"]
    result = replay(make_scenario(events, [dest]))
    (due,) = result.clock[2]  # after step 2's export, before step 3
    (message,) = due.messages
    assert result.steps[2].messages == []
    assert (message.trigger, message.left_on) == ("best_effort", "best effort")
    assert message_text(message)[0].plain.endswith("2 exports of 1 profile, left on best effort: p1")
    (end,) = result.end.messages
    assert (end.trigger, end.left_on) == ("end", "end of scenario")


def test_a_flush_step_s_verdict_says_what_it_sent():
    events = [
        {"at": "2025-01-01T09:01:00Z", "profile": "p1", "qualify": "s1"},
        {"at": "2025-01-01T09:02:00Z", "flush": "adnet"},
        {"at": "2025-01-01T09:03:00Z", "flush": "adnet"},
    ]
    result = replay(make_scenario(events))
    sent, empty = (next(d for d in result.steps[i].decisions if d.destination == "adnet") for i in (1, 2))
    assert sent.verdict == "sent 1 message of 1 export" and sent.rule == "M1"
    assert empty.verdict == "nothing to send"
    assert "sent 1 message of" in render_timeline(result)
