"""Property: with the status mapped, the incremental files, applied in order to the first one,
give exactly the population of a full file made at the same moment (B-I1, B-I3, B-I4, B-T6)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exportkit.core.rulesets import RULE_SETS

from .factories import make_batch, make_batch_profile, run_scenario

PROFILES = ["a", "b", "c", "d"]

profile_events = st.one_of(
    st.builds(
        lambda p, s: {"profile": p, "qualify": s}, st.sampled_from(PROFILES), st.sampled_from(["s1", "s2"])
    ),
    st.builds(
        lambda p, s: {"profile": p, "exit": s}, st.sampled_from(PROFILES), st.sampled_from(["s1", "s2"])
    ),
    st.builds(
        lambda p, v: {"profile": p, "set": {"loyalty.tier": v}},
        st.sampled_from(PROFILES),
        st.sampled_from(["gold", "silver"]),
    ),
    st.builds(
        lambda p, v: {"profile": p, "add_identity": {"phone": v}},
        st.sampled_from(PROFILES),
        st.sampled_from(["1", "2"]),
    ),
    st.builds(
        lambda p, v: {"profile": p, "consent": v}, st.sampled_from(PROFILES), st.sampled_from(["in", "out"])
    ),
    st.just({"evaluate": {}}),
    st.just({"run": "inc"}),
    st.just({"export_now": "inc"}),
)
starting = st.fixed_dictionaries(
    {p: st.sampled_from([None, "realized", "existing", "exited"]) for p in PROFILES}
)


@settings(max_examples=150, deadline=None)
@given(starting, st.lists(profile_events, max_size=25), st.sampled_from(list(RULE_SETS)), st.booleans())
def test_incremental_files_add_up_to_a_full_file(start, events, rules, opted_out):
    profiles = [
        make_batch_profile(
            p, segments={"s1": s} if s else {}, consent="out" if opted_out and p == "a" else "in"
        )
        for p, s in start.items()
    ]
    inc = make_batch(id="inc", include_status=True, segments=[{"id": "s1", "mode": "incremental"}])
    full = make_batch(id="full", segments=[{"id": "s1", "mode": "full"}])
    # the last run of both destinations, at the same moment
    events = [{"run": "inc"}, *events, {"run": "inc"}, {"run": "full"}]
    result = run_scenario(profiles, events, [inc, full], rules=rules)
    incremental = [f for s in result.steps for f in s.files if f.destination == "inc" and f.trigger == "run"]
    population = set(incremental[0].profiles)
    for f in incremental[1:]:
        for pid, row in zip(f.profiles, f.rows, strict=True):
            if row["segmentMembership_status"] == "exited":
                population.discard(pid)
            else:
                population.add(pid)
    (last_full,) = result.steps[-1].files
    assert population == set(last_full.profiles)
