# %% [markdown]
# # 00 · Start here: when does a profile leave the platform, and what does it carry?
#
# Adobe Experience Platform sends profiles to **destinations**: ad networks, CRMs, webhooks, cloud
# storage. Whether a change to a profile causes an export, and what that export holds, follows
# documented rules that differ by destination type. `exportkit` replays small scenarios under those
# rules and explains every verdict with a **rule id** (`E-T1`, `S-I4`, `B-I2`…) from
# [the rule reference](../docs/export-rules.md).
#
# ## Three kinds of destination
#
# | | Streaming profile (enterprise) | Streaming segment (advertising, social) | Batch files (cloud storage, email) |
# |---|---|---|---|
# | Examples | HTTP API, Amazon Kinesis, Azure Event Hubs | Facebook, The Trade Desk, Google, Pinterest | Amazon S3, SFTP, email marketing platforms |
# | When | on every relevant change, sent in small calls at once (best effort, M3) | on every relevant change, sent in batches of up to 10,000 or after a window (M2) | on a schedule: daily, every few hours, once, after evaluation |
# | Triggered by | mapped segment change, **any** identity change, any mapped attribute write (E-T*) | mapped segment change, mapped identity change, mapped attribute change (S-T*) | a file run: full files hold the whole audience, incremental files the changed profiles (B-T*) |
# | What is sent | all segments, all identities, mapped attributes (E-I*) | only mapped segments, namespaces and attributes (S-I*) | one CSV / JSON / Parquet row per profile, mapped columns only (B-I*, B-F*) |
# | Rule ids | `E-…` | `S-…` | `B-…` |
#
# The first two are **streaming**: a profile is sent the moment something relevant happens to it.
# Batch destinations are different: nothing is sent when a profile changes; instead a file is written
# at the scheduled time, full or incremental, with one row per profile. `02_batch_files.ipynb` covers
# them step by step.

# %% [markdown]
# ## A first look
#
# The bundled DeLorean scenario is the reference's own example: Marty has watched *Back to the
# Future* and likes science fiction; then he qualifies for *Customer with DeLorean Cars*. Two
# streaming dataflows receive him: `http-api` (enterprise) and `adnet` (advertising). Here are the
# first seven events and each destination's verdict with the first rule behind it (hover a cell
# for all its reasons; amber rows are where the two destinations disagree).

# %%
from exportkit import load_scenario, replay, wrap_text
from exportkit.ui import matrix_html

result = replay(load_scenario("../datasets/delorean.yaml"))  # paths are relative to this notebook
matrix_html(result, steps=range(1, 8), destinations=["http-api", "adnet"])

# %% [markdown]
# Read it row by row. Step 3 writes `loyalty.tier` with the value it already had: the enterprise
# destination counts that as a change (`E-S1`), the advertising one does not (`A3`). Step 4 changes
# `loyalty.points`, which neither destination maps (`E-T4`). Step 5 adds a phone number: any identity
# change reaches the enterprise destination (`E-T2`), but `adnet` maps only the email namespace
# (`S-T2`). Every verdict comes with its reasons; here is step 3 in full, without the payloads:

# %%
from exportkit import render_step

print(wrap_text("\n".join(render_step(result, 3, payload=False))))

# %% [markdown]
# ## The path through the course
#
# | Notebook | What it teaches |
# |---|---|
# | [`01_streaming_exports.ipynb`](01_streaming_exports.ipynb) | the two streaming destination types, event by event, with a mapping you can change |
# | [`02_batch_files.ipynb`](02_batch_files.ipynb) | batch files: schedules, full and incremental files, what a row holds, file names |
# | [`03_side_by_side.ipynb`](03_side_by_side.ipynb) | one scenario, all three destination types side by side |
# | [`04_what_if.ipynb`](04_what_if.ipynb) | change one thing (a mapping, the rule set) and see which verdicts move |
# | [`05_quiz.ipynb`](05_quiz.ipynb) | predict the verdict and the payload, then see the rule that decides it |
# | [`06_build_your_own.ipynb`](06_build_your_own.ipynb) | load or upload your own scenario file, fix its errors, explore it |
# | [`07_microbatching.ipynb`](07_microbatching.ipynb) | how streaming exports are grouped into calls: aggregation, limits, retries |
# | [`08_audit.ipynb`](08_audit.ipynb) | a real dataflow imported and replayed, and what a platform sent audited against the rules |
# | [`09_documentation_2026.ipynb`](09_documentation_2026.ipynb) | the 2026 documentation: switched-off triggers, a paused dataflow, Activate now, retries by answer |
#
# Take them in order; each one ends with a pointer to the next. The scenarios used in the course are
# in [`datasets/`](../datasets/README.md), one line each on what it teaches. To show the explorer to
# someone without notebooks, run `exportkit demo` and open the address it prints.
#
# Next: **`01_streaming_exports.ipynb`**.
