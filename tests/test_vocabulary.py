"""One word for each idea (docs/glossary.md): every rendered output is held to the glossary.

Each bundled dataset is replayed under both rule sets through the command line, as text (compact
and verbose) and as JSON; the committed notebooks' outputs are read as they are. A word the glossary
lists under "never" for an idea fails the test, with the output and the line that used it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from exportkit.app.cli import main
from exportkit.core.rulesets import RULE_SETS

ROOT = Path(__file__).resolve().parent.parent
DATASETS = sorted((ROOT / "datasets").glob("*.yaml"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# (idea, pattern of a word the glossary forbids for it)
FORBIDDEN = [
    ("a missing status is `null`", re.compile(r"\(none\)|\bNone\b")),
    (
        "the status is `exited` (A1); `exiting` is the documentation's trigger wording only",
        re.compile(r"-> exiting\b|\"exiting\""),
    ),
    ("a count has a real plural", re.compile(r"\d \w[\w ]*\(s\)")),
    ("a reason names the documentation version, not the seed", re.compile(r"\bthe seed\b", re.I)),
    (
        "a reason names the toolkit's reading (A*n*), not exportkit doing something",
        re.compile(r"\bexportkit (?!run\b|demo\b|report\b|rules\b|schema\b|generate\b|receive\b)[a-z]+s\b"),
    ),
    (
        "a message leaves on count reached, window age, best effort, flush or end of scenario",
        re.compile(r"\bleft on (age\b|count\b(?! reached))"),
    ),
    ("the backfill's verdict is exported / not exported", re.compile(r"^\s*[\w-]+: not backfilled\b")),
    ("no Python repr reaches a reader", re.compile(r"\{'[^']*': |\bdatetime\.datetime\(|<exportkit\.")),
]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def _offences(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        for idea, pattern in FORBIDDEN:
            if pattern.search(line):
                found.append(f"{idea}: {line.strip()[:160]}")
    return found


@pytest.mark.parametrize("rules", list(RULE_SETS))
@pytest.mark.parametrize("dataset", DATASETS, ids=lambda p: p.stem)
def test_the_timeline_speaks_the_glossary(capsys, dataset, rules):
    text = _run(capsys, "run", str(dataset), "--rules", rules, "--verbose")
    assert _offences(text) == []


@pytest.mark.parametrize("rules", list(RULE_SETS))
@pytest.mark.parametrize("dataset", DATASETS, ids=lambda p: p.stem)
def test_the_json_speaks_the_glossary(capsys, dataset, rules):
    document = _run(capsys, "run", str(dataset), "--rules", rules, "--json")
    json.loads(document)
    assert _offences(document) == []


@pytest.mark.parametrize("rules", list(RULE_SETS))
@pytest.mark.parametrize("dataset", DATASETS, ids=lambda p: p.stem)
def test_the_report_speaks_the_glossary(capsys, tmp_path, dataset, rules):
    """The static report holds the demo's views: its words, tags aside, follow the glossary too."""
    _run(capsys, "report", str(dataset), "--rules", rules, "-o", str(tmp_path / "report.html"))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "\n", page))
    assert _offences(text) == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebooks_speak_the_glossary(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    texts = []
    for cell in cells:
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            texts.append("".join(output.get("data", {}).get("text/plain", "")))
    assert _offences("\n".join(texts)) == []


def test_each_forbidden_word_is_caught():
    """The patterns catch the words the glossary names, and pass its own spellings."""
    caught = [
        "segment s1: (none) -> realized",
        "segment s1: existing -> exiting",
        "2 profile(s)",
        "the seed sends all the profile's segments",
        "exportkit backfills in both rule sets",
        "message left on age: doc",
        "http-api: not backfilled: marty",
        "{'status': 'realized'}",
    ]
    assert all(_offences(line) for line in caught)
    fine = [
        "segment s1: null -> realized",
        "2 profiles, window age: doc, marty",
        "[A11] the older documentation is silent on backfill; the toolkit's reading backfills",
        "run exportkit run datasets/delorean.yaml",
    ]
    assert [_offences(line) for line in fine] == [[] for _ in fine]
