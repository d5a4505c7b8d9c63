# %% [markdown]
# # 01 · Streaming exports: when is a profile sent, and what is in it?
#
# Streaming destinations receive a profile the moment something *relevant* happens to it. What
# counts as relevant, and what the message then holds, depends on the destination type:
#
# | | Enterprise (streaming profile: HTTP API, Kinesis, Event Hubs) | Advertising, social (streaming segment) |
# |---|---|---|
# | Mapped segment qualified or exited | exported (E-T1) | exported (S-T1) |
# | Identity added or removed | any namespace (E-T2) | only a mapped namespace (S-T2) |
# | Mapped attribute updated | yes, even with the same value (E-T3, E-S1) | yes (S-T3); same value: configurable (A3) |
# | Segments in the payload | all the profile's segments (E-I1; current docs: E-I1') | only mapped, changed ones (S-I1, S-I4) |
# | Identities in the payload | all (E-I2) | mapped namespaces only (S-I5) |
# | Attributes in the payload | all mapped attributes present (E-I3) | all mapped attributes present (S-I6) |
#
# This notebook replays the seed's example: an HTTP API dataflow with three mapped segments and
# four attributes, and an advertising dataflow. Marty has watched *Back to the Future* and is a
# science fiction fan; then he qualifies for *Customer with DeLorean Cars*.

# %%
import json

from exportkit import load_scenario, wrap_text
from exportkit.ui import Explorer

SCENARIO = "../datasets/delorean.yaml"  # paths are relative to this notebook
scenario = load_scenario(SCENARIO)
print(f"{scenario.name}: {len(scenario.profiles)} profiles, {len(scenario.events)} events, "
      f"destinations {', '.join(d.id for d in scenario.destinations)}")

# %% [markdown]
# ## The explorer
#
# Pick a destination, then step through the events with **Previous** / **Next**, **Play**, or a
# click on the timeline (steps by destinations, coloured by what each did). Step 0 is the
# activation: streaming destinations backfill every profile that already holds a mapped segment
# (E-T6, S-T6). Each step shows the event in words, the profile before and after as a diff, one
# card per destination with its verdict and the rule behind it (hover over or click a rule chip to
# read the rule), each payload field sent or left out with its reason, and what leaves as messages
# or files. *Mapping* (folded) changes the destination's type, segments, attributes and
# namespaces; *Profile story* follows one profile through every step.

# %%
# NBVAL_IGNORE_OUTPUT
explorer = Explorer(SCENARIO)
explorer

# %% [markdown]
# The cells below drive the same widgets from code, so what you read here is what the page shows.
# **Step 1**, the seed's example: the HTTP API receives Marty with *all three* segments, mapped or
# not (E-I1).

# %%
explorer.destination.value = "http-api"
explorer.step.value = 1
print(wrap_text(explorer.text))

# %% [markdown]
# The advertising destination receives the same qualification with only the mapped segment
# (S-I4) and only the mapped email namespace (S-I5):

# %%
explorer.destination.value = "adnet"
print(wrap_text(explorer.text))

# %% [markdown]
# **Step 3** overwrites `loyalty.tier` with the value it already had. The enterprise destination
# counts that as a change (E-S1); the advertising one, by default, does not (A3).

# %%
explorer.step.value = 3
print(wrap_text(explorer.text.split("after:")[0].splitlines()[0]))
print(wrap_text(explorer.text[explorer.text.index("  adnet marty"):]))
explorer.destination.value = "http-api"
print(wrap_text("\n".join(line for line in explorer.text.splitlines() if "EXPORTED" in line or "[E-S1]" in line)))

# %% [markdown]
# ## What if the mapping were different?
#
# Unmap `loyalty.tier` from the HTTP API: the same overwrite no longer triggers anything (E-T4).

# %%
explorer.attributes.value = ("person.name.firstName", "person.name.lastName", "personalEmail.address")
explorer.step.value = 3
print(wrap_text("\n".join(explorer.text.splitlines()[-2:])))

# %% [markdown]
# Switch to the **current** documentation (rule set `current`): the enterprise payload keeps
# only segments sharing the merge policy of the mapped one (E-I1'). *Science fiction fans* uses
# the `movies` merge policy, so it drops out of step 1.

# %%
explorer.reset()  # the HTTP API's mapping as the scenario defines it
explorer.rules.value = "current"
explorer.step.value = 1
print(wrap_text(explorer.text.splitlines()[0]))
print(wrap_text("\n".join(line for line in explorer.text.splitlines() if "segmentMembership" in line)))

# %% [markdown]
# ## Try it yourself
#
# The cell below puts the explorer back as the scenario defines it, older documentation, at step 0
# (scroll up to it), and lists the three steps to try:
#
# - Step 13, Jennifer opts out: why does only one destination hear about it?
# - Step 8, Biff's tier changes: why is nothing exported although the attribute is mapped?
# - Change the type of `adnet` to *Enterprise* (open *Mapping*) and replay step 5: what changes, and
#   which rule says so?

# %%
explorer.destination.value = "http-api"
explorer.reset()
explorer.rules.value = "seed"
explorer.step.value = 0
print(wrap_text(explorer.text.splitlines()[0]))
for step in (13, 8, 5):
    print(wrap_text(f"step {step}: {json.dumps(explorer.scenario.events[step - 1].as_dict())}"))

# %% [markdown]
# Next: `02_batch_files.ipynb` for files, full and incremental.
