"""The pytest plugin, run through pytester: collection is opt-in and only of scenario files, one
item per expectation with node ids such as `orders.scenario.yaml::step-1::http-api`, a failure shows
the scenario's lines and what happened, exit statuses, `-k`, JUnit XML and `--exportkit-update`."""

from __future__ import annotations

import pytest

from .factories import OWNERS_HEAD

SCENARIO = (
    OWNERS_HEAD
    + """\
  # the first qualification
  - profile: marty
    qualify: owners
    expect:
      http-api: exported   # E-T1
      adnet: ADNET
      s3: noted
  - {profile: marty, exit: owners, expect: {http-api: exported}}
"""
)  # events of its own under `events:`


@pytest.fixture
def scenario(pytester):
    def write(adnet: str = "exported", name: str = "orders.scenario.yaml"):
        return pytester.path.joinpath(name).write_text(SCENARIO.replace("ADNET", adnet), encoding="utf-8")

    return write


def test_collection_is_opt_in(pytester, scenario):
    scenario()
    pytester.path.joinpath("config.yaml").write_text("a: 1\n", encoding="utf-8")
    assert pytester.runpytest().ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result = pytester.runpytest("--exportkit", "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.OK
    assert result.outlines[:4] == [
        "orders.scenario.yaml::step-1::http-api",
        "orders.scenario.yaml::step-1::adnet",
        "orders.scenario.yaml::step-1::s3",
        "orders.scenario.yaml::step-2::http-api",
    ]


def test_an_ini_pattern_turns_collection_on(pytester, scenario):
    scenario(name="orders.flow.yaml")
    scenario(name="other.scenario.yaml")
    pytester.makeini("[pytest]\nexportkit_patterns = *.flow.yaml\n")
    result = pytester.runpytest("--collect-only", "-q")
    assert [line for line in result.outlines if "::" in line] == [
        "orders.flow.yaml::step-1::http-api",
        "orders.flow.yaml::step-1::adnet",
        "orders.flow.yaml::step-1::s3",
        "orders.flow.yaml::step-2::http-api",
    ]


def test_a_file_named_on_the_command_line_is_collected(pytester, scenario):
    scenario(name="orders.yaml")
    assert pytester.runpytest("--exportkit", "orders.yaml").ret == pytest.ExitCode.OK
    assert pytester.runpytest("--exportkit", ".").ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_all_hold(pytester, scenario):
    scenario()
    result = pytester.runpytest("--exportkit")
    result.assert_outcomes(passed=4)


def test_a_failure_shows_the_scenario_lines_then_expected_and_actual(pytester, scenario):
    scenario(adnet="not exported")
    result = pytester.runpytest("--exportkit")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ orders.scenario.yaml::step-1::adnet _*",
            "orders.scenario.yaml:18: step 1, adnet: FAILED",
            "  14 |   - profile: marty",
            "  15 |     qualify: owners",
            "  16 |     expect:",
            "  17 |       http-api: exported   # E-T1",
            "> 18 |       adnet: not exported",
            "  19 |       s3: noted",
            "  20 |   - {profile: marty, exit: owners, expect: {http-api: exported}}",
            "  event     Marty qualifies for Owners (2025-03-03T09:01:00Z)",
            "  expected  verdict: not exported",
            "  actual    verdict: exported",
            "  decided   [S-T1] mapped segment owners: null -> realized",
            "FAILED orders.scenario.yaml::step-1::adnet - orders.scenario.yaml:18*",
        ]
    )


def test_k_selects_and_junit_xml_reports(pytester, scenario):
    scenario(adnet="not exported")
    result = pytester.runpytest("--exportkit", "-k", "adnet", "--junitxml=report.xml")
    result.assert_outcomes(failed=1, deselected=3)
    xml = pytester.path.joinpath("report.xml").read_text(encoding="utf-8")
    assert '<testcase classname="orders.scenario.yaml.step-1" name="adnet"' in xml and "<failure" in xml
    assert "verdict: exported" in xml


def test_bad_input_is_a_collection_error_of_one_line(pytester, scenario):
    scenario(adnet="exportd")
    result = pytester.runpytest("--exportkit")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    problem = (
        "orders.scenario.yaml:18: events[0].expect.adnet.verdict: unknown verdict 'exportd'; "
        "choose exported, not exported, noted or refused"
    )
    assert [line for line in result.outlines if line.startswith("exportkit: ")] == [
        f"exportkit: {pytester.path}/{problem}"
    ]


def test_update_fix_rewrites_what_fails_and_says_so(pytester, scenario):
    scenario(adnet="not exported")
    result = pytester.runpytest("--exportkit-update=fix")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "*exportkit update*",
            "*orders.scenario.yaml:18: step 1, adnet: verdict: not exported -> exported",
            "Review the diff (git diff) before you commit*",
        ]
    )
    text = pytester.path.joinpath("orders.scenario.yaml").read_text(encoding="utf-8")
    assert text == SCENARIO.replace("ADNET", "exported")
