"""What every test folder shares: the client kinds and server kinds, free ports, the test
graph's names, and one synchronous face over every client (``clients.SDK``).

Nothing here needs a running server or scripts/agent_server, so the unit tests (and the
sdist's own test run) can use it.
"""
