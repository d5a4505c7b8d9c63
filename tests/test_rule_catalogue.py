"""The rule reference, the catalogue, the code and the tests must agree (STYLE 15).

One test holds the catalogue to both sides. Every catalogued id is cited by the code (a reason
built with it, a rule function's docstring, a refusal's message), and every id named in the code
is catalogued. Every id the code can put in a reason (`reason("E-T1", ...)`) is exercised by a
test, meaning a test *asserts* it: the id is in an `assert` statement, or in a parametrize table
whose rows a test asserts. An id that only a docstring, a comment or a meta-test's literal
mentions does not count as exercised.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from exportkit.core.rules import RULES

from .package_code import places

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "export-rules.md"
REFERENCE_2026 = ROOT / "docs" / "export-rules-2026.md"
SHARED_FOLDER = (
    next(
        (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.exists()),
        ROOT.parent / "shared",
    )
    / "reference"
)  # beside the checkout, or beside the worktrees
SHARED = SHARED_FOLDER / "export-rules.md"
RULE_ID = r"(?:[ESB]-[TISF]\d+[a-z]?|[ACGLM]\d+)'?"
# A rule id anywhere inside a test's string: "E-T1", "[B-I2] ...", "outside 1800-3600 (M5)".
MENTIONED = re.compile(rf"(?<![\w-])({RULE_ID})(?![\w-])")


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _code_strings() -> list[str]:
    """Every string constant of the package (docstrings and messages included; comments are not
    strings), outside the catalogue itself."""
    return [
        text
        for path in (ROOT / "exportkit").rglob("*.py")
        if path.name != "rules.py"
        for text in _strings(ast.parse(path.read_text(encoding="utf-8")))
    ]


def emitted_ids() -> set[str]:
    """The ids the code can put in a reason: strings that are exactly a rule id."""
    return {text for text in _code_strings() if re.fullmatch(RULE_ID, text)}


def named_ids() -> set[str]:
    """Every id the code names anywhere in a string: reasons, docstrings, messages."""
    return {rule for text in _code_strings() for rule in MENTIONED.findall(text)}


def asserted_ids(source: str) -> set[str]:
    """The rule ids a test module asserts: in `assert` statements, in parametrize decorators, and
    in the module-level tables those decorators name."""
    tree = ast.parse(source)
    strings: list[str] = []
    tables: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            strings += _strings(node.test)  # not the failure message
        elif isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if "parametrize" in ast.unparse(decorator):
                    strings += _strings(decorator)
                    tables |= {n.id for n in ast.walk(decorator) if isinstance(n, ast.Name)}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id in tables for t in targets):
            strings += _strings(node.value)
    return {rule for s in strings for rule in MENTIONED.findall(s)}


def exercised_ids() -> set[str]:
    here = Path(__file__).name
    found: set[str] = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        if path.name != here:
            found |= asserted_ids(path.read_text(encoding="utf-8"))
    return found


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_catalogued_rule_exists_in_the_reference(rule):
    defined = REFERENCE.read_text() + REFERENCE_2026.read_text()
    assert re.search(rf"\*\*{re.escape(rule)}[*' (]", defined), (
        f"{rule} is not defined in docs/export-rules*.md"
    )


def test_the_catalogue_the_code_and_the_tests_agree():
    named, emitted = named_ids(), emitted_ids()
    assert len(emitted) >= 40  # the scan finds the reasons at all
    assert named - set(RULES) == set(), "named by the code but not catalogued"
    assert set(RULES) - named == set(), "catalogued but cited by no rule in the code"
    assert emitted - exercised_ids() == set(), "the code can cite these in a reason, no test asserts them"


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('def test_x():\n    assert d.rule == "E-T1"\n', {"E-T1"}),
        ('def test_x():\n    assert "[B-I2] exited" in text, "not M5"\n', {"B-I2"}),
        ('ROWS = [("a", "S-T4")]\n@pytest.mark.parametrize("row", ROWS)\ndef test_x(row): ...\n', {"S-T4"}),
        ('@pytest.mark.parametrize("r", ["E-I1\'"])\ndef test_x(r): ...\n', {"E-I1'"}),
        ('def test_x():\n    """Checks E-T1."""\n    rule = "E-T2"  # E-T3\n', set()),
        ('CITED = {"A7", "M2"}\ndef test_meta():\n    assert CITED\n', set()),
    ],
    ids=[
        "assert",
        "assert-not-its-message",
        "named-table",
        "prime",
        "docstring-comment-variable",
        "meta-literal",
    ],
)
def test_what_counts_as_exercising_a_rule(source, found):
    assert asserted_ids(source) == found


ADDITIONS = "## 10. Toolkit additions"


ADDITIONS_2026 = "## 8. Toolkit additions"
VENDORED = [
    (REFERENCE, ADDITIONS, ["A15", "A16", "A17"]),
    (REFERENCE_2026, ADDITIONS_2026, ["A22", "A23", "A24", "A25", "A26", "A27", "A28", "A29"]),
]
VENDORED_IDS = ["export-rules", "export-rules-2026"]


def _vendored_and_additions(reference: Path = REFERENCE, additions: str = ADDITIONS) -> tuple[str, str]:
    text = reference.read_text()
    head, marker, tail = text.partition(additions)
    assert marker, f"{reference.name} has no '{additions}' section"
    return head, marker + tail


@pytest.mark.skipif(not SHARED.exists(), reason="no shared/ folder beside the checkout")
@pytest.mark.parametrize(
    ("reference", "additions", "added"), VENDORED, ids=["export-rules", "export-rules-2026"]
)
def test_vendored_reference_is_the_shared_one(reference, additions, added):
    """The part before the toolkit additions is the shared reference, unchanged (its last line,
    the separator and the comment that marks the boundary aside)."""
    head, _ = _vendored_and_additions(reference, additions)
    shared = (SHARED_FOLDER / reference.name).read_text()
    assert head.startswith(shared)
    boundary = [line for line in head[len(shared) :].splitlines() if line.strip()]
    assert boundary[0] == "---" and boundary[1].startswith("<!--") and len(boundary) == 2


@pytest.mark.parametrize(
    ("reference", "additions", "added"), VENDORED, ids=["export-rules", "export-rules-2026"]
)
def test_toolkit_additions_are_separate_and_new(reference, additions, added):
    """The additions define ambiguity ids the vendored parts do not, each one catalogued."""
    _, found = _vendored_and_additions(reference, additions)
    assert re.findall(r"\*\*(A\d+) ", found) == added
    vendored = _vendored_and_additions()[0] + _vendored_and_additions(REFERENCE_2026, ADDITIONS_2026)[0]
    for rule in added:
        assert f"**{rule} " not in vendored
        assert "toolkit addition" in RULES[rule]


def _attribute(part: ast.expr) -> str | None:
    """`rule` for the f-string part `{r.rule}` or `{r['rule']}`, None for anything else."""
    if isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Attribute):
        return part.value.attr
    if (
        isinstance(part, ast.FormattedValue)
        and isinstance(part.value, ast.Subscript)
        and isinstance(part.value.slice, ast.Constant)
    ):
        return str(part.value.slice.value)
    return None


def _hand_cited(tree: ast.AST) -> list[int]:
    """Lines of f-strings that write `[{x.rule}]` themselves rather than call `rules.cited`."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        parts = node.values
        for before, rule, between, text in zip(parts, parts[1:], parts[2:], parts[3:], strict=False):
            if (
                isinstance(before, ast.Constant)
                and str(before.value).endswith("[")
                and _attribute(rule) == "rule"
                and isinstance(between, ast.Constant)
                and str(between.value) == "] "
                and _attribute(text) == "text"
            ):
                lines.append(node.lineno)
    return lines


def test_rule_and_text_are_cited_in_one_place():
    """`[rule] text` has one formatter, `rules.cited`; a second copy would drift from it."""
    assert places(_hand_cited, outside="core/rules.py") == []
    assert _hand_cited(ast.parse('f"  [{r.rule}] {r.text}"')) == [1]  # the check can fail
    assert _hand_cited(ast.parse("f\"[{e['rule']}] {e['text']}\"")) == [1]


def _formatted(node: ast.AST) -> bool:
    """The expression writes values into text itself: an f-string with a `{}` part in it."""
    return any(
        isinstance(n, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in n.values)
        for n in ast.walk(node)
    )


def _formatted_templates(tree: ast.AST) -> list[int]:
    """Lines of `reason(rule, template, ...)` calls whose template is an f-string, or a name the
    function bound to one: the values are then text, not values a renderer can show by kind."""
    lines = []
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
        bound = {
            t.id
            for n in ast.walk(function)
            if isinstance(n, ast.Assign) and _formatted(n.value)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
            name = getattr(call.func, "id", getattr(call.func, "attr", None))
            if name not in ("reason", "Reason") or len(call.args) < 2:
                continue
            template = call.args[1]
            if _formatted(template) or (isinstance(template, ast.Name) and template.id in bound):
                lines.append(call.lineno)
    return sorted(set(lines))


def test_reasons_carry_their_values_apart_from_their_template():
    """A reason is its rule id, a template and the values it names (segment, destination, time,
    count ...), never a sentence with the values written in: the HTML shows each value by its
    kind (a name with its id on hover, a date), the text as `[rule] text`."""
    assert places(_formatted_templates, outside="core/rules.py") == []
    caught = 'def f(s):\n    text = f"of {s}"\n    return reason("B-I1", text)\n'
    assert _formatted_templates(ast.parse(caught)) == [3]  # the check can fail
    assert _formatted_templates(ast.parse('def f(s):\n    return reason("B-I1", f"of {s}")\n')) == [2]
