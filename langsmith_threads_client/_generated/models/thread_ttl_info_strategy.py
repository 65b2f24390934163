from enum import StrEnum
from typing import Any


class ThreadTTLInfoStrategy(StrEnum):
    DELETE = "delete"
    KEEP_LATEST = "keep_latest"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def _missing_(cls, value: Any) -> "ThreadTTLInfoStrategy | None":
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return member
