"""The rule reference's own statements, read from its text: one source for `exportkit rules` and
the summary's "what it says" column.

`docs/export-rules.md` states each rule as a bullet, `- **E-T1**: statement [PEB V0–V2]`, some
with a label (`E-I1 (older)`, `B-T8 (identity), current (V5)`) and indented sub-bullets; section
9 holds the ambiguities (A1, A2 ...), where the toolkit picks a reading. This module is the one
parser of that text: each `RuleText` keeps the entry's markdown lines as written, for a page, and
its plain text, for a terminal. `docs/export-rules-2026.md` is read the same way, its rules marked
as those of `latest`: the rule set table names each version's file (`RuleSetSettings.reference`),
and `load_rule_reference()` reads every one the installed package keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ..core.rules import RULES
from ..core.rulesets import RULE_SETS

_BULLET = re.compile(r"^- \*\*(?P<id>[A-Z]+(?:-[A-Z]+)?\d+[a-z]?'?)(?P<label>[^*]*)\*\*:?\s*(?P<text>.*)$")
_TAG = re.compile(r"\s*\[([^\]]+)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*(])")


@dataclass(frozen=True, slots=True)
class RuleText:
    """One rule as the reference states it."""

    id: str
    label: str  # "older", "current", "(identity), current (V5)" ... or "" (for an A*: its title)
    text: str  # the whole statement, sub-bullets joined, markdown emphasis removed
    sources: tuple[str, ...]  # the tags: "PEB V0–V2", "HTTP current" ...
    heading: str = ""  # the label as the bullet writes it: "(current)", "(identity), older (V2–V4)"
    lines: tuple[str, ...] = ()  # the statement's markdown lines, as written, indentation removed
    scope: str | None = None  # the rule set its file belongs to (None: its label says)

    @property
    def ambiguity(self) -> bool:
        """The toolkit's reading of an ambiguity (section 9), not a documented rule."""
        return re.fullmatch(r"A\d+", self.id) is not None

    @property
    def statement(self) -> str:
        """The first sentence, without its source tags: one line for a table."""
        return _SENTENCE.split(_TAG.sub("", self.text).strip(), maxsplit=1)[0]

    def mark(self) -> str:
        """Where the rule comes from: documented (with its sources, label and rule set), or the
        toolkit's reading of an ambiguity."""
        if self.ambiguity:
            return "the toolkit's reading of an ambiguity" + (f": {self.label}" if self.label else "")
        parts = ["documented"]
        if self.sources:
            parts.append("; ".join(self.sources))
        if self.label:
            parts.append(self.label if self.label.startswith("(") else f"({self.label})")
        rules = self.rule_set()
        scope_text = f"; {RULE_SETS[rules].label} ({rules})" if rules in RULE_SETS else ""
        return " ".join(parts) + scope_text

    def rule_set(self) -> str:
        """Which rule set states it this way (its file's, or the version its label names), or "both"."""
        if self.scope is not None:
            return self.scope
        label = self.label.lower()
        for settings in RULE_SETS.values():
            if settings.reference_word and settings.reference_word in label:
                return settings.id
        return "both"


def _clean(text: str) -> str:
    return re.sub(r"\*\*|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)", "", text).strip()


def parse_rule_reference(markdown: str, rules: str | None = None) -> dict[str, list[RuleText]]:
    """Every rule bullet of the reference, by id (a few ids have one entry per rule set). An
    entry goes on over its indented lines (blank lines between them too) and ends at the next
    line that is not indented: a heading, a paragraph, another bullet."""
    out: dict[str, list[RuleText]] = {}
    current: dict[str, str] | None = None
    parts: list[str] = []

    def close() -> None:
        if current is None:
            return
        body = " ".join(p.lstrip("-").strip() for p in parts)
        sources = tuple(t for t in _TAG.findall(body))
        heading = current["label"].strip(" ,")
        label = heading
        if label.startswith("(") and label.endswith(")") and label.count("(") == 1:
            label = label[1:-1]
        rule = RuleText(current["id"], label, _clean(body), sources, heading, tuple(parts), rules)
        out.setdefault(rule.id, []).append(rule)

    for line in markdown.splitlines():
        match = _BULLET.match(line)
        if match:
            close()
            current = {"id": match["id"], "label": match["label"]}
            parts = [match["text"].strip()]
        elif current is not None and line.startswith("  ") and line.strip():
            parts.append(line.strip())
        elif current is not None and line.strip():
            close()
            current, parts = None, []
    close()
    return out


def references() -> dict[str, str | None]:
    """Each reference file the rule set table names (`RuleSetSettings.reference`), with the rule
    set its rules belong to: the one whose `reference_word` is empty, else None (the file's own
    labels say, `older` or `current`). `export-rules-2026.md` states what `latest` adds to V5."""
    out: dict[str, str | None] = {}
    for settings in RULE_SETS.values():
        out.setdefault(settings.reference, None)
        if not settings.reference_word:
            out[settings.reference] = settings.id
    return out


def reference_path(name: str) -> Path:
    """Where a reference file (`docs/export-rules.md`) is: shipped with the package as
    `exportkit.docs` (a checkout maps the top-level `docs/` folder to it)."""
    return Path(str(files("exportkit.docs"))) / name


def load_rule_reference(folder: Path | None = None) -> dict[str, list[RuleText]]:
    """Every rule of every reference file that is installed (or in `folder`), by id (none if none is)."""
    out: dict[str, list[RuleText]] = {}
    for name, rules in references().items():
        try:
            path = folder / name if folder is not None else reference_path(name)
            markdown = path.read_text(encoding="utf-8")
        except OSError:
            continue
        for rule_id, texts in parse_rule_reference(markdown, rules).items():
            out.setdefault(rule_id, []).extend(texts)
    return out


def statements(reference: dict[str, list[RuleText]]) -> dict[str, str]:
    """One line per rule id: the reference's first sentence, else the catalogue's title."""
    out = dict(RULES)
    for rule_id, texts in reference.items():
        if rule_id in out and not texts[0].ambiguity:  # an ambiguity's line is the toolkit's reading
            out[rule_id] = texts[0].statement or out[rule_id]
    return out


__all__ = [
    "RuleText",
    "load_rule_reference",
    "parse_rule_reference",
    "reference_path",
    "references",
    "statements",
]
