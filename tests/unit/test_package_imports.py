"""Importing the package costs little beyond httpx2: the generated layer loads on first use.

The generated models are attrs classes; building them (and importing attrs) costs more than
the rest of the SDK together. `import langsmith_threads_client` and constructing a client
leave them unloaded; the first create_thread call, or the first use of a model name from
the package, loads them. Each check runs in a fresh interpreter, since this test process has
long since loaded everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest

import langsmith_threads_client

_HEAVY = ("langsmith_threads_client._generated", "attrs", "attr", "aiohttp")


def _run(code: str) -> dict[str, object]:
    """Run `code` in a fresh interpreter; it leaves its findings in a dict named `out`."""
    script = "import json, sys\nout = {}\n" + textwrap.dedent(code) + "\nprint(json.dumps(out))\n"
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.splitlines()[-1])
    return result


def _loaded(names: tuple[str, ...] = _HEAVY) -> str:
    return f"out['loaded'] = sorted(name for name in {names!r} if name in sys.modules)"


def test_importing_the_package_loads_neither_the_generated_layer_nor_attrs() -> None:
    out = _run(f"import langsmith_threads_client\n{_loaded()}")
    assert out["loaded"] == []


def test_constructing_clients_does_not_load_the_generated_layer() -> None:
    # Not attrs: httpx2's own clients may load it (httpcore2 imports trio when installed).
    out = _run(
        f"""
        from langsmith_threads_client import AsyncThreadsClient, ThreadsClient
        ThreadsClient(base_url="http://127.0.0.1:9").close()
        AsyncThreadsClient(base_url="http://127.0.0.1:9")
        {_loaded(_HEAVY[:1])}
        """
    )
    assert out["loaded"] == []


def test_the_first_call_loads_the_generated_layer_and_returns_a_generated_thread() -> None:
    # Answered by a transport in the process: what matters is what the call imports.
    out = _run(
        f"""
        import httpx2
        from langsmith_threads_client import ThreadsClient

        def answer(request):
            body = json.loads(request.content)
            thread = {{"thread_id": body["thread_id"], "created_at": "2026-01-01T00:00:00Z",
                       "updated_at": "2026-01-01T00:00:00Z", "metadata": {{}}, "status": "idle",
                       "values": {{}}, "interrupts": {{}}}}
            return httpx2.Response(200, json=thread)

        http = httpx2.Client(transport=httpx2.MockTransport(answer))
        with ThreadsClient(base_url="http://127.0.0.1:9", http_client=http) as client:
            {_loaded(_HEAVY[:1])}
            out["before"] = out["loaded"]
            thread = client.create_thread()
        {_loaded((*_HEAVY[:1], "dateutil"))}
        import langsmith_threads_client._generated.models as models
        out["is_generated_thread"] = type(thread) is models.Thread
        """
    )
    assert out["before"] == []
    # Not python-dateutil: the standard library parses what servers send (its fast path).
    assert out["loaded"] == ["langsmith_threads_client._generated"]
    assert out["is_generated_thread"] is True


@pytest.mark.parametrize("name", ["Thread", "ThreadStatus", "Command", "UNSET", "Unset"])
def test_a_model_name_from_the_package_is_the_generated_object(name: str) -> None:
    module = "types" if name in ("UNSET", "Unset") else "models"
    out = _run(
        f"""
        import langsmith_threads_client
        value = langsmith_threads_client.{name}
        from langsmith_threads_client._generated import {module}
        out["same"] = value is {module}.{name}
        out["cached"] = "{name}" in vars(langsmith_threads_client)
        """
    )
    assert out == {"same": True, "cached": True}


def test_unset_stays_one_object_through_copy_when_taken_from_the_package_first() -> None:
    # The copy and pickle reducer must be registered by whichever path loads UNSET first.
    out = _run(
        """
        import copy, pickle
        from langsmith_threads_client import UNSET
        out["copy"] = copy.deepcopy(UNSET) is UNSET
        out["pickle"] = pickle.loads(pickle.dumps(UNSET)) is UNSET
        """
    )
    assert out == {"copy": True, "pickle": True}


def test_star_import_binds_every_public_name() -> None:
    out = _run(
        """
        import langsmith_threads_client
        namespace = {}
        exec("from langsmith_threads_client import *", namespace)
        out["missing"] = sorted(set(langsmith_threads_client.__all__) - set(namespace))
        """
    )
    assert out["missing"] == []


def test_dir_lists_the_lazy_names_too() -> None:
    assert set(langsmith_threads_client.__all__) <= set(dir(langsmith_threads_client))


@pytest.mark.parametrize("module", ["langsmith_threads_client", "langsmith_threads_client.testing"])
def test_dir_lists_public_names_only(module: str) -> None:
    # What the lazy machinery imports for itself (typing's names, the helper) is no public name.
    out = _run(
        f"""
        import {module} as m
        out["dir"] = dir(m)
        out["all"] = m.__all__
        """
    )
    listed = set(typing.cast(list[str], out["dir"]))
    assert {"Any", "TYPE_CHECKING", "lazy_names"} & listed == set()
    public = {name for name in listed if not name.startswith("_")}
    assert public == set(typing.cast(list[str], out["all"])) - {"__version__"}


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'ThreadCreate'"):
        _ = langsmith_threads_client.ThreadCreate  # generated, but not part of the public API


def test_every_generated_model_is_importable_from_the_types_namespace() -> None:
    # The rule for public names: the root re-exports what most code needs; every generated
    # model (and UNSET/Unset) is in langsmith_threads_client.types, the same objects.
    import langsmith_threads_client.types as public_types
    from langsmith_threads_client._generated import models, types

    assert set(models.__all__) | {"UNSET", "Unset"} == set(public_types.__all__)
    for name in models.__all__:
        assert getattr(public_types, name) is getattr(models, name), name
    assert public_types.UNSET is types.UNSET
    root_models = {name for name in langsmith_threads_client.__all__ if name in public_types.__all__}
    assert root_models >= {"Thread", "ThreadStatus", "ThreadValues", "UNSET", "Unset"}
    for name in root_models:
        assert getattr(langsmith_threads_client, name) is getattr(public_types, name), name


def test_no_test_or_script_imports_a_model_from_the_generated_layer() -> None:
    # Users meet the models through the root or .types; the project's own code (outside the
    # facade and tests/generated, which test the generated layer itself) does the same.
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for folder in ("tests", "benchmarks", "scripts")
        for path in (root / folder).rglob("*.py")
        if "tests/generated" not in path.as_posix()
        and path.name != Path(__file__).name
        and "_generated.models import" in path.read_text()
    ]
    assert offenders == []
