"""Contains all the data models used in inputs/outputs"""

from .command import Command
from .command_update import CommandUpdate
from .error_response import ErrorResponse
from .send import Send
from .thread import Thread
from .thread_config import ThreadConfig
from .thread_create import ThreadCreate
from .thread_create_if_exists import ThreadCreateIfExists
from .thread_create_metadata import ThreadCreateMetadata
from .thread_create_supersteps_item import ThreadCreateSuperstepsItem
from .thread_create_ttl import ThreadCreateTTL
from .thread_create_ttl_strategy import ThreadCreateTTLStrategy
from .thread_extracted import ThreadExtracted
from .thread_interrupts import ThreadInterrupts
from .thread_metadata import ThreadMetadata
from .thread_status import ThreadStatus
from .thread_superstep_update import ThreadSuperstepUpdate
from .thread_superstep_update_values_type_0_item import (
    ThreadSuperstepUpdateValuesType0Item,
)
from .thread_superstep_update_values_type_1 import ThreadSuperstepUpdateValuesType1
from .thread_ttl_info import ThreadTTLInfo
from .thread_ttl_info_strategy import ThreadTTLInfoStrategy
from .thread_values import ThreadValues

__all__ = (
    "Command",
    "CommandUpdate",
    "ErrorResponse",
    "Send",
    "Thread",
    "ThreadConfig",
    "ThreadCreate",
    "ThreadCreateIfExists",
    "ThreadCreateMetadata",
    "ThreadCreateSuperstepsItem",
    "ThreadCreateTTL",
    "ThreadCreateTTLStrategy",
    "ThreadExtracted",
    "ThreadInterrupts",
    "ThreadMetadata",
    "ThreadStatus",
    "ThreadSuperstepUpdate",
    "ThreadSuperstepUpdateValuesType0Item",
    "ThreadSuperstepUpdateValuesType1",
    "ThreadTTLInfo",
    "ThreadTTLInfoStrategy",
    "ThreadValues",
)
