pytest_plugins = ["zarrgauge.pytest_plugin"]
