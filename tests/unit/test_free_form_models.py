"""Free-form models (a JSON object of any keys: ThreadMetadata, ThreadValues, ThreadConfig, ...)
read as the mappings they are: `get`, `keys`, `items`, `values`, `in`, `len`, iteration and
comparison with a dict, through the generated layer's model template.

Models with declared fields (Thread, ThreadTTLInfo, ...) are not mappings: `Thread.values`
is a field, and their extra keys stay in `additional_properties`.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Mapping, MutableMapping
from typing import Any

import attrs
import pytest

from langsmith_threads_client import Thread, ThreadMetadata, types
from tests.unit.conftest import DriverFactory
from tests.unit.mock_server import MockServer
from tests.unit.mocks import real_thread_body, sent_json, thread_answer


def _is_free_form(model: type[Any]) -> bool:
    return attrs.has(model) and [field.name for field in attrs.fields(model)] == ["additional_properties"]


MODELS = [getattr(types, name) for name in types.__all__ if isinstance(getattr(types, name), type)]
FREE_FORM = [model for model in MODELS if _is_free_form(model)]
DECLARED = [model for model in MODELS if attrs.has(model) and not _is_free_form(model)]


def test_the_spec_has_free_form_models_and_declared_ones() -> None:
    names = {model.__name__ for model in FREE_FORM}
    assert {"ThreadMetadata", "ThreadValues", "ThreadConfig", "ThreadCreateMetadata"} <= names
    assert {"Thread", "ThreadTTLInfo"} <= {model.__name__ for model in DECLARED}


def test_metadata_reads_as_a_mapping() -> None:
    thread = Thread.from_dict(real_thread_body(metadata={"user": "u1", "n": 2}))
    metadata = thread.metadata
    assert metadata.get("user") == "u1"
    assert metadata.get("missing") is None
    assert metadata.get("missing", "default") == "default"
    assert list(metadata.keys()) == ["user", "n"]
    assert list(metadata.values()) == ["u1", 2]
    assert list(metadata.items()) == [("user", "u1"), ("n", 2)]
    assert list(metadata) == ["user", "n"]
    assert len(metadata) == 2
    assert "user" in metadata and "missing" not in metadata
    assert 1 not in metadata  # type: ignore[comparison-overlap]  # any object, as with a dict
    assert dict(metadata) == {"user": "u1", "n": 2}
    assert metadata == {"user": "u1", "n": 2}
    assert metadata != {"user": "u2"}
    with pytest.raises(KeyError):
        _ = metadata["missing"]


@pytest.mark.parametrize("model", FREE_FORM, ids=lambda model: model.__name__)
def test_every_free_form_model_is_a_mutable_mapping(model: type[Any]) -> None:
    value = model.from_dict({"a": 1})
    assert isinstance(value, MutableMapping)
    assert isinstance(value, model)
    assert value.get("a") == 1 and len(value) == 1 and "a" in value
    value["b"] = 2
    del value["a"]
    assert value.to_dict() == {"b": 2} == value
    assert copy.deepcopy(value) == value == pickle.loads(pickle.dumps(value))
    assert model.from_dict({}) == {} and not model.from_dict({})  # an empty one is falsy, as a dict is


@pytest.mark.parametrize("model", DECLARED, ids=lambda model: model.__name__)
def test_a_model_with_declared_fields_is_not_a_mapping(model: type[Any]) -> None:
    assert not issubclass(model, Mapping)


def test_a_threads_metadata_can_be_passed_on_as_it_is(make_client: DriverFactory, api: MockServer) -> None:
    api.post("/threads").mock(side_effect=thread_answer)
    metadata = ThreadMetadata.from_dict({"user": "u1", "tags": ["a"]})
    make_client().create_thread(metadata=metadata)
    assert sent_json(api.calls.last.request)["metadata"] == {"user": "u1", "tags": ["a"]}
