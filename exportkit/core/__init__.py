"""The pure core: models, rules, the replay and its rendering. No disk, network, clock or widgets."""
