"""`scripts/demo`'s arguments, apart from the demo, so that `scripts/demo --help` prints them at once.

Standard library and the server kinds' table only (which imports only the bundled project's
facts): `scripts/demo --help` runs this with the machine's Python before anything is installed,
where demo.py itself needs the package's dependencies (httpx2) in .venv.
"""

from __future__ import annotations

import argparse
import sys

from scripts.agent_server.kinds import KINDS

DESCRIPTION = """\
The SDK's main job, end to end, against a real LangGraph Agent Server started here.

Run it with ``scripts/demo`` (which prepares ``.venv`` first) or, inside the venv,
``python scripts/demo.py``. It starts ``langgraph dev`` (the open-source Agent Server, in
memory, offline, graph ``echo`` of ``langsmith_threads_client.testing.bundled_project``) on
a free local port, creates threads with ``ThreadsClient`` and ``AsyncThreadsClient``, shows
the SDK's typed errors, prints everything, and stops the server, leaving no process behind.
"""


def parser() -> argparse.ArgumentParser:
    # prog is fixed: the help reads the same from scripts/demo --help and python scripts/demo.py --help.
    made = argparse.ArgumentParser(
        prog="demo.py", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    made.add_argument("--concurrent", type=int, default=3, help="threads to create at once with the async client")
    made.add_argument("--no-color", action="store_true", help="plain text, even on a terminal")
    made.add_argument("--server", choices=list(KINDS), default="dev", help="the server kind to run (default: dev)")
    return made


if __name__ == "__main__":  # scripts/demo --help, before .venv exists
    parser().parse_args(sys.argv[1:])
