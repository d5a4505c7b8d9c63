"""The rule sets: what each documentation version decides where the versions differ.

One row per version (`RULE_SETS`), each written as what it changes from the version before
(`dataclasses.replace`). A rule reads the named setting it depends on
(`settings_of(rules).keep_realized`), never a rule set's id, so a version that only changes
settings is one row here, plus its reference file (the row names it) and its tests. Everything
that lists or names the rule sets (the CLI's `--rules`, the loader's messages, the demo's switch,
the views' labels, the rule statements' files, the tests' parameters) reads this table too.

A rule set is named by its id (`seed`, `current`, `latest`): the `rules:` key of a scenario file
and the value of `--rules`. Learners read its `label` ("older documentation"), never the id.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

RuleSet = str
"""A rule set's id: a key of `RULE_SETS` (`settings_of` refuses any other)."""


@dataclass(frozen=True, slots=True)
class RuleSetSettings:
    """What one documentation version decides, where versions differ (the rule ids say where)."""

    id: str  # the scenario's `rules:` value and `--rules` choice
    label: str  # for learners: "older documentation"
    published: str  # when its pages were published, in words: "October 2024"
    versions: str  # which pages it follows and when, for a tooltip or a legend
    documentation: str  # how a reason names it: "the older documentation"
    reference: str  # the reference file in docs/ that states its rules: "export-rules.md"
    reference_word: str  # how that file labels a rule of this version: "older" ("": every rule is)
    keep_realized: bool  # A7: a continuing member stays `realized` (else it becomes `existing`)
    enterprise_segments: Literal["all", "merge_policy"]  # E-I1 (all) or E-I1' (same merge policy)
    identity_qualifies_incremental: bool  # B-T8 (A6): an identity change qualifies for increments
    backfill_documented: bool  # E-T6/S-T6: stated by the documentation (else the reading A11)
    segment_window_seconds: int  # M2 (A14): Facebook's window, a segment destination's default
    segment_window_words: str  # the same, as the documentation says it: "30 min"
    batch_age_range: tuple[int, int]  # M5 (A21): maxBatchAgeInSecs of configurable aggregation
    batch_age_reading: str = ""  # where the pages disagree on that range, the reading taken
    # The 2026 documentation (export-rules-2026.md); an older version has none of these.
    activation_triggers: bool = False  # C7: a streaming dataflow's `triggers` option
    same_value_restatements: bool = False  # C8: a same-value overwrite triggers segment exports
    tie_break_by_columns: bool = False  # B-I7b: dedup ties by identity updates, then the columns
    dedup_key_advice: bool = False  # B-I7c: a scheduled batch destination without a key is noted
    export_now_refusals: bool = False  # B-T5b: Export file now refused when the page says so
    files_per_merge_policy: bool = False  # B-T2b: `files_per: merge_policy`, merge policy macros
    storage_mapping_starts: bool = False  # B-I4b: a batch mapping starts with status and time columns
    limit_warnings: bool = False  # G1: a scenario past a documented limit gets a warning
    activate_now: bool = False  # S-T7: the activate_now event (Activate now)
    paused_dataflows: bool = False  # L1: the disable and enable events
    deleted_dataflows: bool = False  # L2: the delete event
    retries_by_answer: bool = False  # M9 (A19): the answer decides whether a call is retried

    @property
    def dated(self) -> str:
        """The label with its date, once: "V5 documentation (October 2024)", "2026 documentation"."""
        return self.label if self.published in self.label else f"{self.label} ({self.published})"

    @property
    def title(self) -> str:
        """The label with the pages it follows and when: "V5 documentation (the pages as last updated
        in October 2024)"."""
        return f"{self.label} ({self.versions})"


_SEED = RuleSetSettings(
    id="seed",
    label="older documentation",
    published="up to 2023",  # the pages that still said "segments"; V4 says "audiences"
    versions="the first pages, and the older pages where they are silent, as published up to 2023",
    documentation="the older documentation",
    reference="export-rules.md",
    reference_word="older",
    keep_realized=False,
    enterprise_segments="all",
    identity_qualifies_incremental=False,
    backfill_documented=False,
    segment_window_seconds=1800,
    segment_window_words="30 min",
    batch_age_range=(1800, 3600),
)
_CURRENT = replace(
    _SEED,
    id="current",
    label="V5 documentation",
    published="October 2024",  # the profile export behavior page's "Last update: 2024-10-07"
    versions="the pages as last updated in October 2024",
    documentation="the current documentation",
    reference_word="current",
    keep_realized=True,
    enterprise_segments="merge_policy",
    identity_qualifies_incremental=True,
    backfill_documented=True,
    segment_window_seconds=300,
    segment_window_words="300 s",
    batch_age_range=(301, 3600),
)
_LATEST = replace(
    _CURRENT,
    id="latest",
    label="2026 documentation",
    published="2026",
    versions="the pages of October 2024 and the pages as published in 2026",
    documentation="the 2026 documentation",
    reference="export-rules-2026.md",  # what the 2026 pages add to V5
    reference_word="",
    batch_age_reading=(
        "the aggregation policy page's range; the guardrails page gives 1800-3600 seconds (A21)"
    ),
    activation_triggers=True,
    same_value_restatements=True,
    tie_break_by_columns=True,
    dedup_key_advice=True,
    export_now_refusals=True,
    files_per_merge_policy=True,
    storage_mapping_starts=True,
    limit_warnings=True,
    activate_now=True,
    paused_dataflows=True,
    deleted_dataflows=True,
    retries_by_answer=True,
)

RULE_SETS: dict[str, RuleSetSettings] = {s.id: s for s in (_SEED, _CURRENT, _LATEST)}
"""Every rule set, by id, oldest first; the first is the default."""

DEFAULT_RULE_SET: RuleSet = _SEED.id


class UnknownRuleSet(ValueError):
    """A rule set id that is not in `RULE_SETS`."""

    def __init__(self, rules: object):
        super().__init__(f"unknown rule set {rules!r}; choose {choices_text()}")
        self.rules = rules


def settings_of(rules: RuleSet) -> RuleSetSettings:
    """The settings of the rule set `rules`; an unknown id raises `UnknownRuleSet`."""
    try:
        return RULE_SETS[rules]
    except (KeyError, TypeError):
        raise UnknownRuleSet(rules) from None


def known_rule_set(rules: RuleSet) -> RuleSet:
    """`rules` itself if it names a rule set (a validator for models and options)."""
    settings_of(rules)
    return rules


def choices_text(ids: tuple[str, ...] | None = None) -> str:
    """The rule set ids as a person reads a list: "seed, current or latest"."""
    names = list(ids if ids is not None else RULE_SETS)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def rule_set_help() -> str:
    """Each id with its label, for `--help`: "seed (older documentation), current (...) or ..."."""
    return choices_text(tuple(f"{s.id} ({s.label})" for s in RULE_SETS.values()))


def deciding(feature: str) -> tuple[str, ...]:
    """The ids of the rule sets where the setting `feature` is on (`activation_triggers`: latest)."""
    return tuple(s.id for s in RULE_SETS.values() if getattr(s, feature))


def unavailable(feature: str, what: str, rule: str, rules: RuleSet) -> str | None:
    """Why a scenario may not use `what` under `rules` (None if it may): one line naming the
    documentation it comes from and the rule sets that have it."""
    if getattr(settings_of(rules), feature):
        return None
    having = deciding(feature)
    source = RULE_SETS[having[0]].label if having else "no documentation"
    return (
        f"{what} comes from the {source} ({rule}), which the {settings_of(rules).label} does not "
        f"have; write rules: {choices_text(having)} to use it"
    )


__all__ = [
    "DEFAULT_RULE_SET",
    "RULE_SETS",
    "RuleSet",
    "RuleSetSettings",
    "UnknownRuleSet",
    "choices_text",
    "deciding",
    "known_rule_set",
    "rule_set_help",
    "settings_of",
    "unavailable",
]
