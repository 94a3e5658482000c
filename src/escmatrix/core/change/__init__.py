"""What a matrix change does, in words a support lead reads, and whose issues it moves.

`explain.explain` compares two matrices item by item (people, teams, categories, tiers,
severities, rules, accounts, channels, governance) and says each difference as a sentence;
`rule_order` says what a reordering of routing rules does. `probing.what_if` routes a fixed set of
probe issues (`probing.probes`) under both and keeps the ones whose owner, tier, severity or
targets change. `words` says ids, values and matches the way a person would. Pure: what routes
takes the time to route at.
"""
