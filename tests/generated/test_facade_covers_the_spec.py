"""Every field of the generated ThreadCreate is an argument of both clients' create_thread."""

from __future__ import annotations

import inspect
from pathlib import Path

import attrs

from langsmith_threads_client import AsyncThreadsClient, ThreadsClient
from langsmith_threads_client._generated.models import ThreadCreate
from scripts import _report

GENERATED = Path(__file__).resolve().parents[2] / "langsmith_threads_client" / "_generated"


def test_create_thread_takes_every_field_of_thread_create() -> None:
    fields = [field.name for field in attrs.fields(ThreadCreate) if field.init]
    missing = [
        f"ThreadCreate.{name} is not an argument of {client.__name__}.create_thread: add it to both clients, check "
        "it in _validation.check_create, send it from _call.plan_create and document it in README.md "
        "(until then users send it with extra_body)"
        for client in (ThreadsClient, AsyncThreadsClient)
        for name in fields
        if name not in inspect.signature(client.create_thread).parameters
    ]
    assert not missing, "\n".join(missing)


def test_the_generators_coverage_report_agrees() -> None:
    # scripts/generate prints the same check, read from source, for a freshly generated package.
    assert _report.uncovered_fields(GENERATED) == []
    parameters = _report.create_thread_parameters()
    assert set(parameters) == {"ThreadsClient", "AsyncThreadsClient"}
    for client in (ThreadsClient, AsyncThreadsClient):
        assert parameters[client.__name__] == set(inspect.signature(client.create_thread).parameters) - {"self"}
