"""Rule statements a page can show on a rule chip, and the rule reference they are written from.

A chip shows `statement(rule)`: the learner's statement of `rules_for_learners.yaml` (package
data beside this module), a rewording of the reference without its source shorthand and
implementer notes, with the documentation it comes from in words. The reference itself stays as
it is and `exportkit rules` quotes it.

`parse_rulebook` turns the entries of `docs/export-rules.md` (the vendored reference plus toolkit
additions), as the one parser of it reads them (`text.ruledoc`), into one `Statement` per id, its
markdown lines kept. Ids from section 9 (A1, A2 ... and any new A15+) are the toolkit's readings
of an ambiguity, not documented rules, and are marked as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

import yaml

from ...core.rules import RULES
from ...core.rulesets import RULE_SETS
from ...text.ruledoc import RuleText, load_rule_reference, parse_rule_reference

Kind = Literal["documented", "ambiguity"]
FAMILIES: dict[str, str] = {
    "C": "common model: membership statuses, what drives exports",
    "E": "enterprise streaming destinations (HTTP API, Kinesis, Event Hubs): whole profiles",
    "S": "streaming segment destinations (advertising, social): audiences",
    "B": "batch destinations: full and incremental files on a schedule",
    "M": "microbatching: how streaming exports wait in a buffer and leave as messages",
    "G": "guardrails: the documented limits of dataflows (2026 documentation)",
    "A": "the toolkit's reading where the documentation is silent or contradicts itself",
}


@dataclass(frozen=True, slots=True)
class Statement:
    """One rule: its id, its label (older, current, backfill ...), its text; for a learner's
    statement, the label is a short title and `source` the documentation it comes from."""

    id: str
    label: str
    text: str
    source: str = ""

    @property
    def kind(self) -> Kind:
        return "ambiguity" if re.fullmatch(r"A\d+", self.id) else "documented"

    @property
    def family(self) -> str:
        return self.id[0]


def parse_rulebook(markdown: str) -> dict[str, Statement]:
    """Every `- **ID**: text` entry of the reference. An id stated twice (B-T8 older and current)
    keeps both texts, each after its label."""
    return _statements(parse_rule_reference(markdown))


def _statements(reference: dict[str, list[RuleText]]) -> dict[str, Statement]:
    out: dict[str, Statement] = {}
    for rule, entries in reference.items():
        if len(entries) == 1:
            (entry,) = entries
            out[rule] = Statement(rule, entry.heading, "\n".join(entry.lines))
        else:
            text = "\n".join(f"{e.heading}: {' '.join(e.lines)}" for e in entries)
            out[rule] = Statement(rule, "", text)
    return out


@lru_cache(maxsize=1)
def rulebook(path: Path | None = None) -> dict[str, Statement]:
    """The reference's statements; a catalogued rule the file lacks keeps its catalogue title."""
    if path is None:  # every reference file the rule set table names that the package keeps
        found = _statements(load_rule_reference())
    else:
        found = parse_rulebook(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for rule, title in RULES.items():
        found.setdefault(rule, Statement(rule, "", title))
    return found


EVERY_VERSION = "every documentation version"


def dated_source(source: str) -> str:
    """A statement's `source` with the date of each documentation it names, from the rule set
    table (`RuleSetSettings.published`): "V5 documentation (October 2024)"."""
    for settings in RULE_SETS.values():
        source = source.replace(settings.label, settings.dated)
    newest = list(RULE_SETS.values())[-1]
    return source.replace(EVERY_VERSION, f"{EVERY_VERSION}, up to {newest.published}")


@cache
def learner_statements() -> dict[str, Statement]:
    """The statements written for learners (`rules_for_learners.yaml`), by rule id, each source dated."""
    data = yaml.safe_load((files(__package__) / "rules_for_learners.yaml").read_text(encoding="utf-8"))
    return {
        str(rule): Statement(str(rule), entry["title"], entry["text"], dated_source(entry["source"]))
        for rule, entry in data.items()
    }


def statement(rule: str) -> Statement:
    """The learner's statement of `rule`; a rule without one shows its catalogue title, and an id
    the catalogue does not know says so instead of failing."""
    found = learner_statements().get(rule)
    if found is not None:
        return found
    return Statement(rule, "", RULES.get(rule, "not in the rule reference"))


__all__ = ["FAMILIES", "Statement", "learner_statements", "parse_rulebook", "rulebook", "statement"]
