pytest_plugins = ["zarrgauge.harness.plugin", "zarrgauge.conformance.matrix"]
