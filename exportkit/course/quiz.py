"""Predict, then reveal: quiz questions drawn from a replay, answered by its decisions.

Two kinds of question, both generated from the engine's own decisions (so the answer can never
disagree with the simulator):

- `exported`: "Is this profile exported to this destination at this step?" (yes / no);
- `fields`: "Which of these fields does the payload hold?" (tick the included ones), drawn from the
  included and left-out parts of an exported payload.

Each answer reveals the verdict with the decision's own rule ids and reasons. The same replay and
seed always give the same questions (`random.Random(seed)`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ..core.decision import Decision
from ..core.engine import Replay
from ..core.rules import cited
from ..core.rulesets import settings_of
from ..text.narrate import step_heading
from ..text.sentences import Names, named_text

QuestionKind = Literal["exported", "fields"]
YES, NO = "yes", "no"
CHOICES = 4  # per payload question, when the payload has that many parts


@dataclass(frozen=True, slots=True)
class Question:
    """One question: what is asked, the choices, the right answer and the decision behind it."""

    kind: QuestionKind
    step: int  # 0 is the activation
    situation: str  # the step's event, as the timeline says it
    mapping: str  # what the destination maps, so the learner can reason
    decision: Decision
    choices: tuple[str, ...]
    answer: frozenset[str]
    who: str  # the profile and the destination as the scenario names them: "Biff (biff)"
    where: str

    @property
    def prompt(self) -> str:
        if self.kind == "exported":
            ask = f"Is {self.who} exported to {self.where}?"
        else:
            ask = (
                f"{self.who} is exported to {self.where}. Which of these does the payload "
                "hold? Tick every one it holds."
            )
        return f"{self.situation}\n{self.mapping}\n{ask}"

    def reveal(self) -> list[str]:
        """The verdict and its reasons, from the decision itself."""
        d = self.decision
        if self.kind == "exported":
            lines = [f"{self.who} is {'EXPORTED' if d.exported else 'not exported'} to {self.where}"]
            return lines + [f"  {cited(r)}" for r in d.reasons]
        notes = {n.field: n for n in d.fields}
        held = [c for c in self.choices if c in self.answer]
        lines = [f"The payload holds: {', '.join(held) or 'none of them'}"]
        for choice in self.choices:
            note = notes[choice]
            lines.append(f"  {'+' if note.included else '-'} {choice} {cited(note.reason)}")
        return lines


@dataclass(frozen=True, slots=True)
class Feedback:
    correct: bool
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def questions(result: Replay, seed: int = 0, count: int = 8) -> list[Question]:
    """Up to `count` questions about `result`, alternating the two kinds, drawn with `seed`."""
    rng = random.Random(seed)
    verdicts = {YES: [], NO: []}  # type: dict[str, list[Question]]
    payloads: list[Question] = []
    names = Names.of(result.scenario)
    for step, situation, decision in _decisions(result):
        if not decision.profile:  # an evaluation or a destination event: no profile to ask about
            continue
        mapping = _mapping(result, decision.destination)
        who = named_text(names.profile(decision.profile))
        where = named_text(names.destination(decision.destination))
        verdicts[YES if decision.exported else NO].append(
            Question(
                "exported",
                step,
                situation,
                mapping,
                decision,
                (YES, NO),
                frozenset({YES if decision.exported else NO}),
                who,
                where,
            )
        )
        included = [n.field for n in decision.fields if n.included]
        left_out = [n.field for n in decision.fields if not n.included]
        if decision.exported and included and left_out:
            question = Question("fields", step, situation, mapping, decision, (), frozenset(), who, where)
            payloads.append(_with_choices(rng, question, included, left_out))
    out: list[Question] = []
    for i in range(count):
        if i % 2 == 0 or not payloads:
            pools = [p for p in (verdicts[YES], verdicts[NO]) if p]
            pool = rng.choice(pools) if pools else []
        else:
            pool = payloads
        if not pool:
            break
        out.append(pool.pop(rng.randrange(len(pool))))
    return out


def _with_choices(
    rng: random.Random, question: Question, included: list[str], left_out: list[str]
) -> Question:
    """A payload question with its choices drawn: a few fields the payload holds, a few it leaves out."""
    n_out = min(len(left_out), rng.randint(1, 3))
    n_in = min(len(included), CHOICES - n_out)
    n_out = min(len(left_out), CHOICES - n_in)  # few included fields: more left-out ones
    picked = set(rng.sample(included, n_in)) | set(rng.sample(left_out, n_out))
    choices = tuple(n.field for n in question.decision.fields if n.field in picked)  # payload order
    return replace(question, choices=choices, answer=frozenset(c for c in choices if c in included))


def _decisions(result: Replay) -> Iterable[tuple[int, str, Decision]]:
    names = Names.of(result.scenario)
    for r in result.records:
        situation = step_heading(r, names)
        for d in r.decisions:
            yield r.number, situation, d


def _mapping(result: Replay, destination: str) -> str:
    d = result.scenario.destination(destination)
    parts = [
        f"segments {', '.join(d.segment_ids)}",
        f"attributes {', '.join(d.attributes) or 'none'}",
    ]
    if d.type == "streaming-segment":
        parts.append(f"namespaces {', '.join(d.identities) or 'none'}")
        if d.consent_enforcement:
            parts.append("consent enforced")
    return f"{d.id} ({d.type}, rules of the {settings_of(result.rules).label}) maps {'; '.join(parts)}."


class Quiz:
    """A run through `questions`: answer the current one, then move on; keeps the score."""

    def __init__(self, items: Sequence[Question]):
        if not items:
            raise ValueError("no question to ask: the scenario has no profile decisions")
        self.items = list(items)
        self.index = 0
        self.right = 0
        self.asked = 0
        self.answered: dict[int, Feedback] = {}

    @property
    def current(self) -> Question:
        return self.items[self.index]

    def answer(self, given: str | Iterable[str]) -> Feedback:
        """Check `given` (yes/no, or the ticked fields) against the current question. A question
        scores once: answering it again returns the first feedback."""
        q = self.current
        chosen = frozenset({given} if isinstance(given, str) else given)
        unknown = chosen - set(q.choices)
        if unknown:
            raise ValueError(f"not a choice of this question: {', '.join(sorted(unknown))}")
        if q.kind == "exported" and len(chosen) != 1:
            raise ValueError("answer yes or no")
        correct = chosen == q.answer
        if self.index in self.answered:
            return self.answered[self.index]
        self.right += correct
        self.asked += 1
        said = ", ".join(c for c in q.choices if c in chosen) or "nothing"
        head = f"{'Right' if correct else 'Not quite'}: you said {said}."
        feedback = Feedback(correct, (head, *q.reveal()))  # the score is shown once, beside it
        self.answered[self.index] = feedback
        return feedback

    def next(self) -> Question:
        """Move to the next question (stays on the last one)."""
        self.index = min(self.index + 1, len(self.items) - 1)
        return self.current

    @property
    def score_text(self) -> str:
        return f"Score: {self.right} of {self.asked} answered ({len(self.items)} questions)"


__all__ = ["NO", "YES", "Feedback", "Question", "Quiz", "questions"]
