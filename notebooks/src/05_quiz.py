# %% [markdown]
# # 05 · Quiz: predict, then reveal
#
# Each question is drawn from a replay of a scenario, so its answer is the simulator's own decision.
# Two kinds of question:
#
# - **Is this profile exported to this destination at this step?** Answer yes or no.
# - **Which of these fields does the payload hold?** Tick every field that is sent; the others are
#   left out, each for a reason.
#
# Make your prediction, press **Check**, and read the verdict with the rule ids and reasons behind it
# (the ids are those of [the rule reference](../docs/export-rules.md)). The score counts each
# question once. Change `SEED` for another set of questions, or `SCENARIO` for another story.

# %%
from exportkit import wrap_text
from exportkit.ui import QuizView

SCENARIO = "../datasets/delorean.yaml"  # any file of ../datasets/
SEED = 52  # the same seed always asks the same questions
QUESTIONS = 8

# %%
# NBVAL_IGNORE_OUTPUT
quiz = QuizView(SCENARIO, seed=SEED, count=QUESTIONS)
quiz

# %% [markdown]
# ## Two questions answered from code
#
# The cells below press the same buttons as you would, on a second copy of the quiz (`demo`), so
# yours above stays unanswered. The first question is about Biff, whose tier is mapped on the HTTP
# API. A tempting prediction is *yes*: a mapped attribute changed.

# %%
demo = QuizView(SCENARIO, seed=SEED, count=QUESTIONS)  # the same questions, not displayed
demo.select("yes")
demo.check.click()
print(wrap_text(demo.text))

# %% [markdown]
# Wrong: Biff holds none of the destination's mapped segments, so nothing about him is exported
# (`A2`, the reference's recommended reading where the documentation is silent). On to a payload
# question: Marty gets a second email address, and the advertising destination sends him. We tick
# the one mapped attribute among the choices.

# %%
demo.next.click()
demo.select(["person.name.firstName"])
demo.check.click()
print(wrap_text(demo.text))

# %% [markdown]
# Right: his last name and email address are not mapped on the advertising destination (`S-I6`),
# and his unchanged segment stays home unless the destination asks for it (`A12`).
#
# Next: **`06_build_your_own.ipynb`**: write a scenario of your own and explore it.
