"""Whole views made of the parts: the glossary, a profile's story, the explorer's page (timeline
plus step) and the self-contained report of `exportkit report`."""

from __future__ import annotations

from html import escape
from importlib.resources import files

from ...core.engine import Replay, StepRecord
from ...core.rulesets import RULE_SETS
from ...text.sentences import Names
from .parts import BADGES, badge, chip, ruleset_label, style
from .phrases import TYPE_LABELS, event_html, named_html, when_html
from .rulebook import FAMILIES
from .step import step_html
from .timeline import legend_html, step_count, timeline_html

EXAMPLES = {"C": "C3", "E": "E-T1", "S": "S-I4", "B": "B-I2", "M": "M2", "G": "G1", "A": "A7"}


def glossary_html() -> str:
    """Rule families, destination types, verdict colours and the two rule sets, in a few lines."""
    families = "".join(
        f"<dt>{escape(f)} rules <span class='ek-muted'>(for example {chip(EXAMPLES[f])})</span></dt>"
        f"<dd>{escape(text)}</dd>"
        for f, text in FAMILIES.items()
    )
    types = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(_TYPE_NOTES[t])}</dd>" for t, label in TYPE_LABELS.items()
    )
    verdicts = "".join(f"<dt>{badge(k)}</dt><dd>{escape(meaning)}</dd>" for k, (_, meaning) in BADGES.items())
    sets = "".join(f"<dt>{escape(s.label)}</dt><dd>{escape(s.versions)}</dd>" for s in RULE_SETS.values())
    return (
        '<details class="ek-glossary"><summary>Legend: rule families, destination types, verdicts</summary>'
        f'<div class="ek-gloss-grid"><dl>{families}</dl><dl>{types}</dl><dl>{verdicts}</dl>'
        f"<dl>{sets}</dl></div>"
        "<p class='ek-muted'>A solid chip is a documented rule; a dashed amber chip is the toolkit's "
        "reading where the documentation is silent or contradicts itself. Hover over or click a chip "
        "to read the rule.</p></details>"
    )


_TYPE_NOTES = {
    "streaming-profile": "every mapped attribute, all identities and the segment memberships of a "
    "profile, sent when a mapped segment, an identity or a mapped attribute changes",
    "streaming-segment": "the mapped segments, mapped namespaces and attributes only; sent when a "
    "mapped segment, a mapped namespace or a mapped attribute changes; messages wait in a buffer",
    "batch": "files per segment on a schedule: full files hold the whole population, incremental "
    "files only the profiles whose membership changed",
}


def profile_steps(result: Replay, profile: str) -> list[int]:
    """The steps that concern `profile`: its events, and files or messages that carry it, made by
    the event or on the clock before the next one."""
    return [r.number for r in result.records if _concerns(r, profile)]


def _concerns(r: StepRecord, profile: str) -> bool:
    return (
        (r.event is None and any(d.profile == profile and d.exported for d in r.decisions))
        or (r.event is not None and r.event.profile == profile)
        or any(profile in f.profiles for f in r.all_files)
        or any(profile in m.profiles for m in r.all_messages)
    )


def _profile_cell(r: StepRecord, dest: str, profile: str) -> str:
    """What `dest` did with `profile` at a step: its own verdict, or the message or file that
    carried it."""
    mine = [x for x in r.decisions if x.destination == dest and x.profile == profile]
    out = []
    if mine:
        d = mine[0]
        kind = "exported" if d.exported else ("noted" if d.verdict == "noted" else "none")
        out.append(f"{badge(kind)} {chip(d.rule)}")
    if any(m.destination == dest and profile in m.profiles for m in r.all_messages):
        out.append(badge("sent", "in a message"))
    if any(f.destination == dest and profile in f.profiles for f in r.all_files):
        out.append(badge("file", "in a file"))
    return " ".join(out) or '<span class="ek-muted">·</span>'


def profile_html(result: Replay, profile: str) -> str:
    """A profile's whole story: every step that touched it and what each destination did, with the
    deciding rule. Rows carry `data-step` (the widget jumps there on a click)."""
    names = Names.of(result.scenario)
    dests = [d.id for d in result.scenario.destinations]
    head = "".join(f"<th>{named_html(names.destination(d))}</th>" for d in dests)
    rows = []
    for r in result.records:
        if not _concerns(r, profile):
            continue
        i, when = r.number, when_html(r.at)
        if r.event is None:
            what = "activation: backfill"
        elif r.event.profile == profile:
            what = event_html(r.event, names)
        else:
            what = event_html(r.event, names) + " <span class='ek-muted'>(carries this profile)</span>"
        cells = "".join(f"<td>{_profile_cell(r, d, profile)}</td>" for d in dests)
        rows.append(
            f'<tr data-step="{i}"><td class="ek-nw"><a href="#step-{i}" data-step="{i}">Step {i}</a></td>'
            f"<td class='ek-muted'>{when}</td><td>{what}</td>{cells}</tr>"
        )
    title = f"The story of {named_html(names.profile(profile))}"
    if not rows:
        empty = '<div class="ek-muted">No step concerns this profile.</div>'
        return f'<div class="ek-section"><h3>{title}</h3>{empty}</div>'
    return (
        f'<div class="ek-section"><h3>{title}</h3><table class="ek-story"><tr><th>step</th><th>time</th>'
        f"<th>what happened</th>{head}</tr>{''.join(rows)}</table></div>"
    )


SLOT = '<div class="ek-slot"></div>'
# The report's own page style (report.css, shipped beside this module as package data).
REPORT_CSS = (files(__package__) / "report.css").read_text(encoding="utf-8")


def explorer_frame(result: Replay, current: int | None = None) -> str:
    """The parts of the explorer's page that stay while the reader moves through one replay: the
    style sheet, the legend, the timeline (the `current` step marked, if given) and the glossary,
    around an empty slot (`SLOT`) for `explorer_step`. A widget sends it once per replay."""
    timeline = timeline_html(result, current)
    return f'{style()}<div class="ek">{legend_html()}{timeline}{SLOT}{glossary_html()}</div>'


def explorer_step(result: Replay, index: int, focus: str | None = None, profile: str | None = None) -> str:
    """What changes from step to step: the step and, when one is picked, a profile's story."""
    story = profile_html(result, profile) if profile else ""
    return f"{step_html(result, index, focus)}{story}"


def explorer_html(result: Replay, index: int, focus: str | None = None, profile: str | None = None) -> str:
    """What the explorer shows, whole: the frame with the step in its slot and marked on the timeline."""
    filled = f'<div class="ek-slot">{explorer_step(result, index, focus, profile)}</div>'
    return explorer_frame(result, index).replace(SLOT, filled, 1)


def report_html(result: Replay) -> str:
    """The self-contained report: every step, every profile's story and the glossary, on one page
    that needs no server and no kernel (the timeline's cells are links to the steps)."""
    s = result.scenario
    n = step_count(result)
    steps = "".join(
        f'<section id="step-{i}" class="ek-report-step">{step_html(result, i)}'
        f'<p class="ek-muted"><a href="#top">back to the timeline</a></p></section>'
        for i in range(n + 1)
    )
    stories = "".join(
        f'<section id="profile-{escape(p.id)}">{profile_html(result, p.id)}</section>' for p in s.profiles
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>exportkit report: {escape(s.name)}</title>{style()}<style>{REPORT_CSS}</style></head><body>"
        f'<div class="ek" id="top"><h2>Scenario {escape(s.name)}</h2>'
        f"<p>{escape(s.description)}</p><p>{ruleset_label(result.rules)} · {n} events</p>"
        f"{legend_html()}{timeline_html(result)}"
        f"{glossary_html().replace('<details ', '<details open ', 1)}"
        f"{steps}<h2>Profiles</h2>{stories}</div></body></html>\n"
    )


__all__ = [
    "SLOT",
    "explorer_frame",
    "explorer_html",
    "explorer_step",
    "glossary_html",
    "profile_html",
    "profile_steps",
    "report_html",
]
