from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.command import Command
    from ..models.thread_superstep_update_values_type_0_item import (
        ThreadSuperstepUpdateValuesType0Item,
    )
    from ..models.thread_superstep_update_values_type_1 import (
        ThreadSuperstepUpdateValuesType1,
    )


T = TypeVar("T", bound="ThreadSuperstepUpdate")


@_attrs_define
class ThreadSuperstepUpdate:
    """
    Attributes:
        as_node (str): Update the state as if this node had just executed.
        values (list[ThreadSuperstepUpdateValuesType0Item] | None | ThreadSuperstepUpdateValuesType1 | Unset):
        command (Command | None | Unset): The command associated with the update.
    """

    as_node: str
    values: (
        list[ThreadSuperstepUpdateValuesType0Item]
        | None
        | ThreadSuperstepUpdateValuesType1
        | Unset
    ) = UNSET
    command: Command | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        as_node = self.as_node

        values: dict[str, Any] | list[dict[str, Any]] | None | Unset
        if isinstance(self.values, Unset):
            values = UNSET
        elif isinstance(self.values, list):
            values = []
            for values_type_0_item_data in self.values:
                values_type_0_item = values_type_0_item_data.to_dict()
                values.append(values_type_0_item)

        elif isinstance(self.values, ThreadSuperstepUpdateValuesType1):
            values = self.values.to_dict()
        else:
            values = self.values

        command: dict[str, Any] | None | Unset
        if isinstance(self.command, Unset):
            command = UNSET
        elif isinstance(self.command, Command):
            command = self.command.to_dict()
        else:
            command = self.command

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "as_node": as_node,
            }
        )
        if values is not UNSET:
            field_dict["values"] = values
        if command is not UNSET:
            field_dict["command"] = command

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        as_node = d.pop("as_node")

        def _parse_values(
            data: object,
        ) -> (
            list[ThreadSuperstepUpdateValuesType0Item]
            | None
            | ThreadSuperstepUpdateValuesType1
            | Unset
        ):
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                values_type_0 = []
                _values_type_0 = data
                for values_type_0_item_data in _values_type_0:
                    values_type_0_item = ThreadSuperstepUpdateValuesType0Item.from_dict(
                        values_type_0_item_data
                    )

                    values_type_0.append(values_type_0_item)

                return values_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                values_type_1 = ThreadSuperstepUpdateValuesType1.from_dict(data)

                return values_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                list[ThreadSuperstepUpdateValuesType0Item]
                | None
                | ThreadSuperstepUpdateValuesType1
                | Unset,
                data,
            )

        values = _parse_values(d.pop("values", UNSET))

        def _parse_command(data: object) -> Command | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                command_type_0 = Command.from_dict(data)

                return command_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Command | None | Unset, data)

        command = _parse_command(d.pop("command", UNSET))

        thread_superstep_update = cls(
            as_node=as_node,
            values=values,
            command=command,
        )

        thread_superstep_update.additional_properties = d
        return thread_superstep_update

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
from ..models.command import Command
from ..models.thread_superstep_update_values_type_0_item import (
    ThreadSuperstepUpdateValuesType0Item,
)
from ..models.thread_superstep_update_values_type_1 import (
    ThreadSuperstepUpdateValuesType1,
)
