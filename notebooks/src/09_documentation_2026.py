# %% [markdown]
# # 09 · The 2026 documentation: switched-off triggers, paused and deleted dataflows, Activate now, retries
#
# The platform's 2026 pages add rules a consultant will be asked about: "does turning off identity
# triggers stop this export?", "what happens while a dataflow is paused?", "and once it is
# deleted?", "can we resend the whole audience?", "which failed calls are retried?". exportkit
# follows them under the rule set `latest`
# (the 2026 documentation); `seed` (the older documentation) and `current` (the V5 documentation)
# refuse these options and events.
#
# The lesson's scenario, [`../datasets/lessons/documentation_2026.yaml`](../datasets/lessons/documentation_2026.yaml),
# writes `rules: latest`. It has one audience, a CRM fed by the HTTP API and an advertising network
# whose dataflow has its identity trigger switched off (`triggers: {identities: false}`).

# %%
from itertools import takewhile

from exportkit import ScenarioError, load_scenario, render_step, replay, wrap_text

SCENARIO = "../datasets/lessons/documentation_2026.yaml"
result = replay(load_scenario(SCENARIO))
print(f"{result.scenario.name}: rules {result.rules}, {len(result.steps)} steps")

# %% [markdown]
# Each step below is printed as the timeline tells it: the event, then each destination's verdict
# and the rule behind it. `show` stops before the messages that leave the buffers meanwhile
# (notebook 07 is about those), and wraps each line at 100 characters, between words.

# %%
def show(*numbers):
    for number in numbers:
        lines = render_step(result, number, payload=False, width=100)
        print("\n".join(takewhile(lambda line: not line.startswith("  message"), lines)))

# %% [markdown]
# ## Triggers switched off (C7)
#
# A dataflow can switch off three kinds of trigger: attribute changes, audience changes and
# identity changes. An export still happens when at least one kind that is on caused it. In step 2
# Marty gains an email address: the CRM exports him (E-T2: any identity change triggers), the
# advertising network would have (S-T2: the namespace is mapped), but its identity trigger is off,
# and the reason says so (C7).

# %%
show(2)

# %% [markdown]
# ## A paused dataflow (L1)
#
# Step 3 disables the advertising network's dataflow; step 4 changes Marty's loyalty tier, a mapped
# attribute: the CRM exports him (E-T3), the paused dataflow exports nothing (L1). Step 5 enables it
# again. Nothing is caught up: the documentation does not say what happens to the changes made during
# a pause, and the toolkit's reading (A20) is that a streaming destination exports the next change as
# usual.

# %%
show(3, 4, 5)

# %% [markdown]
# ## Activate now (S-T7)
#
# Activate now resends every profile that currently holds the audience, not only what changed. The
# audience was mapped at the scenario's start (09:00): in step 6, an hour later, the request is
# refused, and the reason says when it may run (S-T7: not in the first 24 hours, so that it cannot
# race the first export's backfill). In step 7, the next day, both members are resent, each with its
# rule and status (A18: members only, with their current status).

# %%
show(6, 7)

# %% [markdown]
# ## A deleted dataflow (L2)
#
# Deleting a dataflow is not a longer pause: its audiences are unmapped, and nothing reaches the
# destination again. Step 8 deletes the advertising network's dataflow (what the partner keeps is its
# own affair: S-S3); in step 9 Marty's tier changes again, the CRM exports him (E-T3) and the deleted
# dataflow says why it does not (L2). What was already waiting in its buffer still leaves, and a later
# event naming it is refused when the scenario loads (A29).

# %%
show(8, 9)

# %% [markdown]
# ## Under an older rule set
#
# The same file replayed under the V5 documentation (`current`) is refused in one line that names
# the line, the option and the documentation it comes from:

# %%
try:
    load_scenario(SCENARIO, rules="current")
except ScenarioError as error:
    print(wrap_text(str(error)))

# %% [markdown]
# ## Retries by answer (M9)
#
# The V5 documentation retries every failed call twice (M7). The 2026 documentation lets the answer
# decide (M9): with best effort aggregation, 403, 408, 409, 429, 500, 502, 503 and 504 are retried
# twice, 15 s and then 30 s later; with configurable aggregation, 420, 429 and any code above 500 are
# retried once, about 30 minutes later (the toolkit reads "above 500" literally: 500 itself is not
# retried, A19). Any other answer, such as 400, is not retried.
#
# A delivery shows it: `exportkit run SCENARIO --rules latest --deliver adnet=URL` against
# `exportkit receive --fail-first 2 --fail-mode status --status 400` dead-letters each message answered
# 400 at once, with its status and the cause "not retried (M9)"; notebook 07 delivers the same
# messages under M7 and under M9, to a receiver that answers 400, then 503.
#
# That is the end of the course. Back to **`00_start_here.ipynb`** for the map, or to
# **`06_build_your_own.ipynb`** to try your own scenario.
