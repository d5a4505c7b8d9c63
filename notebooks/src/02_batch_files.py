# %% [markdown]
# # Batch files: full and incremental, step by step
#
# A batch (file-based) destination, such as Amazon S3, gets **one file per segment per run**. A *full* file holds the whole active population; an *incremental* file holds only the profiles whose membership changed since the last scheduled file. This notebook replays a week of events for one segment, `delorean-owners`, and shows every file with the reason each profile is in it, or not.

# %%
import tempfile

from exportkit import wrap_text
from exportkit.ui import (
    BatchWeekView, file_html, folder_listing, previous_files, replay_week, week_files,
    week_text, write_week,
)

# %% [markdown]
# ## Parameters
#
# The mode, the schedule and whether `segmentMembership.status` is mapped. Change them and run the notebook again, or use the widgets at the end.

# %%
MODE = "incremental"          # incremental | full
SCHEDULE = "daily at 17:00"   # daily at 17:00 | every 6 hours | after evaluation | once, day 3 at 12:00
INCLUDE_STATUS = True         # is segmentMembership.status mapped?

# %% [markdown]
# ## The week, file by file
#
# Each file as the timeline of `exportkit run --verbose` writes it: its reasons, its columns, then `+` a row of the file with its values, `-` a profile that changed but is not in it, each with the rule it comes from (see `docs/export-rules.md`).

# %%
print(wrap_text(week_text(MODE, SCHEDULE, INCLUDE_STATUS)))

# %% [markdown]
# ## One file as a table
#
# New rows (not in the previous file of the segment) are green, exited rows red; the `why` column gives the rule and the reason. Here, the second file of the week.

# %%
result = replay_week(MODE, SCHEDULE, INCLUDE_STATUS)
files = week_files(result)
file_html(files[1], previous_files(files)[1])

# %% [markdown]
# And the file where doc's exit shows up (with the status mapped, as an `exited` row):

# %%
exits = [i for i, f in enumerate(files)
         if any(r.get("segmentMembership_status") == "exited" for r in f.rows)]
file_html(files[exits[0]], previous_files(files)[exits[0]])

# %% [markdown]
# ## The files on disk
#
# `exportkit run SCENARIO --out DIR` writes the same files. Here they go to a temporary folder, listed relative to it, each with the number of rows pandas reads back.

# %%
with tempfile.TemporaryDirectory() as folder:
    write_week(result, folder)
    print(wrap_text(folder_listing(folder)))

# %% [markdown]
# ## One file per merge policy (B-T2b)
#
# The 2026 documentation lets a destination write **one file per merge policy** instead of one per audience (`files_per: merge_policy`, rule set `latest`). In [`../datasets/lessons/merge_policy_files.yaml`](../datasets/lessons/merge_policy_files.yaml) the audiences Gold and Silver share the merge policy *Default Time-based*, so the 17:00 run writes them into one file, named after the policy (`_mergePolicy<id>_`), each audience's rows in turn (A27). Marty holds both: with a deduplication key a file has one row per key value, so his Silver row is left out, and says why. The edge audience gets a file of its own.

# %%
from exportkit import load_scenario, render_timeline, replay

timeline = render_timeline(replay(load_scenario("../datasets/lessons/merge_policy_files.yaml")), width=100)
print(timeline[timeline.index("Meanwhile") : timeline.index("\nStep 2")].rstrip())

# %% [markdown]
# ## Try it
#
# Pick the mode, the schedule and the status mapping; the slider steps through the week's files, and the box below the table lists the files written to a temporary folder. An hourly full file is refused, with the reason.

# %%
# NBVAL_IGNORE_OUTPUT
side_folder = tempfile.TemporaryDirectory(prefix="exportkit-batch-")  # removed with the kernel
view = BatchWeekView(folder=side_folder.name)
view

# %% [markdown]
# The same controls, set from Python: full files after evaluation, status not mapped.

# %%
view.mode.value = "full"
view.schedule.value = "after evaluation"
view.status.value = False
print(wrap_text(view.text()))

# %% [markdown]
# And a refused setting: full files cannot run every few hours (B-T3).

# %%
view.schedule.value = "every 6 hours"
print(wrap_text(view.text()))

# %% [markdown]
# Next: **`03_side_by_side.ipynb`**: the same events against every destination type at once.
