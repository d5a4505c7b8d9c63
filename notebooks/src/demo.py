# %% [markdown]
# # exportkit: when is a profile exported, and what is in the export?
#
# Pick a scenario, then step through its events with **Next** and **Previous**. Each step shows the
# event, the profile before and after, every destination's verdict with the rule behind it, and the
# payload with each field sent (`+`) or left out (`-`), and why. Change the mapping to see the
# verdicts change. Step 0 is the activation of the dataflows.

# %%
# NBVAL_IGNORE_OUTPUT
import os

from exportkit.ui import from_query_string

app = from_query_string(os.environ.get("QUERY_STRING", ""))  # Voila passes ?scenario=…&step=…
app
