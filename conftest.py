pytest_plugins = ["zarrgauge.pytest_plugin", "zarrgauge.conformance_report"]
