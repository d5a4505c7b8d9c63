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
from ..course.views.page import report_html
from ..io.library import scenario_path
from ..io.loader import load_scenario
from .usage import UsageError, add_scenario_options


def add_parser(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="write the demo's views of a scenario as one static HTML page")
    add_scenario_options(report)
    report.add_argument(
        "-o", "--out", default="report.html", metavar="FILE", help="the page to write (default: report.html)"
    )


def main(args: argparse.Namespace) -> int:
    """Write the report; bad input raises, for `cli._dispatch` to say in one line (exit status 2)."""
    scenario = load_scenario(scenario_path(args.scenario), rules=args.rules)
    out = Path(args.out)
    try:
        out.write_text(report_html(replay(scenario)), encoding="utf-8")
    except OSError as err:
        raise UsageError(f"{out}: cannot write the report ({err.strerror or err})") from None
    print(f"exportkit: wrote {out} ({len(scenario.events)} steps; open it in a browser)", file=sys.stderr)
    return 0


__all__ = ["add_parser", "main"]
