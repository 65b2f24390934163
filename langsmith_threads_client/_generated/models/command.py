from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.command_update import CommandUpdate
    from ..models.send import Send


T = TypeVar("T", bound="Command")


@_attrs_define
class Command:
    """The command to run.

    Attributes:
        update (CommandUpdate | list[Any] | None | Unset): An update to the state.
        resume (Any | Unset): A value to pass to an interrupted node: any JSON value.
        goto (list[Send | str] | None | Send | str | Unset): Name of the node(s) to navigate to next or node(s) to be
            executed with a provided input.
    """

    update: CommandUpdate | list[Any] | None | Unset = UNSET
    resume: Any | Unset = UNSET
    goto: list[Send | str] | None | Send | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        update: dict[str, Any] | list[Any] | None | Unset
        if isinstance(self.update, Unset):
            update = UNSET
        elif isinstance(self.update, CommandUpdate):
            update = self.update.to_dict()
        elif isinstance(self.update, list):
            update = self.update

        else:
            update = self.update

        resume = self.resume

        goto: dict[str, Any] | list[dict[str, Any] | str] | None | str | Unset
        if isinstance(self.goto, Unset):
            goto = UNSET
        elif isinstance(self.goto, Send):
            goto = self.goto.to_dict()
        elif isinstance(self.goto, list):
            goto = []
            for goto_type_2_item_data in self.goto:
                goto_type_2_item: dict[str, Any] | str
                if isinstance(goto_type_2_item_data, Send):
                    goto_type_2_item = goto_type_2_item_data.to_dict()
                else:
                    goto_type_2_item = goto_type_2_item_data
                goto.append(goto_type_2_item)

        else:
            goto = self.goto

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if update is not UNSET:
            field_dict["update"] = update
        if resume is not UNSET:
            field_dict["resume"] = resume
        if goto is not UNSET:
            field_dict["goto"] = goto

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_update(data: object) -> CommandUpdate | list[Any] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                update_type_0 = CommandUpdate.from_dict(data)

                return update_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, list):
                    raise TypeError()
                update_type_1 = cast(list[Any], data)

                return update_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CommandUpdate | list[Any] | None | Unset, data)

        update = _parse_update(d.pop("update", UNSET))

        resume = d.pop("resume", UNSET)

        def _parse_goto(data: object) -> list[Send | str] | None | Send | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                goto_type_0 = Send.from_dict(data)

                return goto_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, list):
                    raise TypeError()
                goto_type_2 = []
                _goto_type_2 = data
                for goto_type_2_item_data in _goto_type_2:

                    def _parse_goto_type_2_item(data: object) -> Send | str:
                        try:
                            if not isinstance(data, dict):
                                raise TypeError()
                            goto_type_2_item_type_0 = Send.from_dict(data)

                            return goto_type_2_item_type_0
                        except (TypeError, ValueError, AttributeError, KeyError):
                            pass
                        return cast(Send | str, data)

                    goto_type_2_item = _parse_goto_type_2_item(goto_type_2_item_data)

                    goto_type_2.append(goto_type_2_item)

                return goto_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Send | str] | None | Send | str | Unset, data)

        goto = _parse_goto(d.pop("goto", UNSET))

        command = cls(
            update=update,
            resume=resume,
            goto=goto,
        )

        command.additional_properties = d
        return command

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
from ..models.command_update import CommandUpdate
from ..models.send import Send
