pytest_plugins = ["tests.agent_server.pytest_plugin"]

from tests.support.typecheck import mypy_cache  # noqa: E402, F401  (the session's fixture, for every folder)
