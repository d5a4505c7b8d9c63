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
from exportkit.core.rules import RULES
from exportkit.core.rulesets import RULE_SETS
from exportkit.course.views.rulebook import learner_statements, statement

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


# What a learner reads of a rule (a chip's tooltip): none of the reference's source shorthand, bare
# version labels or implementer notes; a rule set is named by its documentation, never "seed".
LEARNER_FORBIDDEN = [
    (
        "a page or family of the reference by its shorthand",
        re.compile(r"\b(PEB|ABD|EFN|AGG|SEG|STR|ENT|BAT)\b"),
    ),
    ('a version as a bare label (say "V5 documentation")', re.compile(r"\bV[0-9]\b(?! documentation)")),
    ("the rule set's id for the older documentation", re.compile(r"\bseed\b", re.I)),
    ("an implementer's note", re.compile(r"\btoolkit should\b|\brecommend", re.I)),
]


def _learner_offences(text: str) -> list[str]:
    return [f"{idea}: {text[:160]}" for idea, pattern in LEARNER_FORBIDDEN if pattern.search(text)]


def test_every_rule_has_a_statement_for_learners():
    """Every rule the engine can cite has a learner's statement, with its documentation in words."""
    written = learner_statements()
    assert sorted(set(RULES) - set(written)) == []
    assert sorted(set(written) - set(RULES)) == []  # no statement of a rule the engine does not know
    assert all(s.source and s.label and s.text for s in written.values())


@pytest.mark.parametrize("rule", list(RULES))
def test_a_learners_statement_speaks_plainly(rule):
    st = statement(rule)
    text = f"{st.label}\n{st.source}\n{st.text}"
    assert _learner_offences(text) + _offences(text) == []


YEAR = re.compile(r"\b20\d\d\b")


@pytest.mark.parametrize("rule", list(RULES))
def test_a_learners_statement_dates_its_documentation(rule):
    """A statement from the documentation says when it was published (the rule set table's
    dates); the toolkit's own readings name no documentation."""
    source = statement(rule).source
    assert source == "toolkit's reading" or YEAR.search(source), source


def test_the_rule_sets_carry_their_dates():
    for settings in RULE_SETS.values():
        assert YEAR.search(settings.published) and settings.published in settings.title
        assert YEAR.search(settings.dated)


def test_the_rule_sets_are_named_in_words():
    for settings in RULE_SETS.values():
        assert _learner_offences(f"{settings.label} {settings.title} {settings.documentation}") == []


def test_each_learner_forbidden_word_is_caught():
    caught = [
        "[PEB V3+]",
        "only for ENT",
        "V0, V2 where V0 is silent",
        "the seed",
        "The toolkit should make this",
    ]
    assert all(_learner_offences(line) for line in caught)
    fine = ["V5 documentation", "older documentation", "2026 documentation", "toolkit's reading"]
    assert [_learner_offences(line) for line in fine] == [[] for _ in fine]


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
