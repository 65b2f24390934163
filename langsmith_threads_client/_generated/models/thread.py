from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.thread_status import ThreadStatus
from ..types import UNSET, Unset, parse_datetime

if TYPE_CHECKING:
    from ..models.thread_config import ThreadConfig
    from ..models.thread_extracted import ThreadExtracted
    from ..models.thread_interrupts import ThreadInterrupts
    from ..models.thread_metadata import ThreadMetadata
    from ..models.thread_ttl_info import ThreadTTLInfo
    from ..models.thread_values import ThreadValues


T = TypeVar("T", bound="Thread")


@_attrs_define
class Thread:
    """
    Attributes:
        thread_id (UUID): The ID of the thread.
        created_at (datetime.datetime): The time the thread was created.
        updated_at (datetime.datetime): The last time the thread was updated.
        metadata (ThreadMetadata): The thread metadata.
        status (ThreadStatus): The status of the thread.
        state_updated_at (datetime.datetime | Unset): The last time the thread state was updated.
        config (ThreadConfig | Unset): The thread config.
        values (None | ThreadValues | Unset): The current state of the thread.
        interrupts (None | ThreadInterrupts | Unset): The current interrupts of the thread.
        ttl (ThreadTTLInfo | Unset): TTL information if set for this thread. Only present when ?include=ttl is passed.
        extracted (ThreadExtracted | Unset): Extracted values from thread JSONB columns, populated when extract is
            specified in search request.
    """

    thread_id: UUID
    created_at: datetime.datetime
    updated_at: datetime.datetime
    metadata: ThreadMetadata
    status: ThreadStatus
    state_updated_at: datetime.datetime | Unset = UNSET
    config: ThreadConfig | Unset = UNSET
    values: None | ThreadValues | Unset = UNSET
    interrupts: None | ThreadInterrupts | Unset = UNSET
    ttl: ThreadTTLInfo | Unset = UNSET
    extracted: ThreadExtracted | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        thread_id = str(self.thread_id)

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        metadata = self.metadata.to_dict()

        status = self.status.value

        state_updated_at: str | Unset = UNSET
        if not isinstance(self.state_updated_at, Unset):
            state_updated_at = self.state_updated_at.isoformat()

        config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.config, Unset):
            config = self.config.to_dict()

        values: dict[str, Any] | None | Unset
        if isinstance(self.values, Unset):
            values = UNSET
        elif isinstance(self.values, ThreadValues):
            values = self.values.to_dict()
        else:
            values = self.values

        interrupts: dict[str, Any] | None | Unset
        if isinstance(self.interrupts, Unset):
            interrupts = UNSET
        elif isinstance(self.interrupts, ThreadInterrupts):
            interrupts = self.interrupts.to_dict()
        else:
            interrupts = self.interrupts

        ttl: dict[str, Any] | Unset = UNSET
        if not isinstance(self.ttl, Unset):
            ttl = self.ttl.to_dict()

        extracted: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extracted, Unset):
            extracted = self.extracted.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "thread_id": thread_id,
                "created_at": created_at,
                "updated_at": updated_at,
                "metadata": metadata,
                "status": status,
            }
        )
        if state_updated_at is not UNSET:
            field_dict["state_updated_at"] = state_updated_at
        if config is not UNSET:
            field_dict["config"] = config
        if values is not UNSET:
            field_dict["values"] = values
        if interrupts is not UNSET:
            field_dict["interrupts"] = interrupts
        if ttl is not UNSET:
            field_dict["ttl"] = ttl
        if extracted is not UNSET:
            field_dict["extracted"] = extracted

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        thread_id = UUID(d.pop("thread_id"))

        created_at = parse_datetime(d.pop("created_at"))

        updated_at = parse_datetime(d.pop("updated_at"))

        metadata = ThreadMetadata.from_dict(d.pop("metadata"))

        status = ThreadStatus(d.pop("status"))

        _state_updated_at = d.pop("state_updated_at", UNSET)
        state_updated_at: datetime.datetime | Unset
        if isinstance(_state_updated_at, Unset):
            state_updated_at = UNSET
        else:
            state_updated_at = parse_datetime(_state_updated_at)

        _config = d.pop("config", UNSET)
        config: ThreadConfig | Unset
        if isinstance(_config, Unset):
            config = UNSET
        else:
            config = ThreadConfig.from_dict(_config)

        def _parse_values(data: object) -> None | ThreadValues | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                values_type_0 = ThreadValues.from_dict(data)

                return values_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ThreadValues | Unset, data)

        values = _parse_values(d.pop("values", UNSET))

        def _parse_interrupts(data: object) -> None | ThreadInterrupts | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                interrupts_type_0 = ThreadInterrupts.from_dict(data)

                return interrupts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ThreadInterrupts | Unset, data)

        interrupts = _parse_interrupts(d.pop("interrupts", UNSET))

        _ttl = d.pop("ttl", UNSET)
        ttl: ThreadTTLInfo | Unset
        if isinstance(_ttl, Unset):
            ttl = UNSET
        else:
            ttl = ThreadTTLInfo.from_dict(_ttl)

        _extracted = d.pop("extracted", UNSET)
        extracted: ThreadExtracted | Unset
        if isinstance(_extracted, Unset):
            extracted = UNSET
        else:
            extracted = ThreadExtracted.from_dict(_extracted)

        thread = cls(
            thread_id=thread_id,
            created_at=created_at,
            updated_at=updated_at,
            metadata=metadata,
            status=status,
            state_updated_at=state_updated_at,
            config=config,
            values=values,
            interrupts=interrupts,
            ttl=ttl,
            extracted=extracted,
        )

        thread.additional_properties = d
        return thread

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
from ..models.thread_config import ThreadConfig
from ..models.thread_extracted import ThreadExtracted
from ..models.thread_interrupts import ThreadInterrupts
from ..models.thread_metadata import ThreadMetadata
from ..models.thread_ttl_info import ThreadTTLInfo
from ..models.thread_values import ThreadValues
