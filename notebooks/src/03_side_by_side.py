# %% [markdown]
# # 03 · Side by side: one event stream, every destination type
#
# The same events mean different things to different destinations. Here the DeLorean scenario
# runs against **four destinations that map the same segments and attributes**: an enterprise
# (HTTP API) destination, an advertising destination, and a batch destination with full files and
# one with incremental files (both daily at 17:00 UTC, so files appear only when the clock passes
# 17:00).
#
# The four destinations replace the scenario's own, so the four events that ran or wrote files for
# its Amazon S3 destination (Export file now twice, two scheduled runs) are left out: this replay has
# 27 steps where notebook 01 has 31. The first 19 are the same in both; after that, the same event
# has a lower number here than in 01.
#
# Each cell says what the destination did and the first rule behind it; hover a cell to read all
# its reasons. **Amber rows** are divergences: streaming destinations disagree on exporting, or the
# batch destinations disagree on their files.

# %%
from exportkit import every_type, load_scenario, matrix_text, replay, step_cells_text, wrap_text
from exportkit.ui import matrix_html

SCENARIO = "../datasets/delorean.yaml"
result = replay(every_type(load_scenario(SCENARIO), "http-api"))
print(wrap_text(", ".join(f"{d.id} ({d.type})" for d in result.scenario.destinations)))

# %%
matrix_html(result)

# %% [markdown]
# The same matrix as text (a `*` marks a divergent step):

# %%
print(matrix_text(result))

# %% [markdown]
# ## One step as a picture
#
# The step view shows a step with the four destinations side by side: the timeline on top (click a
# cell to move), the event in words, the profile before and after, one card per destination with its
# verdict and rule (hover over or click a chip to read the rule), the payloads and the files.

# %%
# NBVAL_IGNORE_OUTPUT
from exportkit.ui import StepView

StepView.of(result, 3)

# %% [markdown]
# ## Reading the divergences
#
# **Step 3** overwrites `loyalty.tier` with the value it already had: the enterprise destination
# counts any update, even with the same value (E-S1); the advertising destination does not, by
# default (A3); batch files never care about attributes (B-T7).

# %%
print(wrap_text(step_cells_text(result, 3)))

# %% [markdown]
# **Step 5** adds a phone number: enterprise destinations export on *any* identity change (E-T2);
# the advertising destination only when the namespace is mapped (S-T2); incremental files only
# under the current documentation (B-T8).

# %%
print(wrap_text(step_cells_text(result, 5)))

# %% [markdown]
# **Step 13**, Jennifer opts out: only a destination with consent enforcement sends an exit (S-T4);
# enterprise destinations do not evaluate consent (E-S3). For batch files her opt-out counts as an
# exit (A13): the next full file leaves her out, and the next incremental file, which maps the
# status, lists her once more, as `exited`.

# %%
print(wrap_text(step_cells_text(result, 13)))

# %% [markdown]
# **Step 24**, Marty leaves a segment that neither stream maps; then, before the next event (the
# daily evaluation), the clock passes 17:00 and both batch destinations make their daily files. A
# step's row runs until the next event, so the files are in this row, at 17:00: the full file
# with the whole population (B-I1), the incremental one with only what changed (B-T6).

# %%
print(wrap_text(step_cells_text(result, 24)))

# %% [markdown]
# Next: `04_what_if.ipynb` compares two mappings, or two versions of the documentation, by what they
# export.
