"""`exportkit report`: the demo's views as one static page, written from the command line."""

from __future__ import annotations

import re

import pytest

from exportkit.app.cli import main
from exportkit.app.report import scenario_path
from exportkit.io.library import dataset_path


def test_report_writes_one_self_contained_page(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(dataset_path("microbatching")), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<script" not in html and "<link" not in html and "src=" not in html  # nothing to fetch
    steps = set(re.findall(r'<section id="step-(\d+)"', html))
    assert steps == {str(i) for i in range(8)}  # activation and the 7 events
    assert 'class="ek-timeline"' in html and "Legend: rule families" in html
    assert "Messages leaving now" in html and "The story of" in html
    assert capsys.readouterr().err.startswith(f"exportkit: wrote {out}")


def test_report_takes_a_dataset_name_and_a_rule_set(tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", "delorean", "-o", str(out), "--rules", "current"]) == 0
    assert "Rules: V5 documentation (the pages as last updated in October 2024)" in out.read_text(
        encoding="utf-8"
    )
    assert scenario_path("delorean") == dataset_path("delorean")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["report", "no-such.yaml"], "exportkit: no-such.yaml: cannot be read", id="missing"),
        pytest.param(
            ["report", "delorean", "-o", "/no/such/folder/r.html"],
            "exportkit: /no/such/folder/r.html: cannot write the report",
            id="unwritable",
        ),
    ],
)
def test_report_refuses_bad_input_in_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err
