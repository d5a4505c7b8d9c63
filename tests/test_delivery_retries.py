"""Retries by answer (M9, A19; issue 22 item 5) against a real receiver on loopback that answers
a chosen status: under `latest` only the answers M9 lists are retried, at the waits A19 reads;
under the older rule sets every failure is (M7)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from exportkit import load_scenario, replay
from exportkit.app.cli import main
from exportkit.core.model import iso
from exportkit.core.rulesets import RULE_SETS, deciding
from exportkit.io.delivery import deliver, read_dead_letters, render_deliveries
from exportkit.io.library import dataset_path
from exportkit.io.receiver import Receiver, read_requests
from exportkit.io.retries import retry_policy

M9_RULE_SETS = deciding("retries_by_answer")
OLDER_RULE_SETS = tuple(r for r in RULE_SETS if r not in M9_RULE_SETS)
BACKOFF = 0.01  # the run's first wait; the platform's 15 s (or 30 min) is said in the reasons


def _message():
    result = replay(load_scenario(dataset_path("microbatching")))
    return next(m for m in result.messages() if m.destination == "http-api")


# aggregation, the endpoint's answer every time, attempts made, the dead-letter cause
CASES = [
    ("best_effort", 400, 1, "not retried (M9)"),  # case 45
    ("best_effort", 503, 3, "failed every attempt"),  # case 46
    *[("best_effort", s, 3, "failed every attempt") for s in (403, 408, 409, 429, 500, 502, 504)],
    ("best_effort", 404, 1, "not retried (M9)"),
    ("best_effort", 501, 1, "not retried (M9)"),
    ("configurable", 500, 1, "not retried (M9)"),  # case 47: "above 500" leaves out 500 (A19)
    *[("configurable", s, 2, "failed every attempt") for s in (420, 429, 501, 503, 504)],
    ("configurable", 400, 1, "not retried (M9)"),
    ("configurable", 408, 1, "not retried (M9)"),
]


@pytest.mark.parametrize("rules", M9_RULE_SETS)
@pytest.mark.parametrize(
    ("aggregation", "status", "attempts", "cause"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_m9_retries_only_the_answers_it_lists(tmp_path, rules, aggregation, status, attempts, cause):
    dead = tmp_path / "dead.jsonl"
    policy = retry_policy(aggregation, rules, backoff=BACKOFF)
    waited: list[float] = []
    with Receiver(fail_first=10, fail_mode="status", status=status) as receiver:
        (d,) = deliver(
            [_message()], receiver.url, timeout=1, dead_letter=dead, policy=policy, sleep=waited.append
        )
    assert receiver.calls == attempts and len(d.attempts) == attempts
    assert [a.status for a in d.attempts] == [status] * attempts
    (record,) = read_dead_letters(dead)
    assert (record["cause"], record["status"]) == (cause, status)
    assert d.reasons[-1].rule == "M9"
    if cause.startswith("not retried"):
        assert f"answered {status}, which {aggregation.replace('_', ' ')} aggregation does not retry" in (
            d.reasons[-1].text
        )
        assert waited == []
    else:  # A19: the run's waits keep the platform's proportions (15 s, then 30 s)
        assert waited == pytest.approx([BACKOFF, 2 * BACKOFF][: attempts - 1])


@pytest.mark.parametrize("rules", M9_RULE_SETS)
def test_a19_each_retry_says_when_the_platform_would_make_it(tmp_path, rules):
    """Case 46: attempts at t, t+15 s and t+45 s on the platform."""
    message = _message()
    policy = retry_policy("best_effort", rules, backoff=BACKOFF)
    with Receiver(fail_first=2, fail_mode="status", status=503) as receiver:
        (d,) = deliver([message], receiver.url, timeout=1, dead_letter=tmp_path / "d", policy=policy)
    assert d.delivered and len(d.attempts) == 3
    first, second, outcome = d.reasons
    assert (first.rule, second.rule, outcome.rule) == ("A19", "A19", "M9")
    assert "15 s after the failed call" in first.text
    assert f"at {iso(message.sent_at + timedelta(seconds=15))} on the scenario clock" in first.text
    assert "30 s after the first retry" in second.text
    assert f"at {iso(message.sent_at + timedelta(seconds=45))}" in second.text
    assert "acknowledged on attempt 3 of 3" in outcome.text


@pytest.mark.parametrize("rules", M9_RULE_SETS)
def test_configurable_aggregation_retries_once_about_30_minutes_later(tmp_path, rules):
    message = _message()
    policy = retry_policy("configurable", rules, backoff=BACKOFF)
    with Receiver(fail_first=1, fail_mode="status", status=429) as receiver:
        (d,) = deliver([message], receiver.url, timeout=1, dead_letter=tmp_path / "d", policy=policy)
    assert d.delivered and len(d.attempts) == 2
    assert d.reasons[0].rule == "A19" and "about 30 minutes later" in d.reasons[0].text
    assert f"at {iso(message.sent_at + timedelta(minutes=30))}" in d.reasons[0].text


@pytest.mark.parametrize("rules", M9_RULE_SETS)
def test_m9_retries_a_call_with_no_answer_in_time(tmp_path, rules):
    policy = retry_policy("best_effort", rules, backoff=BACKOFF)
    with Receiver(fail_first=1, fail_mode="delay", delay=3) as receiver:  # 0.3 s cut healthy calls under load
        (d,) = deliver([_message()], receiver.url, timeout=1, dead_letter=tmp_path / "d", policy=policy)
    assert d.delivered and len(d.attempts) == 2 and "timed out" in (d.attempts[0].error or "")


@pytest.mark.parametrize("rules", OLDER_RULE_SETS)
def test_older_rule_sets_retry_every_failure_m7(tmp_path, rules):
    policy = retry_policy("best_effort", rules, backoff=0)
    with Receiver(fail_first=10, fail_mode="status", status=400) as receiver:
        (d,) = deliver([_message()], receiver.url, timeout=1, dead_letter=tmp_path / "d", policy=policy)
    assert receiver.calls == 3 and d.reasons[-1].rule == "M7"
    assert read_dead_letters(tmp_path / "d")[0]["cause"] == "failed every attempt"


def test_the_command_under_latest_dead_letters_a_400_at_once(tmp_path, capsys):
    dead = tmp_path / "dead.jsonl"
    with Receiver(tmp_path / "r.jsonl", fail_first=100, fail_mode="status", status=400) as receiver:
        code = main(
            [
                "run", "microbatching", "--rules", "latest", "--no-payload", "--no-progress",
                "--deliver", f"http-api={receiver.url}", "--dead-letter", str(dead), "--retry-wait", "0",
            ]
        )  # fmt: skip
    out, err = capsys.readouterr()
    records = read_dead_letters(dead)
    assert code == 1 and records and "Traceback" not in err
    assert len(read_requests(tmp_path / "r.jsonl")) == len(records)  # one call each
    assert {(r["cause"], r["status"]) for r in records} == {("not retried (M9)", 400)}
    assert "[M9] the endpoint answered 400, which best effort aggregation does not retry" in out


def test_receive_refuses_a_status_that_is_not_an_answer(capsys):
    assert main(["receive", "--port", "0", "--fail-first", "1", "--status", "99"]) == 2
    _, err = capsys.readouterr()
    assert err == "exportkit: --status takes an HTTP status from 200 to 599, not 99\n"


def test_the_report_says_what_became_of_each_message(tmp_path):
    policy = retry_policy("best_effort", M9_RULE_SETS[0], backoff=0)
    with Receiver(fail_first=1, fail_mode="status", status=400) as receiver:
        deliveries = deliver([_message()], receiver.url, dead_letter=tmp_path / "d", policy=policy)
    text = "\n".join(render_deliveries(deliveries, durations=False))
    assert "attempt 1: HTTP 400: failed, the endpoint answered 400" in text
    assert "[M9]" in text and "written at once to the dead-letter file" in text
