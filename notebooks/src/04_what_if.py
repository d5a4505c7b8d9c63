# %% [markdown]
# # 04 · What if? Two mappings, or the rule sets, compared by their effect
#
# A diff of two configuration files tells you what changed in the *text*. exportkit tells you what
# changes in the *exports*: which steps, profiles, payload fields and file rows differ, and the
# rule behind each side.

# %%
from exportkit import compare, compare_text, load_scenario, remap, replay, wrap_text
from exportkit.ui import WhatIfView, differences_frame

SCENARIO = "../datasets/delorean.yaml"
scenario = load_scenario(SCENARIO)

# %% [markdown]
# ## Two versions of the documentation
#
# The rule set `seed` follows the older documentation and `current` the V5 documentation (the pages
# up to 2024); `latest`, below, adds the 2026 documentation.
# Same events, same mappings:

# %%
seed_vs_current = compare(replay(scenario, "seed"), replay(scenario, "current"))
print(wrap_text(compare_text(seed_vs_current, "seed", "current").split("\n")[0]))
differences_frame(seed_vs_current, "seed", "current").groupby(["destination", "what"]).size()

# %% [markdown]
# Two rules make most of the difference: enterprise payloads keep only the unmapped segments that
# share the mapped one's merge policy (E-I1'), and the current documentation shows `realized` where
# the older one says `existing` (A7). Here is step 1, the seed's example:

# %%
print(wrap_text(compare_text([d for d in seed_vs_current if d.step == 1], "seed", "current")))

# %% [markdown]
# ## The 2026 documentation
#
# `latest` follows V5 plus the 2026 pages (`docs/export-rules-2026.md`). On this scenario one rule
# tells it from `current`: a mapped attribute restated with the value it already had now triggers
# the advertising destination too (C8; A3 said no).

# %%
current_vs_latest = compare(replay(scenario, "current"), replay(scenario, "latest"))
print(wrap_text(compare_text([d for d in current_vs_latest if d.what == "verdict"], "current", "latest")))

# %% [markdown]
# ## Two mappings
#
# What if the HTTP API did not map `loyalty.tier`? Mapping B drops it.

# %%
b = remap(scenario, "http-api", "streaming-profile",
          ["delorean-owners", "city-dallas", "site-active"],
          ["person.name.firstName", "person.name.lastName", "personalEmail.address"])
diffs = [d for d in compare(replay(scenario), replay(b)) if d.destination == "http-api"]
print(wrap_text(compare_text([d for d in diffs if d.what == "verdict"], "A (tier mapped)", "B (tier not mapped)")))

# %% [markdown]
# Every verdict that changes belongs to an event that updates `loyalty.tier` for a member of a
# mapped segment: with the attribute unmapped, it no longer triggers an export (E-T4), and in every
# export that remains the field is left out (E-I3). The events, from the scenario:

# %%
import json

for step in sorted({d.step for d in diffs if d.what == "verdict"}):
    print(wrap_text(f"step {step}: {json.dumps(scenario.events[step - 1].as_dict())}"))

# %% [markdown]
# ## Try it
#
# Mapping A is the scenario's; tick or untick mapping B's segments and attributes, or compare the
# older and the current documentation for the destination you picked.

# %%
# NBVAL_IGNORE_OUTPUT
view = WhatIfView(scenario, "adnet")
view

# %%
view.segments.value = ("delorean-owners",)  # B no longer maps City - Dallas
print(wrap_text("\n".join(line for line in view.text.splitlines() if "verdict" in line or "step 10" in line
                or "step 19" in line or line.startswith("  "))))

# %% [markdown]
# And each version of the documentation against the one before it, for the same destination
# (`adnet`) only:

# %%
view.mode.value = "seed:current"
print(wrap_text(view.text.splitlines()[0]))
view.mode.value = "current:latest"
print(wrap_text(view.text.splitlines()[0]))

# %% [markdown]
# Next: **`05_quiz.ipynb`**: predict, then reveal, and check yourself.
