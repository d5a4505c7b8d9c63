"""The quiz widget: predict with radio buttons or checkboxes, then Check reveals the verdict and
its rules. All the text comes from `exportkit.quiz`; `view.text` is what the page shows."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

import ipywidgets as w

from ..core.engine import replay
from ..core.model import Scenario
from ..core.rulesets import RuleSet
from ..course.quiz import NO, YES, Feedback, Question, Quiz, questions
from ..io.loader import load_scenario
from .explorer import REPORT_STYLE


class QuizView:
    """Widgets: the question, yes/no radio buttons or one checkbox per field, Check and Next
    buttons, the feedback and the running score."""

    def __init__(
        self, scenario: Scenario | str | Path, seed: int = 0, count: int = 8, rules: RuleSet | None = None
    ):
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.quiz = Quiz(questions(replay(self.scenario, rules=rules), seed, count))
        self.number = w.HTML()
        self.prompt = w.HTML()
        self.yes_no = w.RadioButtons(options=[YES, NO], value=None, description="Exported?")
        self.boxes: list[w.Checkbox] = []
        self.choices = w.VBox()
        self.check = w.Button(description="Check", button_style="primary")
        self.next = w.Button(description="Next question", icon="step-forward")
        self.check.add_class("exportkit-check")
        self.next.add_class("exportkit-next-question")
        self.feedback = w.HTML()
        self.score = w.Label(self.quiz.score_text)
        self.check.on_click(lambda _: self.submit())
        self.next.on_click(lambda _: self.advance())
        self._feedback: Feedback | None = None
        self.widget = w.VBox(
            [
                self.number,
                self.prompt,
                self.choices,
                w.HBox([self.check, self.next]),
                self.feedback,
                self.score,
            ]
        )
        self._show(self.quiz.current)

    @property
    def question(self) -> Question:
        return self.quiz.current

    def select(self, answer: str | Iterable[str]) -> None:
        """Set the controls as a learner would: `yes`/`no`, or the fields to tick."""
        if self.question.kind == "exported":
            self.yes_no.value = answer
        else:
            ticked = {answer} if isinstance(answer, str) else set(answer)
            for box in self.boxes:
                box.value = box.description in ticked

    def selected(self) -> set[str]:
        if self.question.kind == "exported":
            return {self.yes_no.value} if self.yes_no.value else set()
        return {box.description for box in self.boxes if box.value}

    def submit(self) -> Feedback | None:
        """Check the selection; with nothing chosen on a yes/no question, ask for a choice."""
        given = self.selected()
        if self.question.kind == "exported" and not given:
            self.feedback.value = "<b>Choose yes or no first.</b>"
            return None
        self._feedback = self.quiz.answer(given)
        self.feedback.value = (
            f"<pre class='exportkit-feedback' style='{REPORT_STYLE}'>{html.escape(self._feedback.text)}</pre>"
        )
        self.score.value = self.quiz.score_text
        return self._feedback

    def advance(self) -> None:
        self._show(self.quiz.next())

    @property
    def text(self) -> str:
        """The question, the feedback once checked, and the score, as plain text (the page)."""
        out = f"Question {self.quiz.index + 1} of {len(self.quiz.items)}\n{self.question.prompt}"
        if self.question.kind == "fields":
            ticked = self.selected()
            out += "\n" + "\n".join(f"  [{'x' if c in ticked else ' '}] {c}" for c in self.question.choices)
        if self._feedback is not None:
            out += "\n" + self._feedback.text
        return out + "\n" + self.quiz.score_text

    def _show(self, q: Question) -> None:
        answered = self.quiz.answered.get(self.quiz.index)
        self._feedback = answered
        self.number.value = f"<b>Question {self.quiz.index + 1} of {len(self.quiz.items)}</b>"
        self.prompt.value = f"<pre style='{REPORT_STYLE}'>{html.escape(q.prompt)}</pre>"
        if q.kind == "exported":
            self.yes_no.value = None
            self.boxes = []
            self.choices.children = (self.yes_no,)
        else:
            self.boxes = [
                w.Checkbox(value=False, description=c, indent=False, layout=w.Layout(width="auto"))
                for c in q.choices
            ]
            self.choices.children = tuple(self.boxes)
        self.feedback.value = (
            ""
            if answered is None
            else f"<pre class='exportkit-feedback' style='{REPORT_STYLE}'>{html.escape(answered.text)}</pre>"
        )
        self.next.disabled = self.quiz.index == len(self.quiz.items) - 1

    def _ipython_display_(self) -> None:
        from .static import show

        show(self.widget, "Quiz")


__all__ = ["QuizView"]
