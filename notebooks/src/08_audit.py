# %% [markdown]
# # 08 · Did the platform do what the documentation says?
#
# Everything so far started from a scenario written by hand. A consultant testing a client's
# dataflow in a sandbox holds two real things instead: the **dataflow's definition** (the Flow
# Service API returns it as JSON, `GET /flows/{id}`) and **what the platform actually sent** (the
# request bodies at their endpoint, or the files in their bucket). This notebook closes that loop:
#
# 1. import a dataflow (and its profiles) into a scenario skeleton;
# 2. add the events played in the sandbox, and replay them under the documented rules;
# 3. capture what is sent, on a local receiver;
# 4. audit a capture with three planted differences, and read the findings.
#
# The dataflow and the profiles are the test fixtures of `tests/fixtures/platform/`: built from the
# structure the documentation pages describe (each file cites its page), with invented values.

# %%
import json
import tempfile
from pathlib import Path

from exportkit import (
    Receiver, audit_capture, audit_text, deliver, import_dataflow, parse_scenario, replay, wrap_text,
)


# %% [markdown]
# Parameters: the dataflow, the entities response of its profiles, and where the capture goes.

# %%
FIXTURES = Path("../tests/fixtures/platform")
DATAFLOW = FIXTURES / "dataflow_kinesis.json"
ENTITIES = FIXTURES / "entities.json"
WORK = Path(tempfile.mkdtemp(prefix="exportkit-audit-"))

# %% [markdown]
# ## 1. Import the dataflow
#
# `import_dataflow` (the command line's `exportkit import`) reads the audiences, the mapping and
# the destination type (from the target connection spec id, through a table of the documented ids)
# and, with the entities response, the profiles. The result is commented YAML, with the flow's id
# and etag recorded, and **no events**: memberships are events in exportkit, and the audiences'
# logic is not imported.

# %%
skeleton = import_dataflow(DATAFLOW, profiles=ENTITIES)
print(skeleton)

# %% [markdown]
# ## 2. Add what happened in the sandbox, and replay it
#
# Marty qualifies for the DeLorean audience, his tier is overwritten with the same value (the HTTP
# API re-exports it: E-S1), Doc exits it, and Marty moves to platinum. These lines are the only
# thing written by hand.

# %%
MARTY, DOC = "A1b2C3d4E5f6G7h8I9j0K1l2", "M3n4O5p6Q7r8S9t0U1v2W3x4"
DELOREAN = "0b7d3f52-1c4a-4e8b-9d6f-2a5c7e9b1d30"
events = f"""
  - {{at: "2025-03-05T10:00:00Z", profile: {MARTY}, qualify: {DELOREAN}}}
  - {{at: "2025-03-05T10:05:00Z", profile: {MARTY}, set: {{loyalty.tier: gold}}}}
  - {{at: "2025-03-05T11:00:00Z", profile: {DOC}, exit: {DELOREAN}}}
  - {{at: "2025-03-05T12:00:00Z", profile: {MARTY}, set: {{loyalty.tier: platinum}}}}
"""
text = skeleton.replace("events: []  # add the events to replay here", "events:" + events)
scenario = parse_scenario(text, source="sandbox.yaml")
result = replay(scenario)
messages = result.messages()
print(f"{len(scenario.events)} events; the rules predict {len(messages)} messages to {scenario.destinations[0].id}")

# %% [markdown]
# ## 3. Capture what is sent
#
# A real HTTP receiver on a free loopback port records every request to a JSON-lines log, as
# `exportkit receive --out received.jsonl` does; exportkit delivers the replay's messages to it.

# %%
capture = WORK / "received.jsonl"
with Receiver(out=capture) as receiver:
    deliveries = deliver(messages, receiver.url, dead_letter=WORK / "dead-letter.jsonl")
print(f"{sum(d.delivered for d in deliveries)} of {len(deliveries)} messages acknowledged")

# %% [markdown]
# Audited, this capture holds exactly what the rules predict: every record MATCHED.

# %%
clean = audit_capture(scenario, capture)
print(wrap_text(audit_text(clean)))

# %% [markdown]
# ## 4. Plant three differences, and audit again
#
# Now the capture is edited as a misbehaving platform would have sent it: the **same-value
# overwrite's re-export is dropped**, Doc's **exit carries the wrong tier**, and a **profile
# nobody qualified** arrives.

# %%
requests = [json.loads(line) for line in capture.read_text(encoding="utf-8").splitlines()]
sent_at = {r["headers"]["X-Exportkit-Sent-At"]: r for r in requests}  # the scenario clock
sent_at["2025-03-05T10:05:00Z"]["body"].pop(0)                              # 1. the re-export, dropped
sent_at["2025-03-05T11:00:00Z"]["body"][0]["loyalty"]["tier"] = "silver"    # 2. Doc's exit, altered
stranger = json.loads(json.dumps(sent_at["2025-03-05T12:00:00Z"]["body"][0]))
stranger["identityMap"] = {"ECID": [{"id": "99999999999999999999999999999999999999"}]}
sent_at["2025-03-05T12:00:00Z"]["body"].append(stranger)                    # 3. a stranger, injected
planted = WORK / "planted.jsonl"
planted.write_text("".join(json.dumps(r) + "\n" for r in requests), encoding="utf-8")

findings = audit_capture(scenario, planted)
print(wrap_text(audit_text(findings)))

# %% [markdown]
# ## Reading the findings
#
# - **MISSING** names the event and the rule that predicted the record: the overwrite with the same
#   value is a change for an enterprise destination (E-S1, through E-T3), so the platform owed a
#   second export.
# - **DIFFERENT** lists each path with the expected and the captured value: the payload rule says
#   which mapped attributes travel with their current values.
# - **UNEXPECTED** gives the rule that says no; here no profile of the scenario has the captured
#   identity, so nothing could export it.
#
# A record predicted within the documented latency of the capture's end (M7: 10 minutes; a
# backfill: an hour) would be **PENDING**, not missing: it may still be on its way. From a
# terminal: `exportkit audit sandbox.yaml --capture received.jsonl`, with `--json` or `--html`.
#
# Next: **`09_documentation_2026.ipynb`**: what the 2026 documentation adds (switched-off triggers,
# paused dataflows, Activate now) and how its retries depend on the answer.
