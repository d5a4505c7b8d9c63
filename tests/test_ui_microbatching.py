"""The notebook helpers for microbatching: the buffer series agrees with the replay's messages."""

from __future__ import annotations

from itertools import pairwise

import matplotlib
import pytest

from exportkit.core.engine import replay
from exportkit.course.workloads import qualification_burst
from exportkit.ui.microbatching import (
    buffer_series,
    describe_messages,
    live_delivery,
    messages_of,
    plot_buffers,
)

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def burst():
    return replay(
        qualification_burst(
            250,
            seed=3,
            spread_seconds=900,
            quiet_seconds=3600,
            aggregation={"type": "configurable", "max_events_in_batch": 1000, "max_batch_age_seconds": 1800},
        )
    )


def test_series_drops_by_each_message_exactly_when_it_leaves(burst):
    series = buffer_series(burst, "adnet")
    drops = [(b.at, b.size - a.size) for b, a in pairwise(series) if a.size < b.size]
    assert drops == [(m.sent_at, len(m.profiles)) for m in messages_of(burst, "adnet")]
    assert series[-1].size == 0
    assert max(p.oldest_seconds for p in series) == 1800


def test_summary_lists_each_message_and_the_totals(burst):
    lines = describe_messages(burst, "adnet")
    assert lines[0] == "adnet: configurable, 1000 events or 1800 s, whichever comes first [M5]"
    assert lines[1].endswith("250 profiles, left on window age")
    assert lines[-1] == "  1 messages, 250 profiles; 1 by window age"


def test_plot_has_a_size_and_an_age_panel_per_policy(burst):
    import matplotlib.pyplot as plt

    fig = plot_buffers({"a": burst, "b": burst}, "adnet")
    try:
        assert len(fig.axes) == 4
        assert fig.axes[0].get_lines()[1].get_ydata()[0] == 1000  # the count threshold
    finally:
        plt.close(fig)


def test_a_batch_or_unknown_destination_is_refused(burst):
    with pytest.raises(ValueError, match="not a streaming destination"):
        buffer_series(burst, "nope")


def test_live_delivery_retries_on_a_real_receiver_and_hides_the_port(burst):
    lines = live_delivery(messages_of(burst, "adnet")[:1], fail_first=2)
    assert lines[0] == "Delivery of adnet to a local receiver"
    assert [line.strip().split(":")[0] for line in lines if line.strip().startswith("attempt")] == [
        "attempt 1",
        "attempt 2",
        "attempt 3",
    ]
    assert lines[-2:] == ["1 of 1 message acknowledged", "3 calls received"]
    assert "127.0.0.1" not in "\n".join(lines)


# (id, rule set, answer of the failing calls, aggregation, attempts of the first message, last lines)
ANSWERS = [
    ("m7-retries-400", "seed", 400, "best_effort", 3, ["1 of 1 message acknowledged", "3 calls received"]),
    (
        "m9-best-effort-drops-400",
        "latest",
        400,
        "best_effort",
        1,
        [
            "0 of 1 message acknowledged",
            "1 message written to the dead-letter file dead-letter.jsonl",
            "1 call received",
        ],
    ),
    (
        "m9-best-effort-retries-503",
        "latest",
        503,
        "best_effort",
        3,
        ["1 of 1 message acknowledged", "3 calls received"],
    ),
    (
        "m9-configurable-not-500",
        "latest",
        500,
        "configurable",
        1,
        [
            "0 of 1 message acknowledged",
            "1 message written to the dead-letter file dead-letter.jsonl",
            "1 call received",
        ],
    ),
]


@pytest.mark.parametrize(
    ("rules", "status", "aggregation", "attempts", "last"),
    [a[1:] for a in ANSWERS],
    ids=[a[0] for a in ANSWERS],
)
def test_live_delivery_retries_by_the_rule_sets_policy(burst, rules, status, aggregation, attempts, last):
    """M7 retries every failed call; M9 (latest) only the answers it lists (A19: 'above 500')."""
    lines = live_delivery(
        messages_of(burst, "adnet")[:1], fail_first=2, status=status, rules=rules, aggregation=aggregation
    )
    assert sum(line.strip().startswith("attempt") for line in lines) == attempts
    assert lines[-len(last) :] == last
    assert "/tmp" not in "\n".join(lines) and "127.0.0.1" not in "\n".join(lines)
    if attempts == 1:
        assert any(f"[M9] the endpoint answered {status}" in line for line in lines)
