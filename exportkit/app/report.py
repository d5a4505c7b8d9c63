"""`exportkit report SCENARIO -o report.html`: the demo's views as one static page to send.

The page is `exportkit.course.views.page.report_html`: the timeline (its cells link to the steps), every
step as the demo shows it, each profile's story and the glossary, with its style sheet inside. It
needs no server, no kernel and no network: a client opens the file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.engine import replay
from ..core.rulesets import DEFAULT_RULE_SET, RULE_SETS, rule_set_help
from ..course.views.page import report_html
from ..io.library import scenario_path
from ..io.loader import ScenarioError, load_scenario


def add_parser(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="write the demo's views of a scenario as one static HTML page")
    report.add_argument("scenario", help="a scenario file (YAML or JSON), or a name from datasets/")
    report.add_argument(
        "-o", "--out", default="report.html", metavar="FILE", help="the page to write (default: report.html)"
    )
    report.add_argument(
        "--rules",
        choices=list(RULE_SETS),
        help=f"rule set: {rule_set_help()} (default: the scenario's own, else {DEFAULT_RULE_SET})",
    )


def main(args: argparse.Namespace) -> int:
    """Write the report; bad input is one line on stderr and exit status 2."""
    try:
        scenario = load_scenario(scenario_path(args.scenario), rules=args.rules)
    except ScenarioError as err:
        print(f"exportkit: {err}", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        out.write_text(report_html(replay(scenario)), encoding="utf-8")
    except OSError as err:
        print(f"exportkit: {out}: cannot write the report ({err.strerror or err})", file=sys.stderr)
        return 2
    print(f"exportkit: wrote {out} ({len(scenario.events)} steps; open it in a browser)", file=sys.stderr)
    return 0


__all__ = ["add_parser", "main"]
