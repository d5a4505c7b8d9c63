# %% [markdown]
# ### exportkit: when is a profile exported, and what is in the export?
# Step with **Next** or click the timeline; hover over or click a rule chip to read the rule; pick a
# profile for its whole story. The address bar always holds a link to what you see.

# %%
# NBVAL_IGNORE_OUTPUT
# Built before any visitor arrives (Voila's preheated kernels): the imports, a replay and a first
# rendering are already done when a page opens.
import os

from voila.utils import get_query_string

from exportkit.ui import App

# `exportkit demo FILE` opens the reader's own scenario file (its path in this variable).
app = App(sync_address=True, scenario_file=os.environ.get("EXPORTKIT_DEMO_SCENARIO"))

# %%
# NBVAL_IGNORE_OUTPUT
# The visitor's link (?scenario=…&destination=…&step=…&profile=…); outside Voila there is none
# (None).
link = get_query_string()
app.follow(link or "")
app.show()
