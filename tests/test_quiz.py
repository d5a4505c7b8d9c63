"""The quiz: questions come from the engine, answers reveal the decision's own verdict and rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportkit import load_scenario, replay
from exportkit.course.quiz import NO, YES, Quiz, questions
from exportkit.text.narrate import Narrator
from exportkit.ui import QuizView

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
DELOREAN = DATASETS / "delorean.yaml"


@pytest.fixture(scope="module")
def result():
    return replay(load_scenario(DELOREAN))


def all_decisions(result):
    yield 0, None, result.activation
    for step in result.steps:
        yield step.index + 1, step, step.decisions


@pytest.mark.parametrize("seed", range(6))
def test_every_answer_is_the_engines_decision(result, seed):
    engine = {(n, d.destination, d.profile): d for n, _, ds in all_decisions(result) for d in ds}
    for q in questions(result, seed=seed, count=10):
        d = engine[(q.step, q.decision.destination, q.decision.profile)]
        assert q.decision == d
        if q.kind == "exported":
            assert q.answer == {YES if d.exported else NO}
        else:
            assert d.exported
            included = {n.field for n in d.fields if n.included}
            assert q.answer == set(q.choices) & included
            assert set(q.choices) - included, "a payload question offers a left-out field too"
            assert q.answer, "and an included one"


def test_the_reveal_carries_the_rule_ids_and_reasons_of_the_decision(result):
    q = next(q for q in questions(result, seed=0, count=10) if q.kind == "exported")
    feedback = Quiz([q]).answer(YES)
    for r in q.decision.reasons:
        assert f"[{r.rule}] {r.text}" in feedback.text
    verdict = "EXPORTED" if q.decision.exported else "not exported"
    assert f"{q.who} is {verdict} to {q.where}" in feedback.text


@pytest.mark.parametrize("kind", ["exported", "fields"])
def test_a_question_names_the_profile_and_the_destination_before_their_ids(result, kind):
    named = {"http-api": "HTTP API (http-api)", "adnet": "Advertising network (adnet)"}
    named["s3"] = "Amazon S3 (s3)"
    asked = [q for q in questions(result, seed=0, count=40) if q.kind == kind]
    asked = [q for q in asked if q.decision.profile == "marty"]
    assert asked
    for q in asked:
        assert (q.who, q.where) == ("Marty McFly (marty)", named[q.decision.destination])
        assert f"{q.who} exported to {q.where}" in q.prompt.replace(" is exported", " exported")


def test_the_situation_is_the_event_in_words(result):
    """Every question's situation is its step's event as the timeline words it (names, then ids)."""
    asked = questions(result, seed=0, count=1_000)
    first = [q.situation for q in asked if q.step == 1]
    assert first and set(first) == {
        "Step 1 at 2025-03-03T09:01:00Z: Marty McFly (marty) qualifies for Customer with DeLorean Cars "
        "(delorean-owners)"
    }
    narrator = Narrator(result.scenario, result.rules, width=10_000)  # one line per heading
    for q in asked:
        if q.step:
            event = narrator.lines(result.steps[q.step - 1])
            assert q.situation in {line.plain for line in event}


def test_a_payload_reveal_gives_each_fields_rule(result):
    q = next(q for q in questions(result, seed=0, count=10) if q.kind == "fields")
    text = Quiz([q]).answer(q.answer).text
    notes = {n.field: n for n in q.decision.fields}
    for choice in q.choices:
        mark = "+" if notes[choice].included else "-"
        assert f"  {mark} {choice} [{notes[choice].reason.rule}] {notes[choice].reason.text}" in text


def test_same_seed_same_questions_other_seed_other_questions(result):
    def key(qs):
        return [(q.kind, q.step, q.decision.destination, q.decision.profile, q.choices) for q in qs]

    assert key(questions(result, seed=7)) == key(questions(result, seed=7))
    assert key(questions(result, seed=7)) != key(questions(result, seed=8))


def test_kinds_alternate_and_never_repeat(result):
    qs = questions(result, seed=2, count=8)
    assert [q.kind for q in qs] == ["exported", "fields"] * 4
    assert len({(q.kind, q.step, q.decision.destination, q.decision.profile) for q in qs}) == 8


def test_evaluation_steps_are_not_asked_about(result):
    assert all(q.decision.profile for q in questions(result, seed=1, count=40))


def test_scoring_counts_each_question_once(result):
    quiz = Quiz(questions(result, seed=0, count=4))
    right = quiz.current.answer
    wrong = {NO} if right == {YES} else {YES}
    assert quiz.answer(right).correct
    assert quiz.answer(wrong).correct, "answering again returns the first feedback"
    assert quiz.score_text == "Score: 1 of 1 answered (4 questions)"
    quiz.next()
    feedback = quiz.answer(set(quiz.current.choices) - quiz.current.answer)
    assert not feedback.correct
    assert feedback.lines[0].startswith("Not quite: you said ")
    assert quiz.score_text == "Score: 1 of 2 answered (4 questions)"
    assert not any(line.startswith("Score:") for line in feedback.lines), "the view shows the score once"


def test_bad_answers_are_refused(result):
    quiz = Quiz(questions(result, seed=0, count=2))
    with pytest.raises(ValueError, match="not a choice"):
        quiz.answer("maybe")
    with pytest.raises(ValueError, match="yes or no"):
        quiz.answer({YES, NO})


def test_a_quiz_needs_questions():
    with pytest.raises(ValueError, match="no question"):
        Quiz([])


@pytest.mark.parametrize("path", sorted(DATASETS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_dataset_makes_a_quiz(path):
    assert len(questions(replay(load_scenario(path)), seed=0, count=6)) == 6


# The widget, driven as the notebook drives it.


def test_view_checks_and_scores():
    view = QuizView(DELOREAN, seed=3, count=4)
    assert view.text.startswith("Question 1 of 4\n")
    view.submit()
    assert view.feedback.value == "<b>Choose yes or no first.</b>"
    view.select(sorted(view.question.answer)[0])
    view.check.click()
    assert "Right: you said" in view.text
    assert view.score.value == "Score: 1 of 1 answered (4 questions)"
    view.next.click()
    assert view.question.kind == "fields"
    assert len(view.boxes) == len(view.question.choices)
    view.select([])  # tick nothing: the payload holds at least one of them
    view.check.click()
    assert "Not quite: you said nothing." in view.text
    assert view.score.value == "Score: 1 of 2 answered (4 questions)"
    assert view.text.count("Score:") == 1 and "Score:" not in view.feedback.value


def test_running_the_quiz_notebook_leaves_the_learners_quiz_unanswered(monkeypatch):
    """Run All in 05 answers two questions to show how, on a copy: the quiz the learner sees is
    still on its first question, unanswered."""
    import jupytext

    notebooks = DELOREAN.parent.parent / "notebooks"
    monkeypatch.chdir(notebooks)  # the notebook's paths are relative to its folder
    namespace: dict = {}
    for cell in jupytext.read(notebooks / "src" / "05_quiz.py").cells:
        if cell.cell_type == "code":
            exec(cell.source, namespace)
    learner = namespace["quiz"]
    assert learner.quiz.index == 0 and not learner.quiz.answered and learner.feedback.value == ""


def test_view_stops_at_the_last_question():
    view = QuizView(DELOREAN, seed=0, count=2)
    view.next.click()
    assert view.next.disabled
    view.advance()
    assert view.quiz.index == 1
