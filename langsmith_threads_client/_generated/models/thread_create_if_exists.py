from enum import StrEnum
from typing import Any


class ThreadCreateIfExists(StrEnum):
    DO_NOTHING = "do_nothing"
    RAISE = "raise"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: Any) -> "ThreadCreateIfExists | None":
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return member
