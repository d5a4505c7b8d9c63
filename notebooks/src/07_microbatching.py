# %% [markdown]
# # 07 · Microbatching: why an audience arrives in chunks
#
# A profile that is *exported* still has to travel. A streaming destination does not call the partner
# once per profile: exports wait in a buffer and leave together as one HTTPS message when the
# destination's **aggregation policy** says so (rules M1–M6 of the reference):
#
# - **best effort** (M3/M4, the HTTP API's default): at most `max_users_per_request` profiles per call,
#   sent as soon as possible;
# - **configurable** (M2/M5, Facebook-like): a call leaves at `max_events_in_batch` exports **or** when the
#   oldest one has waited `max_batch_age_seconds`, whichever comes first.
#
# This notebook replays thousands of qualifications on the scenario clock and shows the buffer filling
# and emptying under two policies. The small `microbatching` dataset shows the same rules step by step
# (below, its flush: what waited leaves at once, whatever the policy's limits).

# %%
import json

import matplotlib.pyplot as plt
from IPython.display import display

from exportkit import qualification_burst, replay
from exportkit.ui import describe_messages, live_delivery, messages_of, plot_buffers

# %% [markdown]
# Parameters: how many profiles qualify, over how long, and the seed of the (deterministic) burst.

# %%
PROFILES = 25_000
SPREAD_SECONDS = 3600  # they qualify within one hour
QUIET_SECONDS = 3600   # then nothing happens for an hour: the clock moves on
SEED = 7

# %% [markdown]
# ## One burst, the older Facebook policy
#
# Without an `aggregation` in the scenario, a streaming segment destination is batched like Facebook:
# 10,000 records or 30 minutes in the older documentation (the `seed` rules). 25,000 profiles qualify
# within the hour: the first two calls leave **full**, each as soon as 10,000 exports wait; the last
# 5,000 never reach the count, so they leave when the oldest of them has waited 30 minutes. This is
# the reference's worked example "Facebook: 25,000 qualifiers arrive quickly" (rule M2).

# %%
older = replay(qualification_burst(PROFILES, seed=SEED, spread_seconds=SPREAD_SECONDS,
                                  quiet_seconds=QUIET_SECONDS, rules="seed"), record_states=False)
print("\n".join(describe_messages(older, "adnet")))

# %% [markdown]
# ## The same burst, the current policy
#
# The current documentation shortens Facebook's window to 300 s (A14). Now the window closes long
# before 10,000 exports pile up: a call of about 2,000 profiles every five minutes, which is the
# "chunks every few minutes" people see.

# %%
current = replay(qualification_burst(PROFILES, seed=SEED, spread_seconds=SPREAD_SECONDS,
                                    quiet_seconds=QUIET_SECONDS, rules="current"),
                 record_states=False)
print("\n".join(describe_messages(current, "adnet")))

# %% [markdown]
# ## The buffer over the clock
#
# Top: how many exports wait, against the count threshold; each triangle is a message leaving, at the
# height of its size. Bottom: how long the oldest waiting export has waited, against the age
# threshold. Under the older policy the count is what empties the buffer, until the tail; under the
# current one it is always the age.

# %%
figure = plot_buffers({"seed rules (older docs)": older, "current rules": current}, "adnet")
display(figure)
plt.close(figure)  # shown once, here

# %% [markdown]
# ## Best effort, for comparison
#
# An HTTP API destination (streaming profile) defaults to best effort with 10 profiles per request
# (M3). 25 profiles qualifying at the same instant leave as three calls: two full calls of 10 at
# once, and the remaining five as soon as the clock moves on, without waiting for five more. This is
# the reference's worked example "25 profiles qualify at once, HTTP best effort, max 10" (M3, M4).

# %%
best_effort = replay(qualification_burst(25, spread_seconds=0, quiet_seconds=60,
                                        destination="streaming-profile"))
print("\n".join(describe_messages(best_effort, "http-api")))

# %% [markdown]
# ## Step by step: a flush
#
# The `microbatching` dataset holds five profiles and two destinations. Its last event flushes the
# advertising destination's buffer: the step view lists each message that leaves (to whom, its size,
# and why now), and the timeline above it marks every step where a message left (✉). Click a cell
# to move; hover over or click a rule chip to read the rule.

# %%
# NBVAL_IGNORE_OUTPUT
from exportkit import load_scenario, message_text
from exportkit.ui import StepView

small = replay(load_scenario("../datasets/microbatching.yaml"))
StepView.of(small, len(small.steps), focus="adnet")

# %%
print(json.dumps(small.steps[-1].event.as_dict()))
print("\n".join(message_text(m)[0].plain for m in small.steps[-1].messages))

# %% [markdown]
# ## A live delivery on loopback
#
# `exportkit receive` is a real HTTP receiver. Here it runs in the background on a free port and fails
# its first two calls with status 500; each message is POSTed, failed calls are retried (M7: three
# attempts in all), and every message ends acknowledged. The same can be done from a terminal:
# `exportkit receive --port 8000 --out received.jsonl --fail-first 2` and
# `exportkit run SCENARIO --deliver adnet=http://127.0.0.1:8000/`.

# %%
print("\n".join(live_delivery(messages_of(older, "adnet"), fail_first=2)))

# %% [markdown]
# ## Which failures are retried: the answer decides (2026)
#
# M7 retries every failed call. The 2026 documentation lets the endpoint's answer decide (M9): with
# best effort aggregation, 403, 408, 409, 429, 500, 502, 503 and 504 are tried again twice, 15 s and
# then 30 s later; any other answer is not retried, and the message is dropped at once. Below, the
# best effort destination's three messages go to a receiver whose first two calls answer **400**
# (a malformed request), first under M7 (rules `seed`), then under M9 (rules `latest`). Waits are
# left out: the platform's times are in the reasons.

# %%
ANSWER = 400  # the status of the receiver's failing calls
calls = messages_of(best_effort, "http-api")
print("\n".join(live_delivery(calls, fail_first=2, status=ANSWER, rules="seed")))

# %% [markdown]
# The same answer under M9: neither failed message is retried; each goes whole to the dead-letter
# file, with its status and the rule.

# %%
print("\n".join(live_delivery(calls, fail_first=2, status=ANSWER, rules="latest")))

# %% [markdown]
# A 503 (the endpoint is briefly unavailable) is an answer M9 retries: the first message succeeds on
# its third attempt, and the reasons say when the platform would have called again (A19).

# %%
print("\n".join(live_delivery(calls, fail_first=2, status=503, rules="latest")))

# %% [markdown]
# Next: **`08_audit.ipynb`**: a real dataflow imported, replayed, captured on this same receiver, and
# a capture audited against what the rules predict.
