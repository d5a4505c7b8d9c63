"""Pin the public names, so a change to them is a decision, not an accident."""

import exportkit


def test_all_is_sorted_and_importable():
    assert exportkit.__all__ == sorted(exportkit.__all__, key=lambda n: (not n.isupper(), n))
    for name in exportkit.__all__:
        assert hasattr(exportkit, name), name


def test_public_names():
    assert set(exportkit.__all__) >= {
        "Decision",
        "Reason",
        "Replay",
        "Scenario",
        "ScenarioError",
        "load_scenario",
        "render_timeline",
        "replay",
        "replay_document",
        "to_json",
    }
