from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.thread_superstep_update import ThreadSuperstepUpdate


T = TypeVar("T", bound="ThreadCreateSuperstepsItem")


@_attrs_define
class ThreadCreateSuperstepsItem:
    """
    Attributes:
        updates (list[ThreadSuperstepUpdate]):
    """

    updates: list[ThreadSuperstepUpdate]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        updates = []
        for updates_item_data in self.updates:
            updates_item = updates_item_data.to_dict()
            updates.append(updates_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "updates": updates,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        updates = []
        _updates = d.pop("updates")
        for updates_item_data in _updates:
            updates_item = ThreadSuperstepUpdate.from_dict(updates_item_data)

            updates.append(updates_item)

        thread_create_supersteps_item = cls(
            updates=updates,
        )

        thread_create_supersteps_item.additional_properties = d
        return thread_create_supersteps_item

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
from ..models.thread_superstep_update import ThreadSuperstepUpdate
