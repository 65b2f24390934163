pytest_plugins = ["tests.agent_server.pytest_plugin"]
