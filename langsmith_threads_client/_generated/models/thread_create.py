from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.thread_create_if_exists import ThreadCreateIfExists
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.thread_create_metadata import ThreadCreateMetadata
    from ..models.thread_create_supersteps_item import ThreadCreateSuperstepsItem
    from ..models.thread_create_ttl import ThreadCreateTTL


T = TypeVar("T", bound="ThreadCreate")


@_attrs_define
class ThreadCreate:
    """Payload for creating a thread.

    Attributes:
        thread_id (UUID | Unset): The ID of the thread. If not provided, a random UUID will be generated.
        metadata (ThreadCreateMetadata | Unset): Metadata to add to thread.
        if_exists (ThreadCreateIfExists | Unset): How to handle duplicate creation. Must be either 'raise' (raise error
            if duplicate), or 'do_nothing' (return existing thread). Default: ThreadCreateIfExists.RAISE.
        ttl (ThreadCreateTTL | Unset): The time-to-live for the thread.
        supersteps (list[ThreadCreateSuperstepsItem] | Unset):
    """

    thread_id: UUID | Unset = UNSET
    metadata: ThreadCreateMetadata | Unset = UNSET
    if_exists: ThreadCreateIfExists | Unset = ThreadCreateIfExists.RAISE
    ttl: ThreadCreateTTL | Unset = UNSET
    supersteps: list[ThreadCreateSuperstepsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        thread_id: str | Unset = UNSET
        if not isinstance(self.thread_id, Unset):
            thread_id = str(self.thread_id)

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        if_exists: str | Unset = UNSET
        if not isinstance(self.if_exists, Unset):
            if_exists = self.if_exists.value

        ttl: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ttl, Unset):
            ttl = self.ttl.to_dict()

        supersteps: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.supersteps, Unset):
            supersteps = []
            for supersteps_item_data in self.supersteps:
                supersteps_item = supersteps_item_data.to_dict()
                supersteps.append(supersteps_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if thread_id is not UNSET:
            field_dict["thread_id"] = thread_id
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if if_exists is not UNSET:
            field_dict["if_exists"] = if_exists
        if ttl is not UNSET:
            field_dict["ttl"] = ttl
        if supersteps is not UNSET:
            field_dict["supersteps"] = supersteps

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _thread_id = d.pop("thread_id", UNSET)
        thread_id: UUID | Unset
        if isinstance(_thread_id, Unset):
            thread_id = UNSET
        else:
            thread_id = UUID(_thread_id)

        _metadata = d.pop("metadata", UNSET)
        metadata: ThreadCreateMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = ThreadCreateMetadata.from_dict(_metadata)

        _if_exists = d.pop("if_exists", UNSET)
        if_exists: ThreadCreateIfExists | Unset
        if isinstance(_if_exists, Unset):
            if_exists = UNSET
        else:
            if_exists = ThreadCreateIfExists(_if_exists)

        _ttl = d.pop("ttl", UNSET)
        ttl: ThreadCreateTTL | Unset
        if isinstance(_ttl, Unset):
            ttl = UNSET
        else:
            ttl = ThreadCreateTTL.from_dict(_ttl)

        _supersteps = d.pop("supersteps", UNSET)
        supersteps: list[ThreadCreateSuperstepsItem] | Unset = UNSET
        if _supersteps is not UNSET:
            supersteps = []
            for supersteps_item_data in _supersteps:
                supersteps_item = ThreadCreateSuperstepsItem.from_dict(
                    supersteps_item_data
                )

                supersteps.append(supersteps_item)

        thread_create = cls(
            thread_id=thread_id,
            metadata=metadata,
            if_exists=if_exists,
            ttl=ttl,
            supersteps=supersteps,
        )

        thread_create.additional_properties = d
        return thread_create

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: object) -> bool:
        return key in self.additional_properties


# Related models: imported once, after the class (openapi/templates/model.py.jinja.patch)
from ..models.thread_create_metadata import ThreadCreateMetadata
from ..models.thread_create_supersteps_item import ThreadCreateSuperstepsItem
from ..models.thread_create_ttl import ThreadCreateTTL
