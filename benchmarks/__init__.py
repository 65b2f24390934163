"""Benchmarks for langsmith_threads_client (not part of the package).

``scripts/bench`` runs :mod:`benchmarks.run`: a canned local HTTP/1.1 server (:mod:`benchmarks.server`)
answers ``POST /threads`` with a body the real Agent Server sent, and each client runs in its own process
(:mod:`benchmarks.runner`), rounds interleaved, against the bare-httpx floor.
"""
