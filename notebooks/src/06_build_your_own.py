# %% [markdown]
# # 06 · Build your own scenario
#
# A scenario is a small YAML (or JSON) file: segments, profiles with their identities, attributes and
# memberships, the destinations with what they map, and a list of events. The format is in the
# README's *Scenario files* section; the files in [`../datasets/`](../datasets/README.md) are worked
# examples. Start from one of them, change it, and load it here.
#
# Pick a dataset, or upload your own file. A file that cannot be used is refused with **one line**
# naming the file, the line, the place in the document and the problem. A valid one opens in the
# same explorer as notebook 01.

# %%
# NBVAL_IGNORE_OUTPUT
from exportkit import wrap_text
from exportkit.ui import ScenarioLoader

loader = ScenarioLoader()
loader

# %% [markdown]
# ## The same, from code
#
# Loading a dataset by name does what the picker does. The loyalty scenario's step 5 overwrites Ben's
# tier with the value it already had; its email platform is configured to count that (`A3`).

# %%
loader.load_dataset("retail_loyalty")
loader.explorer.destination.value = "email-platform"
loader.explorer.step.value = 5
print(wrap_text("\n".join(line for line in loader.text.splitlines()
                if line.startswith("Step") or ": EXPORTED" in line or "[A3]" in line)))

# %% [markdown]
# An uploaded file goes through the same check. Here is a scenario with a typo: the event names the
# segment `vip-customer`, but the file defines `vip-customers`.

# %%
MY_SCENARIO = """\
name: my_first_scenario
segments:
  - {id: vip-customers, name: VIP customers}
profiles:
  - {id: zoe, identities: {email: [zoe@example.com]}}
destinations:
  - {id: webhook, type: streaming-profile, segments: [vip-customers]}
events:
  - {profile: zoe, qualify: vip-customer}
"""
loader.load("my_first_scenario.yaml", MY_SCENARIO)
print(wrap_text(loader.text))

# %% [markdown]
# Fix the id and the same text loads; step 1 exports Zoe to the webhook:

# %%
loader.load("my_first_scenario.yaml", MY_SCENARIO.replace("qualify: vip-customer}", "qualify: vip-customers}"))
loader.explorer.step.value = 1
print(wrap_text("\n".join(line for line in loader.text.splitlines()
                if line.startswith("Step") or "webhook zoe" in line or "[E-T1]" in line)))

# %% [markdown]
# ## Pin it: expectations CI can hold
#
# Once a dataflow does what you want, write it down next to the event: `expect:` says, for each
# destination, the verdict, the rule that decides it and what the payload holds. `exportkit check`
# (and `pytest --exportkit`, one test per expectation) replays the file and compares. Here Zoe's
# qualification is pinned: the advertising destination exports her, with her email.

# %%
from exportkit import check_text

PINNED = """\
name: pinned
segments:
  - {id: vip-customers, name: VIP customers}
profiles:
  - {id: zoe, identities: {email: [zoe@example.com], phone: ["+15550100"]}}
destinations:
  - {id: ads, type: streaming-segment, segments: [vip-customers], identities: [email]}
events:
  - profile: zoe
    qualify: vip-customers
    expect:
      ads:
        verdict: exported
        rule: S-T1
        payload: {has: [identityMap.email]}
"""
print(wrap_text(check_text(PINNED, "pinned.scenario.yaml")))

# %% [markdown]
# Now someone changes the mapping: the destination maps the phone namespace instead of email. The
# export still happens, so a timeline would look fine at a glance; the expectation fails, and says
# where, what was expected, what happened and which rule decided.

# %%
BROKEN = PINNED.replace("identities: [email]}", "identities: [phone]}")
print(wrap_text(check_text(BROKEN, "pinned.scenario.yaml")))

# %% [markdown]
# Map email again (or, if the change was meant, update the expectation:
# `exportkit check --update fix` rewrites what fails and keeps your comments) and it holds:

# %%
print(wrap_text(check_text(BROKEN.replace("identities: [phone]}", "identities: [phone, email]}"), "pinned.scenario.yaml")))

# %% [markdown]
# Next: **`07_microbatching.ipynb`**: how streaming exports are grouped into calls.
